import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addComment, addFactor, castVote, closeVote, openVote, readComments, readNodes, readSession, readVoteResults,
  setElementLocked, setLocked, setPhase, startTimer, tallyVote, updateFactor, votesMap,
} from '../../src/core/model';
import { nextCloseCode, waitFor, waitSynced } from '../helpers/clients';
import { useMapRoom } from '../helpers/map-room';

const room = useMapRoom('Workshop');
const { client, serverView } = room;

describe('facilitator-only state is enforced by the server', () => {
  it('an editor changing the phase, the timer, the lock or the voting rules has no effect anywhere', async () => {
    const facilitator = client(room.map.tokens.facilitator, 'fac');
    const editor = client(room.map.tokens.editor, 'ed');
    const other = client(room.map.tokens.editor, 'other');
    await Promise.all([waitSynced(facilitator), waitSynced(editor), waitSynced(other)]);
    setPhase(facilitator.doc, 'gather');
    await waitFor(() => readSession(editor.doc).phase === 'gather', 'editor sees the phase');

    setPhase(editor.doc, 'vote');
    startTimer(editor.doc, 60_000);
    setLocked(editor.doc, true);
    openVote(editor.doc, { targets: 'factors', dots: 20, visibility: 'live' });
    // The editor's own replica is put back by the server's undo…
    await waitFor(() => {
      const s = readSession(editor.doc);
      return s.phase === 'gather' && s.timer === null && !s.locked && s.vote === null;
    }, 'the editor replica to be reverted');
    // …and nobody else ever saw the change.
    for (const doc of [facilitator.doc, other.doc, await serverView()]) {
      const s = readSession(doc);
      expect(s).toMatchObject({ phase: 'gather', timer: null, locked: false, vote: null });
    }

    // The facilitator can do all of it.
    startTimer(facilitator.doc, 60_000);
    setLocked(facilitator.doc, true);
    await waitFor(() => readSession(other.doc).locked && readSession(other.doc).timer !== null, 'facilitator changes to arrive');
  });

  it('editing a locked map has no effect, but votes and comments still work', async () => {
    const facilitator = client(room.map.tokens.facilitator, 'fac');
    const editor = client(room.map.tokens.editor, 'ed');
    await Promise.all([waitSynced(facilitator), waitSynced(editor)]);
    const kept = addFactor(editor.doc, { label: 'Before the lock' });
    await waitFor(() => readNodes(facilitator.doc).length === 1, 'factor to arrive');

    setLocked(facilitator.doc, true);
    openVote(facilitator.doc, { targets: 'factors', dots: 2, visibility: 'live' });
    await waitFor(() => readSession(editor.doc).locked && readSession(editor.doc).vote?.open === true, 'lock and vote to arrive');

    addFactor(editor.doc, { label: 'During the lock' });
    updateFactor(editor.doc, kept, { label: 'Renamed during the lock' });
    await waitFor(() => readNodes(editor.doc).length === 1 && readNodes(editor.doc)[0]!.label === 'Before the lock', 'locked edits to be undone');
    castVote(editor.doc, 'ed', kept, 2);
    addComment(editor.doc, { target: kept, text: 'This is the big one', authorName: 'Ed' }, { author: 'ed' });
    const view = await serverView();
    await waitFor(() => tallyVote(view, readSession(view).vote!.id).totals[kept] === 2 && readComments(view).length === 1, 'vote and comment to arrive');
    expect(readNodes(view).map((n) => n.label)).toEqual(['Before the lock']);

    // A single locked factor: the rest of the map stays open.
    setLocked(facilitator.doc, false);
    setElementLocked(facilitator.doc, kept, true);
    const free = addFactor(facilitator.doc, { label: 'Free' });
    await waitFor(() => readNodes(editor.doc).length === 2 && !readSession(editor.doc).locked, 'unlock to arrive');
    updateFactor(editor.doc, kept, { label: 'Nope' });
    updateFactor(editor.doc, free, { label: 'Free and renamed' });
    const later = await serverView();
    await waitFor(() => readNodes(later).some((n) => n.label === 'Free and renamed'), 'allowed edit to arrive');
    expect(readNodes(later).find((n) => n.id === kept)!.label).toBe('Before the lock');
  });

  it('votes over the budget, for others, or when no vote is open are rejected; closing stores results', async () => {
    const facilitator = client(room.map.tokens.facilitator, 'fac');
    const ed = client(room.map.tokens.editor, 'ed');
    const mo = client(room.map.tokens.editor, 'mo');
    await Promise.all([waitSynced(facilitator), waitSynced(ed), waitSynced(mo)]);
    const a = addFactor(facilitator.doc, { label: 'A' });
    const b = addFactor(facilitator.doc, { label: 'B' });
    // No vote open: a ballot written by hand is undone.
    votesMap(ed.doc).set('fake', new Y.Map() as never);
    const voteId = openVote(facilitator.doc, { targets: 'factors', dots: 3, visibility: 'hidden' });
    await waitFor(() => readSession(ed.doc).vote?.id === voteId && readSession(mo.doc).vote?.id === voteId && readNodes(ed.doc).length === 2, 'vote to open');
    expect(votesMap(ed.doc).has('fake')).toBe(false);

    castVote(ed.doc, 'ed', a, 2);
    castVote(ed.doc, 'ed', b, 1);
    castVote(mo.doc, 'mo', a, 1);
    // Over budget, written directly (a modified client would): undone.
    ed.doc.transact(() => votesMap(ed.doc).get(voteId)!.get('ed')!.set(b, 3));
    // Ed writes into Mo's ballot: undone.
    await waitFor(() => votesMap(ed.doc).get(voteId)?.has('mo') === true, 'mo ballot to reach ed');
    ed.doc.transact(() => votesMap(ed.doc).get(voteId)!.get('mo')!.set(b, 1));
    // A vote for something that does not exist: undone.
    mo.doc.transact(() => votesMap(mo.doc).get(voteId)!.get('mo')!.set('ghost', 1));

    const view = await serverView();
    await waitFor(() => {
      const t = tallyVote(ed.doc, voteId).totals;
      return t[a] === 3 && t[b] === 1 && t.ghost === undefined;
    }, 'the refused votes to be undone at ed');
    await waitFor(() => JSON.stringify(tallyVote(view, voteId).totals) === JSON.stringify(tallyVote(ed.doc, voteId).totals), 'server and ed agree');
    expect(tallyVote(view, voteId)).toEqual({ voters: 2, totals: { [a]: 3, [b]: 1 } });

    // Only the facilitator closes; the result is stored in the room.map. (The editor's refused
    // attempt is let to settle first: a refused write that lands at the very same instant as
    // the facilitator's write of the same key can shadow it; see server/sync/room.ts.)
    closeVote(ed.doc);
    await waitFor(() => readSession(ed.doc).vote?.open === true && readVoteResults(ed.doc).length === 0, 'the editor close to be undone');
    closeVote(facilitator.doc, { now: () => 1000 });
    const after = await serverView();
    await waitFor(() => readVoteResults(after).length === 1, 'results to be stored');
    expect(readVoteResults(after)[0]).toMatchObject({ voteId, voters: 2, totals: { [a]: 3, [b]: 1 }, closedAt: 1000 });
    expect(readSession(after).vote?.open).toBe(false);
    // After closing, even a modified client cannot change its ballot.
    expect(() => castVote(ed.doc, 'ed', a, 0)).toThrow(/No vote is open/);
    ed.doc.transact(() => votesMap(ed.doc).get(voteId)!.get('ed')!.delete(a));
    await waitFor(() => tallyVote(ed.doc, voteId).totals[a] === 3, 'the late change to be undone at ed');
    expect(tallyVote(await serverView(), voteId).totals[a]).toBe(3);
  });

  it('phases decide what participants may do', async () => {
    const facilitator = client(room.map.tokens.facilitator, 'fac');
    const editor = client(room.map.tokens.editor, 'ed');
    await Promise.all([waitSynced(facilitator), waitSynced(editor)]);
    const existing = addFactor(facilitator.doc, { label: 'Existing' });
    setPhase(facilitator.doc, 'check'); // edit and comment, no adding
    await waitFor(() => readSession(editor.doc).phase === 'check' && readNodes(editor.doc).length === 1, 'phase to arrive');
    addFactor(editor.doc, { label: 'Not now' });
    updateFactor(editor.doc, existing, { label: 'Checked' });
    const view = await serverView();
    await waitFor(() => readNodes(view).map((n) => n.label).join() === 'Checked', 'edit allowed, add refused');
    await waitFor(() => readNodes(editor.doc).length === 1, 'refused add undone at the editor');
  });

  it('comments: anyone may add their own; nobody may change another person\'s', async () => {
    const ed = client(room.map.tokens.editor, 'ed');
    const mo = client(room.map.tokens.editor, 'mo');
    await Promise.all([waitSynced(ed), waitSynced(mo)]);
    const target = addFactor(ed.doc, { label: 'T' });
    const id = addComment(ed.doc, { target, text: 'Mine', authorName: 'Ed' }, { author: 'ed' });
    await waitFor(() => readComments(mo.doc).length === 1, 'comment to arrive');
    (mo.doc.getMap('comments').get(id) as Y.Map<unknown>).set('text', 'Hijacked');
    addComment(mo.doc, { target, text: 'Pretending', authorName: 'Ed' }, { author: 'ed' });
    const view = await serverView();
    await waitFor(() => readComments(mo.doc).length === 1 && readComments(mo.doc)[0]!.text === 'Mine', 'mo changes undone');
    expect(readComments(view).map((c) => c.text)).toEqual(['Mine']);
  });

  it('replacing a link stops the old token at once and disconnects its holders; other roles carry on', async () => {
    const editor = client(room.map.tokens.editor, 'ed');
    const viewer = client(room.map.tokens.viewer, 'vi');
    await Promise.all([waitSynced(editor), waitSynced(viewer)]);
    const replace = (role: string, token: string) => fetch(`${room.server.url}/api/maps/${room.map.id}/links/${role}/replace`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect((await replace('editor', room.map.tokens.editor)).status).toBe(403);
    const closed = nextCloseCode(editor);
    const res = await replace('editor', room.map.tokens.facilitator);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; link: string; disconnected: number };
    expect(body.disconnected).toBe(1);
    expect(body.link).toContain(`#token=${body.token}`);
    expect(await closed).toBe(4401);
    const old = client(room.map.tokens.editor, 'ed-again');
    expect(await nextCloseCode(old)).toBe(4401);
    const renewed = client(body.token, 'ed-new');
    await waitSynced(renewed);
    expect(viewer.provider.wsconnected).toBe(true);
    expect((await fetch(`${room.server.url}/api/maps/${room.map.id}?token=${body.token}`)).status).toBe(200);
    expect((await replace('owner', room.map.tokens.facilitator)).status).toBe(404);
  });

  it('a viewer changes nothing', async () => {
    const viewer = client(room.map.tokens.viewer, 'vi');
    await waitSynced(viewer);
    addFactor(viewer.doc, { label: 'Viewer factor' });
    setPhase(viewer.doc, 'vote');
    const view = await serverView();
    await new Promise((r) => setTimeout(r, 200));
    expect(readNodes(view)).toEqual([]);
    expect(readSession(view).phase).toBeNull();
  });
});
