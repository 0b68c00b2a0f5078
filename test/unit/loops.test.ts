import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  enumerateLoops,
  findLoops,
  loopPolarity,
  loopSignature,
  type Loop,
  type LoopEnumerationSummary,
  type LoopGraph,
  type LoopGraphEdge,
  type LinkPolarity,
} from '../../src/core/analysis/loops';
import { buildCsr, stronglyConnectedComponents } from '../../src/core/analysis/graph';
import { prng } from '../helpers/prng';

// ---------------------------------------------------------------------------
// Helpers

const UNCAPPED = { maxLoops: Infinity, maxLength: Infinity, maxMillis: Infinity } as const;

function edge(id: string, source: string, target: string, polarity: LinkPolarity = '+', delay = false): LoopGraphEdge {
  return { id, source, target, polarity, delay };
}

function nodes(...ids: string[]): { id: string }[] {
  return ids.map((id) => ({ id }));
}

/** Complete digraph on n factors, no self-links; link ids `a-b`. */
function complete(n: number): LoopGraph {
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const edges: LoopGraphEdge[] = [];
  for (const a of ids) for (const b of ids) if (a !== b) edges.push(edge(`${a}-${b}`, a, b));
  return { nodes: nodes(...ids), edges };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Number of elementary circuits of the complete digraph K_n: Σ_{k=2..n} C(n,k)(k−1)!. */
function completeDigraphCircuits(n: number): number {
  let total = 0;
  for (let k = 2; k <= n; k++) total += binomial(n, k) * factorial(k - 1);
  return total;
}

/** Drains a generator, keeping its return value. */
function drain(iterator: Generator<Loop, LoopEnumerationSummary, undefined>): { loops: Loop[]; summary: LoopEnumerationSummary } {
  const loops: Loop[] = [];
  let step = iterator.next();
  while (step.done !== true) {
    loops.push(step.value);
    step = iterator.next();
  }
  return { loops, summary: step.value };
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || values[i - 1]! <= v);
}


interface BruteLoop {
  signature: string;
  length: number;
  polarity: 'R' | 'B' | '?';
  delayed: boolean;
  nodeIds: string[];
}

/**
 * Reference enumeration, written independently of the engine: every simple
 * path from each start factor over links (not factors), closing back to the
 * start; each circuit is kept once by its canonical form (rotation with the
 * smallest link id first).
 */
function bruteForceLoops(graph: LoopGraph): BruteLoop[] {
  const out = new Map<string, LoopGraphEdge[]>();
  for (const e of graph.edges) {
    const list = out.get(e.source) ?? [];
    list.push(e);
    out.set(e.source, list);
  }
  const found = new Map<string, BruteLoop>();
  const path: LoopGraphEdge[] = [];
  const visited = new Set<string>();
  const walk = (start: string, at: string): void => {
    for (const e of out.get(at) ?? []) {
      if (e.target === start) {
        const cycle = [...path, e];
        let best = 0;
        cycle.forEach((c, i) => {
          if (c.id < cycle[best]!.id) best = i;
        });
        const rotated = [...cycle.slice(best), ...cycle.slice(0, best)];
        const signature = rotated.map((c) => c.id).join('>');
        const minus = rotated.filter((c) => c.polarity === '-').length;
        const unknown = rotated.some((c) => c.polarity === '?');
        found.set(signature, {
          signature,
          length: rotated.length,
          polarity: unknown ? '?' : minus % 2 === 0 ? 'R' : 'B',
          delayed: rotated.some((c) => c.delay),
          nodeIds: rotated.map((c) => c.source),
        });
      } else if (!visited.has(e.target)) {
        visited.add(e.target);
        path.push(e);
        walk(start, e.target);
        path.pop();
        visited.delete(e.target);
      }
    }
  };
  for (const n of graph.nodes) {
    visited.clear();
    visited.add(n.id);
    walk(n.id, n.id);
  }
  return [...found.values()];
}

function randomGraph(random: () => number): LoopGraph {
  const n = 1 + Math.floor(random() * 9);
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  const m = Math.floor(random() * (5 * n + 1));
  const polarities: LinkPolarity[] = ['+', '+', '-', '-', '?'];
  const edges: LoopGraphEdge[] = [];
  for (let i = 0; i < m; i++) {
    const s = ids[Math.floor(random() * n)]!;
    // Some self-links, some parallel links (the id space is per link, not per pair).
    const t = random() < 0.1 ? s : ids[Math.floor(random() * n)]!;
    edges.push(edge(`L${Math.floor(random() * 1000)}_${i}`, s, t, polarities[Math.floor(random() * 5)]!, random() < 0.2));
  }
  // Shuffle node order so root numbering differs from naming.
  const shuffled = [...ids].sort(() => random() - 0.5);
  return { nodes: nodes(...shuffled), edges };
}

// ---------------------------------------------------------------------------

describe('strongly connected components (iterative)', () => {
  it('finds the components of a small graph', () => {
    // 0 ⇄ 1 → 2 ⇄ 3, 4 alone, 5 → 5.
    const from = [0, 1, 1, 2, 3, 5];
    const to = [1, 0, 2, 3, 2, 5];
    const { componentOf, count } = stronglyConnectedComponents(6, buildCsr(6, from, to));
    expect(count).toBe(4);
    expect(componentOf[0]).toBe(componentOf[1]);
    expect(componentOf[2]).toBe(componentOf[3]);
    expect(componentOf[0]).not.toBe(componentOf[2]);
    expect(new Set([componentOf[0], componentOf[2], componentOf[4], componentOf[5]]).size).toBe(4);
  });

  it('handles a 200,000-factor ring without running out of stack', () => {
    const n = 200_000;
    const from = Array.from({ length: n }, (_, i) => i);
    const to = Array.from({ length: n }, (_, i) => (i + 1) % n);
    const { count } = stronglyConnectedComponents(n, buildCsr(n, from, to));
    expect(count).toBe(1);
  });
});

describe('loop helpers', () => {
  it('polarity: even minus → R, odd → B, any ? → ?', () => {
    expect(loopPolarity(['+', '+'])).toBe('R');
    expect(loopPolarity(['-', '-', '+'])).toBe('R');
    expect(loopPolarity(['-', '+'])).toBe('B');
    expect(loopPolarity(['-', '?', '-'])).toBe('?');
  });

  it('signature is rotation-invariant and starts at the smallest id', () => {
    const ids = ['q', 'c', 'x', 'm'];
    const expected = 'c>x>m>q';
    for (let r = 0; r < ids.length; r++) {
      expect(loopSignature([...ids.slice(r), ...ids.slice(0, r)])).toBe(expected);
    }
    // Not direction-invariant: the reverse order is a different loop.
    expect(loopSignature([...ids].reverse())).not.toBe(expected);
  });

  it('escapes the separator so different loops never share a signature', () => {
    expect(loopSignature(['a>b', 'c'])).not.toBe(loopSignature(['a', 'b>c']));
  });
});

describe('enumerating loops', () => {
  it.each([3, 4, 5, 6, 7])('complete digraph K%i has Σ C(n,k)(k−1)! loops', (n) => {
    const result = findLoops(complete(n), UNCAPPED);
    expect(result.loops.length).toBe(completeDigraphCircuits(n));
    expect(result.complete).toBe(true);
    expect(result.stoppedBy).toBeUndefined();
    expect(new Set(result.loops.map((l) => l.signature)).size).toBe(result.loops.length);
  });

  it('a self-link is one loop of length 1', () => {
    const result = findLoops({ nodes: nodes('a', 'b'), edges: [edge('s', 'a', 'a', '-'), edge('x', 'a', 'b')] });
    expect(result.loops).toHaveLength(1);
    const [loop] = result.loops;
    expect(loop).toMatchObject({ length: 1, nodeIds: ['a'], edgeIds: ['s'], polarity: 'B', signature: 's', id: 's' });
    expect(result.complete).toBe(true);
  });

  it('two parallel links A→B (+ and −) with one B→A make two loops, one R and one B', () => {
    const result = findLoops({
      nodes: nodes('A', 'B'),
      edges: [edge('p', 'A', 'B', '+'), edge('m', 'A', 'B', '-'), edge('r', 'B', 'A', '+')],
    });
    expect(result.loops).toHaveLength(2);
    const byEdge = new Map(result.loops.map((l) => [l.edgeIds.find((id) => id !== 'r'), l]));
    expect(byEdge.get('p')?.polarity).toBe('R');
    expect(byEdge.get('m')?.polarity).toBe('B');
    for (const loop of result.loops) {
      expect(loop.length).toBe(2);
      // Rotation starts at the smallest link id, and nodeIds[i] is the source of edgeIds[i].
      expect(loop.edgeIds[0]).toBe([...loop.edgeIds].sort()[0]);
      expect(loop.nodeIds[0]).toBe(loop.edgeIds[0] === 'r' ? 'B' : 'A');
    }
  });

  it("a '?' link makes the loop '?' and a delayed link makes it delayed", () => {
    const g: LoopGraph = {
      nodes: nodes('a', 'b', 'c'),
      edges: [edge('1', 'a', 'b', '-'), edge('2', 'b', 'a', '-'), edge('3', 'b', 'c', '?', true), edge('4', 'c', 'b', '+')],
    };
    const loops = new Map(findLoops(g).loops.map((l) => [l.signature, l]));
    expect(loops.get('1>2')).toMatchObject({ polarity: 'R', delayed: false });
    expect(loops.get('3>4')).toMatchObject({ polarity: '?', delayed: true });
    expect(loops.size).toBe(2);
  });

  it('an acyclic graph has no loops and is complete', () => {
    const g: LoopGraph = {
      nodes: nodes('a', 'b', 'c', 'd'),
      edges: [edge('1', 'a', 'b'), edge('2', 'a', 'c'), edge('3', 'b', 'd'), edge('4', 'c', 'd'), edge('5', 'a', 'd')],
    };
    const result = findLoops(g);
    expect(result.loops).toEqual([]);
    expect(result.complete).toBe(true);
    const { loops, summary } = drain(enumerateLoops(g));
    expect(loops).toEqual([]);
    expect(summary).toMatchObject({ complete: true, loopCount: 0 });
  });

  it('handles several disconnected and chained strongly connected components', () => {
    // Triangle a→b→c→a; pair d⇄e reached from the triangle; f⇄g unconnected; a link to a missing node.
    const g: LoopGraph = {
      nodes: nodes('a', 'b', 'c', 'd', 'e', 'f', 'g'),
      edges: [
        edge('t1', 'a', 'b'),
        edge('t2', 'b', 'c'),
        edge('t3', 'c', 'a', '-'),
        edge('x1', 'c', 'd'),
        edge('p1', 'd', 'e'),
        edge('p2', 'e', 'd'),
        edge('q1', 'f', 'g', '-'),
        edge('q2', 'g', 'f', '-'),
        edge('ghost', 'g', 'nowhere'),
      ],
    };
    const result = findLoops(g);
    expect(result.loops.map((l) => l.signature)).toEqual(['p1>p2', 'q1>q2', 't1>t2>t3']);
    expect(result.loops.map((l) => l.polarity)).toEqual(['R', 'R', 'B']);
    expect(result.loops[2]!.nodeIds).toEqual(['a', 'b', 'c']);
    expect(result.complete).toBe(true);
  });

  it('long rings and chains need no deep recursion', () => {
    const n = 50_000;
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const ring: LoopGraph = {
      nodes: nodes(...ids),
      edges: ids.map((id, i) => edge(`e${i}`, id, ids[(i + 1) % n]!)),
    };
    const ringResult = findLoops(ring, { maxMillis: Infinity });
    expect(ringResult.loops).toHaveLength(1);
    expect(ringResult.loops[0]!.length).toBe(n);
    expect(ringResult.complete).toBe(true);

    // A chain of mutual pairs: exactly m − 1 loops of length 2.
    const m = 1_500;
    const chainIds = ids.slice(0, m);
    const chain: LoopGraph = {
      nodes: nodes(...chainIds),
      edges: chainIds.slice(1).flatMap((id, i) => [edge(`f${i}`, chainIds[i]!, id), edge(`b${i}`, id, chainIds[i]!)]),
    };
    const chainResult = findLoops(chain, { maxMillis: Infinity });
    expect(chainResult.loops).toHaveLength(m - 1);
    expect(chainResult.loops.every((l) => l.length === 2)).toBe(true);
    expect(chainResult.complete).toBe(true);
  });
});

describe('the seed map', () => {
  const seed = JSON.parse(readFileSync(new URL('../../server/templates/seed-map.source.json', import.meta.url), 'utf8')) as {
    nodes: { id: string }[];
    edges: { source: string; target: string; polarity: LinkPolarity; delay?: boolean }[];
  };
  const graph: LoopGraph = {
    nodes: seed.nodes.map((n) => ({ id: n.id })),
    edges: seed.edges.map((e, i) => edge(`e${i}`, e.source, e.target, e.polarity, e.delay === true)),
  };

  it('has exactly 40 loops, 28 R and 12 B, complete', () => {
    const result = findLoops(graph);
    expect(result.loops).toHaveLength(40);
    expect(result.loops.filter((l) => l.polarity === 'R')).toHaveLength(28);
    expect(result.loops.filter((l) => l.polarity === 'B')).toHaveLength(12);
    expect(result.complete).toBe(true);
    expect(result.stoppedBy).toBeUndefined();
  });

  it('agrees loop by loop with the brute-force reference', () => {
    const expected = bruteForceLoops(graph).sort((a, b) => (a.signature < b.signature ? -1 : 1));
    const actual = [...findLoops(graph).loops].sort((a, b) => (a.signature < b.signature ? -1 : 1));
    expect(actual.map((l) => [l.signature, l.polarity, l.delayed, l.nodeIds])).toEqual(
      expected.map((l) => [l.signature, l.polarity, l.delayed, l.nodeIds]),
    );
  });

  it('signatures are stable when unrelated factors and links are added, and under input reordering', () => {
    const before = findLoops(graph).loops.map((l) => l.signature);
    const anchor = graph.nodes[5]!.id;
    const edited: LoopGraph = {
      nodes: [{ id: 'zz_new' }, ...graph.nodes],
      edges: [edge('new-out', anchor, 'zz_new', '-'), ...graph.edges, edge('new-back', 'zz_new', anchor, '+')],
    };
    const after = findLoops(edited).loops;
    expect(after).toHaveLength(before.length + 1);
    expect(after.map((l) => l.signature)).toEqual(expect.arrayContaining(before));
    const added = after.filter((l) => !before.includes(l.signature));
    expect(added.map((l) => l.signature)).toEqual(['new-back>new-out']);
    expect(added[0]!.polarity).toBe('B');

    const random = prng(7);
    const reordered: LoopGraph = {
      nodes: [...graph.nodes].sort(() => random() - 0.5),
      edges: [...graph.edges].sort(() => random() - 0.5),
    };
    expect(findLoops(reordered).loops.map((l) => [l.signature, l.nodeIds])).toEqual(
      findLoops(graph).loops.map((l) => [l.signature, l.nodeIds]),
    );
  });
});

describe('caps and ordering', () => {
  it('a count cap on K7 returns exactly maxLoops loops and says so', () => {
    const result = findLoops(complete(7), { maxLoops: 500, maxMillis: Infinity });
    expect(result.loops).toHaveLength(500);
    expect(result.complete).toBe(false);
    expect(result.stoppedBy).toBe('count');
    // Shortest first: all 21 two-loops and all 70 three-loops made it in.
    expect(result.loops.filter((l) => l.length === 2)).toHaveLength(binomial(7, 2));
    expect(result.loops.filter((l) => l.length === 3)).toHaveLength(binomial(7, 3) * 2);
  });

  it('a count cap equal to the number of loops is not a cut; one less is', () => {
    const total = completeDigraphCircuits(4);
    const exact = findLoops(complete(4), { maxLoops: total });
    expect(exact.loops).toHaveLength(total);
    expect(exact.complete).toBe(true);
    const short = findLoops(complete(4), { maxLoops: total - 1 });
    expect(short.loops).toHaveLength(total - 1);
    expect(short).toMatchObject({ complete: false, stoppedBy: 'count' });
  });

  it('a count cap keeps the shortest loops even when longer ones are found first', () => {
    // Separate rings listed longest first, so the search meets the long ones first
    // (and, with no short loops at all, lengths 9–15 are searched in one pass).
    const sizes = [15, 14, 13, 12, 11, 10, 9];
    const g: LoopGraph = { nodes: [], edges: [] };
    const allNodes: { id: string }[] = [];
    const allEdges: LoopGraphEdge[] = [];
    for (const size of sizes) {
      const ids = Array.from({ length: size }, (_, i) => `ring${size}-${i}`);
      allNodes.push(...nodes(...ids));
      ids.forEach((id, i) => allEdges.push(edge(`${id}>`, id, ids[(i + 1) % size]!)));
    }
    Object.assign(g, { nodes: allNodes, edges: allEdges });
    const ascending = [...sizes].sort((x, y) => x - y);
    for (let maxLoops = 0; maxLoops <= sizes.length; maxLoops++) {
      const result = findLoops(g, { maxLoops });
      expect(result.loops.map((l) => l.length)).toEqual(ascending.slice(0, maxLoops));
      expect(result.complete).toBe(maxLoops === sizes.length);
    }
  });

  it('a time cap of 0–1 ms on a dense graph stops with stoppedBy time', () => {
    for (const maxMillis of [0, 1]) {
      const started = performance.now();
      const result = findLoops(complete(12), { maxLoops: Infinity, maxMillis });
      expect(result.complete).toBe(false);
      expect(result.stoppedBy).toBe('time');
      expect(result.loops.length).toBeLessThan(completeDigraphCircuits(12));
      // Generous bound: the clock is read every ~1,000 steps, so it stops quickly.
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it('a length cap reports "length" only when a longer loop may exist', () => {
    const k5 = findLoops(complete(5), { maxLength: 3 });
    expect(k5.loops).toHaveLength(binomial(5, 2) + 2 * binomial(5, 3));
    expect(k5.loops.every((l) => l.length <= 3)).toBe(true);
    expect(k5).toMatchObject({ complete: false, stoppedBy: 'length' });

    const triangle: LoopGraph = {
      nodes: nodes('a', 'b', 'c'),
      edges: [edge('1', 'a', 'b'), edge('2', 'b', 'c'), edge('3', 'c', 'a')],
    };
    expect(findLoops(triangle, { maxLength: 3 })).toMatchObject({ complete: true });
    expect(findLoops(triangle, { maxLength: 2 })).toMatchObject({ loops: [], complete: false, stoppedBy: 'length' });
  });

  it('length caps never lose a loop within the cap (a graph where a careless bounded search does)', () => {
    // Found by shrinking random failures of a variant that released locks by the
    // distance to the root found so far; that distance can shrink when the path changes.
    const pairs = ['ad', 'bc', 'cd', 'eb', 'ba', 'dc', 'da', 'ae', 'ce'];
    const g: LoopGraph = { nodes: nodes('a', 'b', 'c', 'd', 'e'), edges: pairs.map((p) => edge(p, p[0]!, p[1]!)) };
    const all = bruteForceLoops(g);
    for (let maxLength = 1; maxLength <= 5; maxLength++) {
      const result = findLoops(g, { maxLength });
      const expected = all.filter((l) => l.length <= maxLength).map((l) => l.signature);
      expect(result.loops.map((l) => l.signature).sort()).toEqual(expected.sort());
    }
  });

  it('findLoops is sorted by length then signature', () => {
    const { loops } = findLoops(complete(5));
    expect(isNonDecreasing(loops.map((l) => l.length))).toBe(true);
    for (let i = 1; i < loops.length; i++) {
      const [a, b] = [loops[i - 1]!, loops[i]!];
      if (a.length === b.length) expect(a.signature < b.signature).toBe(true);
    }
  });

  it('the generator streams shortest first: the first loops of K6 are its 2-cycles', () => {
    const iterator = enumerateLoops(complete(6), UNCAPPED);
    const first: Loop[] = [];
    for (let i = 0; i < binomial(6, 2); i++) {
      const step = iterator.next();
      if (step.done === true) throw new Error('ended early');
      first.push(step.value);
    }
    expect(first.every((l) => l.length === 2)).toBe(true);
    const { loops: rest, summary } = drain(iterator);
    expect(rest[0]!.length).toBe(3);
    expect(isNonDecreasing([...first, ...rest].map((l) => l.length))).toBe(true);
    expect(summary).toMatchObject({ complete: true, loopCount: completeDigraphCircuits(6) });
  });

  it('rejects nonsense caps', () => {
    expect(() => findLoops(complete(3), { maxLoops: -1 })).toThrow(RangeError);
    expect(() => findLoops(complete(3), { maxLength: 0 })).toThrow(RangeError);
    expect(() => findLoops(complete(3), { maxMillis: Number.NaN })).toThrow(RangeError);
  });
});

describe('against a brute-force enumeration on random multigraphs', () => {
  const random = prng(20240611);
  const graphs = Array.from({ length: 30 }, () => randomGraph(random));

  it('the random graphs exercise self-links, parallel links and many loops', () => {
    const counts = graphs.map((g) => bruteForceLoops(g).length);
    expect(counts.some((c) => c === 0)).toBe(true);
    expect(counts.some((c) => c > 20)).toBe(true);
    expect(graphs.some((g) => g.edges.some((e) => e.source === e.target))).toBe(true);
  });

  it.each(graphs.map((g, i) => [i, g] as const))('graph %i: same loops, same details', (_, g) => {
    const expected = bruteForceLoops(g).sort((a, b) => (a.signature < b.signature ? -1 : 1));
    const { loops, summary } = drain(enumerateLoops(g, UNCAPPED));
    expect(summary.complete).toBe(true);
    expect(summary.loopCount).toBe(expected.length);
    expect(isNonDecreasing(loops.map((l) => l.length))).toBe(true);
    const actual = [...loops].sort((a, b) => (a.signature < b.signature ? -1 : 1));
    expect(actual.map((l) => [l.signature, l.length, l.polarity, l.delayed, l.nodeIds])).toEqual(
      expected.map((l) => [l.signature, l.length, l.polarity, l.delayed, l.nodeIds]),
    );
  });

  it.each(graphs.map((g, i) => [i, g] as const))('graph %i: length caps', (_, g) => {
    const expected = bruteForceLoops(g);
    for (let maxLength = 1; maxLength <= g.nodes.length; maxLength++) {
      const result = findLoops(g, { ...UNCAPPED, maxLength });
      const within = expected.filter((l) => l.length <= maxLength).map((l) => l.signature).sort();
      expect(result.loops.map((l) => l.signature).sort()).toEqual(within);
      if (expected.some((l) => l.length > maxLength)) {
        expect(result).toMatchObject({ complete: false, stoppedBy: 'length' });
      }
      if (result.complete) expect(within.length).toBe(expected.length);
    }
  });

  it.each(graphs.map((g, i) => [i, g] as const))('graph %i: count caps keep the shortest loops', (_, g) => {
    const lengths = bruteForceLoops(g)
      .map((l) => l.length)
      .sort((a, b) => a - b);
    const total = lengths.length;
    for (const maxLoops of new Set([0, 1, 2, Math.floor(total / 3), Math.floor(total / 2), total - 1, total, total + 1])) {
      if (maxLoops < 0) continue;
      const result = findLoops(g, { ...UNCAPPED, maxLoops });
      expect(result.loops.map((l) => l.length)).toEqual(lengths.slice(0, maxLoops));
      if (maxLoops >= total) expect(result.complete).toBe(true);
      else expect(result).toMatchObject({ complete: false, stoppedBy: 'count' });
    }
  });
});
