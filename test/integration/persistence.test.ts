import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, addTag, readMap, readNodes, updateFactor } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, spawnServer, startTestServer, tempDataDir, type ServerProcess, type TestServer } from '../helpers/server';

let clients: Client[] = [];
let processes: ServerProcess[] = [];
let servers: TestServer[] = [];

afterEach(async () => {
  for (const client of clients) client.destroy();
  clients = [];
  for (const server of servers) await server.close();
  servers = [];
  for (const proc of processes) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await proc.exited;
  }
  processes = [];
});

function connect(wsUrl: string, mapId: string, token: string): Client {
  const client = connectClient(wsUrl, mapId, token);
  clients.push(client);
  return client;
}

async function spawn(dataDir: string, port?: number): Promise<ServerProcess> {
  const proc = await spawnServer({ dataDir, ...(port !== undefined ? { port } : {}) });
  processes.push(proc);
  return proc;
}

/** Starts the server again on the same port if it is free, else on a new one (say which in the test). */
async function respawn(dataDir: string, port: number): Promise<ServerProcess> {
  try {
    return await spawn(dataDir, port);
  } catch (error) {
    if (!/already in use/.test((error as Error).message)) throw error;
    return spawn(dataDir);
  }
}

function view(doc: Y.Doc) {
  const map = readMap(doc);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return JSON.stringify({ title: map.meta.title, nodes: [...map.nodes].sort(byId), edges: [...map.edges].sort(byId) });
}

async function counts(url: string, mapId: string, token: string): Promise<{ nodes: number; edges: number }> {
  const res = await fetch(`${url}/api/maps/${mapId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { nodes: number; edges: number };
}

describe('persistence', () => {
  it('edits survive a graceful restart of the server', async () => {
    const first = await startTestServer();
    servers.push(first);
    const map = await createMap(first.url, { title: 'Survives restarts' });
    const a = connect(first.wsUrl, map.id, map.tokens.editor);
    const b = connect(first.wsUrl, map.id, map.tokens.editor);
    await waitSynced(a);
    await waitSynced(b);
    const x = addFactor(a.doc, { label: 'Caseload', x: 1, y: 2, tags: ['staff'] });
    const y = addFactor(a.doc, { label: 'Time per client' });
    addLink(a.doc, { source: x, target: y, polarity: '-', delay: true });
    addTag(a.doc, y, 'time');
    updateFactor(a.doc, x, { x: 50, note: 'per worker' });
    await waitFor(() => view(b.doc) === view(a.doc), 'b to see every edit (so the server has stored them)');
    const expected = view(b.doc);

    for (const client of clients) client.destroy();
    clients = [];
    await first.close();
    servers = [];

    const second = await startTestServer({ dataDir: first.dataDir });
    servers.push(second);
    const c = connect(second.wsUrl, map.id, map.tokens.viewer);
    await waitSynced(c);
    expect(view(c.doc)).toBe(expected);
    expect(readNodes(c.doc)).toHaveLength(2);
    expect(await counts(second.url, map.id, map.tokens.viewer)).toMatchObject({ nodes: 2, edges: 1 });
  });

  it('SIGKILL loses nothing: 500 edits seen by another client are all there after a restart', async () => {
    const dataDir = tempDataDir();
    const first = await spawn(dataDir);
    const map = await createMap(first.url, { title: 'Kill me' });
    const a = connect(first.wsUrl, map.id, map.tokens.editor);
    const b = connect(first.wsUrl, map.id, map.tokens.editor);
    await waitSynced(a);
    await waitSynced(b);

    const labels = Array.from({ length: 500 }, (_, i) => `edit ${String(i).padStart(3, '0')}`);
    // 500 separate edits (one transaction, hence one update message, each).
    for (const label of labels) addFactor(a.doc, { label });
    await waitFor(() => readNodes(b.doc).length === 500, 'b to have seen all 500 edits', 30_000);

    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    // Nothing else may re-deliver the edits: only the database has them now.
    for (const client of clients) client.destroy();
    clients = [];

    const second = await respawn(dataDir, first.port);
    const c = connect(second.wsUrl, map.id, map.tokens.viewer);
    await waitSynced(c, 15_000);
    expect(readNodes(c.doc).map((n) => n.label).sort()).toEqual(labels);
    expect(await counts(second.url, map.id, map.tokens.viewer)).toMatchObject({ nodes: 500, edges: 0 });
  });

  it('edits a client makes while the server is down are delivered when it comes back', async () => {
    const dataDir = tempDataDir();
    const first = await spawn(dataDir);
    const map = await createMap(first.url, {});
    const a = connect(first.wsUrl, map.id, map.tokens.editor);
    const b = connect(first.wsUrl, map.id, map.tokens.editor);
    await waitSynced(a);
    await waitSynced(b);
    const before = addFactor(a.doc, { label: 'Before the outage' });
    await waitFor(() => readNodes(b.doc).length === 1, 'b to see the first factor');

    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 'clients to notice the server is gone');

    // Offline edits, held by the client.
    const during = addFactor(a.doc, { label: 'Added during the outage', x: 7 });
    updateFactor(a.doc, before, { label: 'Renamed during the outage' });
    addLink(a.doc, { source: before, target: during, polarity: '-' });
    expect(readNodes(b.doc)).toHaveLength(1);

    const second = await respawn(dataDir, first.port);
    if (second.port !== first.port) {
      // The port was taken meanwhile: point the same providers at the new one.
      a.provider.serverUrl = second.wsUrl;
      b.provider.serverUrl = second.wsUrl;
    }
    const delivered = (doc: Y.Doc) => {
      const map = readMap(doc);
      return map.nodes.length === 2 && map.edges.length === 1 && map.nodes.some((n) => n.label === 'Renamed during the outage');
    };
    // The client reconnects by itself (backoff ≤ 2.5 s) and sends what the server lacks.
    await waitFor(() => delivered(b.doc), 'the other client to receive the offline edits', 20_000);
    const c = connect(second.wsUrl, map.id, map.tokens.viewer);
    await waitSynced(c);
    expect(delivered(c.doc)).toBe(true);
    expect(view(c.doc)).toBe(view(a.doc));

    // And they were stored, not only relayed: they survive another kill.
    second.child.kill('SIGKILL');
    await second.exited;
    for (const client of clients) client.destroy();
    clients = [];
    const third = await spawn(dataDir);
    const d = connect(third.wsUrl, map.id, map.tokens.viewer);
    await waitSynced(d);
    expect(delivered(d.doc)).toBe(true);
  });

  it('SIGTERM stops the server cleanly (exit code 0) and keeps the data', async () => {
    const dataDir = tempDataDir();
    const first = await spawn(dataDir);
    const map = await createMap(first.url, { title: 'Graceful' });
    const a = connect(first.wsUrl, map.id, map.tokens.facilitator);
    const b = connect(first.wsUrl, map.id, map.tokens.editor);
    await waitSynced(a);
    await waitSynced(b);
    for (let i = 0; i < 20; i++) addFactor(a.doc, { label: `factor ${i}` });
    await waitFor(() => readNodes(b.doc).length === 20, 'b to see all edits');
    const expected = view(b.doc);

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.output()).toMatch(/SIGTERM/);
    // Connected clients were told the server is going away and are now offline.
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 'clients to be disconnected');
    for (const client of clients) client.destroy();
    clients = [];

    const second = await spawn(dataDir);
    const c = connect(second.wsUrl, map.id, map.tokens.viewer);
    await waitSynced(c);
    expect(view(c.doc)).toBe(expected);
    expect(await counts(second.url, map.id, map.tokens.viewer)).toMatchObject({ nodes: 20, edges: 0 });
  });
});
