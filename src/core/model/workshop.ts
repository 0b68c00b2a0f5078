import * as Y from 'yjs';
import { z } from 'zod';
import { newId } from './ids';
import { readMap } from './read';
import { EDGES, NODES } from './schema';
import type { MapSnapshot } from './types';
import { ModelError, type OpContext } from './ops';

/**
 * Workshop state in the map document. `session` and `voteResults` are the
 * facilitator's: the server refuses changes to them from anyone else (see
 * policy.ts). `votes` and `comments` are written by participants, each only
 * in their own name.
 */
export const SESSION = 'session';
export const VOTES = 'votes';
export const VOTE_RESULTS = 'voteResults';
export const COMMENTS = 'comments';
/** Element id → author id: factors and links their own author has withdrawn. */
export const WITHDRAWALS = 'withdrawals';

/** What a phase lets participants do. The facilitator can always do everything. */
export const PERMISSIONS = ['add', 'edit', 'vote', 'comment'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Phase {
  id: string;
  name: string;
  prompt: string;
  allow: Permission[];
}

export const DEFAULT_PLAN: readonly Phase[] = [
  { id: 'gather', name: 'Gather factors', prompt: 'What gets in the way of support? Add one factor per note: something that can go up or down.', allow: ['add', 'edit', 'comment'] },
  { id: 'connect', name: 'Connect', prompt: 'What makes what more or less likely? Draw links and give each a + or −.', allow: ['add', 'edit', 'comment'] },
  { id: 'check', name: 'Check links', prompt: 'Read each link aloud: “more X leads to more/less Y”. Fix polarity and mark long delays.', allow: ['edit', 'comment'] },
  { id: 'loops', name: 'Find loops', prompt: 'Which loops keep the problem in place? Name the ones that ring true.', allow: ['comment'] },
  { id: 'vote', name: 'Vote', prompt: 'Spend your dots on the factors where a change would matter most.', allow: ['vote', 'comment'] },
  { id: 'leverage', name: 'Leverage points and innovations', prompt: 'Where could a small change have a large effect? What already works inside the old system?', allow: ['add', 'edit', 'comment'] },
];

export const VOTE_TARGETS = ['factors', 'links', 'loops'] as const;
export type VoteTarget = (typeof VOTE_TARGETS)[number];

export interface VoteRules {
  id: string;
  open: boolean;
  targets: VoteTarget;
  /** Dots each participant may spend (several on one item allowed). */
  dots: number;
  /** 'live': everyone sees totals as they come in; 'hidden': the interface shows totals only after closing. */
  visibility: 'live' | 'hidden';
}

export interface TimerState {
  durationMs: number;
  /** Wall-clock end while running; null when paused or stopped. */
  endsAt: number | null;
  /** Time left while paused. */
  remainingMs: number;
}

export interface SessionState {
  plan: Phase[];
  phase: string | null;
  locked: boolean;
  lockedElements: string[];
  hidden: string[];
  anonymous: boolean;
  vote: VoteRules | null;
  timer: TimerState | null;
}

export function sessionMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(SESSION);
}

export function votesMap(doc: Y.Doc): Y.Map<Y.Map<Y.Map<number>>> {
  return doc.getMap(VOTES);
}

export function voteResultsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(VOTE_RESULTS);
}

export function commentsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS);
}

export function withdrawalsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(WITHDRAWALS);
}

const phaseSchema = z.object({
  id: z.string().min(1).max(40),
  name: z.string().trim().min(1).max(80),
  prompt: z.string().max(500).default(''),
  allow: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
});
const planSchema = z.array(phaseSchema).min(1).max(20);
const voteSchema = z.object({
  id: z.string().min(1).max(40),
  open: z.boolean(),
  targets: z.enum(VOTE_TARGETS),
  dots: z.number().int().min(1).max(50),
  visibility: z.enum(['live', 'hidden']),
});
const timerSchema = z.object({
  durationMs: z.number().int().min(0).max(24 * 3600_000),
  endsAt: z.number().nullable(),
  remainingMs: z.number().min(0).max(24 * 3600_000),
});

function keySet(value: unknown): string[] {
  return value instanceof Y.Map ? [...value.keys()].sort() : [];
}

/** Reads the workshop state defensively (any client may have written it). */
export function readSession(doc: Y.Doc): SessionState {
  const session = sessionMap(doc);
  const plan = planSchema.safeParse(session.get('plan'));
  const vote = voteSchema.safeParse(session.get('vote'));
  const timer = timerSchema.safeParse(session.get('timer'));
  const phase = session.get('phase');
  return {
    plan: plan.success ? plan.data : DEFAULT_PLAN.map((p) => ({ ...p, allow: [...p.allow] })),
    phase: typeof phase === 'string' ? phase : null,
    locked: session.get('locked') === true,
    lockedElements: keySet(session.get('lockedElements')),
    hidden: keySet(session.get('hidden')),
    anonymous: session.get('anonymous') === true,
    vote: vote.success ? vote.data : null,
    timer: timer.success ? timer.data : null,
  };
}

/** What participants may do now. No phase chosen: everything but voting. */
export function allowedNow(state: SessionState): Set<Permission> {
  const phase = state.plan.find((p) => p.id === state.phase);
  const allowed = new Set<Permission>(phase ? phase.allow : ['add', 'edit', 'comment']);
  if (state.vote?.open) allowed.add('vote');
  else allowed.delete('vote');
  return allowed;
}

function transact<T>(doc: Y.Doc, ctx: OpContext, fn: () => T): T {
  let result!: T;
  doc.transact(() => {
    result = fn();
  }, ctx.origin ?? null);
  return result;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ModelError(result.error.issues[0]?.message ?? 'invalid input');
  return result.data;
}

// ---- Facilitator operations ------------------------------------------------

export function setPlan(doc: Y.Doc, plan: Phase[], ctx: OpContext = {}): void {
  const values = parse(planSchema, plan);
  transact(doc, ctx, () => sessionMap(doc).set('plan', values));
}

export function setPhase(doc: Y.Doc, phaseId: string | null, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    if (phaseId === null) sessionMap(doc).delete('phase');
    else {
      if (!readSession(doc).plan.some((p) => p.id === phaseId)) throw new ModelError(`There is no phase "${phaseId}" in the plan.`);
      sessionMap(doc).set('phase', phaseId);
    }
  });
}

export function setLocked(doc: Y.Doc, locked: boolean, ctx: OpContext = {}): void {
  transact(doc, ctx, () => sessionMap(doc).set('locked', locked));
}

function toggleInSet(doc: Y.Doc, key: 'lockedElements' | 'hidden', id: string, on: boolean, ctx: OpContext): void {
  transact(doc, ctx, () => {
    const session = sessionMap(doc);
    let set = session.get(key);
    if (!(set instanceof Y.Map)) {
      set = new Y.Map<boolean>();
      session.set(key, set);
    }
    if (on) (set as Y.Map<boolean>).set(id, true);
    else (set as Y.Map<boolean>).delete(id);
  });
}

/** Locks one factor or link against participants' edits. */
export function setElementLocked(doc: Y.Doc, elementId: string, locked: boolean, ctx: OpContext = {}): void {
  toggleInSet(doc, 'lockedElements', elementId, locked, ctx);
}

/** Moderation: hides (or restores) a contribution for everyone. */
export function setHidden(doc: Y.Doc, elementId: string, hidden: boolean, ctx: OpContext = {}): void {
  toggleInSet(doc, 'hidden', elementId, hidden, ctx);
}

export function setAnonymous(doc: Y.Doc, anonymous: boolean, ctx: OpContext = {}): void {
  transact(doc, ctx, () => sessionMap(doc).set('anonymous', anonymous));
}

export function startTimer(doc: Y.Doc, durationMs: number, ctx: OpContext = {}): void {
  const now = (ctx.now ?? Date.now)();
  const timer = parse(timerSchema, { durationMs, endsAt: now + durationMs, remainingMs: durationMs });
  transact(doc, ctx, () => sessionMap(doc).set('timer', timer));
}

export function pauseTimer(doc: Y.Doc, ctx: OpContext = {}): void {
  const now = (ctx.now ?? Date.now)();
  transact(doc, ctx, () => {
    const timer = readSession(doc).timer;
    if (!timer || timer.endsAt === null) return;
    sessionMap(doc).set('timer', { ...timer, endsAt: null, remainingMs: Math.max(0, timer.endsAt - now) });
  });
}

export function resumeTimer(doc: Y.Doc, ctx: OpContext = {}): void {
  const now = (ctx.now ?? Date.now)();
  transact(doc, ctx, () => {
    const timer = readSession(doc).timer;
    if (!timer || timer.endsAt !== null) return;
    sessionMap(doc).set('timer', { ...timer, endsAt: now + timer.remainingMs });
  });
}

export function extendTimer(doc: Y.Doc, extraMs: number, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    const timer = readSession(doc).timer;
    if (!timer) return;
    sessionMap(doc).set('timer', {
      durationMs: timer.durationMs + extraMs,
      endsAt: timer.endsAt === null ? null : timer.endsAt + extraMs,
      remainingMs: timer.remainingMs + extraMs,
    });
  });
}

export function stopTimer(doc: Y.Doc, ctx: OpContext = {}): void {
  transact(doc, ctx, () => sessionMap(doc).delete('timer'));
}

export function openVote(doc: Y.Doc, rules: { targets: VoteTarget; dots: number; visibility: 'live' | 'hidden' }, ctx: OpContext = {}): string {
  const vote = parse(voteSchema, { ...rules, id: newId(8), open: true });
  transact(doc, ctx, () => {
    sessionMap(doc).set('vote', vote);
    // Created here, once, so that participants only ever create their own ballot
    // in it: two people creating the container at once would lose one ballot.
    votesMap(doc).set(vote.id, new Y.Map<Y.Map<number>>());
  });
  return vote.id;
}

export interface VoteResult {
  voteId: string;
  targets: VoteTarget;
  closedAt: number;
  voters: number;
  /** Target id → dots. */
  totals: Record<string, number>;
}

/** Totals of a vote so far (open or closed). */
export function tallyVote(doc: Y.Doc, voteId: string): { voters: number; totals: Record<string, number> } {
  const ballots = votesMap(doc).get(voteId);
  const totals: Record<string, number> = {};
  let voters = 0;
  if (ballots instanceof Y.Map) {
    for (const ballot of ballots.values()) {
      if (!(ballot instanceof Y.Map)) continue;
      let spent = 0;
      for (const [target, count] of ballot.entries()) {
        if (typeof count !== 'number' || !Number.isInteger(count) || count <= 0) continue;
        totals[target] = (totals[target] ?? 0) + count;
        spent += count;
      }
      if (spent > 0) voters++;
    }
  }
  return { voters, totals };
}

/** Closes the open vote and stores its result in the map (shown as badges, exported). */
export function closeVote(doc: Y.Doc, ctx: OpContext = {}): VoteResult | null {
  const now = (ctx.now ?? Date.now)();
  return transact(doc, ctx, () => {
    const vote = readSession(doc).vote;
    if (!vote) return null;
    const { voters, totals } = tallyVote(doc, vote.id);
    const result: VoteResult = { voteId: vote.id, targets: vote.targets, closedAt: now, voters, totals };
    voteResultsMap(doc).set(vote.id, result);
    sessionMap(doc).set('vote', { ...vote, open: false });
    return result;
  });
}

export function readVoteResults(doc: Y.Doc): VoteResult[] {
  const out: VoteResult[] = [];
  for (const value of voteResultsMap(doc).values()) {
    const r = value as Partial<VoteResult> | null;
    if (r && typeof r.voteId === 'string' && typeof r.closedAt === 'number' && r.totals && typeof r.totals === 'object') out.push(r as VoteResult);
  }
  return out.sort((a, b) => a.closedAt - b.closedAt);
}

// ---- Participant operations ------------------------------------------------

/** Sets how many of the voter's dots sit on one target (0 removes them). */
export function castVote(doc: Y.Doc, voter: string, targetId: string, count: number, ctx: OpContext = {}): void {
  if (!Number.isInteger(count) || count < 0) throw new ModelError('A vote is a whole number of dots.');
  transact(doc, ctx, () => {
    const vote = readSession(doc).vote;
    if (!vote?.open) throw new ModelError('No vote is open.');
    const ballots = votesMap(doc).get(vote.id);
    if (!(ballots instanceof Y.Map)) throw new ModelError('No vote is open.');
    let ballot = ballots.get(voter);
    if (!(ballot instanceof Y.Map)) {
      ballot = new Y.Map<number>();
      ballots.set(voter, ballot);
    }
    const spent = [...ballot.entries()].reduce((n, [t, c]) => n + (t === targetId ? 0 : typeof c === 'number' ? c : 0), 0);
    if (spent + count > vote.dots) throw new ModelError(`You have ${vote.dots - spent} dots left.`);
    if (count === 0) ballot.delete(targetId);
    else ballot.set(targetId, count);
  });
}

export const COMMENT_MAX = 2_000;

export interface CommentRecord {
  id: string;
  target: string;
  parent: string | null;
  text: string;
  author: string;
  authorName: string;
  at: number;
  withdrawn: boolean;
}

export function addComment(
  doc: Y.Doc,
  input: { target: string; parent?: string | null; text: string; authorName: string },
  ctx: OpContext = {},
): string {
  const text = input.text.trim();
  if (!text) throw new ModelError('A comment needs some text.');
  if (text.length > COMMENT_MAX) throw new ModelError(`A comment can be at most ${COMMENT_MAX} characters.`);
  const id = newId();
  transact(doc, ctx, () => {
    const entry = new Y.Map<unknown>();
    entry.set('target', input.target);
    if (input.parent) entry.set('parent', input.parent);
    entry.set('text', text);
    entry.set('author', ctx.author ?? '');
    entry.set('authorName', input.authorName.slice(0, 40));
    entry.set('at', (ctx.now ?? Date.now)());
    commentsMap(doc).set(id, entry);
  });
  return id;
}

/** A participant takes back their own comment: its text is removed, the thread stays. */
export function withdrawComment(doc: Y.Doc, commentId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    const entry = commentsMap(doc).get(commentId);
    if (!(entry instanceof Y.Map)) throw new ModelError('There is no such comment.');
    entry.set('text', '');
    entry.set('withdrawn', true);
  });
}

export function readComments(doc: Y.Doc): CommentRecord[] {
  const out: CommentRecord[] = [];
  for (const [id, entry] of commentsMap(doc).entries()) {
    if (!(entry instanceof Y.Map)) continue;
    const str = (k: string) => (typeof entry.get(k) === 'string' ? (entry.get(k) as string) : '');
    out.push({
      id,
      target: str('target'),
      parent: str('parent') || null,
      text: str('text'),
      author: str('author'),
      authorName: str('authorName'),
      at: typeof entry.get('at') === 'number' ? (entry.get('at') as number) : 0,
      withdrawn: entry.get('withdrawn') === true,
    });
  }
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

// ---- Withdrawing a contribution ----------------------------------------------

/** Who created a factor or link (its pseudonymous author id), or null when there is no such element. */
export function creatorOf(doc: Y.Doc, elementId: string): string | null {
  const entry = doc.getMap(NODES).get(elementId) ?? doc.getMap(EDGES).get(elementId);
  if (!(entry instanceof Y.Map)) return null;
  const createdBy = entry.get('createdBy');
  return typeof createdBy === 'string' ? createdBy : '';
}

/**
 * A participant takes back a factor or link they added: it disappears for
 * everyone and from exports, but stays in the document (and its history) so
 * that they can change their mind. Allowed in every phase, even on a locked
 * map: consent does not wait for the facilitator.
 */
export function withdrawContribution(doc: Y.Doc, elementId: string, ctx: OpContext = {}): void {
  const author = ctx.author ?? '';
  const creator = creatorOf(doc, elementId);
  if (creator === null) throw new ModelError('There is no such factor or link.');
  if (!author || creator !== author) throw new ModelError('You can only withdraw what you added yourself.');
  transact(doc, ctx, () => withdrawalsMap(doc).set(elementId, author));
}

/** Undoes a withdrawal (by its author, or by the facilitator). */
export function restoreContribution(doc: Y.Doc, elementId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => withdrawalsMap(doc).delete(elementId));
}

/** Element id → the author who withdrew it; entries that are not an author id are ignored. */
export function readWithdrawals(doc: Y.Doc): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, author] of withdrawalsMap(doc).entries()) if (typeof author === 'string' && author) out.set(id, author);
  return out;
}

/**
 * Elements participants do not see: hidden by the facilitator or withdrawn
 * by their author. Links touching such a factor are not shown either; see
 * `linkShown`.
 */
export function moderatedIds(doc: Y.Doc): Set<string> {
  return new Set([...readSession(doc).hidden, ...readWithdrawals(doc).keys()]);
}

/** A link is shown when neither it nor either of its factors is moderated. */
export function linkShown(link: { id: string; source: string; target: string }, moderated: ReadonlySet<string>): boolean {
  return !moderated.has(link.id) && !moderated.has(link.source) && !moderated.has(link.target);
}

/** The map as participants see it: without moderated elements and the links that touch them. */
export function shownMap(map: MapSnapshot, moderated: ReadonlySet<string>): MapSnapshot {
  if (moderated.size === 0) return map;
  const nodes = map.nodes.filter((n) => !moderated.has(n.id));
  const edges = map.edges.filter((e) => linkShown(e, moderated));
  return { ...map, nodes, edges };
}

/**
 * `readMap` for exports and analysis: what participants see. `alsoLeaveOut`
 * adds ids moderated elsewhere (the live map's, when exporting a past state).
 */
export function readShownMap(doc: Y.Doc, alsoLeaveOut: ReadonlySet<string> = new Set()): MapSnapshot {
  return shownMap(readMap(doc), new Set([...moderatedIds(doc), ...alsoLeaveOut]));
}

/** Ids whose words must not reach research outputs: moderated elements, hidden and withdrawn comments. */
export function redactedIds(doc: Y.Doc): Set<string> {
  const ids = moderatedIds(doc);
  for (const comment of readComments(doc)) if (comment.withdrawn) ids.add(comment.id);
  return ids;
}
