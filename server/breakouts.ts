import * as Y from 'yjs';
import { applyMapJson, exportMapJson, parseMapJson } from '../src/core/formats/json';
import {
  addFactor, addLink, addTag, edgesMap, initMap, nodesMap, readMap,
  type MapEdge, type MapNode,
} from '../src/core/model';
import { planMerge, resolveFactors, type BreakoutContent, type MatchDecisions, type MergePlan, type MergeResult } from '../src/core/model/merge';
import { hashToken, newMapId, newTokens, type TokenHashes, type Tokens } from './auth';
import type { Store } from './store/types';

export const MERGE_ORIGIN = 'merge';
/** The key on a merged factor or link listing the breakouts it came from. */
export const FROM_BREAKOUTS = 'fromBreakouts';
export const CONFLICT_TAG = 'polarity conflict';

/**
 * Makes a breakout: a new map holding a copy of the parent's content. The
 * facilitator's own link works in it too (same token hash); editor and viewer
 * links are new, for the group.
 */
export async function createBreakout(
  store: Store, parent: { id: string; title: string; tokenHashes: TokenHashes }, parentDoc: Y.Doc, name: string, facilitatorToken: string,
): Promise<{ id: string; name: string; tokens: Tokens }> {
  const id = newMapId();
  const tokens = { ...newTokens(), facilitator: facilitatorToken };
  const now = Date.now();
  const doc = new Y.Doc();
  const title = `${parent.title} — ${name}`.slice(0, 200);
  initMap(doc, { mapId: id, title, createdAt: now }, { origin: 'server' });
  applyMapJson(doc, parseMapJson(exportMapJson(parentDoc)), 'breakout');
  await store.createMap(
    { id, title, createdAt: now, updatedAt: now, tokenHashes: { facilitator: parent.tokenHashes.facilitator, editor: hashToken(tokens.editor), viewer: hashToken(tokens.viewer) } },
    Y.encodeStateAsUpdate(doc),
    { at: now, author: `breakout:${parent.id}`, role: 'server' },
  );
  doc.destroy();
  await store.addBreakout(parent.id, id, name, now);
  return { id, name, tokens };
}

export function mergePlan(plenary: Y.Doc, breakouts: readonly { name: string; doc: Y.Doc }[]): { plan: MergePlan; contents: BreakoutContent[] } {
  const contents = breakouts.map(({ name, doc }) => ({ name, ...readMap(doc) }));
  const map = readMap(plenary);
  return { plan: planMerge({ nodes: map.nodes, edges: map.edges }, contents), contents };
}

function addOrigin(entry: Y.Map<unknown> | undefined, breakout: string): void {
  if (!entry) return;
  const previous = entry.get(FROM_BREAKOUTS);
  const list = Array.isArray(previous) ? previous.filter((v): v is string => typeof v === 'string') : [];
  if (!list.includes(breakout)) entry.set(FROM_BREAKOUTS, [...list, breakout].sort());
}

/**
 * Folds breakouts into the plenary document in one transaction: matched
 * factors are kept and marked with where they also came from; new ones are
 * added; links are added unless the same link (ends and polarity) is there;
 * links whose polarity disagrees are tagged for the group to discuss.
 */
export function applyMerge(plenary: Y.Doc, contents: readonly BreakoutContent[], plan: MergePlan, decisions: MatchDecisions): MergeResult {
  const resolved = resolveFactors(plan, decisions);
  const result: MergeResult = { factorsAdded: 0, factorsMatched: 0, linksAdded: 0, linksMatched: 0, conflicts: 0 };
  const ctx = { origin: MERGE_ORIGIN, author: 'merge' };
  plenary.transact(() => {
    const idFor = new Map<string, string>();
    const source = new Map<string, MapNode>();
    for (const breakout of contents) for (const node of breakout.nodes) source.set(`${breakout.name}/${node.id}`, node);
    for (const breakout of contents) {
      for (const node of breakout.nodes) {
        const key = `${breakout.name}/${node.id}`;
        const target = resolved.get(key)!;
        let plenaryId: string;
        if ('plenaryId' in target) {
          plenaryId = target.plenaryId;
          result.factorsMatched++;
        } else if (idFor.has(target.newFrom)) {
          plenaryId = idFor.get(target.newFrom)!;
          result.factorsMatched++;
        } else {
          const original = source.get(target.newFrom)!;
          plenaryId = addFactor(plenary, {
            label: original.label, kind: (['factor', 'barrier', 'outcome', 'innovation'] as const).find((k) => k === original.kind) ?? 'factor',
            x: original.x, y: original.y, note: original.note, tags: original.tags,
          }, ctx);
          result.factorsAdded++;
        }
        idFor.set(key, plenaryId);
        addOrigin(nodesMap(plenary).get(plenaryId), breakout.name);
      }
    }
    // Links of the plenary by their ends, kept up to date as links are added.
    const byPair = new Map<string, Pick<MapEdge, 'id' | 'polarity'>[]>();
    const pairKey = (from: string, to: string) => `${from}\u0000${to}`;
    for (const e of readMap(plenary).edges) {
      const list = byPair.get(pairKey(e.source, e.target)) ?? [];
      list.push(e);
      byPair.set(pairKey(e.source, e.target), list);
    }
    for (const breakout of contents) {
      for (const edge of breakout.edges) {
        const from = idFor.get(`${breakout.name}/${edge.source}`);
        const to = idFor.get(`${breakout.name}/${edge.target}`);
        if (!from || !to) continue;
        const existing = byPair.get(pairKey(from, to)) ?? [];
        const same = existing.find((e) => e.polarity === edge.polarity);
        if (same) {
          addOrigin(edgesMap(plenary).get(same.id), breakout.name);
          result.linksMatched++;
          continue;
        }
        const id = addLink(plenary, { source: from, target: to, polarity: edge.polarity, delay: edge.delay, note: edge.note, tags: edge.tags }, ctx);
        addOrigin(edgesMap(plenary).get(id), breakout.name);
        result.linksAdded++;
        if (existing.length > 0) {
          for (const other of [...existing.map((e) => e.id), id]) addTag(plenary, other, CONFLICT_TAG, ctx);
          result.conflicts++;
        }
        byPair.set(pairKey(from, to), [...existing, { id, polarity: edge.polarity }]);
      }
    }
  }, MERGE_ORIGIN);
  return result;
}
