import { describe, expect, it } from 'vitest';
import {
  addComment, addFactor, addLink, readComments, readSession, readWithdrawals, restoreContribution, setHidden, setLocked, setPhase,
  withdrawComment, withdrawContribution, withdrawalsMap,
} from '../../src/core/model';
import { waitFor, waitSynced } from '../helpers/clients';
import { useMapRoom } from '../helpers/map-room';

const room = useMapRoom('Moderation');
const { client, serverView } = room;

async function exportJson(): Promise<{ nodes: { label: string }[]; edges: { id: string }[]; loops: { nodeIds: string[] }[] }> {
  const res = await fetch(`${room.server.url}/api/maps/${room.map.id}/export?format=json&token=${room.map.tokens.viewer}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { nodes: { label: string }[]; edges: { id: string }[]; loops: { nodeIds: string[] }[] };
}

/** The facilitator ('fac') and a participant with the editor link ('ed'), both synced. */
async function facilitatorAndEditor() {
  const facilitator = client(room.map.tokens.facilitator, 'fac');
  const ed = client(room.map.tokens.editor, 'ed');
  await Promise.all([waitSynced(facilitator), waitSynced(ed)]);
  return { facilitator, ed };
}

describe('withdrawing and hiding contributions', () => {
  it('a participant withdraws their own factor in any phase, even on a locked map, and can put it back', async () => {
    const { facilitator, ed } = await facilitatorAndEditor();
    const mine = addFactor(ed.doc, { label: 'My story about the system' }, { author: 'ed' });
    await waitFor(() => facilitator.doc.getMap('nodes').has(mine), 'factor to arrive');
    setPhase(facilitator.doc, 'vote'); // participants may only vote and comment now
    setLocked(facilitator.doc, true);
    await waitFor(() => readSession(ed.doc).locked && readSession(ed.doc).phase === 'vote', 'lock to arrive');

    withdrawContribution(ed.doc, mine, { author: 'ed' });
    await waitFor(() => readWithdrawals(facilitator.doc).get(mine) === 'ed', 'withdrawal to reach the facilitator');
    expect(readWithdrawals(await serverView()).get(mine)).toBe('ed');

    restoreContribution(ed.doc, mine, { author: 'ed' });
    await waitFor(() => !readWithdrawals(facilitator.doc).has(mine), 'restore to reach the facilitator');
    expect(readWithdrawals(await serverView()).size).toBe(0);
  });

  it('nobody can withdraw, or undo the withdrawal of, somebody else\'s contribution', async () => {
    const ed = client(room.map.tokens.editor, 'ed');
    const mo = client(room.map.tokens.editor, 'mo');
    await Promise.all([waitSynced(ed), waitSynced(mo)]);
    const eds = addFactor(ed.doc, { label: 'Ed\'s factor' }, { author: 'ed' });
    await waitFor(() => mo.doc.getMap('nodes').has(eds), 'factor to arrive');

    // The typed operation says no in the browser…
    expect(() => withdrawContribution(mo.doc, eds, { author: 'mo' })).toThrow(/only withdraw what you added/);
    // …and a modified client writing the key directly, even in Ed's name, is put back by the server.
    withdrawalsMap(mo.doc).set(eds, 'ed');
    await waitFor(() => !withdrawalsMap(mo.doc).has(eds), 'the forged withdrawal to be undone at mo');
    expect(readWithdrawals(await serverView()).size).toBe(0);

    withdrawContribution(ed.doc, eds, { author: 'ed' });
    await waitFor(() => readWithdrawals(mo.doc).has(eds), 'real withdrawal to arrive');
    withdrawalsMap(mo.doc).delete(eds);
    await waitFor(() => readWithdrawals(mo.doc).get(eds) === 'ed', 'mo\'s restore to be undone');
    expect(readWithdrawals(await serverView()).get(eds)).toBe('ed');
  });

  it('a viewer cannot withdraw anything', async () => {
    const ed = client(room.map.tokens.editor, 'ed');
    const vi = client(room.map.tokens.viewer, 'vi');
    await Promise.all([waitSynced(ed), waitSynced(vi)]);
    const id = addFactor(vi.doc, { label: 'Viewer' }, { author: 'vi' });
    withdrawalsMap(vi.doc).set(id, 'vi');
    const eds = addFactor(ed.doc, { label: 'Kept' }, { author: 'ed' });
    const view = await serverView();
    await waitFor(() => view.getMap('nodes').has(eds), 'the editor\'s factor to arrive');
    expect(view.getMap('nodes').has(id)).toBe(false);
    expect(readWithdrawals(view).size).toBe(0);
  });

  it('exports leave out hidden and withdrawn elements, their links and the loops through them', async () => {
    const { facilitator, ed } = await facilitatorAndEditor();
    const a = addFactor(facilitator.doc, { label: 'Funding' }, { author: 'fac' });
    const b = addFactor(facilitator.doc, { label: 'Staff' }, { author: 'fac' });
    const c = addFactor(ed.doc, { label: 'Withdrawn later' }, { author: 'ed' });
    const d = addFactor(ed.doc, { label: 'Hidden later' }, { author: 'ed' });
    await waitFor(() => facilitator.doc.getMap('nodes').size === 4, 'factors to meet');
    addLink(facilitator.doc, { source: a, target: b, polarity: '+' }, { author: 'fac' });
    addLink(facilitator.doc, { source: b, target: a, polarity: '+' }, { author: 'fac' });
    addLink(facilitator.doc, { source: b, target: c, polarity: '+' }, { author: 'fac' });
    addLink(facilitator.doc, { source: c, target: b, polarity: '-' }, { author: 'fac' });
    addLink(facilitator.doc, { source: a, target: d, polarity: '+' }, { author: 'fac' });
    addLink(facilitator.doc, { source: d, target: a, polarity: '+' }, { author: 'fac' });
    await waitFor(() => ed.doc.getMap('edges').size === 6, 'links to arrive');
    const before = await exportJson();
    expect(before.nodes).toHaveLength(4);
    expect(before.loops).toHaveLength(3);

    withdrawContribution(ed.doc, c, { author: 'ed' });
    setHidden(facilitator.doc, d, true, { author: 'fac' });
    await waitFor(() => readWithdrawals(facilitator.doc).has(c) && readSession(ed.doc).hidden.includes(d), 'moderation to meet');
    // Let the server have both (a fresh replica has them once it is synced).
    const view = await serverView();
    expect(readWithdrawals(view).has(c)).toBe(true);
    expect(readSession(view).hidden).toContain(d);
    const after = await exportJson();
    expect(after.nodes.map((n) => n.label).sort()).toEqual(['Funding', 'Staff']);
    expect(after.edges).toHaveLength(2);
    expect(after.loops).toHaveLength(1);
    expect(after.loops[0]!.nodeIds.sort()).toEqual([a, b].sort());
    // The document itself keeps them, so putting them back restores everything.
    expect(view.getMap('nodes').size).toBe(4);
  });

  it('the change history and past states leave out the words of withdrawn and hidden contributions and comments', async () => {
    const { facilitator, ed } = await facilitatorAndEditor();
    const kept = addFactor(facilitator.doc, { label: 'Funding cycles' }, { author: 'fac' });
    const secret = addFactor(ed.doc, { label: 'Something I regret sharing' }, { author: 'ed' });
    const rude = addFactor(ed.doc, { label: 'Off-topic insult' }, { author: 'ed' });
    await waitFor(() => facilitator.doc.getMap('nodes').size === 3, 'factors to meet');
    addLink(facilitator.doc, { source: kept, target: secret, polarity: '+' }, { author: 'fac' });
    const comment = addComment(ed.doc, { target: kept, text: 'A private detail', authorName: 'Ed' }, { author: 'ed' });
    await waitFor(() => readComments(facilitator.doc).length === 1 && facilitator.doc.getMap('edges').size === 1, 'link and comment to meet');
    const history = async (format: 'json' | 'csv') => (await fetch(`${room.server.url}/api/maps/${room.map.id}/history?format=${format}&token=${room.map.tokens.viewer}`)).text();
    expect(await history('json')).toContain('Something I regret sharing');
    const beforeSeq = ((JSON.parse(await history('json')) as { entries: { seq: number }[] }).entries.at(-1)!).seq;

    withdrawContribution(ed.doc, secret, { author: 'ed' });
    withdrawComment(ed.doc, comment, { author: 'ed' });
    setHidden(facilitator.doc, rude, true, { author: 'fac' });
    await waitFor(() => readWithdrawals(facilitator.doc).has(secret) && readSession(ed.doc).hidden.includes(rude)
      && readComments(facilitator.doc)[0]!.withdrawn, 'moderation to meet');
    await serverView();
    for (const format of ['json', 'csv'] as const) {
      const text = await history(format);
      expect(text).toContain('Funding cycles');
      for (const words of ['Something I regret sharing', 'Off-topic insult', 'A private detail']) expect(text).not.toContain(words);
      expect(text).toContain('(withdrawn or hidden)');
    }
    // The map as it stood before the withdrawal is exported without it as well.
    const past = (await (await fetch(`${room.server.url}/api/maps/${room.map.id}/history/state?seq=${beforeSeq}&format=json&token=${room.map.tokens.viewer}`)).json()) as { nodes: { label: string }[]; edges: unknown[] };
    expect(past.nodes.map((n) => n.label)).toEqual(['Funding cycles']);
    expect(past.edges).toEqual([]);
  });
});
