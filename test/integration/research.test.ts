import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { addFactor, addLink, removeLink, setPhase, updateFactor } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { ROOT, createMap, startTestServer, type CreatedMap, type TestServer } from '../helpers/server';

const run = promisify(execFile);
let server: TestServer | null = null;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = null;
});

async function api<T>(map: CreatedMap, pathAndQuery: string, init: RequestInit & { role?: keyof CreatedMap['tokens'] } = {}): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${server!.url}/api/maps/${map.id}${pathAndQuery}`, {
    ...init,
    headers: { Authorization: `Bearer ${map.tokens[init.role ?? 'facilitator']}`, 'Content-Type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a file): the text is enough.
  }
  return { status: res.status, body: body as T, text };
}

interface Snapshot { id: string; name: string; createdAt: number; sha256: string; automatic?: boolean }

function editor(map: CreatedMap, author = 'researcher-browser'): Client {
  const c = connectClient(server!.wsUrl, map.id, map.tokens.editor, { client: author });
  clients.push(c);
  return c;
}

describe('snapshots', () => {
  it('are named, immutable and hashed; the hash is the sha256 of the content; later edits never change them', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { template: 'women-services' });
    const refused = await api(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'x' }), role: 'editor' });
    expect(refused.status).toBe(403);
    expect((await api(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: '' }) })).status).toBe(400);

    const made = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'Before the session' }) });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Before the session', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const file = await api<{ exportedAt: string; nodes: unknown[] }>(map, `/snapshots/${made.body.id}/export?format=json`, { role: 'viewer' });
    const { exportedAt: _omit, ...content } = JSON.parse(file.text) as Record<string, unknown>;
    expect(createHash('sha256').update(JSON.stringify(content)).digest('hex')).toBe(made.body.sha256);

    // Edit the live map; the snapshot stays byte for byte the same.
    const client = editor(map);
    await waitSynced(client);
    updateFactor(client.doc, 'short_term_funding', { label: 'Annual funding rounds' });
    addFactor(client.doc, { label: 'New after snapshot' });
    await waitFor(() => true, 'noop');
    const again = await api(map, `/snapshots/${made.body.id}/export?format=json`, { role: 'viewer' });
    expect(again.text).toBe(file.text);
    const list = await api<Snapshot[]>(map, '/snapshots', { role: 'viewer' });
    expect(list.body.filter((s) => !s.automatic)).toEqual([{ ...made.body, automatic: false }]);
    // A second snapshot of unchanged content has the same hash (stable), of changed content another.
    const second = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'After' }) });
    expect(second.body.sha256).not.toBe(made.body.sha256);
    const third = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'After, again' }) });
    expect(third.body.sha256).toBe(second.body.sha256);
    // Any format can be had from a snapshot.
    const graphml = await api(map, `/snapshots/${made.body.id}/export?format=graphml`, { role: 'viewer' });
    expect(graphml.text).toContain('Short-term funding cycles');
    expect(graphml.text).not.toContain('Annual funding rounds');
    expect((await api(map, '/snapshots/nope/export?format=json')).status).toBe(404);
  });

  it('compare: factors and links added, removed and changed, and loops created and broken', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { template: 'women-services' });
    const before = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'Before' }) });
    const client = editor(map);
    await waitSynced(client);
    const exported = await api<{ edges: { id: string; source: string; target: string }[]; loops: { id: string; edgeIds: string[] }[] }>(map, '/export?format=json', { role: 'viewer' });
    const loopLink = exported.body.loops[0]!.edgeIds[0]!;
    const brokenCount = exported.body.loops.filter((l) => l.edgeIds.includes(loopLink)).length;
    removeLink(client.doc, loopLink);
    updateFactor(client.doc, 'workforce_strain', { label: 'Staff strain' });
    const fresh = addFactor(client.doc, { label: 'Peer support' });
    addLink(client.doc, { source: fresh, target: fresh, polarity: '+' });
    await waitFor(() => true, 'noop');
    await new Promise((r) => setTimeout(r, 200));
    const diff = await api<{
      factors: { added: { label: string }[]; changed: { id: string; fields: string[] }[]; removed: unknown[] };
      links: { added: unknown[]; removed: { id: string }[] };
      loops: { created: { labels: string[]; polarity: string }[]; broken: unknown[] };
    }>(map, `/compare?from=${before.body.id}&to=now`, { role: 'viewer' });
    expect(diff.status).toBe(200);
    expect(diff.body.factors.added.map((f) => f.label)).toEqual(['Peer support']);
    expect(diff.body.factors.changed).toEqual([{ id: 'workforce_strain', label: 'Staff strain', fields: ['label'] }]);
    expect(diff.body.factors.removed).toEqual([]);
    expect(diff.body.links.removed.map((l) => l.id)).toEqual([loopLink]);
    expect(diff.body.links.added).toHaveLength(1);
    expect(diff.body.loops.broken).toHaveLength(brokenCount);
    expect(diff.body.loops.created).toEqual([expect.objectContaining({ labels: ['Peer support'], polarity: 'R' })]);
    expect((await api(map, '/compare?to=now', { role: 'viewer' })).status).toBe(400);
  });

  it('a new map can be started from a snapshot', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { template: 'women-services' });
    const snap = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'Plenary' }) });
    expect((await api(map, `/snapshots/${snap.body.id}/fork`, { method: 'POST', role: 'editor' })).status).toBe(403);
    const fork = await api<CreatedMap>(map, `/snapshots/${snap.body.id}/fork`, { method: 'POST' });
    expect(fork.status).toBe(201);
    expect(fork.body.id).not.toBe(map.id);
    expect(fork.body.title).toContain('Plenary');
    const counts = await fetch(`${server.url}/api/maps/${fork.body.id}?token=${fork.body.tokens.viewer}`);
    expect(await counts.json()).toMatchObject({ nodes: 40, edges: 70, loops: 40 });
  });

  it('automatic checkpoints: at a phase change and after a stretch of activity', async () => {
    server = await startTestServer({ checkpoints: { quietMs: 150, minChanges: 5 } });
    const map = await createMap(server.url, { title: 'Auto' });
    const fac = connectClient(server.wsUrl, map.id, map.tokens.facilitator, { client: 'fac' });
    clients.push(fac);
    await waitSynced(fac);
    setPhase(fac.doc, 'connect');
    const names = async () => (await api<Snapshot[]>(map, '/snapshots', { role: 'viewer' })).body.filter((s) => s.automatic).map((s) => s.name);
    await waitFor(() => false, 'noop', 1).catch(() => {});
    await expect.poll(names, { timeout: 5_000 }).toEqual(['Phase: Connect']);
    for (let i = 0; i < 6; i++) addFactor(fac.doc, { label: `f${i}` });
    await expect.poll(async () => (await names()).length, { timeout: 5_000 }).toBe(2);
    expect((await names())[1]).toMatch(/^Checkpoint /);
  });
});

describe('history', () => {
  it('lists each change with its time, a pseudonymous author and what changed; as CSV too; and replays to any point', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { title: 'History' });
    const client = editor(map, 'browser-of-ana');
    await waitSynced(client);
    const a = addFactor(client.doc, { label: 'Short-term funding' });
    const b = addFactor(client.doc, { label: '=Staff turnover' });
    const link = addLink(client.doc, { source: a, target: b, polarity: '+' });
    updateFactor(client.doc, a, { label: 'Short-term funding cycles' });
    removeLink(client.doc, link);
    await new Promise((r) => setTimeout(r, 300));
    const page = await api<{ entries: { seq: number; author: string; role: string; changes: { kind: string; action: string; label: string; fields: string[] }[] }[] }>(map, '/history', { role: 'viewer' });
    expect(page.status).toBe(200);
    const changes = page.body.entries.flatMap((e) => e.changes.map((c) => ({ ...c, author: e.author, role: e.role })));
    const mine = changes.filter((c) => c.role === 'editor');
    expect(mine.map((c) => `${c.kind} ${c.action}`)).toEqual(['factor added', 'factor added', 'link added', 'factor changed', 'link removed']);
    expect(mine[3]).toMatchObject({ label: 'Short-term funding cycles', fields: ['label'] });
    expect(mine[4]!.label).toBe('Short-term funding cycles → =Staff turnover');
    // Pseudonymous: stable within the map, never the browser's id.
    expect(new Set(mine.map((c) => c.author)).size).toBe(1);
    expect(mine[0]!.author).toMatch(/^P-[0-9a-f]{8}$/);
    expect(page.text).not.toContain('browser-of-ana');

    const csv = await api(map, '/history?format=csv', { role: 'viewer' });
    expect(csv.text.split('\r\n')[0]).toBe('seq,time,author,role,kind,id,action,label,fields');
    expect(csv.text).toContain("'=Staff turnover");

    // The map as it was right after the link was added.
    const linkSeq = page.body.entries.find((e) => e.changes.some((c) => c.kind === 'link' && c.action === 'added'))!.seq;
    const then = await api<{ nodes: { label: string }[]; edges: unknown[] }>(map, `/history/state?seq=${linkSeq}&format=json`, { role: 'viewer' });
    expect(then.body.nodes.map((n) => n.label).sort()).toEqual(['=Staff turnover', 'Short-term funding']);
    expect(then.body.edges).toHaveLength(1);
    expect((await api(map, '/history?after=-1', { role: 'viewer' })).status).toBe(400);
  });
});

describe('export command line', () => {
  it('npm run export reads DATA_DIR directly, for the map or a snapshot, and says plainly what is wrong', async () => {
    server = await startTestServer();
    const map = await createMap(server.url, { template: 'women-services' });
    const snap = await api<Snapshot>(map, '/snapshots', { method: 'POST', body: JSON.stringify({ name: 'S' }) });
    const client = editor(map);
    await waitSynced(client);
    updateFactor(client.doc, 'short_term_funding', { label: 'Changed after the snapshot' });
    await new Promise((r) => setTimeout(r, 200));
    const out = path.join(server.dataDir, 'out.graphml');
    const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/export.ts'), ...args], { cwd: ROOT });
    await cli(['--map', map.id, '--format', 'graphml', '--out', out, '--data-dir', server.dataDir]);
    expect(fs.readFileSync(out, 'utf8')).toContain('Changed after the snapshot');
    const fromSnapshot = await cli(['--map', map.id, '--snapshot', snap.body.id, '--format', 'dot', '--data-dir', server.dataDir]);
    expect(fromSnapshot.stdout).toContain('Short-term funding cycles');
    expect(fromSnapshot.stdout).not.toContain('Changed after the snapshot');
    const loops = await cli(['--map', map.id, '--format', 'csv', '--file', 'loops.csv', '--data-dir', server.dataDir]);
    expect(loops.stdout.trim().split('\n')).toHaveLength(41);
    await expect(cli(['--map', 'nope-nope-nope', '--format', 'json', '--data-dir', server.dataDir])).rejects.toMatchObject({ stderr: expect.stringContaining('There is no map with id') });
    // Ids may begin with a dash; one is still read as the map's id, not as an option.
    await expect(cli(['--map', '-nope-nope', '--format', 'json', '--data-dir', server.dataDir])).rejects.toMatchObject({ stderr: expect.stringContaining('There is no map with id -nope-nope') });
    await expect(cli(['--map', map.id, '--format', 'docx', '--data-dir', server.dataDir])).rejects.toMatchObject({ stderr: expect.stringContaining('Unknown format') });
  });
});

describe('idle maps', () => {
  it('are unloaded after the last person leaves, and load again on the next visit', async () => {
    server = await startTestServer({ limits: { idleUnloadMs: 100 } });
    const map = await createMap(server.url, { title: 'Idle' });
    const client = editor(map);
    await waitSynced(client);
    addFactor(client.doc, { label: 'Kept' });
    await waitFor(() => server!.rooms.size === 1, 'the map to be loaded');
    client.destroy();
    clients.length = 0;
    await waitFor(() => server!.rooms.size === 0, 'the idle map to be unloaded', 5_000);
    const back = editor(map);
    await waitSynced(back);
    expect(server.rooms.size).toBe(1);
    await waitFor(() => [...back.doc.getMap('nodes').values()].length === 1, 'the content to come back');
  });
});
