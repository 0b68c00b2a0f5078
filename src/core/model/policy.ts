import * as Y from 'yjs';
import { EDGES, LOOP_NAMES, NODES, SECTIONS } from './schema';
import {
  COMMENTS, COMMENT_MAX, VOTES, WITHDRAWALS, allowedNow, creatorOf, readSession, votesMap, withdrawalsMap,
  type Permission, type SessionState,
} from './workshop';

/**
 * Who may change what, in one place: the server applies it to every update it
 * receives (server/sync/guard.ts) and the browser uses it to disable what a
 * person may not do. The facilitator may do everything; viewers nothing.
 */

export interface Actor {
  role: 'facilitator' | 'editor' | 'viewer';
  /** Pseudonymous author id of the connection. */
  author: string;
}

/** One key that a transaction changed: `root` map, then the path below it. */
export interface Change {
  root: string;
  /** Keys from the root down, e.g. ['factorId', 'label'] or ['factorId', 'tags', 'women']. */
  path: string[];
  /** The entry at path[0] was created in this transaction. */
  created: boolean;
  /** The entry at path[0] no longer exists after this transaction. */
  deleted: boolean;
}

const STRUCTURE = new Set([NODES, EDGES, SECTIONS, LOOP_NAMES]);
const MAX_LOOP_TARGET = 2_000;

export const REFUSALS = {
  facilitatorOnly: 'Only the facilitator can change that.',
  viewer: 'This link can only view the map.',
  locked: 'The facilitator has locked the map: you can still vote and comment.',
  elementLocked: 'The facilitator has locked that factor.',
  phase: (what: string) => `The current phase does not allow ${what}.`,
  otherVoter: 'You can only change your own votes.',
  noVote: 'No vote is open.',
  budget: (dots: number) => `Each person has ${dots} dots in this vote.`,
  badVote: 'A vote must be a whole number of dots on something that exists.',
  otherComment: 'You can only change your own comments.',
  badComment: `A comment needs its target, your name and at most ${COMMENT_MAX} characters.`,
  otherContribution: 'You can only withdraw what you added yourself.',
} as const;

const PERMISSION_TEXT: Record<Permission, string> = {
  add: 'adding factors or links',
  edit: 'changing the map',
  vote: 'voting',
  comment: 'comments',
};

/** Returns why `changes` by `actor` are refused, or null when they are allowed. Reads `doc` after the changes. */
export function refusal(doc: Y.Doc, actor: Actor, changes: readonly Change[]): string | null {
  if (changes.length === 0 || actor.role === 'facilitator') return null;
  if (actor.role === 'viewer') return REFUSALS.viewer;
  const state = readSession(doc);
  const allowed = allowedNow(state);
  const need = (permission: Permission) => (allowed.has(permission) ? null : REFUSALS.phase(PERMISSION_TEXT[permission]));
  const checkedBallots = new Set<string>();
  for (const change of changes) {
    let reason: string | null;
    if (STRUCTURE.has(change.root)) reason = structureRefusal(state, change, need);
    else if (change.root === VOTES) {
      const key = change.path.slice(0, 2).join('/');
      if (checkedBallots.has(key)) continue;
      checkedBallots.add(key);
      reason = voteRefusal(doc, state, actor, change, need);
    } else if (change.root === COMMENTS) reason = commentRefusal(doc, actor, change, need);
    else if (change.root === WITHDRAWALS) reason = withdrawalRefusal(doc, actor, change);
    else reason = REFUSALS.facilitatorOnly;
    if (reason) return reason;
  }
  return null;
}

function structureRefusal(state: SessionState, change: Change, need: (p: Permission) => string | null): string | null {
  if (state.locked) return REFUSALS.locked;
  const id = change.path[0];
  if (id !== undefined && state.lockedElements.includes(id)) return REFUSALS.elementLocked;
  return need(change.created ? 'add' : 'edit');
}

function voteRefusal(doc: Y.Doc, state: SessionState, actor: Actor, change: Change, need: (p: Permission) => string | null): string | null {
  const [voteId, voter] = change.path;
  // The ballot box itself is the facilitator's (created when the vote opens).
  if (voter === undefined) return REFUSALS.facilitatorOnly;
  if (voter !== actor.author) return REFUSALS.otherVoter;
  const permission = need('vote');
  if (permission) return permission;
  const vote = state.vote;
  if (!vote || !vote.open || vote.id !== voteId) return REFUSALS.noVote;
  const ballot = votesMap(doc).get(voteId)?.get(voter);
  if (ballot === undefined) return null;
  if (!(ballot instanceof Y.Map)) return REFUSALS.badVote;
  let spent = 0;
  const targets = vote.targets === 'factors' ? doc.getMap(NODES) : vote.targets === 'links' ? doc.getMap(EDGES) : null;
  for (const [target, count] of ballot.entries()) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return REFUSALS.badVote;
    if (targets ? !targets.has(target) : target.length > MAX_LOOP_TARGET) return REFUSALS.badVote;
    spent += count;
  }
  return spent > vote.dots ? REFUSALS.budget(vote.dots) : null;
}

function commentRefusal(doc: Y.Doc, actor: Actor, change: Change, need: (p: Permission) => string | null): string | null {
  const permission = need('comment');
  if (permission) return permission;
  const [id, key] = change.path;
  if (id === undefined) return REFUSALS.otherComment;
  const entry = doc.getMap(COMMENTS).get(id);
  if (change.deleted || !(entry instanceof Y.Map)) return REFUSALS.otherComment;
  if (entry.get('author') !== actor.author) return REFUSALS.otherComment;
  if (!change.created && key !== undefined && key !== 'text' && key !== 'withdrawn') return REFUSALS.otherComment;
  const text = entry.get('text');
  if (typeof text !== 'string' || text.length > COMMENT_MAX || typeof entry.get('target') !== 'string') return REFUSALS.badComment;
  return null;
}

/**
 * Withdrawing (or restoring) one's own factor or link: in any phase and on a
 * locked map, but only for elements the actor created, in their own name.
 */
function withdrawalRefusal(doc: Y.Doc, actor: Actor, change: Change): string | null {
  const [id, below] = change.path;
  if (id === undefined || below !== undefined) return REFUSALS.otherContribution;
  if (creatorOf(doc, id) !== actor.author) return REFUSALS.otherContribution;
  if (change.deleted) return null;
  return withdrawalsMap(doc).get(id) === actor.author ? null : REFUSALS.otherContribution;
}
