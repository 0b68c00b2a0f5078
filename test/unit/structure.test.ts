import { describe, expect, it } from 'vitest';
import { findLoops } from '../../src/core/analysis/loops';
import { diffMaps } from '../../src/core/analysis/compare';
import { allPaths, loopLabels, loopsClosedBy, measures, narrateLoop, neighbourhood, shortestPath, toGraph, type StructureInput } from '../../src/core/analysis/structure';

// funding → turnover → trust ⊣ funding (B); turnover → workload → turnover (R, delayed); trust → outcomes
const map: StructureInput = {
  nodes: [
    { id: 'f', label: 'Short-term funding' }, { id: 't', label: 'Staff turnover' }, { id: 'r', label: 'Trust' },
    { id: 'w', label: 'Workload' }, { id: 'o', label: 'NHS outcomes' }, { id: 'x', label: 'Isolated' },
  ],
  edges: [
    { id: 'e1', source: 'f', target: 't', polarity: '+', delay: false },
    { id: 'e2', source: 't', target: 'r', polarity: '-', delay: false },
    { id: 'e3', source: 'r', target: 'f', polarity: '+', delay: false },
    { id: 'e4', source: 't', target: 'w', polarity: '+', delay: true },
    { id: 'e5', source: 'w', target: 't', polarity: '+', delay: false },
    { id: 'e6', source: 'r', target: 'o', polarity: '+', delay: false },
  ],
};

describe('structure', () => {
  const graph = toGraph(map);
  const loops = findLoops(map).loops;

  it('finds causes and effects to a given depth', () => {
    expect([...neighbourhood(graph, 't', 'effects', 1)].sort()).toEqual([['r', 1], ['t', 0], ['w', 1]]);
    expect(new Map(neighbourhood(graph, 't', 'effects', 2)).get('o')).toBe(2);
    expect([...neighbourhood(graph, 'o', 'causes', Infinity).keys()].sort()).toEqual(['f', 'o', 'r', 't', 'w']);
    expect([...neighbourhood(graph, 'x', 'both', 3).keys()]).toEqual(['x']);
  });

  it('finds the shortest path and all paths between two factors', () => {
    expect(shortestPath(graph, 'f', 'o')).toEqual(['f', 't', 'r', 'o']);
    expect(shortestPath(graph, 'o', 'f')).toBeNull();
    expect(allPaths(graph, 'f', 'r').paths).toEqual([['e1', 'e2']]);
    expect(allPaths(graph, 'w', 'o', 6).paths).toEqual([['e5', 'e2', 'e6']]);
    // Parallel links make separate paths.
    const parallel = toGraph({ nodes: map.nodes, edges: [...map.edges, { id: 'e7', source: 'f', target: 't', polarity: '-', delay: false }] });
    expect(allPaths(parallel, 'f', 'r').paths.sort()).toEqual([['e1', 'e2'], ['e7', 'e2']]);
    expect(allPaths(parallel, 'f', 'r', 6, 1)).toMatchObject({ complete: false });
  });

  it('measures structure and counts loops through each factor', () => {
    const m = measures(graph, loops);
    expect(m.get('t')).toMatchObject({ inDegree: 2, outDegree: 2, loops: 2 });
    expect(m.get('x')).toMatchObject({ inDegree: 0, outDegree: 0, loops: 0, betweenness: 0 });
    expect(m.get('t')!.betweenness).toBeGreaterThan(m.get('o')!.betweenness);
  });

  it('labels loops R1, B1 … the same way for everyone, and says which loops a link closed', () => {
    const labels = loopLabels(loops);
    expect([...labels.values()].sort()).toEqual(['B1', 'R1']);
    const balancing = loops.find((l) => l.polarity === 'B')!;
    expect(labels.get(balancing.signature)).toBe('B1');
    expect(loopsClosedBy('e3', loops, labels)).toEqual(['B1']);
    expect(loopsClosedBy('e6', loops, labels)).toEqual([]);
    // Same map in another order: same labels.
    const shuffled = findLoops({ nodes: [...map.nodes].reverse(), edges: [...map.edges].reverse() }).loops;
    expect(loopLabels(shuffled)).toEqual(labels);
  });

  it('tells a loop as a sentence', () => {
    const balancing = loops.find((l) => l.polarity === 'B')!;
    const sentence = narrateLoop(balancing, map);
    expect(sentence).toMatch(/: balancing$/);
    expect(sentence).toContain('more staff turnover → less trust → less short-term funding');
    const reinforcing = loops.find((l) => l.polarity === 'R')!;
    expect(narrateLoop(reinforcing, map)).toMatch(/\(after a delay\) more workload.*: reinforcing$|more staff turnover: reinforcing$/);
  });

  it('compares versions: loops created and broken', () => {
    const before = { nodes: map.nodes.map((n) => ({ ...n })), edges: map.edges.map((e) => ({ ...e })), loops, loopsComplete: true };
    const edges = map.edges.filter((e) => e.id !== 'e5');
    const afterLoops = findLoops({ nodes: map.nodes, edges }).loops;
    const diff = diffMaps(before, { nodes: before.nodes, edges: edges.map((e) => ({ ...e })), loops: afterLoops, loopsComplete: true });
    expect(diff.loops.broken.map((l) => l.polarity)).toEqual(['R']);
    expect(diff.loops.created).toEqual([]);
    expect(diff.links.removed.map((l) => l.label)).toEqual(['Workload → Staff turnover']);
  });
});
