import os from 'node:os';
import path from 'node:path';
import { createMap, spawnServer, startTestServer } from '../test/helpers/server';
import { describeRun, runLatency, triple, type LatencyPlan, type LatencyRun, type LatencyTarget } from './latency';
import { ROOT, benchDataDir, fmt, percentile, spawnScript, stopChild, yesNo, type BenchContext, type BenchOutcome, type Benchmark, type Row } from './lib';

const SYNC_BUDGET_MS = 100;
const BUDGET = `p95 ≤ ${SYNC_BUDGET_MS} ms (50 clients)`;
const COUNTS = [10, 50, 100] as const;
/** 50 last, so that the reference run (next benchmark) follows it as closely as possible: load from other work on the machine drifts. */
const RUN_ORDER = [10, 100, 50] as const;

/** Client threads: one per core, so the clients' own work is spread as it would be over many machines, as far as this one allows. */
const CLIENT_THREADS = Math.max(1, os.cpus().length);

function plan(clients: number, threads: number, quick: boolean): LatencyPlan {
  return quick
    ? { clients, threads, warmupMs: 1_000, steadyMs: 4_000, minGapMs: 1_000, maxGapMs: 2_000, bursts: 2, burstGapMs: 500, drainMs: 5_000 }
    : { clients, threads, warmupMs: 2_000, steadyMs: 10_000, minGapMs: 1_000, maxGapMs: 2_000, bursts: 3, burstGapMs: 700, drainMs: 8_000 };
}

/** Kept for the reference comparison, which runs later and divides by it. */
let causeway50: LatencyRun | null = null;

const steadyName = (n: number, where: string) => `Sync ${where}, ${n} clients, steady: edit → every other client p50/p95/p99`;
const burstName = (n: number, where: string) => `Sync ${where}, ${n} clients, burst (all edit at once) p50/p95/p99`;

function rowsFor(run: LatencyRun, where: string, budgeted: boolean): Row[] {
  const p95 = percentile(run.steady.toAll, 95);
  const complete = run.steady.missing === 0 && run.steady.toAll.length > 0;
  return [
    {
      name: steadyName(run.clients, where),
      figure: triple(run.steady.toAll) + (run.steady.missing > 0 ? ` (${run.steady.missing} deliveries missing)` : ''),
      unit: 'ms',
      budget: budgeted ? BUDGET : '—',
      within: budgeted ? yesNo(complete && p95 <= SYNC_BUDGET_MS) : '—',
    },
    {
      name: burstName(run.clients, where),
      figure: triple(run.burst.toAll) + (run.burst.missing > 0 ? ` (${run.burst.missing} deliveries missing)` : ''),
      unit: 'ms',
      budget: '—',
      within: '—',
    },
  ];
}

async function causewayTarget(baseUrl: string, wsUrl: string, serverPid: number | null): Promise<LatencyTarget> {
  const map = await createMap(baseUrl, { title: 'Latency benchmark' });
  return { wsUrl, room: map.id, token: map.tokens.editor, serverPid };
}

export const syncSpawned: Benchmark = {
  id: 'sync',
  title: 'Sync latency (server in its own process)',
  timeoutMs: 150_000,
  expectedRows: COUNTS.flatMap((n) => [
    { name: steadyName(n, 'separate process'), budget: n === 50 ? BUDGET : '—' },
    { name: burstName(n, 'separate process'), budget: '—' },
  ]),
  note:
    'The real server (`server/main.ts` via `spawnServer`, SQLite in a fresh temporary DATA_DIR) runs as its own process, a fresh one per N (run in the order 10, 100, 50, so that the reference run follows the 50). ' +
    'N stock y-websocket clients (`WebsocketProvider`, `disableBc: true`, `ws` polyfill, as in test/helpers/clients.ts) join one map with the ' +
    'editor token; they run in the benchmark process, split over one worker thread per core. Each client owns one factor and renames it ' +
    '(`updateFactor`) every 1–2 s (uniformly random gaps, staggered start), writing `client:seq:sentAt` into the label, sentAt being ' +
    '`performance.timeOrigin + performance.now()` (one clock for every thread of the process); every client notes when each other client\'s ' +
    'change arrives. After a 2 s warm-up, 10 s are counted. The figure is, per edit, the time until the LAST of the other N−1 clients had it ' +
    '(p50/p95/p99 over edits); per-delivery percentiles are in the details. The burst row: every client edits at the same moment, 3 times, ' +
    '0.7 s apart. All N clients share two cores with the server (2-core machine), so at large N much of the latency is the clients\' own work ' +
    'queueing (each delivery costs a client a websocket frame, a Yjs update and an observer call: N=100 means ~6,600 deliveries a second); ' +
    'the client event-loop delay and both processes\' CPU are in the details. The server writes every update to SQLite (WAL, synchronous=FULL) ' +
    'before it relays it, so the disk\'s fsync time (printed with the machine) is part of every figure.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const rows: Row[] = [];
    const details: string[] = [];
    const byCount = new Map<number, { rows: Row[]; detail: string }>();
    for (const n of RUN_ORDER) {
      // A fresh server per N, so one run's data and connections do not weigh on the next.
      const server = await spawnServer({ dataDir: benchDataDir(ctx.cleanup) });
      ctx.cleanup.add(() => stopChild(server.child, server.exited));
      try {
        ctx.log(`sync: ${n} clients, server pid ${server.child.pid}`);
        const target = await causewayTarget(server.url, server.wsUrl, server.child.pid ?? null);
        const run = await runLatency(target, plan(n, CLIENT_THREADS, ctx.quick), ctx.log);
        if (n === 50) causeway50 = run;
        byCount.set(n, { rows: rowsFor(run, 'separate process', n === 50), detail: describeRun(`${n} clients`, run) });
      } finally {
        await stopChild(server.child, server.exited);
      }
    }
    for (const n of COUNTS) {
      rows.push(...byCount.get(n)!.rows);
      details.push(byCount.get(n)!.detail);
    }
    return { rows, details };
  },
};

export const syncInProcess: Benchmark = {
  id: 'sync-inprocess',
  title: 'Sync latency (server in the benchmark process)',
  timeoutMs: 60_000,
  expectedRows: [
    { name: steadyName(50, 'in-process'), budget: '—' },
    { name: burstName(50, 'in-process'), budget: '—' },
  ],
  note:
    'The same 50-client load against the server started inside the benchmark process (`startTestServer`), with the clients in the main ' +
    'thread too: server and all clients share one event loop, as in the integration tests. Shown for comparison only; the ' +
    'separate-process figure is the one checked against the budget.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const server = await startTestServer({ dataDir: benchDataDir(ctx.cleanup) });
    ctx.cleanup.add(() => server.close());
    try {
      const target = await causewayTarget(server.url, server.wsUrl, null);
      const run = await runLatency(target, plan(50, 0, ctx.quick), ctx.log);
      return { rows: rowsFor(run, 'in-process', false), details: [describeRun('50 clients, server in this process', run)] };
    } finally {
      await server.close();
    }
  },
};

const REFERENCE = '@y/websocket-server@0.1.1';
const refName = `Reference ${REFERENCE}, 50 clients, steady: edit → every other client p50/p95/p99`;
const ratioName = 'Sync p95 ratio, Causeway ÷ reference (50 clients, steady)';

export const syncReference: Benchmark = {
  id: 'sync-reference',
  title: `Reference sync server (${REFERENCE})`,
  timeoutMs: 60_000,
  expectedRows: [
    { name: refName, budget: '—' },
    { name: `Reference ${REFERENCE}, 50 clients, burst (all edit at once) p50/p95/p99`, budget: '—' },
    { name: ratioName, budget: '—' },
  ],
  note:
    `The same 50-client load (same client threads) against the reference server ${REFERENCE} (devDependency), run as its own process by \`bench/reference-server.ts\`: ` +
    'its `setupWSConnection` on a `ws` server, exactly as its `src/server.js` wires it, with yjs 13.6 from this project. ' +
    'It keeps documents in memory only (no persistence, no auth, no roles) and relays an update before anything is stored, ' +
    'whereas Causeway checks the role, writes each update to SQLite with fsync and only then relays it. The ratio divides ' +
    'Causeway\'s separate-process steady p95 (from the run above) by the reference\'s.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const server = await spawnScript(path.join(ROOT, 'bench/reference-server.ts'));
    ctx.cleanup.add(() => server.stop());
    try {
      const target: LatencyTarget = {
        wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
        room: 'latency-benchmark',
        token: 'unused',
        serverPid: server.child.pid ?? null,
      };
      const run = await runLatency(target, plan(50, CLIENT_THREADS, ctx.quick), ctx.log);
      const rows = rowsFor(run, '', false).map((row) => ({ ...row, name: row.name.replace('Sync , ', `Reference ${REFERENCE}, `) }));
      const ours = causeway50 ? percentile(causeway50.steady.toAll, 95) : NaN;
      const theirs = percentile(run.steady.toAll, 95);
      rows.push({
        name: ratioName,
        figure: causeway50 ? `${fmt(ours / theirs)} (${fmt(ours)} ÷ ${fmt(theirs)})` : 'no Causeway run to compare',
        unit: '×',
        budget: '—',
        within: '—',
      });
      return { rows, details: [describeRun(`${REFERENCE}, 50 clients`, run)] };
    } finally {
      await server.stop();
    }
  },
};
