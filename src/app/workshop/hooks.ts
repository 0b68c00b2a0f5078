import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { FlowStore } from '../canvas/flow-store';
import type * as Y from 'yjs';
import { COMMENTS, SESSION, VOTES, VOTE_RESULTS, WITHDRAWALS, readComments, readSession, readVoteResults, readWithdrawals, type CommentRecord, type SessionState, type VoteResult } from '../../core/model/workshop';

/** Re-renders when a root map (or anything inside it) changes; `read` must return a stable snapshot. */
function useRoot<T>(doc: Y.Doc, root: string, read: () => T): T {
  const map = doc.getMap(root);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    map.observeDeep(bump);
    return () => map.unobserveDeep(bump);
  }, [map]);
  // `version` is the dependency that matters: read again whenever the map changed.
  return useMemo(read, [version, map]);
}

export function useSession(doc: Y.Doc): SessionState {
  return useRoot(doc, SESSION, () => readSession(doc));
}

export function useComments(doc: Y.Doc): CommentRecord[] {
  return useRoot(doc, COMMENTS, () => readComments(doc));
}

/** Factors and links withdrawn by their authors: id → author. */
export function useWithdrawals(doc: Y.Doc): Map<string, string> {
  return useRoot(doc, WITHDRAWALS, () => readWithdrawals(doc));
}

export function useVoteResults(doc: Y.Doc): VoteResult[] {
  return useRoot(doc, VOTE_RESULTS, () => readVoteResults(doc));
}

/** Dots per target so far in a vote, and what `voter` has spent. */
export function useTally(doc: Y.Doc, voteId: string | null, voter: string): { totals: Record<string, number>; mine: Record<string, number>; voters: number } {
  return useRoot(doc, VOTES, () => {
    const totals: Record<string, number> = {};
    const mine: Record<string, number> = {};
    let voters = 0;
    const ballots = voteId ? doc.getMap(VOTES).get(voteId) : undefined;
    if (ballots && typeof (ballots as { entries?: unknown }).entries === 'function') {
      for (const [who, ballot] of (ballots as Y.Map<Y.Map<number>>).entries()) {
        let spent = 0;
        for (const [target, count] of ballot.entries()) {
          if (typeof count !== 'number' || count < 1) continue;
          totals[target] = (totals[target] ?? 0) + count;
          if (who === voter) mine[target] = count;
          spent += count;
        }
        if (spent > 0) voters++;
      }
    }
    return { totals, mine, voters };
  });
}

/** The current time, ticking every `ms` (for countdowns). */
export function useNow(ms = 1000): number {
  return useSyncExternalStore(
    (cb) => {
      const timer = setInterval(cb, ms);
      return () => clearInterval(timer);
    },
    () => Math.floor(Date.now() / ms) * ms,
  );
}

/**
 * Workshop state drawn on the map, in every view: vote results as badges (the
 * last closed vote), hidden or withdrawn elements, which vanish for
 * participants and fade for the facilitator, and locked factors.
 */
export function useWorkshopOverlay(doc: Y.Doc, store: FlowStore, session: SessionState, facilitator: boolean): void {
  const results = useVoteResults(doc);
  const withdrawals = useWithdrawals(doc);
  useEffect(() => {
    const last = results.at(-1);
    const votes = new Map<string, number>(last ? Object.entries(last.totals) : []);
    store.setOverlay({
      votes, hidden: new Set([...session.hidden, ...withdrawals.keys()]), showHidden: facilitator,
      locked: new Set(session.lockedElements), lockBinds: !facilitator,
    });
  }, [store, results, session.hidden, session.lockedElements, withdrawals, facilitator]);
}
