import { spawnSync } from 'node:child_process';
import * as Y from 'yjs';
import { enumerateLoops, findLoops, type LoopGraph, type LoopGraphEdge } from '../src/core/analysis/loops';
import { readMap } from '../src/core/model';
import { seedTemplate } from '../server/templates';
import { fmt, median, percentile, rng, sample, yesNo, type BenchContext, type BenchOutcome, type Benchmark, type Row } from './lib';

const EXAMPLE_BUDGET_MS = 10;
const FIRST_1000_BUDGET_MS = 200;

const exampleName = 'Loops: example map (women-services), all loops, findLoops median';
const k9Name = 'Loops: dense map K9 (complete digraph, 72 links), first 1,000 loops, median';
const randomName = 'Loops: dense random map (30 factors, p = 0.3), first 1,000 loops, median';
const sparseName = 'Loops: large sparse map (1,000 factors, 2,000 links), first 1,000 loops, median';
const ratioName = (what: string) => `Loops vs networkx simple_cycles (same graph, same count): ${what}`;

/**
 * The reference implementation available here: networkx's simple_cycles,
 * timed inside Python (interpreter start-up excluded), median of 5 runs,
 * taking the same number of loops from the same graph.
 */
const NETWORKX_TIMER = `
import itertools, json, sys, time
import networkx as nx
spec = json.load(sys.stdin)
g = nx.DiGraph()
g.add_nodes_from(spec["nodes"])
g.add_edges_from(spec["edges"])
times = []
for _ in range(5):
    t0 = time.perf_counter()
    n = sum(1 for _ in itertools.islice(nx.simple_cycles(g), spec["count"]))
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"ms": times[2], "count": n}))
`;

function networkxMs(graph: LoopGraph, count: number): { ms: number; count: number } | { error: string } {
  const spec = JSON.stringify({ nodes: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => [e.source, e.target]), count });
  const run = spawnSync('python3', ['-c', NETWORKX_TIMER], { input: spec, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || 'python3 failed').trim().split('\n').at(-1) ?? 'python3 failed' };
  return JSON.parse(run.stdout) as { ms: number; count: number };
}

/** 1,000 factors, each with two links to random others (no parallel links, as networkx's DiGraph needs). */
function randomSparse(n: number, perFactor: number): LoopGraph {
  const random = rng(1000);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `s${i}` }));
  const edges: LoopGraphEdge[] = [];
  const seen = new Set<string>();
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < perFactor; k++) {
      const b = Math.floor(random() * n);
      if (b === a || seen.has(`${a}-${b}`)) continue;
      seen.add(`${a}-${b}`);
      edges.push({ id: `e${a}-${b}`, source: `s${a}`, target: `s${b}`, polarity: random() < 0.7 ? '+' : '-', delay: false });
    }
  }
  return { nodes, edges };
}

/** Runs `fn` `warmup` times unmeasured, then until `runs` samples or `maxMs` have passed (at least 5). */
/** Pulls the first `count` loops from the streaming generator, then stops it (what the worker does for a first screenful). */
function firstLoops(graph: LoopGraph, count: number): number {
  const iterator = enumerateLoops(graph, { maxLoops: count, maxMillis: 10_000 });
  let got = 0;
  while (got < count) {
    const step = iterator.next();
    if (step.done === true) break;
    got++;
  }
  iterator.return({ complete: false, loopCount: got, elapsedMs: 0 });
  return got;
}

function completeDigraph(n: number): LoopGraph {
  const random = rng(9);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `k${i}` }));
  const edges: LoopGraphEdge[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a !== b) edges.push({ id: `e${a}-${b}`, source: `k${a}`, target: `k${b}`, polarity: random() < 0.7 ? '+' : '-', delay: random() < 0.1 });
    }
  }
  return { nodes, edges };
}

function randomDense(n: number, p: number): LoopGraph {
  const random = rng(30);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `r${i}` }));
  const edges: LoopGraphEdge[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a !== b && random() < p) edges.push({ id: `e${a}-${b}`, source: `r${a}`, target: `r${b}`, polarity: random() < 0.7 ? '+' : '-', delay: false });
    }
  }
  return { nodes, edges };
}

export const loops: Benchmark = {
  id: 'loops',
  title: 'Loop analysis',
  timeoutMs: 60_000,
  expectedRows: [
    { name: exampleName, budget: `< ${EXAMPLE_BUDGET_MS} ms` },
    { name: k9Name, budget: `< ${FIRST_1000_BUDGET_MS} ms` },
    { name: randomName, budget: `< ${FIRST_1000_BUDGET_MS} ms` },
    { name: sparseName, budget: '—' },
    { name: ratioName('example map, all 40'), budget: '—' },
    { name: ratioName('random dense, first 1,000'), budget: '—' },
    { name: ratioName('large sparse, first 1,000'), budget: '—' },
  ],
  note:
    'In the benchmark process (Node, one thread; in the app the same code runs in a Web Worker). Example map: the women-services template ' +
    'seeded into a Y.Doc with `seedTemplate`, read with `readMap`, then `findLoops` (every loop, sorted) timed alone: 20 warm-up runs, then ' +
    'up to 300 runs (at most 3 s), median (p95 in the details). Dense maps: `enumerateLoops` is pulled until it has yielded 1,000 loops and ' +
    'then stopped; the time includes indexing the graph (components, CSR). K9 is the complete digraph on 9 factors; the random map has 30 ' +
    'factors with each ordered pair linked with probability 0.3 (seeded, so the same map every run). 3 warm-ups, up to 50 runs (at most 5 s), median.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const doc = new Y.Doc();
    seedTemplate(doc, 'women-services');
    const map = readMap(doc);
    const graph: LoopGraph = { nodes: map.nodes, edges: map.edges };
    const found = findLoops(graph);
    const example = sample(() => findLoops(graph), 20, ctx.quick ? 50 : 300, 3_000);
    const exampleMedian = median(example);

    const k9 = completeDigraph(9);
    const dense = randomDense(30, 0.3);
    const k9Got = firstLoops(k9, 1000);
    const denseGot = firstLoops(dense, 1000);
    const k9Times = sample(() => firstLoops(k9, 1000), 3, ctx.quick ? 10 : 50, 5_000);
    const denseTimes = sample(() => firstLoops(dense, 1000), 3, ctx.quick ? 10 : 50, 5_000);
    const sparse = randomSparse(1000, 2);
    const sparseGot = firstLoops(sparse, 1000);
    const sparseTimes = sample(() => firstLoops(sparse, 1000), 2, ctx.quick ? 5 : 20, 5_000);
    const reference = [
      { what: 'example map, all 40', ours: exampleMedian, nx: networkxMs(graph, 1_000_000) },
      { what: 'random dense, first 1,000', ours: median(denseTimes), nx: networkxMs(dense, 1000) },
      { what: 'large sparse, first 1,000', ours: median(sparseTimes), nx: networkxMs(sparse, 1000) },
    ];
    ctx.log(`  example ${found.loops.length} loops, ${fmt(exampleMedian)} ms; K9 ${fmt(median(k9Times))} ms; random ${fmt(median(denseTimes))} ms`);

    const rows: Row[] = [
      {
        name: exampleName,
        figure: `${fmt(exampleMedian)} (${found.loops.length} loops${found.complete ? '' : ', incomplete'})`,
        unit: 'ms',
        budget: `< ${EXAMPLE_BUDGET_MS} ms`,
        within: yesNo(exampleMedian < EXAMPLE_BUDGET_MS),
      },
      {
        name: k9Name,
        figure: k9Got === 1000 ? fmt(median(k9Times)) : `${fmt(median(k9Times))} (only ${k9Got} loops)`,
        unit: 'ms',
        budget: `< ${FIRST_1000_BUDGET_MS} ms`,
        within: yesNo(median(k9Times) < FIRST_1000_BUDGET_MS && k9Got === 1000),
      },
      {
        name: randomName,
        figure: denseGot === 1000 ? fmt(median(denseTimes)) : `${fmt(median(denseTimes))} (only ${denseGot} loops)`,
        unit: 'ms',
        budget: `< ${FIRST_1000_BUDGET_MS} ms`,
        within: yesNo(median(denseTimes) < FIRST_1000_BUDGET_MS && denseGot === 1000),
      },
      {
        name: sparseName,
        figure: sparseGot === 1000 ? fmt(median(sparseTimes)) : `${fmt(median(sparseTimes))} (only ${sparseGot} loops)`,
        unit: 'ms',
        budget: '—',
        within: '—',
      },
      ...reference.map(({ what, ours, nx }) => ({
        name: ratioName(what),
        figure: 'error' in nx ? `networkx failed: ${nx.error}` : `${fmt(ours / nx.ms, 3)} (ours ${fmt(ours, 3)} ms ÷ networkx ${fmt(nx.ms, 3)} ms, ${nx.count} loops)`,
        unit: '×',
        budget: '—',
        within: '—',
      })),
    ];
    const details = [
      `Example map: ${map.nodes.length} factors, ${map.edges.length} links, ${found.loops.length} loops (complete: ${found.complete}); ` +
        `${example.length} runs, median ${fmt(exampleMedian, 3)} ms, p95 ${fmt(percentile(example, 95), 3)} ms, max ${fmt(Math.max(...example), 3)} ms.`,
      `K9: ${k9.edges.length} links; ${k9Times.length} runs, median ${fmt(median(k9Times), 3)} ms, p95 ${fmt(percentile(k9Times, 95), 3)} ms.`,
      `Random dense: ${dense.nodes.length} factors, ${dense.edges.length} links; ${denseTimes.length} runs, median ${fmt(median(denseTimes), 3)} ms, ` +
        `p95 ${fmt(percentile(denseTimes, 95), 3)} ms.`,
      `Large sparse: ${sparse.nodes.length} factors, ${sparse.edges.length} links; ${sparseTimes.length} runs, median ${fmt(median(sparseTimes), 3)} ms.`,
      'Reference: networkx (Debian python3-networkx) simple_cycles on a DiGraph of the same factors and links, taking the same number of loops, ' +
        'timed inside Python (median of 5). A ratio below 1 means Causeway is faster. networkx yields loops in no particular order; Causeway yields the shortest first, which is the harder task.',
    ];
    doc.destroy();
    return { rows, details };
  },
};
