import type { MapEdge, MapNode, Polarity } from './types';

/**
 * Folding breakout maps back into the plenary map. Factors are matched by
 * label, ignoring case, spacing and punctuation; near matches are proposed
 * for the facilitator to confirm; links whose polarity disagrees are flagged
 * for the group to discuss. Pure planning: applying the plan is the caller's.
 */

export interface BreakoutContent {
  /** The breakout's name ("Group A"), recorded as where elements came from. */
  name: string;
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
}

export interface PlenaryContent {
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
}

/** Lower case, punctuation dropped, spacing collapsed: "Short-term  Funding!" → "short term funding". */
export function normaliseLabel(label: string): string {
  return label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Edit distance, bounded: anything above `max` is reported as max + 1. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

function words(label: string): Set<string> {
  return new Set(label.split(' ').filter((w) => w.length > 2));
}

/** Near enough to ask the facilitator: a small typo, or mostly the same words. */
export function similar(a: string, b: string): boolean {
  if (a === b) return true;
  const allowed = Math.max(1, Math.floor(Math.min(a.length, b.length) / 8));
  if (distance(a, b, allowed) <= allowed) return true;
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return false;
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared / Math.max(wa.size, wb.size) >= 0.75;
}

/** `breakoutName/factorId`: a factor of one breakout. */
export type BreakoutKey = string;

export function breakoutKey(breakout: string, id: string): BreakoutKey {
  return `${breakout}/${id}`;
}

export interface FactorPlan {
  key: BreakoutKey;
  breakout: string;
  id: string;
  label: string;
  /** Exact match (after normalising) in the plenary or an earlier breakout: merged without asking. */
  match: { plenaryId: string | null; key: BreakoutKey | null } | null;
  /** Near matches to confirm: plenary factor ids and other breakouts' factors. */
  proposals: { plenaryId: string | null; key: BreakoutKey | null; label: string }[];
}

export interface LinkConflict {
  /** Normalised labels of the two ends. */
  from: string;
  to: string;
  /** Each polarity seen, and where it was seen ('plenary' or a breakout name). */
  polarities: { polarity: Polarity; where: string[] }[];
}

export interface MergePlan {
  factors: FactorPlan[];
  conflicts: LinkConflict[];
}

/** Plans a merge: which factors are the same, which might be, which links disagree. */
export function planMerge(plenary: PlenaryContent, breakouts: readonly BreakoutContent[]): MergePlan {
  const plenaryByLabel = new Map<string, MapNode>();
  for (const node of plenary.nodes) if (!plenaryByLabel.has(normaliseLabel(node.label))) plenaryByLabel.set(normaliseLabel(node.label), node);
  const seen = new Map<string, BreakoutKey>();
  const factors: FactorPlan[] = [];
  for (const breakout of breakouts) {
    for (const node of breakout.nodes) {
      const key = breakoutKey(breakout.name, node.id);
      const norm = normaliseLabel(node.label);
      const inPlenary = plenaryByLabel.get(norm);
      const inEarlier = seen.get(norm);
      const match = inPlenary ? { plenaryId: inPlenary.id, key: null } : inEarlier ? { plenaryId: null, key: inEarlier } : null;
      const proposals: FactorPlan['proposals'] = [];
      if (!match) {
        for (const [label, candidate] of plenaryByLabel) if (similar(norm, label)) proposals.push({ plenaryId: candidate.id, key: null, label: candidate.label });
        for (const [label, candidate] of seen) {
          if (similar(norm, label)) proposals.push({ plenaryId: null, key: candidate, label: factors.find((f) => f.key === candidate)?.label ?? label });
        }
        seen.set(norm, key);
      }
      factors.push({ key, breakout: breakout.name, id: node.id, label: node.label, match, proposals });
    }
  }
  return { factors, conflicts: polarityConflicts(plenary, breakouts) };
}

function polarityConflicts(plenary: PlenaryContent, breakouts: readonly BreakoutContent[]): LinkConflict[] {
  const byPair = new Map<string, Map<Polarity, Set<string>>>();
  const note = (nodes: readonly MapNode[], edges: readonly MapEdge[], where: string) => {
    const labels = new Map(nodes.map((n) => [n.id, normaliseLabel(n.label)]));
    for (const edge of edges) {
      const from = labels.get(edge.source);
      const to = labels.get(edge.target);
      if (from === undefined || to === undefined) continue;
      const pair = `${from}\u0000${to}`;
      let seen = byPair.get(pair);
      if (!seen) byPair.set(pair, (seen = new Map()));
      if (!seen.has(edge.polarity)) seen.set(edge.polarity, new Set());
      seen.get(edge.polarity)!.add(where);
    }
  };
  note(plenary.nodes, plenary.edges, 'plenary');
  for (const breakout of breakouts) note(breakout.nodes, breakout.edges, breakout.name);
  const conflicts: LinkConflict[] = [];
  for (const [pair, seen] of byPair) {
    if (seen.size < 2) continue;
    const [from, to] = pair.split('\u0000') as [string, string];
    conflicts.push({ from, to, polarities: [...seen].map(([polarity, where]) => ({ polarity, where: [...where].sort() })) });
  }
  return conflicts.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/**
 * The facilitator's answers: for each breakout factor that had proposals, the
 * plenary factor id or breakout key it is the same as, or 'new'. Factors not
 * mentioned keep their automatic match, or become new.
 */
/** What applying a merge did (the answer of `POST /merge`): counts of what was added and matched. */
export interface MergeResult {
  factorsAdded: number;
  factorsMatched: number;
  linksAdded: number;
  linksMatched: number;
  conflicts: number;
}

export type MatchDecisions = Record<BreakoutKey, string | 'new'>;

/** Where each breakout factor ends up: an existing plenary factor, or a new one (by its first key). */
export function resolveFactors(plan: MergePlan, decisions: MatchDecisions): Map<BreakoutKey, { plenaryId: string } | { newFrom: BreakoutKey }> {
  const resolved = new Map<BreakoutKey, { plenaryId: string } | { newFrom: BreakoutKey }>();
  const follow = (key: BreakoutKey, depth = 0): { plenaryId: string } | { newFrom: BreakoutKey } => {
    const known = resolved.get(key);
    if (known) return known;
    const factor = plan.factors.find((f) => f.key === key);
    if (!factor || depth > 50) return { newFrom: key };
    const decision = decisions[key];
    if (decision && decision !== 'new') {
      if (plan.factors.some((f) => f.key === decision)) return follow(decision, depth + 1);
      return { plenaryId: decision };
    }
    if (decision === 'new' || !factor.match) return { newFrom: key };
    if (factor.match.plenaryId) return { plenaryId: factor.match.plenaryId };
    return follow(factor.match.key!, depth + 1);
  };
  for (const factor of plan.factors) resolved.set(factor.key, follow(factor.key));
  return resolved;
}
