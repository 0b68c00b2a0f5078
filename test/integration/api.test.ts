import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addFactor, nodesMap, readNodes } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, startTestServer, type CreatedMap, type TestServer } from '../helpers/server';

let server: TestServer;
let clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const client of clients) client.destroy();
  clients = [];
});

afterAll(async () => {
  await server?.close();
});

const ROLES = ['facilitator', 'editor', 'viewer'] as const;

function mapCount(): number {
  const db = new Database(path.join(server.dataDir, 'causeway.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM maps').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function post(body: string | undefined, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<Response> {
  return fetch(`${server.url}/api/maps`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });
}

/** An error answer of the contract: JSON `{ error: "<one plain sentence>" }`. */
async function expectError(res: Response, status: number, what = ''): Promise<string> {
  expect(res.status, what).toBe(status);
  expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body), what).toEqual(['error']);
  const message = body.error;
  expect(typeof message, what).toBe('string');
  expect((message as string).length, what).toBeGreaterThan(5);
  expect((message as string).length, what).toBeLessThan(300);
  expect(message as string, what).not.toMatch(/\n|\bat \S+:\d+|Error:/);
  return message as string;
}

function get(route: string, token?: string, via: 'header' | 'query' = 'header'): Promise<Response> {
  if (token === undefined) return fetch(`${server.url}${route}`);
  if (via === 'header') return fetch(`${server.url}${route}`, { headers: { Authorization: `Bearer ${token}` } });
  const sep = route.includes('?') ? '&' : '?';
  return fetch(`${server.url}${route}${sep}token=${encodeURIComponent(token)}`);
}

interface ExportFile {
  format: string;
  version: number;
  title: string;
  exportedAt: string;
  nodes: Array<Record<string, unknown> & { id: string }>;
  edges: Array<Record<string, unknown> & { id: string; source: string; target: string }>;
  loops: Array<{ id: string; polarity: string; delayed: boolean; length: number; nodeIds: string[]; edgeIds: string[] }>;
  loopsComplete: boolean;
}

describe('HTTP API', () => {
  it('GET /healthz answers 200 {ok:true}', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('every response carries the security headers', async () => {
    const responses = [
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/api/maps/AAAAAAAAAAAAAAAAAAAAAA`),
      await fetch(`${server.url}/api/nothing-here`),
      await post('{'),
      await fetch(`${server.url}/map/whatever`),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy');
      expect(csp, res.url).toBeTruthy();
      expect(csp, res.url).toContain("default-src 'self'");
      expect(csp, res.url).toMatch(/script-src 'self'(;|$)/);
      expect(csp, res.url).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      await res.arrayBuffer();
    }
  });

  describe('POST /api/maps', () => {
    const bodies: Array<[string, string | undefined, string | null, number]> = [
      ['an empty object', '{}', null, 0],
      ['no body at all', undefined, null, 0],
      ['a title', JSON.stringify({ title: 'Rough sleeping in Leeds' }), 'Rough sleeping in Leeds', 0],
      ['the women-services template', JSON.stringify({ template: 'women-services' }), "Multiple disadvantage: women's services", 40],
      ['a title and a template', JSON.stringify({ title: 'Our copy', template: 'women-services' }), 'Our copy', 40],
    ];
    for (const [what, body, title, factors] of bodies) {
      it(`creates a map from ${what}: 201 with id, title, three tokens and three links`, async () => {
        const before = mapCount();
        const res = await post(body);
        expect(res.status).toBe(201);
        const created = (await res.json()) as CreatedMap;
        expect(Object.keys(created).sort()).toEqual(['id', 'links', 'title', 'tokens']);
        expect(created.id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
        if (title !== null) expect(created.title).toBe(title);
        else expect(typeof created.title).toBe('string');
        expect(Object.keys(created.tokens).sort()).toEqual([...ROLES].sort());
        expect(Object.keys(created.links).sort()).toEqual([...ROLES].sort());
        const tokens = ROLES.map((role) => created.tokens[role]);
        expect(new Set(tokens).size).toBe(3);
        for (const role of ROLES) {
          // At least 128 bits of base64url.
          expect(created.tokens[role]).toMatch(/^[A-Za-z0-9_-]{22,}$/);
          expect(created.links[role]).toContain(`/map/${created.id}#token=`);
          expect(created.links[role].endsWith(`#token=${encodeURIComponent(created.tokens[role])}`)).toBe(true);
          expect(created.links[role]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/map\//);
        }
        expect(mapCount()).toBe(before + 1);
        const counts = await get(`/api/maps/${created.id}`, created.tokens.viewer);
        expect(counts.status).toBe(200);
        expect(await counts.json()).toMatchObject({ id: created.id, nodes: factors });
      });
    }

    it('map ids and tokens differ between maps', async () => {
      const a = await createMap(server.url, {});
      const b = await createMap(server.url, {});
      expect(a.id).not.toBe(b.id);
      for (const role of ROLES) expect(a.tokens[role]).not.toBe(b.tokens[role]);
    });

    const bad: Array<[string, () => Promise<Response>, number, RegExp | null]> = [
      ['invalid JSON', () => post('{"title": "unterminated'), 400, /JSON/],
      ['an unknown field', () => post(JSON.stringify({ title: 'x', owner: 'me' })), 400, /owner/],
      ['a title that is too long', () => post(JSON.stringify({ title: 'x'.repeat(201) })), 400, /200/],
      ['an unknown template', () => post(JSON.stringify({ template: 'no-such-template' })), 400, /template/],
      ['a title that is not a string', () => post(JSON.stringify({ title: 5 })), 400, null],
      ['an array instead of an object', () => post('[]'), 400, null],
      ['JSON null', () => post('null'), 400, null],
      ['a body over 1 MiB', () => post(JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) })), 413, null],
      [
        'a body over 1 MiB sent without Content-Length (chunked)',
        () => fetch(`${server.url}/api/maps`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              const chunk = new Uint8Array(64 * 1024).fill(0x20);
              for (let i = 0; i < 20; i++) controller.enqueue(chunk);
              controller.close();
            },
          }),
          duplex: 'half',
        } as RequestInit),
        413, null,
      ],
    ];
    for (const [what, send, status, mentions] of bad) {
      it(`refuses ${what} with ${status} and a sentence, and creates no map`, async () => {
        const before = mapCount();
        const message = await expectError(await send(), status, what);
        if (mentions) expect(message).toMatch(mentions);
        expect(mapCount()).toBe(before);
      });
    }

    it('the server still answers on the same connection after refusing an oversize chunked body', async () => {
      const http = await import('node:http');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const request = (method: string, route: string, chunks: number) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(`${server.url}${route}`, { method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.setTimeout(5_000, () => req.destroy(new Error(`${method} ${route}: no answer within 5 s`)));
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < chunks) {
              sent++;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end();
          };
          pump();
        });
      try {
        expect(await request('POST', '/api/maps', 20)).toBe(413);
        expect(await request('GET', '/healthz', 0)).toBe(200);
        expect(await request('POST', '/api/maps', 0)).toBe(201);
      } finally {
        agent.destroy();
      }
    });

    it('wrong methods are refused with 405 and a sentence', async () => {
      await expectError(await fetch(`${server.url}/api/maps`), 405);
      await expectError(await fetch(`${server.url}/healthz`, { method: 'POST' }), 405);
    });
  });

  describe('GET /api/maps/:id', () => {
    let map: CreatedMap;
    beforeAll(async () => {
      map = await createMap(server.url, { template: 'women-services' });
    });

    for (const role of ROLES) {
      for (const via of ['header', 'query'] as const) {
        it(`answers the counts to a ${role} token (${via === 'header' ? 'Authorization: Bearer' : '?token='})`, async () => {
          const res = await get(`/api/maps/${map.id}`, map.tokens[role], via);
          expect(res.status).toBe(200);
          expect(res.headers.get('cache-control')).toContain('no-store');
          const body = (await res.json()) as Record<string, unknown>;
          expect(body).toMatchObject({ id: map.id, title: map.title, nodes: 40, edges: 70, loops: 40 });
          expect(typeof body.createdAt).toBe('number');
          expect(typeof body.updatedAt).toBe('number');
          expect(body.updatedAt as number).toBeGreaterThanOrEqual(body.createdAt as number);
          // Counts, not content, and never a token.
          expect(JSON.stringify(body)).not.toContain(map.tokens[role]);
          expect(body).not.toHaveProperty('tokens');
        });
      }
    }

    it('refuses a missing token with 401', async () => {
      await expectError(await get(`/api/maps/${map.id}`), 401);
      await expectError(await get(`/api/maps/${map.id}/export?format=json`), 401);
    });

    it('refuses a wrong token with 401 (made up, another map\'s, or a malformed header)', async () => {
      const other = await createMap(server.url, {});
      await expectError(await get(`/api/maps/${map.id}`, 'not-a-token'), 401);
      await expectError(await get(`/api/maps/${map.id}`, other.tokens.facilitator), 401);
      await expectError(await get(`/api/maps/${map.id}`, other.tokens.viewer, 'query'), 401);
      await expectError(await fetch(`${server.url}/api/maps/${map.id}`, { headers: { Authorization: `Basic ${map.tokens.editor}` } }), 401);
      await expectError(await get(`/api/maps/${map.id}/export?format=json`, 'not-a-token'), 401);
    });

    it('answers 404 for an unknown map, well-formed or not', async () => {
      for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', 'x'.repeat(65), 'has.a.dot.here']) {
        await expectError(await get(`/api/maps/${id}`, map.tokens.editor), 404, id);
        await expectError(await get(`/api/maps/${id}/export?format=json`, map.tokens.editor), 404, id);
      }
      // An unknown map and no token: still 404, the same answer as with a token.
      await expectError(await get('/api/maps/AAAAAAAAAAAAAAAAAAAAAA'), 404);
    });

    it('exports the research JSON: causeway-map, 40 factors, 70 links, 40 loops (28 R, 12 B), as an attachment', async () => {
      const res = await get(`/api/maps/${map.id}/export?format=json`, map.tokens.viewer, 'query');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;\s*filename=/);
      expect(res.headers.get('content-disposition')).toMatch(/\.json"?(;|$)/);
      const file = (await res.json()) as ExportFile;
      expect(file.format).toBe('causeway-map');
      expect(file.version).toBe(1);
      expect(file.title).toBe(map.title);
      expect(Number.isNaN(Date.parse(file.exportedAt))).toBe(false);
      expect(file.nodes).toHaveLength(40);
      expect(file.edges).toHaveLength(70);
      expect(file.loopsComplete).toBe(true);
      expect(file.loops).toHaveLength(40);
      expect(file.loops.filter((l) => l.polarity === 'R')).toHaveLength(28);
      expect(file.loops.filter((l) => l.polarity === 'B')).toHaveLength(12);
      for (const node of file.nodes) {
        expect(node).toMatchObject({ id: expect.any(String), label: expect.any(String), kind: expect.any(String), x: expect.any(Number), y: expect.any(Number), tags: expect.any(Array), note: expect.any(String) });
      }
      const ids = new Set(file.nodes.map((n) => n.id));
      const edgeIds = new Set(file.edges.map((e) => e.id));
      for (const edge of file.edges) {
        expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
        expect(['+', '-', '?']).toContain(edge.polarity);
        expect(typeof edge.delay).toBe('boolean');
      }
      // Loops refer to real elements, their lengths match, and shortest come first.
      for (const loop of file.loops) {
        expect(loop.nodeIds).toHaveLength(loop.length);
        expect(loop.edgeIds).toHaveLength(loop.length);
        for (const id of loop.nodeIds) expect(ids.has(id)).toBe(true);
        for (const id of loop.edgeIds) expect(edgeIds.has(id)).toBe(true);
      }
      const lengths = file.loops.map((l) => l.length);
      expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
      // Every role may export.
      for (const role of ROLES) expect((await get(`/api/maps/${map.id}/export?format=json`, map.tokens[role])).status).toBe(200);
    });

    it('refuses an unknown export format with 400', async () => {
      const message = await expectError(await get(`/api/maps/${map.id}/export?format=nope`, map.tokens.editor), 400);
      expect(message).toMatch(/format/);
      expect(await expectError(await get(`/api/maps/${map.id}/export?format=csv&file=secrets.csv`, map.tokens.editor), 400)).toMatch(/file/);
    });

    it('exports every format as a download of the right type', async () => {
      const expected: Record<string, [RegExp, RegExp]> = {
        csv: [/^text\/csv/, /^id,source,target,/m],
        graphml: [/graphml/, /<graphml[\s>]/],
        gexf: [/gexf/, /<gexf[^>]*version="1\.3"/],
        dot: [/graphviz/, /^digraph /m],
        mdl: [/^text\/plain/, /\\\\\\---\/\/\/ Sketch information/],
        svg: [/^image\/svg\+xml/, /<svg[\s>]/],
      };
      for (const [format, [type, body]] of Object.entries(expected)) {
        const res = await get(`/api/maps/${map.id}/export?format=${format}`, map.tokens.viewer);
        expect(res.status, format).toBe(200);
        expect(res.headers.get('content-type'), format).toMatch(type);
        expect(res.headers.get('content-disposition'), format).toMatch(/^attachment;/);
        expect(await res.text(), format).toMatch(body);
      }
      const png = await get(`/api/maps/${map.id}/export?format=png`, map.tokens.viewer);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const loops = await get(`/api/maps/${map.id}/export?format=csv&file=loops.csv`, map.tokens.viewer);
      expect((await loops.text()).trim().split('\n')).toHaveLength(41);
    });
  });

  it('stores tokens only as hashes: no token appears in the maps table or anywhere in the database files', async () => {
    const created = await createMap(server.url, { title: 'Secrets' });
    const db = new Database(path.join(server.dataDir, 'causeway.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT * FROM maps WHERE id = ?').get(created.id) as Record<string, unknown> | undefined;
      expect(row).toBeDefined();
      const all = db.prepare('SELECT * FROM maps').all() as Array<Record<string, unknown>>;
      const text = JSON.stringify(all);
      for (const role of ROLES) {
        expect(text).not.toContain(created.tokens[role]);
        // Nor a trivially reversible form of it.
        expect(text).not.toContain(Buffer.from(created.tokens[role], 'base64url').toString('hex'));
        expect(text).not.toContain(Buffer.from(created.tokens[role]).toString('base64'));
      }
    } finally {
      db.close();
    }
    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('causeway.db'));
    expect(files).toContain('causeway.db');
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(server.dataDir, file)).toString('latin1');
      for (const role of ROLES) expect(bytes.includes(created.tokens[role]), `${file} holds the ${role} token`).toBe(false);
    }
    // The tokens still work, so something was stored.
    for (const role of ROLES) expect((await get(`/api/maps/${created.id}`, created.tokens[role])).status).toBe(200);
  });

  it('seeds a template once, on the server: two clients joining a fresh map at the same time see 40 factors, not 80', async () => {
    const map = await createMap(server.url, { template: 'women-services' });
    // Both connect at once, before either has synced.
    const a = connectClient(server.wsUrl, map.id, map.tokens.editor);
    const b = connectClient(server.wsUrl, map.id, map.tokens.editor);
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    expect(nodesMap(a.doc).size).toBe(40);
    expect(nodesMap(b.doc).size).toBe(40);

    // After a round of edits through the server, still 40 each (+ the new ones).
    const fromA = addFactor(a.doc, { label: 'From A' });
    const fromB = addFactor(b.doc, { label: 'From B' });
    await waitFor(() => nodesMap(a.doc).has(fromB) && nodesMap(b.doc).has(fromA), 'each client to see the other\'s factor');
    expect(readNodes(a.doc)).toHaveLength(42);
    expect(readNodes(b.doc)).toHaveLength(42);
    const res = await get(`/api/maps/${map.id}`, map.tokens.viewer);
    expect(await res.json()).toMatchObject({ nodes: 42, edges: 70 });
  });
});
