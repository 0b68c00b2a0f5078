import { afterEach, describe, expect, it } from 'vitest';
import { addFactor, addLink, readMap } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer | null = null;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = null;
});

function join(wsUrl: string, id: string, token: string): Client {
  const c = connectClient(wsUrl, id, token, { client: `c${clients.length}` });
  clients.push(c);
  return c;
}

describe('breakouts and merge', () => {
  it('breakouts copy the map; merging matches labels, asks about near matches, flags polarity conflicts and records origins', async () => {
    server = await startTestServer();
    const plenaryMap = await createMap(server.url, { title: 'Plenary' });
    const fac = join(server.wsUrl, plenaryMap.id, plenaryMap.tokens.facilitator);
    await waitSynced(fac);
    const funding = addFactor(fac.doc, { label: 'Short-term funding' });
    const turnover = addFactor(fac.doc, { label: 'Staff turnover' });
    addLink(fac.doc, { source: funding, target: turnover, polarity: '+' });
    await new Promise((r) => setTimeout(r, 100));

    const post = (path: string, body: unknown, token = plenaryMap.tokens.facilitator) => fetch(`${server!.url}/api/maps/${plenaryMap.id}${path}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await post('/breakouts', { names: ['A'] }, plenaryMap.tokens.editor)).status).toBe(403);
    expect((await post('/breakouts', { names: ['A', 'a'] })).status).toBe(400);
    const res = await post('/breakouts', { names: ['Group A', 'Group B'] });
    expect(res.status).toBe(201);
    const [a, b] = (await res.json()) as { id: string; name: string; links: { facilitator: string; editor: string } }[];
    // The facilitator's own link works in each breakout.
    expect(a!.links.facilitator).toContain(`#token=${plenaryMap.tokens.facilitator}`);
    const token = (link: string) => decodeURIComponent(link.split('#token=')[1]!);

    const groupA = join(server.wsUrl, a!.id, token(a!.links.editor));
    const groupB = join(server.wsUrl, b!.id, token(b!.links.editor));
    await Promise.all([waitSynced(groupA), waitSynced(groupB)]);
    expect(readMap(groupA.doc).nodes.map((n) => n.label).sort()).toEqual(['Short-term funding', 'Staff turnover']);
    const aFunding = readMap(groupA.doc).nodes.find((n) => n.label === 'Short-term funding')!.id;
    const trustA = addFactor(groupA.doc, { label: 'Trust in services' });
    addLink(groupA.doc, { source: aFunding, target: trustA, polarity: '-' });
    const bFunding = readMap(groupB.doc).nodes.find((n) => n.label === 'Short-term funding')!.id;
    const bTurnover = readMap(groupB.doc).nodes.find((n) => n.label === 'Staff turnover')!.id;
    const trustB = addFactor(groupB.doc, { label: 'trust in servics' });
    addLink(groupB.doc, { source: bFunding, target: trustB, polarity: '-' });
    addLink(groupB.doc, { source: bFunding, target: bTurnover, polarity: '-' });
    await new Promise((r) => setTimeout(r, 200));

    const list = await fetch(`${server.url}/api/maps/${plenaryMap.id}/breakouts?token=${plenaryMap.tokens.facilitator}`);
    expect(((await list.json()) as { name: string }[]).map((x) => x.name)).toEqual(['Group A', 'Group B']);

    const preview = await fetch(`${server.url}/api/maps/${plenaryMap.id}/merge?from=${a!.id},${b!.id}&token=${plenaryMap.tokens.facilitator}`);
    expect(preview.status).toBe(200);
    const plan = (await preview.json()) as { factors: { key: string; label: string; match: unknown; proposals: { key: string | null }[] }[]; conflicts: { from: string; to: string }[] };
    const typo = plan.factors.find((f) => f.label === 'trust in servics')!;
    expect(typo.match).toBeNull();
    expect(typo.proposals.map((p) => p.key)).toEqual([`Group A/${trustA}`]);
    expect(plan.conflicts).toEqual([expect.objectContaining({ from: 'short term funding', to: 'staff turnover' })]);
    expect((await fetch(`${server.url}/api/maps/${plenaryMap.id}/merge?from=nope&token=${plenaryMap.tokens.facilitator}`)).status).toBe(400);

    const merged = await post('/merge', { from: [a!.id, b!.id], decisions: { [typo.key]: `Group A/${trustA}` } });
    expect(merged.status).toBe(200);
    expect(await merged.json()).toMatchObject({ factorsAdded: 1, linksAdded: 2, conflicts: 1 });

    await waitFor(() => readMap(fac.doc).nodes.length === 3, 'the merge to reach the plenary');
    const result = readMap(fac.doc);
    const trust = result.nodes.find((n) => n.label === 'Trust in services')!;
    expect(trust.extra.fromBreakouts).toEqual(['Group A', 'Group B']);
    expect(result.nodes.find((n) => n.id === funding)!.extra.fromBreakouts).toEqual(['Group A', 'Group B']);
    const fundingToTurnover = result.edges.filter((e) => e.source === funding && e.target === turnover);
    expect(fundingToTurnover.map((e) => e.polarity).sort()).toEqual(['+', '-']);
    for (const edge of fundingToTurnover) expect(edge.tags).toContain('polarity conflict');
    // Both groups drew funding ⊣ trust: one link, from both.
    const toTrust = result.edges.filter((e) => e.target === trust.id);
    expect(toTrust).toHaveLength(1);
    expect(toTrust[0]!.extra.fromBreakouts).toEqual(['Group A', 'Group B']);
  });
});
