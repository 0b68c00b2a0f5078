import * as decoding from 'lib0/decoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, startTestServer, type CreatedMap, type TestServer } from '../helpers/server';
import { awarenessMessage } from '../helpers/frames';

let server: TestServer;
let clients: Client[] = [];
let sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const client of clients) client.destroy();
  clients = [];
  for (const ws of sockets) ws.terminate();
  sockets = [];
});

afterAll(async () => {
  await server?.close();
});

async function join(map: CreatedMap, options: { role?: keyof CreatedMap['tokens']; client?: string } = {}): Promise<Client> {
  const client = connectClient(server.wsUrl, map.id, map.tokens[options.role ?? 'editor'], options.client ? { client: options.client } : {});
  clients.push(client);
  await waitSynced(client);
  return client;
}



/** A raw protocol client: resolves once the server has answered (its sync step 1), i.e. it has joined the room. */
async function rawPeer(map: CreatedMap, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.wsUrl}/${map.id}?token=${encodeURIComponent(token)}`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw peer: no message from the server within 5 s')), 5_000);
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      const decoder = decoding.createDecoder(new Uint8Array(data));
      // Message type 0 (sync), sub-type 0 (step 1).
      if (decoding.readVarUint(decoder) === 0 && decoding.readVarUint(decoder) === 0) resolve();
      else reject(new Error('raw peer: the first message was not sync step 1'));
    });
    ws.once('close', (code) => reject(new Error(`raw peer: closed with ${code}`)));
  });
  return ws;
}

function nameOf(client: Client, clientId: number): string | undefined {
  const state = client.provider.awareness.getStates().get(clientId) as { user?: { name?: string } } | undefined;
  return state?.user?.name;
}

function clockOf(client: Client): number {
  return client.provider.awareness.meta.get(client.doc.clientID)?.clock ?? 0;
}

describe('awareness (presence)', () => {
  it('the presence of a client that leaves disappears from the others within a second', async () => {
    const map = await createMap(server.url, {});
    const a = await join(map);
    const b = await join(map);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice', colour: '#c00' });
    await waitFor(() => nameOf(b, a.doc.clientID) === 'Alice', 'b to see alice');

    const id = a.doc.clientID;
    const started = Date.now();
    a.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(id), 'alice to disappear at b', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(b.provider.awareness.getStates().has(b.doc.clientID)).toBe(true);
  });

  it('the presence of a connection that drops without a goodbye disappears within a second', async () => {
    const map = await createMap(server.url, {});
    const b = await join(map);
    const raw = await rawPeer(map, map.tokens.editor);
    const rawId = 0x51ab1e;
    raw.send(awarenessMessage([{ clientId: rawId, clock: 1, state: JSON.stringify({ user: { name: 'Dropped' } }) }]));
    await waitFor(() => nameOf(b, rawId) === 'Dropped', 'b to see the raw peer');

    // No "state null" message: the TCP connection just goes away (closed laptop, lost Wi-Fi).
    const started = Date.now();
    raw.terminate();
    await waitFor(() => !b.provider.awareness.getStates().has(rawId), 'the dropped peer to disappear at b', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a client cannot overwrite or remove another client\'s awareness entry', async () => {
    const map = await createMap(server.url, {});
    const a = await join(map);
    const c = await join(map, { role: 'viewer' });
    a.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await waitFor(() => nameOf(c, a.doc.clientID) === 'Alice', 'c to see alice');

    const raw = await rawPeer(map, map.tokens.editor);
    const victim = a.doc.clientID;
    const clock = clockOf(a);
    // A newer clock would win at every receiver if the server passed it on.
    raw.send(awarenessMessage([{ clientId: victim, clock: clock + 10, state: JSON.stringify({ user: { name: 'Mallory' } }) }]));
    raw.send(awarenessMessage([{ clientId: victim, clock: clock + 20, state: 'null' }]));
    const rawId = 0x7e57;
    raw.send(awarenessMessage([
      { clientId: victim, clock: clock + 30, state: JSON.stringify({ user: { name: 'Mallory again' } }) },
      { clientId: rawId, clock: 1, state: JSON.stringify({ user: { name: 'Raw' } }) },
    ]));
    // The raw peer's own entry comes after the forgeries on the same socket: once c has it, c would have had them.
    await waitFor(() => nameOf(c, rawId) === 'Raw', 'c to see the raw peer\'s own entry');
    expect(nameOf(c, victim)).toBe('Alice');

    // Alice's own later changes still win (her clock was not hijacked on the server).
    a.provider.awareness.setLocalStateField('user', { name: 'Alice (away)' });
    await waitFor(() => nameOf(c, victim) === 'Alice (away)', 'c to see alice\'s own update');
    expect(raw.readyState).toBe(WebSocket.OPEN);
  });

  for (const how of ['drops without a goodbye', 'disconnects cleanly'] as const) {
    it(`a client that ${how} and reconnects is shown again without changing its state`, async () => {
      const map = await createMap(server.url, {});
      const a = await join(map, { client: 'alice-browser' });
      const c = await join(map, { role: 'viewer' });
      a.provider.awareness.setLocalStateField('user', { name: 'Alice' });
      await waitFor(() => nameOf(c, a.doc.clientID) === 'Alice', 'c to see alice');

      if (how === 'drops without a goodbye') {
        a.provider.shouldConnect = false;
        (a.provider.ws as unknown as WebSocket).terminate();
      } else {
        a.provider.disconnect();
      }
      await waitFor(() => nameOf(c, a.doc.clientID) === undefined, 'alice to leave at c', 2_000);
      // Stock y-websocket re-sends the same state with the same clock on reconnect; receivers that
      // just removed her at that clock would ignore it until her next change (up to 15 s).
      a.provider.connect();
      await waitSynced(a);
      await waitFor(() => nameOf(c, a.doc.clientID) === 'Alice', 'alice to be shown again', 3_000);
    });
  }

  it('a client cannot take over another client\'s presence while it reconnects', async () => {
    const map = await createMap(server.url, {});
    const a = await join(map, { client: 'alice-browser' });
    const c = await join(map, { role: 'viewer' });
    const raw = await rawPeer(map, map.tokens.editor);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await waitFor(() => nameOf(c, a.doc.clientID) === 'Alice', 'c to see alice');
    const victim = a.doc.clientID;

    // Alice's connection drops without a goodbye (venue Wi-Fi); her client holds off reconnecting for now.
    // The server removes her presence when it sees the connection close…
    a.provider.shouldConnect = false;
    (a.provider.ws as unknown as WebSocket).terminate();
    await waitFor(() => !c.provider.awareness.getStates().has(victim), 'alice to leave at c', 2_000);
    // …and another participant, who saw her client id, claims it meanwhile.
    raw.send(awarenessMessage([{ clientId: victim, clock: clockOf(a) + 100, state: JSON.stringify({ user: { name: 'Mallory as Alice' } }) }]));
    const rawId = 0x7e58;
    raw.send(awarenessMessage([{ clientId: rawId, clock: 1, state: JSON.stringify({ user: { name: 'Raw' } }) }]));
    await waitFor(() => nameOf(c, rawId) === 'Raw', 'c to see the raw peer');

    // Alice comes back with the same client id (stock y-websocket keeps it) and the same browser id.
    a.provider.connect();
    await waitSynced(a);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice is back' });
    await waitFor(() => nameOf(c, victim) === 'Alice is back', 'c to see alice\'s presence, not the impostor\'s', 3_000);
  });

  it('a lone client still hears from the server regularly, so a stock client does not reconnect after 30 s of silence', async () => {
    const quiet = await startTestServer({ limits: { keepaliveMs: 100 } });
    try {
      const map = await createMap(quiet.url, {});
      const lone = connectClient(quiet.wsUrl, map.id, map.tokens.editor);
      await waitSynced(lone);
      let messages = 0;
      (lone.provider.ws as unknown as { addEventListener: (t: string, f: () => void) => void }).addEventListener('message', () => messages++);
      await waitFor(() => messages >= 3, 'three keep-alive messages', 3_000);
      expect(lone.provider.wsconnected).toBe(true);
      expect(lone.doc.getMap('nodes').size).toBe(0);
      lone.destroy();
    } finally {
      await quiet.close();
    }
  });
});
