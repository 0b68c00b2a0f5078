import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addFactor, addLink, addTag, edgesMap, nodesMap, readEdges, readMap, readNodes, removeFactor, updateFactor, updateLink,
} from '../../src/core/model';
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

async function editor(map: CreatedMap, role: keyof CreatedMap['tokens'] = 'editor'): Promise<Client> {
  const client = connectClient(server.wsUrl, map.id, map.tokens[role]);
  clients.push(client);
  await waitSynced(client);
  return client;
}

/** The map as every reader sees it, in a stable order, so two replicas can be compared. */
function view(doc: Y.Doc) {
  const map = readMap(doc);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return { title: map.meta.title, nodes: [...map.nodes].sort(byId), edges: [...map.edges].sort(byId) };
}

function same(a: Client, b: Client): boolean {
  return JSON.stringify(view(a.doc)) === JSON.stringify(view(b.doc));
}

/** Takes a client offline (locally), so that edits made now are concurrent with the other side's. */
async function offline(client: Client): Promise<void> {
  client.provider.disconnect();
  await waitFor(() => !client.provider.wsconnected && client.provider.ws === null, 'client to go offline', 5_000);
}

describe('live sync with stock y-websocket clients', () => {
  it('two clients converge on concurrent edits made through the model operations', async () => {
    const map = await createMap(server.url, { title: 'Converge' });
    const a = await editor(map);
    const b = await editor(map);

    // Both sides edit at once, without waiting for each other.
    const a1 = addFactor(a.doc, { label: 'Staff workload', x: 10, y: 20, tags: ['staff'] });
    const a2 = addFactor(a.doc, { label: 'Burnout', kind: 'outcome' });
    const b1 = addFactor(b.doc, { label: 'Funding', kind: 'barrier', x: -5 });
    const b2 = addFactor(b.doc, { label: 'Waiting lists' });
    const la = addLink(a.doc, { source: a1, target: a2, polarity: '+', delay: true });
    const lb = addLink(b.doc, { source: b1, target: b2, polarity: '-' });
    addTag(a.doc, a1, 'pressure');
    updateFactor(b.doc, b2, { note: 'Months, not weeks.' });

    await waitFor(() => readNodes(a.doc).length === 4 && readNodes(b.doc).length === 4 && same(a, b), 'both replicas to hold all four factors');
    await waitFor(() => readEdges(a.doc).length === 2 && same(a, b), 'both replicas to hold both links');

    // Now edits that depend on the other's content: links across the two sides' factors.
    const cross = addLink(a.doc, { source: a2, target: b1, polarity: '?' });
    updateLink(b.doc, lb, { delay: true });
    await waitFor(() => readEdges(b.doc).some((e) => e.id === cross) && readEdges(a.doc).find((e) => e.id === lb)?.delay === true && same(a, b), 'cross edits to converge');

    const seen = view(a.doc);
    expect(seen.nodes.map((n) => n.label).sort()).toEqual(['Burnout', 'Funding', 'Staff workload', 'Waiting lists']);
    expect(seen.nodes.find((n) => n.id === a1)).toMatchObject({ x: 10, y: 20, tags: ['pressure', 'staff'] });
    expect(seen.nodes.find((n) => n.id === b1)).toMatchObject({ kind: 'barrier', x: -5 });
    expect(seen.nodes.find((n) => n.id === b2)?.note).toBe('Months, not weeks.');
    expect(seen.edges.find((e) => e.id === la)).toMatchObject({ source: a1, target: a2, polarity: '+', delay: true });
    expect(seen.edges.find((e) => e.id === lb)).toMatchObject({ source: b1, target: b2, polarity: '-', delay: true });
    expect(seen.edges.find((e) => e.id === cross)).toMatchObject({ source: a2, target: b1, polarity: '?' });

    // A newcomer gets the same map from the server.
    const c = await editor(map);
    await waitFor(() => same(a, c), 'a fresh client to see the same map');
  });

  it('one client moving a factor while another renames it keeps both changes', async () => {
    const map = await createMap(server.url, {});
    const a = await editor(map);
    const b = await editor(map);
    const id = addFactor(a.doc, { label: 'Trust in services', x: 0, y: 0 });
    await waitFor(() => readNodes(b.doc).some((n) => n.id === id), 'b to see the factor');

    await offline(a);
    await offline(b);
    updateFactor(a.doc, id, { x: 345, y: -120 });
    updateFactor(b.doc, id, { label: 'Trust in local services' });
    // Each side only has its own change so far.
    expect(readNodes(a.doc)[0]).toMatchObject({ label: 'Trust in services', x: 345, y: -120 });
    expect(readNodes(b.doc)[0]).toMatchObject({ label: 'Trust in local services', x: 0, y: 0 });

    a.provider.connect();
    b.provider.connect();
    const merged = { id, label: 'Trust in local services', x: 345, y: -120 };
    const has = (client: Client) => {
      const node = readNodes(client.doc).find((n) => n.id === id);
      return node?.label === merged.label && node.x === merged.x && node.y === merged.y;
    };
    await waitFor(() => has(a) && has(b), 'both changes to reach both clients');
    const c = await editor(map);
    await waitFor(() => has(c), 'a fresh client to see both changes');
    expect(readNodes(c.doc)).toHaveLength(1);
    expect(readNodes(c.doc)[0]).toMatchObject(merged);
  });

  it('concurrent tag additions on the same factor both survive', async () => {
    const map = await createMap(server.url, {});
    const a = await editor(map);
    const b = await editor(map);
    const id = addFactor(a.doc, { label: 'Housing', tags: ['existing'] });
    await waitFor(() => readNodes(b.doc).some((n) => n.id === id), 'b to see the factor');

    await offline(a);
    await offline(b);
    addTag(a.doc, id, 'housing-first');
    addTag(a.doc, id, 'shared');
    addTag(b.doc, id, 'local-authority');
    addTag(b.doc, id, 'shared');
    a.provider.connect();
    b.provider.connect();

    const expected = ['existing', 'housing-first', 'local-authority', 'shared'];
    const tags = (client: Client) => readNodes(client.doc).find((n) => n.id === id)?.tags ?? [];
    await waitFor(() => JSON.stringify(tags(a)) === JSON.stringify(expected) && JSON.stringify(tags(b)) === JSON.stringify(expected), 'all tags on both clients');
    const c = await editor(map);
    await waitFor(() => JSON.stringify(tags(c)) === JSON.stringify(expected), 'all tags at a fresh client');
  });

  it('tags added at the same moment while both are connected both survive', async () => {
    const map = await createMap(server.url, {});
    const a = await editor(map);
    const b = await editor(map);
    const id = addFactor(a.doc, { label: 'Housing' });
    await waitFor(() => readNodes(b.doc).some((n) => n.id === id), 'b to see the factor');
    for (let i = 0; i < 10; i++) {
      addTag(a.doc, id, `a${i}`);
      addTag(b.doc, id, `b${i}`);
    }
    const tags = (client: Client) => readNodes(client.doc).find((n) => n.id === id)?.tags.length ?? 0;
    await waitFor(() => tags(a) === 20 && tags(b) === 20 && same(a, b), 'all twenty tags on both clients');
  });

  it('removing a factor removes its links for everyone', async () => {
    const map = await createMap(server.url, {});
    const a = await editor(map);
    const b = await editor(map);
    const f = addFactor(a.doc, { label: 'F' });
    const g = addFactor(a.doc, { label: 'G' });
    const h = addFactor(a.doc, { label: 'H' });
    const fg = addLink(a.doc, { source: f, target: g });
    const gf = addLink(a.doc, { source: g, target: f, polarity: '-' });
    const ff = addLink(a.doc, { source: f, target: f });
    const hg = addLink(a.doc, { source: h, target: g });
    await waitFor(() => edgesMap(b.doc).size === 4 && nodesMap(b.doc).size === 3, 'b to see the three factors and four links');

    removeFactor(b.doc, f);
    const gone = (client: Client) => !nodesMap(client.doc).has(f) && ![fg, gf, ff].some((id) => edgesMap(client.doc).has(id));
    await waitFor(() => gone(a) && gone(b), 'the factor and its links to disappear on both clients');
    for (const client of [a, b]) {
      // The raw document, not only the filtered view, has lost the links.
      expect([...edgesMap(client.doc).keys()]).toEqual([hg]);
      expect([...nodesMap(client.doc).keys()].sort()).toEqual([g, h].sort());
    }
    const c = await editor(map);
    expect([...edgesMap(c.doc).keys()]).toEqual([hg]);
    expect(readMap(c.doc).nodes.map((n) => n.label).sort()).toEqual(['G', 'H']);
  });

  it('a link added concurrently to a factor another client removed is not returned by readEdges', async () => {
    const map = await createMap(server.url, {});
    const a = await editor(map);
    const b = await editor(map);
    const f = addFactor(a.doc, { label: 'Removed factor' });
    const g = addFactor(a.doc, { label: 'Kept factor' });
    const kept = addLink(a.doc, { source: g, target: g });
    await waitFor(() => nodesMap(b.doc).size === 2 && edgesMap(b.doc).size === 1, 'b to see both factors');

    await offline(a);
    await offline(b);
    removeFactor(a.doc, f);
    const orphanOut = addLink(b.doc, { source: f, target: g, polarity: '-' });
    const orphanIn = addLink(b.doc, { source: g, target: f });
    a.provider.connect();
    b.provider.connect();

    const converged = (client: Client) => !nodesMap(client.doc).has(f) && edgesMap(client.doc).has(orphanOut) && edgesMap(client.doc).has(orphanIn);
    await waitFor(() => converged(a) && converged(b), 'both clients to merge the removal and the new links');
    const c = await editor(map);
    for (const client of [a, b, c]) {
      // The links exist in the document (a removal cannot delete what it never saw)…
      expect(edgesMap(client.doc).has(orphanOut)).toBe(true);
      // …but every reader filters them out, so nothing dangles.
      expect(readEdges(client.doc).map((e) => e.id)).toEqual([kept]);
      expect(readMap(client.doc).edges.map((e) => e.id)).toEqual([kept]);
    }
    // The server's export filters them too.
    const res = await fetch(`${server.url}/api/maps/${map.id}/export?format=json`, { headers: { Authorization: `Bearer ${map.tokens.viewer}` } });
    expect(res.status).toBe(200);
    const file = (await res.json()) as { nodes: Array<{ id: string }>; edges: Array<{ id: string }> };
    expect(file.nodes.map((n) => n.id)).toEqual([g]);
    expect(file.edges.map((e) => e.id)).toEqual([kept]);
  });
});
