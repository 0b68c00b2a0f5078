import net from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { addFactor, addLink, addTag, initMap, nodesMap, readMap, readNodes, removeFactor, updateFactor } from '../../src/core/model';
import { seedTemplate } from '../../server/templates';
import { connectClient, nextCloseCode, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, spawnServer, startTestServer, tempDataDir, type CreatedMap, type ServerProcess, type TestServer } from '../helpers/server';
import { prng } from '../helpers/prng';
import { awarenessMessage } from '../helpers/frames';

const MAX_MESSAGE_BYTES = 64 * 1024;

let server: TestServer;
let clients: Client[] = [];
let sockets: WebSocket[] = [];
let processes: ServerProcess[] = [];

beforeAll(async () => {
  // The fuzz test opens over a thousand connections from one address: lift the per-address
  // connection rate limit (tested elsewhere) well above that.
  server = await startTestServer({ limits: { maxMessageBytes: MAX_MESSAGE_BYTES, connectionsPerMin: 100_000 } });
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  clients = [];
  for (const ws of sockets) ws.terminate();
  sockets = [];
  for (const proc of processes) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc.exited;
  }
  processes = [];
});

afterAll(async () => {
  await server?.close();
});

// ---------------------------------------------------------------- helpers

function connect(map: CreatedMap | { id: string }, token: string): Client {
  const client = connectClient(server.wsUrl, map.id, token);
  clients.push(client);
  return client;
}

async function join(map: CreatedMap, role: keyof CreatedMap['tokens'] = 'editor'): Promise<Client> {
  const client = connect(map, map.tokens[role]);
  await waitSynced(client);
  return client;
}

/** Counts the times a stock client lost its connection. */
function closeCounter(client: Client): { count: number } {
  const counter = { count: 0 };
  client.provider.on('connection-close', () => counter.count++);
  return counter;
}

function syncMessage(type: 0 | 1 | 2, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}


function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function isSyncStep(bytes: Uint8Array, step: 0 | 1): boolean {
  try {
    const decoder = decoding.createDecoder(bytes);
    return decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === step;
  } catch {
    return false;
  }
}

/**
 * A round trip on a stock client's own socket: sends sync step 1 and waits for
 * the server's step 2. The server answers step 1 only after every update it
 * received earlier has been stored and relayed, so anything the server would
 * have sent this client before now has arrived.
 */
async function roundTrip(client: Client): Promise<void> {
  const ws = client.provider.ws as unknown as WebSocket | null;
  if (!ws) throw new Error('roundTrip: the client is not connected');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error('roundTrip: no sync step 2 within 5 s'));
    }, 5_000);
    const onMessage = (data: Buffer | ArrayBuffer) => {
      if (!isSyncStep(toBytes(data), 1)) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(syncMessage(0, Y.encodeStateVector(client.doc)));
  });
}

/** A raw socket on the sync endpoint; `joined` resolves on the server's first message (sync step 1). */
function rawSocket(path: string): { ws: WebSocket; opened: Promise<void>; joined: Promise<void>; closed: Promise<number> } {
  const ws = new WebSocket(`${server.wsUrl}/${path}`);
  sockets.push(ws);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const joined = new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    void closed.then((code) => reject(new Error(`closed (${code}) before joining`)));
  });
  joined.catch(() => {});
  opened.catch(() => {});
  return { ws, opened, joined, closed };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

interface ExportFile {
  format: string;
  nodes: Array<{ id: string; label: string } & Record<string, unknown>>;
  edges: Array<{ id: string } & Record<string, unknown>>;
}

async function exportJson(map: CreatedMap, role: keyof CreatedMap['tokens'] = 'viewer'): Promise<ExportFile> {
  const res = await fetch(`${server.url}/api/maps/${map.id}/export?format=json`, { headers: { Authorization: `Bearer ${map.tokens[role]}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as ExportFile;
}


// ---------------------------------------------------------------- tests

describe('roles: a viewer cannot change the map', () => {
  it('a viewer\'s edits never reach the server\'s document nor other clients', async () => {
    const map = await createMap(server.url, { title: 'Read only for viewers' });
    const editor = await join(map);
    const base = addFactor(editor.doc, { label: 'Original label', x: 1, y: 1 });
    const other = addFactor(editor.doc, { label: 'Other' });
    addLink(editor.doc, { source: base, target: other });
    const viewer = await join(map, 'viewer');
    await waitFor(() => readNodes(viewer.doc).length === 2, 'the viewer to receive the map');
    const before = await exportJson(map);

    // The viewer's stock client writes locally and sends the updates as any client would.
    addFactor(viewer.doc, { label: 'Planted by a viewer' });
    updateFactor(viewer.doc, base, { label: 'Defaced', x: 999 });
    addTag(viewer.doc, base, 'viewer-tag');
    removeFactor(viewer.doc, other);
    nodesMap(viewer.doc).set('raw-entry', new Y.Map());
    expect(readNodes(viewer.doc).map((n) => n.label)).toContain('Planted by a viewer');

    // Barrier: the viewer's presence comes after its updates on the same socket.
    viewer.provider.awareness.setLocalStateField('user', { name: 'Viewer' });
    const viewerName = () => (editor.provider.awareness.getStates().get(viewer.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;
    await waitFor(() => viewerName() === 'Viewer', 'the editor to see the viewer\'s presence');
    await roundTrip(editor);

    // Not at the other client…
    expect(readMap(editor.doc).nodes.map((n) => n.label).sort()).toEqual(['Original label', 'Other']);
    expect(readNodes(editor.doc).find((n) => n.id === base)).toMatchObject({ label: 'Original label', x: 1, tags: [] });
    expect(nodesMap(editor.doc).has('raw-entry')).toBe(false);
    // …nor on the server: a fresh editor, and the export.
    const fresh = await join(map);
    expect(readMap(fresh.doc).nodes.map((n) => n.label).sort()).toEqual(['Original label', 'Other']);
    expect(readMap(fresh.doc).edges).toHaveLength(1);
    expect(nodesMap(fresh.doc).has('raw-entry')).toBe(false);
    const after = await exportJson(map);
    expect(after.nodes).toEqual(before.nodes);
    expect(after.edges).toEqual(before.edges);
  });

  it('a viewer cannot write with hand-made sync step 2 or update messages either', async () => {
    const map = await createMap(server.url, {});
    const editor = await join(map);
    addFactor(editor.doc, { label: 'Only factor' });
    await roundTrip(editor);

    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(editor.doc));
    const sv = Y.encodeStateVector(forged);
    addFactor(forged, { label: 'Forged by a viewer' });
    const update = Y.encodeStateAsUpdate(forged, sv);

    const raw = rawSocket(`${map.id}?token=${encodeURIComponent(map.tokens.viewer)}`);
    await raw.joined;
    raw.ws.send(syncMessage(2, update));
    raw.ws.send(syncMessage(1, update));
    raw.ws.send(syncMessage(2, Y.encodeStateAsUpdate(forged)));
    // Barrier on the viewer's socket: the server answers this step 1 after handling the above.
    const answered = new Promise<void>((resolve) => raw.ws.on('message', (data: Buffer) => {
      if (isSyncStep(toBytes(data), 1)) resolve();
    }));
    raw.ws.send(syncMessage(0, Y.encodeStateVector(new Y.Doc())));
    await withTimeout(answered, 5_000, 'the server to answer the viewer\'s step 1');
    await roundTrip(editor);

    expect(readNodes(editor.doc).map((n) => n.label)).toEqual(['Only factor']);
    const fresh = await join(map);
    expect(readNodes(fresh.doc).map((n) => n.label)).toEqual(['Only factor']);
    expect((await exportJson(map)).nodes.map((n) => n.label)).toEqual(['Only factor']);
  });
});

describe('close codes', () => {
  it('a bad token gets close code 4401', async () => {
    const map = await createMap(server.url, {});
    const another = await createMap(server.url, {});
    const cases: Array<[string, string]> = [
      ['a made-up token', 'not-a-real-token'],
      ['another map\'s editor token', another.tokens.editor],
      ['an empty token', ''],
      ['an overlong token', 'x'.repeat(5_000)],
    ];
    for (const [what, token] of cases) {
      const client = connect(map, token);
      expect(await nextCloseCode(client), what).toBe(4401);
      expect(client.provider.synced, what).toBe(false);
    }
    // No token parameter at all.
    const raw = rawSocket(map.id);
    expect(await withTimeout(raw.closed, 5_000, 'close without token')).toBe(4401);
  });

  it('an unknown map gets close code 4404, for a well-formed and for a malformed id', async () => {
    const map = await createMap(server.url, {});
    const ids: Array<[string, string]> = [
      ['a well-formed unknown id', 'AAAAAAAAAAAAAAAAAAAAAA'],
      ['a too short id', 'short'],
      ['a too long id', 'a'.repeat(65)],
      ['an id with a dot', 'has.a.dot.in.it'],
    ];
    for (const [what, id] of ids) {
      const client = connect({ id }, map.tokens.editor);
      expect(await nextCloseCode(client), what).toBe(4404);
    }
  });

  it('a message over the size limit gets 4413, and the room carries on for the others', async () => {
    const map = await createMap(server.url, {});
    const a = await join(map);
    const b = await join(map);
    const aCloses = closeCounter(a);
    const bCloses = closeCounter(b);
    const big = await join(map);
    const closed = nextCloseCode(big);

    // One update of about 70 KB: over the 64 KiB limit this server was started with.
    big.doc.getMap('meta').set('blob', 'x'.repeat(MAX_MESSAGE_BYTES + 5_000));
    expect(await closed).toBe(4413);

    // The others were not disturbed and still edit together.
    const id = addFactor(a.doc, { label: 'After the big message' });
    await waitFor(() => readNodes(b.doc).some((n) => n.id === id), 'b to receive the edit from a');
    expect(aCloses.count).toBe(0);
    expect(bCloses.count).toBe(0);
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    // The oversize update was not applied.
    const fresh = await join(map);
    expect(fresh.doc.getMap('meta').get('blob')).toBeUndefined();
    expect(b.doc.getMap('meta').get('blob')).toBeUndefined();
  });

  it('a message far over the size limit (5×) also gets 4413, not a bare protocol error', async () => {
    const map = await createMap(server.url, {});
    const raw = rawSocket(`${map.id}?token=${encodeURIComponent(map.tokens.editor)}`);
    await raw.joined;
    raw.ws.send(Buffer.alloc(5 * MAX_MESSAGE_BYTES, 1));
    // 1009 (and 1006) are retried by y-websocket: a client holding such an update would reconnect forever.
    expect(await withTimeout(raw.closed, 5_000, 'the oversize socket to close')).toBe(4413);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('malformed input', () => {
  it('1,000 malformed frames each close only their own connection; the room, its content and the server carry on', async () => {
    const map = await createMap(server.url, { template: 'women-services' });
    const watcher = await join(map);
    const watcherCloses = closeCounter(watcher);
    const editor = await join(map);
    const before = await exportJson(map);
    expect(before.nodes).toHaveLength(40);

    // Real protocol material to mangle, built with fixed client ids, ids and times so that
    // the frames are the same on every run.
    const scratch = new Y.Doc();
    scratch.clientID = 1;
    initMap(scratch, { mapId: 'fuzz-material', title: 'Fuzz', createdAt: 0 });
    seedTemplate(scratch, 'women-services');
    const sv = Y.encodeStateVector(scratch);
    const small = (() => {
      const doc = new Y.Doc();
      doc.clientID = 2;
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      const ctx = { now: () => 0, author: 'fuzz' };
      const f = addFactor(doc, { id: 'fuzz-factor', label: 'fuzz material' }, ctx);
      addTag(doc, f, 'tag', ctx);
      updateFactor(doc, f, { x: 3 }, ctx);
      return updates;
    })();
    const full = Y.encodeStateAsUpdate(scratch);
    const realMessages = [
      syncMessage(0, sv),
      syncMessage(1, full),
      ...small.map((u) => syncMessage(2, u)),
      awarenessMessage([{ clientId: 123456, clock: 1, state: JSON.stringify({ user: { name: 'x' } }) }]),
    ];
    const realUpdates = [full, ...small];

    const rand = prng(20240611);
    const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
    const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));

    /** True when the frame is a complete, valid y-websocket message (then it is not malformed and is not sent). */
    const wellFormed = (frame: Uint8Array): boolean => {
      try {
        const d = decoding.createDecoder(frame);
        const type = decoding.readVarUint(d);
        if (type === 0) {
          const sub = decoding.readVarUint(d);
          const payload = decoding.readVarUint8Array(d);
          if (sub === 0) Y.decodeStateVector(payload);
          else if (sub === 1 || sub === 2) Y.decodeUpdate(payload);
          else return false;
        } else if (type === 1) {
          const u = decoding.createDecoder(decoding.readVarUint8Array(d));
          const n = decoding.readVarUint(u);
          for (let i = 0; i < n; i++) {
            decoding.readVarUint(u);
            decoding.readVarUint(u);
            JSON.parse(decoding.readVarString(u));
          }
          if (decoding.hasContent(u)) return false;
        } else if (type === 2) {
          decoding.readVarUint(d);
          decoding.readVarString(d);
        } else if (type !== 3) {
          return false;
        }
        return !decoding.hasContent(d);
      } catch {
        return false;
      }
    };

    const kinds = ['random', 'truncated', 'huge-length', 'unterminated-varint', 'wrong-type', 'wrong-sync-type', 'text', 'trailing', 'bad-update', 'bad-awareness', 'empty', 'bad-auth'] as const;
    type Kind = (typeof kinds)[number];
    const generate = (kind: Kind): Uint8Array | string => {
      switch (kind) {
        case 'random':
          return bytes(int(1, 96));
        case 'truncated': {
          const real = pick(realMessages);
          return real.slice(0, int(1, real.length - 1));
        }
        case 'huge-length': {
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, pick([0, 1]));
          if (rand() < 0.7) encoding.writeVarUint(e, int(0, 2));
          encoding.writeVarUint(e, pick([2 ** 31, 2 ** 32 + 7, 2 ** 45, Number.MAX_SAFE_INTEGER, 8 * 1024 * 1024, MAX_MESSAGE_BYTES * 2]));
          encoding.writeUint8Array(e, bytes(int(0, 32)));
          return encoding.toUint8Array(e);
        }
        case 'unterminated-varint':
          return Uint8Array.from([...bytes(int(0, 2)).map((b) => b & 0x03), ...new Array<number>(int(1, 20)).fill(0xff)]);
        case 'wrong-type': {
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, int(4, 2 ** 20));
          encoding.writeUint8Array(e, pick(realMessages).slice(1));
          return encoding.toUint8Array(e);
        }
        case 'wrong-sync-type': {
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, 0);
          encoding.writeVarUint(e, int(3, 10_000));
          encoding.writeVarUint8Array(e, pick(realUpdates));
          return encoding.toUint8Array(e);
        }
        case 'text':
          return rand() < 0.5 ? String.fromCharCode(...bytes(int(0, 64))) : JSON.stringify({ type: 'update', data: [0, 2, 1] });
        case 'trailing': {
          const real = pick(realMessages);
          return Uint8Array.from([...real, ...bytes(int(1, 16))]);
        }
        case 'bad-update': {
          // A well-framed message whose Yjs payload is cut short or mangled.
          const update = pick(realUpdates);
          const cut = update.slice(0, int(1, Math.max(1, update.length - 1)));
          if (rand() < 0.3) cut[int(0, cut.length - 1)] = int(0, 255);
          return syncMessage(pick([1, 2] as const), cut);
        }
        case 'bad-awareness': {
          const states = ['{"user":', 'undefined', '{\'a\':1}', '\u0000', ''];
          return awarenessMessage([{ clientId: int(0, 2 ** 31), clock: int(0, 1000), state: pick(states) }]);
        }
        case 'empty':
          return new Uint8Array(0);
        case 'bad-auth':
          return pick([Uint8Array.from([2]), Uint8Array.from([2, 0]), Uint8Array.from([2, 0, 5, 65])]);
      }
    };

    const frames: Array<{ kind: Kind; frame: Uint8Array | string }> = [];
    while (frames.length < 1_000) {
      const kind = kinds[frames.length % kinds.length]!;
      const frame = generate(kind);
      if (typeof frame !== 'string' && wellFormed(frame)) continue;
      frames.push({ kind, frame });
    }

    // Each frame on its own fresh editor connection; half sent as soon as the socket opens
    // (queued while the map loads), half after the server's first message. Bounded concurrency.
    const results: Array<{ kind: Kind; code: number }> = [];
    let next = 0;
    const worker = async () => {
      while (next < frames.length) {
        const index = next++;
        const { kind, frame } = frames[index]!;
        const raw = rawSocket(`${map.id}?token=${encodeURIComponent(map.tokens.editor)}`);
        if (index % 2 === 0) await raw.opened;
        else await raw.joined;
        raw.ws.send(frame, { binary: typeof frame !== 'string' });
        const code = await withTimeout(raw.closed, 5_000, `frame ${index} (${kind}) to close its connection`);
        results.push({ kind, code });
        sockets.splice(sockets.indexOf(raw.ws), 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    expect(results).toHaveLength(1_000);
    const wrong = results.filter((r) => r.code !== 4400);
    expect(wrong, `frames closed with another code than 4400: ${JSON.stringify(wrong.slice(0, 5))}`).toEqual([]);

    // The server and the room carry on.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const after = await exportJson(map);
    expect(after.nodes).toEqual(before.nodes);
    expect(after.edges).toEqual(before.edges);
    const fresh = await join(map);
    expect(readMap(fresh.doc).nodes).toHaveLength(40);
    expect(readMap(fresh.doc).edges).toHaveLength(70);
    // The watcher was never disconnected and still receives edits.
    expect(watcherCloses.count).toBe(0);
    expect(watcher.provider.wsconnected).toBe(true);
    const id = addFactor(editor.doc, { label: 'After the fuzzing' });
    await waitFor(() => readNodes(watcher.doc).some((n) => n.id === id), 'the watcher to receive a new edit');
    await waitFor(() => readNodes(fresh.doc).some((n) => n.id === id), 'the fresh client to receive a new edit');
  });

  async function spawnForCrash(): Promise<ServerProcess> {
    const proc = await spawnServer({ dataDir: tempDataDir() });
    processes.push(proc);
    return proc;
  }

  async function expectStillServing(proc: ServerProcess): Promise<void> {
    const health = await fetch(`${proc.url}/healthz`).then((r) => r.status, (e: Error) => `unreachable (${e.message})`);
    const exited = proc.child.exitCode !== null || proc.child.signalCode !== null;
    expect({ health, exited }, `the server process died; its output:\n${proc.output()}`).toEqual({ health: 200, exited: false });
  }

  it('a sync address with a broken %-escape is refused, and does not take the server down', async () => {
    const proc = await spawnForCrash();
    const map = await createMap(proc.url, {});
    const ws = new WebSocket(`${proc.wsUrl}/%ZZ${map.id}?token=${encodeURIComponent(map.tokens.editor)}`);
    sockets.push(ws);
    const code = await withTimeout(
      new Promise<number>((resolve) => {
        ws.once('close', (c) => resolve(c));
        ws.once('error', () => {});
      }),
      5_000, 'the socket to close',
    );
    await expectStillServing(proc);
    expect([4400, 4404]).toContain(code);
  });

  it('an upgrade request with an unparsable address is refused, and does not take the server down', async () => {
    const proc = await spawnForCrash();
    const answer = await withTimeout(
      new Promise<string>((resolve) => {
        let received = '';
        const socket = net.connect(proc.port, '127.0.0.1', () => {
          socket.write(
            'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          );
        });
        socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
        socket.on('error', () => {});
        socket.on('close', () => resolve(received));
        socket.setTimeout(3_000, () => socket.destroy());
      }),
      10_000, 'the upgrade answer',
    );
    await expectStillServing(proc);
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  });
});
