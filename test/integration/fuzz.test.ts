import Database from 'better-sqlite3';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, readMap, updateFactor } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { syncUpdateFrame } from '../helpers/frames';
import { mutate, prng, randomBytes, randomInt } from '../helpers/prng';
import { createMap, startTestServer, type CreatedMap, type TestServer } from '../helpers/server';

const SEED = 20261123;
let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

function countMaps(): number {
  const db = new Database(path.join(server.dataDir, 'causeway.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM maps').get() as { n: number }).n;
  } finally {
    db.close();
  }
}


/** Sends frames on one socket at a time; a refused frame closes it and the next frame opens another. Bounded. */
async function sendAll(url: string, frames: Uint8Array[]): Promise<{ closedMalformed: number; sockets: number }> {
  let closedMalformed = 0;
  let sockets = 0;
  let index = 0;
  while (index < frames.length && sockets < frames.length + 5) {
    sockets++;
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(url);
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          resolve();
        }
      };
      ws.on('open', async () => {
        while (index < frames.length && ws.readyState === ws.OPEN) {
          ws.send(frames[index++]!);
          await new Promise((r) => setImmediate(r));
        }
        // Give the server a moment to act on the last frame, then move on.
        setTimeout(() => {
          ws.close();
          finish();
        }, 20);
      });
      ws.on('close', (code) => {
        if (code === 4400) closedMalformed++;
        finish();
      });
      ws.on('error', finish);
    });
  }
  return { closedMalformed, sockets };
}

describe('fuzzing (seeded, bounded)', () => {
  it('mutated real sync frames never crash the server; other rooms are unaffected and the room stays consistent', async () => {
    const random = prng(SEED);
    const target = await createMap(server.url, { template: 'women-services' });
    const bystanderMap = await createMap(server.url, { title: 'Bystander' });
    const bystander = connectClient(server.wsUrl, bystanderMap.id, bystanderMap.tokens.editor);
    const watcher = connectClient(server.wsUrl, target.id, target.tokens.viewer);
    clients.push(bystander, watcher);
    await Promise.all([waitSynced(bystander), waitSynced(watcher)]);

    // Real updates of the kind clients send, as material to mutate.
    const source = new Y.Doc();
    Y.applyUpdate(source, Y.encodeStateAsUpdate(watcher.doc));
    const material: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => material.push(u));
    for (let i = 0; i < 20; i++) {
      const a = addFactor(source, { label: `fuzz ${i}` });
      updateFactor(source, a, { x: i, note: 'n'.repeat(randomInt(random, 50)) });
      addLink(source, { source: a, target: 'budget_pressure', polarity: '-' });
    }
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 1_500; i++) {
      const base = syncUpdateFrame(material[randomInt(random, material.length)]!);
      frames.push(random() < 0.9 ? mutate(random, base) : randomBytes(random, 1 + randomInt(random, 64)));
    }
    const { closedMalformed } = await sendAll(`${server.wsUrl}/${target.id}?token=${target.tokens.editor}`, frames);
    expect(closedMalformed).toBeGreaterThan(0);

    // The server answers, the bystander room still syncs both ways, and the target room is whole.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const other = connectClient(server.wsUrl, bystanderMap.id, bystanderMap.tokens.viewer);
    clients.push(other);
    addFactor(bystander.doc, { label: 'still here' });
    await waitFor(() => readMap(other.doc).nodes.some((n) => n.label === 'still here'), 'the bystander room to sync');
    const fresh = connectClient(server.wsUrl, target.id, target.tokens.viewer);
    clients.push(fresh);
    await waitSynced(fresh);
    const map = readMap(fresh.doc);
    expect(map.nodes.filter((n) => n.id === 'budget_pressure')).toHaveLength(1);
    const ids = new Set(map.nodes.map((n) => n.id));
    expect(map.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
    // Every template factor is still there: mutated frames can add (they are valid edits) but did not destroy.
    expect(map.nodes.length).toBeGreaterThanOrEqual(40);
    await waitFor(() => JSON.stringify(readMap(watcher.doc)) === JSON.stringify(map), 'the watcher to agree with a fresh client');
  });

  it('random API bodies, paths and query strings get 4xx sentences, never 5xx, and store nothing', async () => {
    const random = prng(SEED + 1);
    const map: CreatedMap = await createMap(server.url);
    const before = countMaps();
    const values = ['', 'null', '[]', '{}', '"x"', '1e999', '{"title":', '{"title":null}', '{"template":"../../etc"}', '{"title":"a","extra":1}', '\u0000', '{"__proto__":{"x":1}}'];
    const paths = ['/api/maps', '/api/maps/import', `/api/maps/${map.id}`, `/api/maps/${map.id}/export`, '/api/maps/%ZZ', '/api/maps/x/y/z', '/api/', '/healthz'];
    const queries = ['', '?format=', '?format=json&format=csv', '?token=', `?token=${map.tokens.viewer}&format=%00`, '?format=../../x', '?title=' + 'x'.repeat(500), '?a[b]=1', '?%zz'];
    let answered = 0;
    for (let i = 0; i < 400; i++) {
      const pathPart = paths[randomInt(random, paths.length)]!;
      const query = queries[randomInt(random, queries.length)]!;
      const method = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'][randomInt(random, 5)]!;
      const body = method === 'GET' || method === 'DELETE' ? undefined
        : random() < 0.5 ? values[randomInt(random, values.length)]! : Buffer.from(randomBytes(random, randomInt(random, 200)));
      const res = await fetch(`${server.url}${pathPart}${query}`, { method, body, headers: random() < 0.5 ? { 'Content-Type': 'application/json' } : {} });
      const text = await res.text();
      expect(res.status, `${method} ${pathPart}${query}`).toBeLessThan(500);
      if (res.status >= 400) {
        const parsed = JSON.parse(text) as { error?: unknown };
        expect(typeof parsed.error, `${method} ${pathPart}${query}`).toBe('string');
        expect((parsed.error as string).length).toBeGreaterThan(5);
      }
      // A fuzzed request that did create a map is a legitimate request; count them.
      if (res.status === 201) answered++;
    }
    expect(countMaps()).toBe(before + answered);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
