import { findLoops } from '../src/core/analysis/loops';
import type { LoopExport } from '../src/core/formats/json';
import type { MapSnapshot } from '../src/core/model';

/**
 * The server's loop caps for exports and counts (documented in README.md):
 * beyond them the export says `loopsComplete: false` rather than stall.
 */
export const SERVER_LOOP_CAPS = { maxLoops: 10_000, maxMillis: 2_000 } as const;

export function analyseLoops(map: Pick<MapSnapshot, 'nodes' | 'edges'>): LoopExport {
  const result = findLoops({ nodes: map.nodes, edges: map.edges }, SERVER_LOOP_CAPS);
  return {
    complete: result.complete,
    loops: result.loops.map((loop) => ({
      id: loop.signature,
      polarity: loop.polarity,
      delayed: loop.delayed,
      length: loop.length,
      nodeIds: loop.nodeIds,
      edgeIds: loop.edgeIds,
    })),
  };
}
