import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMap, startTestServer, type CreatedMap, type TestServer } from '../helpers/server';

let server: TestServer;
let source: CreatedMap;

beforeAll(async () => {
  server = await startTestServer();
  source = await createMap(server.url, { template: 'women-services' });
});

afterAll(async () => {
  await server.close();
});

async function exported(format: string, extra = ''): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/api/maps/${source.id}/export?format=${format}${extra}&token=${source.tokens.viewer}`);
  expect(res.status, format).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function importAs(format: string, body: Uint8Array | string): Promise<Response> {
  return fetch(`${server.url}/api/maps/import?format=${format}`, { method: 'POST', body: typeof body === 'string' ? body : Buffer.from(body) });
}

async function summary(created: { id: string; tokens: { viewer: string } }) {
  const res = await fetch(`${server.url}/api/maps/${created.id}?token=${created.tokens.viewer}`);
  return (await res.json()) as { nodes: number; edges: number; loops: number };
}

describe('import and export through the API', () => {
  for (const format of ['json', 'graphml', 'gexf', 'mdl']) {
    it(`${format}: export then import makes a new map with the same factors, links and loops`, async () => {
      const res = await importAs(format, await exported(format));
      expect(res.status, await res.clone().text()).toBe(201);
      const created = (await res.json()) as { id: string; tokens: { viewer: string } };
      expect(created.id).not.toBe(source.id);
      // The same 40 factors and 70 links give the same 40 loops: polarity and direction survived.
      expect(await summary(created)).toMatchObject({ nodes: 40, edges: 70, loops: 40 });
    });
  }

  it('csv: the link list imports with every link (and so every linked factor)', async () => {
    const res = await importAs('csv', await exported('csv', '&file=links.csv'));
    expect(res.status).toBe(201);
    expect(await summary((await res.json()) as { id: string; tokens: { viewer: string } })).toMatchObject({ nodes: 40, edges: 70, loops: 40 });
  });

  it('hostile files get a 400 sentence naming what is wrong, and no map is made', async () => {
    const cases: [string, string, RegExp][] = [
      ['graphml', '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><graphml><graph><node id="&x;"/></graph></graphml>', /DOCTYPE|entit/i],
      ['gexf', '<gexf><graph><nodes><node id="a" label="A"/></nodes><edges><edge source="a" target="ghost"/></edges></graph></gexf>', /ghost|not in the file|unknown/i],
      ['csv', 'source,target,polarity\nA,B,sideways\n', /line 2|polarity/i],
      ['json', '{"format":"causeway-map","version":1,"nodes":[{"id":"a","label":"' + 'x'.repeat(400) + '"}],"edges":[]}', /label/],
      ['mdl', 'this is not a model', /Vensim|sketch|mdl/i],
      ['kumu', '{"elements": "no"}', /elements|Kumu/i],
      ['loopy', 'https://ncase.me/loopy/v1.1/?data=[[[1,2', /LOOPY|data/i],
    ];
    const before = await (await fetch(`${server.url}/api/maps/${source.id}?token=${source.tokens.viewer}`)).json();
    for (const [format, body, message] of cases) {
      const res = await importAs(format, body);
      expect(res.status, format).toBe(400);
      expect(((await res.json()) as { error: string }).error, format).toMatch(message);
    }
    const huge = await importAs('csv', 'a'.repeat(6 * 1024 * 1024));
    expect(huge.status).toBe(413);
    // The existing map did not change.
    expect(await (await fetch(`${server.url}/api/maps/${source.id}?token=${source.tokens.viewer}`)).json()).toEqual(before);
  });

  it('labels with markup come back as text in every export', async () => {
    const file = { format: 'causeway-map', version: 1, title: '<b>t</b>', nodes: [{ id: 'a', label: '<img src=x onerror=alert(1)>' }, { id: 'b', label: 'B & "C"' }], edges: [{ id: 'e', source: 'a', target: 'b', polarity: '+' }] };
    const res = await importAs('json', JSON.stringify(file));
    const created = (await res.json()) as { id: string; tokens: { viewer: string } };
    for (const format of ['svg', 'graphml', 'gexf']) {
      const text = await (await fetch(`${server.url}/api/maps/${created.id}/export?format=${format}&token=${created.tokens.viewer}`)).text();
      expect(text, format).not.toContain('<img');
      expect(text, format).toContain('&lt;img');
    }
    const dot = await (await fetch(`${server.url}/api/maps/${created.id}/export?format=dot&token=${created.tokens.viewer}`)).text();
    expect(dot).toContain('B & \\"C\\"');
  });
});
