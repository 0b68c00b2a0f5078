import { describe, expect, it } from 'vitest';
import { enumerateLoops, type LoopGraph } from '../../src/core/analysis/loops';

function complete(n: number): LoopGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const edges = nodes.flatMap((a, i) => nodes.filter((_, j) => j !== i).map((b) => ({ id: `${a.id}-${b.id}`, source: a.id, target: b.id, polarity: '+' as const, delay: false })));
  return { nodes, edges };
}

describe('cancelling the loop generator', () => {
  it('stops when the consumer returns early and yields nothing more', () => {
    // K12 has more than 10^8 loops: only cancellation ends this quickly.
    const generator = enumerateLoops(complete(12), { maxLoops: Number.MAX_SAFE_INTEGER, maxMillis: 60_000 });
    const first = [];
    for (let i = 0; i < 5; i++) {
      const step = generator.next();
      expect(step.done).toBe(false);
      first.push(step.value);
    }
    expect(first.every((loop) => loop && 'signature' in loop && loop.length === 2)).toBe(true);
    const stopped = generator.return({ complete: false, loopCount: 5, elapsedMs: 0 });
    expect(stopped.done).toBe(true);
    expect(generator.next()).toEqual({ done: true, value: undefined });
  });

  it('a consumer that abandons one search and starts another gets the new map’s loops only', () => {
    const old = enumerateLoops(complete(12));
    old.next();
    old.return({ complete: false, loopCount: 1, elapsedMs: 0 });
    const fresh = [...enumerateLoops(complete(3))];
    // K3: three 2-cycles and two 3-cycles.
    expect(fresh).toHaveLength(5);
  });
});
