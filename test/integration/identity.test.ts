import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addFactor, readNodes } from '../../src/core/model';
import { connectClient, nextCloseCode, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer | null = null;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.close();
  server = null;
});

function rowsFor(dataDir: string, mapId: string): number {
  const db = new Database(path.join(dataDir, 'causeway.db'), { readonly: true });
  try {
    const count = (table: string, column: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(mapId) as { n: number }).n;
    return count('maps', 'id') + count('updates', 'map_id') + count('checkpoints', 'map_id') + count('snapshots', 'map_id');
  } finally {
    db.close();
  }
}

describe('map identity', () => {
  it('a replica of a deleted map does not resurrect it', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { title: 'To be deleted' });
    const replica = connectClient(server.wsUrl, map.id, map.tokens.editor);
    clients.push(replica);
    await waitSynced(replica);
    addFactor(replica.doc, { label: 'Said before deletion' });
    const observer = connectClient(server.wsUrl, map.id, map.tokens.viewer);
    clients.push(observer);
    await waitFor(() => readNodes(observer.doc).length === 1, 'the observer to see the factor');
    expect(rowsFor(server.dataDir, map.id)).toBeGreaterThan(0);

    // A viewer or editor cannot delete; the facilitator can.
    const asEditor = await fetch(`${server.url}/api/maps/${map.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${map.tokens.editor}` } });
    expect(asEditor.status).toBe(403);
    const closed = nextCloseCode(replica);
    const res = await fetch(`${server.url}/api/maps/${map.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${map.tokens.facilitator}` } });
    expect(res.status).toBe(204);
    expect(await closed).toBe(4404);

    // The replica keeps working locally and tries again: the server never takes its content.
    addFactor(replica.doc, { label: 'Said after deletion' });
    const again = nextCloseCode(replica);
    replica.provider.connect();
    expect(await again).toBe(4404);
    const fresh = connectClient(server.wsUrl, map.id, map.tokens.facilitator);
    clients.push(fresh);
    expect(await nextCloseCode(fresh)).toBe(4404);

    const get = await fetch(`${server.url}/api/maps/${map.id}?token=${map.tokens.facilitator}`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { error: string }).error).toMatch(/deleted/);
    // Nothing of the map is left in the database, and its id cannot be taken again.
    expect(rowsFor(server.dataDir, map.id)).toBe(0);
    await expect(server.store.createMap(
      { id: map.id, title: 'x', createdAt: 0, updatedAt: 0, tokenHashes: { facilitator: 'a', editor: 'b', viewer: 'c' } },
      new Uint8Array([0, 0]),
      { at: 0, author: 'test', role: 'server' },
    )).rejects.toThrow(/deleted map/);
  });

  it('a deleted map stays deleted across a restart', async () => {
    server = await startTestServer();
    const dataDir = server.dataDir;
    const map = await createMap(server.url, { template: 'women-services' });
    const res = await fetch(`${server.url}/api/maps/${map.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${map.tokens.facilitator}` } });
    expect(res.status).toBe(204);
    await server.close();
    server = await startTestServer({ dataDir });
    const client = connectClient(server.wsUrl, map.id, map.tokens.editor);
    clients.push(client);
    expect(await nextCloseCode(client)).toBe(4404);
    expect(readNodes(client.doc)).toEqual([]);
  });

  it('importing a causeway-map file makes a new map and never touches another', async () => {
    server = await startTestServer();
    const source = await createMap(server.url, { template: 'women-services' });
    const file = await (await fetch(`${server.url}/api/maps/${source.id}/export?format=json&token=${source.tokens.viewer}`)).text();
    const imported = await fetch(`${server.url}/api/maps/import?format=json&title=Copy`, { method: 'POST', body: file });
    expect(imported.status).toBe(201);
    const created = (await imported.json()) as { id: string; title: string; tokens: { viewer: string } };
    expect(created.id).not.toBe(source.id);
    expect(created.title).toBe('Copy');
    const summary = (await (await fetch(`${server.url}/api/maps/${created.id}?token=${created.tokens.viewer}`)).json()) as { nodes: number; edges: number; loops: number };
    expect(summary).toMatchObject({ nodes: 40, edges: 70, loops: 40 });

    const broken = await fetch(`${server.url}/api/maps/import?format=json`, { method: 'POST', body: '{"format":"causeway-map","version":1,"nodes":[{"id":"a"}],"edges":[]}' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toMatch(/nodes\.0\.label/);
    const notJson = await fetch(`${server.url}/api/maps/import?format=json`, { method: 'POST', body: 'nodes,edges' });
    expect(notJson.status).toBe(400);
  });
});
