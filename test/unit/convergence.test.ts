import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addFactor, addLink, addTag, edgesMap, nodesMap, readMap, removeFactor, removeLink, removeTag,
  setLeverage, updateFactor, updateLink, type Polarity,
} from '../../src/core/model';

/**
 * Property: whatever people do concurrently, and however the network delays,
 * reorders, duplicates or partitions their updates, all replicas end with the
 * same map, and the visible map never shows a link whose factor is gone.
 */

type Op =
  | { kind: 'addFactor'; label: string }
  | { kind: 'rename'; pick: number; label: string }
  | { kind: 'move'; pick: number; x: number; y: number }
  | { kind: 'removeFactor'; pick: number }
  | { kind: 'addLink'; from: number; to: number; polarity: Polarity }
  | { kind: 'flipLink'; pick: number; polarity: Polarity }
  | { kind: 'removeLink'; pick: number }
  | { kind: 'tag'; pick: number; tag: string; add: boolean }
  | { kind: 'leverage'; pick: number; level: number | null };

const label = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0);
const pick = fc.nat(50);
const polarity = fc.constantFrom<Polarity>('+', '-', '?');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('addFactor' as const), label }),
  fc.record({ kind: fc.constant('rename' as const), pick, label }),
  fc.record({ kind: fc.constant('move' as const), pick, x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }) }),
  fc.record({ kind: fc.constant('removeFactor' as const), pick }),
  fc.record({ kind: fc.constant('addLink' as const), from: pick, to: pick, polarity }),
  fc.record({ kind: fc.constant('flipLink' as const), pick, polarity }),
  fc.record({ kind: fc.constant('removeLink' as const), pick }),
  fc.record({ kind: fc.constant('tag' as const), pick, tag: fc.constantFrom('funding', 'women', 'access'), add: fc.boolean() }),
  fc.record({ kind: fc.constant('leverage' as const), pick, level: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }) }),
);

/** A step: a replica makes an edit, or the network delivers (some of) what is in flight. */
type Step =
  | { kind: 'edit'; replica: number; op: Op }
  | { kind: 'deliver'; from: number; to: number; count: number; newestFirst: boolean }
  | { kind: 'duplicate'; from: number; to: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('edit' as const), replica: fc.nat(2), op }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const), from: fc.nat(2), to: fc.nat(2), count: fc.integer({ min: 1, max: 5 }), newestFirst: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(2), to: fc.nat(2) }) },
);

function nth<T>(items: T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** Applies an op the way the app does, skipping ops that make no sense on this replica's view. */
function apply(doc: Y.Doc, o: Op): void {
  const nodes = [...nodesMap(doc).keys()].sort();
  const edges = [...edgesMap(doc).keys()].sort();
  const ctx = { origin: 'local', author: `r${doc.clientID}` };
  switch (o.kind) {
    case 'addFactor': addFactor(doc, { label: o.label }, ctx); return;
    case 'rename': { const id = nth(nodes, o.pick); if (id) updateFactor(doc, id, { label: o.label }, ctx); return; }
    case 'move': { const id = nth(nodes, o.pick); if (id) updateFactor(doc, id, { x: o.x, y: o.y }, ctx); return; }
    case 'removeFactor': { const id = nth(nodes, o.pick); if (id) removeFactor(doc, id, ctx); return; }
    case 'addLink': {
      const from = nth(nodes, o.from);
      const to = nth(nodes, o.to);
      if (from && to) addLink(doc, { source: from, target: to, polarity: o.polarity }, ctx);
      return;
    }
    case 'flipLink': { const id = nth(edges, o.pick); if (id) updateLink(doc, id, { polarity: o.polarity }, ctx); return; }
    case 'removeLink': { const id = nth(edges, o.pick); if (id) removeLink(doc, id, ctx); return; }
    case 'tag': {
      const id = nth(nodes, o.pick);
      if (id) (o.add ? addTag : removeTag)(doc, id, o.tag, ctx);
      return;
    }
    case 'leverage': { const id = nth(nodes, o.pick); if (id) setLeverage(doc, id, o.level === null ? null : { level: o.level }, ctx); return; }
  }
}

function visibleLinksAreWhole(doc: Y.Doc): boolean {
  const map = readMap(doc);
  const ids = new Set(map.nodes.map((n) => n.id));
  return map.edges.every((e) => ids.has(e.source) && ids.has(e.target));
}

describe('convergence (property)', () => {
  it('three replicas with random edits, reordering, duplication and partitions converge', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const replicas = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
        // In-flight updates on each directed link of the network.
        const inflight = new Map<string, Uint8Array[]>();
        const lane = (from: number, to: number) => {
          const key = `${from}>${to}`;
          if (!inflight.has(key)) inflight.set(key, []);
          return inflight.get(key)!;
        };
        replicas.forEach((doc, i) => {
          doc.on('update', (update: Uint8Array, origin: unknown) => {
            if (origin === 'net') return;
            for (let j = 0; j < replicas.length; j++) if (j !== i) lane(i, j).push(update);
          });
        });
        for (const s of steps) {
          if (s.kind === 'edit') apply(replicas[s.replica]!, s.op);
          else if (s.kind === 'deliver' && s.from !== s.to) {
            const queue = lane(s.from, s.to);
            const batch = s.newestFirst ? queue.splice(-s.count).reverse() : queue.splice(0, s.count);
            for (const update of batch) Y.applyUpdate(replicas[s.to]!, update, 'net');
          } else if (s.kind === 'duplicate' && s.from !== s.to) {
            const queue = lane(s.from, s.to);
            if (queue[0]) Y.applyUpdate(replicas[s.to]!, queue[0], 'net');
          }
          // At every moment, on every replica, no visible link points at a missing factor.
          for (const doc of replicas) if (!visibleLinksAreWhole(doc)) return false;
        }
        // The partition heals: everything in flight arrives, in whatever order it was queued.
        for (const [key, queue] of inflight) {
          const to = Number(key.split('>')[1]);
          for (const update of queue.splice(0)) Y.applyUpdate(replicas[to]!, update, 'net');
        }
        const views = replicas.map((doc) => JSON.stringify(readMap(doc)));
        expect(views[1]).toBe(views[0]);
        expect(views[2]).toBe(views[0]);
        return replicas.every(visibleLinksAreWhole);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
