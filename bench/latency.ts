import { Worker } from 'node:worker_threads';
import { ClientGroup, COUNTER, clock, type GroupConfig, type GroupReport } from './latency-clients';
import { fmt, percentile, processCpuSeconds, sleep, waitUntil } from './lib';

/**
 * The sync latency load: N stock y-websocket clients on one map, each renaming
 * its own factor at a steady rate, then all at once in bursts. The clients are
 * split over `threads` worker threads of this process (0: all in the main
 * thread, sharing its event loop with whatever else runs there, e.g. an
 * in-process server). See latency-clients.ts for what one client does.
 */

/** Where the clients connect: a Causeway map, or a room of the reference server. */
export interface LatencyTarget {
  wsUrl: string;
  room: string;
  token: string;
  /** The server's process id, to read its CPU time; null when it runs in this process. */
  serverPid: number | null;
}

export interface LatencyPlan {
  clients: number;
  /** Worker threads for the clients; 0 runs them in the main thread. */
  threads: number;
  /** Edits in this first stretch are sent but not counted (connections and JIT settle). */
  warmupMs: number;
  /** Counted stretch of steady editing. */
  steadyMs: number;
  /** Each client waits a uniformly random gap in [minGapMs, maxGapMs] between its edits. */
  minGapMs: number;
  maxGapMs: number;
  /** Bursts: every client edits at the same moment. */
  bursts: number;
  burstGapMs: number;
  /** Longest wait for late deliveries after a phase. */
  drainMs: number;
}

export interface PhaseStats {
  /** Edits counted. */
  edits: number;
  /** Age of each edit when it arrived at each other client (ms). */
  deliveries: number[];
  /** Per edit: time until the last of the other clients had it (ms); edits that never reached everyone are left out and counted in `missing`. */
  toAll: number[];
  /** Deliveries that never arrived (within drainMs). */
  missing: number;
}

export interface LatencyRun {
  clients: number;
  threads: number;
  steady: PhaseStats;
  burst: PhaseStats;
  /** Time to connect and sync every client and see every client's factor. */
  setupMs: number;
  /** Worst event-loop delay p99 among the client threads while counting (ms). */
  clientLoopDelayP99: number;
  /** CPU this process used while counting, in cores (1.0 = one core busy). */
  clientCpu: number;
  serverCpu: number | null;
}

type Method = 'connect' | 'waitAllFactors' | 'steady' | 'burst' | 'report' | 'destroy';

/** A ClientGroup here or in a worker thread, behind the same calls. */
interface GroupHandle {
  call(method: 'report'): Promise<GroupReport>;
  call(method: Exclude<Method, 'report'>, ...args: number[]): Promise<void>;
  close(): Promise<void>;
}

function localGroup(config: GroupConfig, counters: Int32Array): GroupHandle {
  const group = new ClientGroup(config, counters);
  const call = async (method: Method, ...args: number[]): Promise<unknown> => {
    switch (method) {
      case 'connect':
        return group.connect();
      case 'waitAllFactors':
        return group.waitAllFactors();
      case 'steady':
        return group.steady(args[0]!, args[1]!, args[2]!);
      case 'burst':
        return group.burst();
      case 'report':
        return group.report();
      case 'destroy':
        return group.destroy();
    }
  };
  return { call: call as GroupHandle['call'], close: async () => group.destroy() };
}

async function workerGroup(config: GroupConfig, counters: SharedArrayBuffer): Promise<GroupHandle> {
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./latency-worker.ts', import.meta.url).href, config, counters },
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.value);
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`client worker exited (${code})`)));
  await ready;
  const call = (method: Method, ...args: number[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  return {
    call: call as GroupHandle['call'],
    close: async () => {
      await call('destroy').catch(() => {});
      await worker.terminate();
    },
  };
}

export async function runLatency(target: LatencyTarget, plan: LatencyPlan, log: (line: string) => void): Promise<LatencyRun> {
  const n = plan.clients;
  const sharedCounters = new SharedArrayBuffer(4 * 4);
  const counters = new Int32Array(sharedCounters);
  const groupCount = Math.max(1, Math.min(plan.threads, n));
  const configs: GroupConfig[] = Array.from({ length: groupCount }, (_, g) => ({
    wsUrl: target.wsUrl,
    room: target.room,
    token: target.token,
    total: n,
    indices: Array.from({ length: n }, (_, i) => i).filter((i) => i % groupCount === g),
    minGapMs: plan.minGapMs,
    maxGapMs: plan.maxGapMs,
  }));
  const groups: GroupHandle[] = [];
  try {
    const setupStarted = performance.now();
    for (const config of configs) {
      groups.push(plan.threads === 0 ? localGroup(config, counters) : await workerGroup(config, sharedCounters));
    }
    await Promise.all(groups.map((g) => g.call('connect')));
    await Promise.all(groups.map((g) => g.call('waitAllFactors')));
    const setupMs = performance.now() - setupStarted;
    log(`  ${n} clients (${plan.threads === 0 ? 'main thread' : `${groupCount} worker threads`}) connected and synced in ${fmt(setupMs / 1000)} s`);

    const drain = (sent: number, delivered: number) =>
      waitUntil(
        () => Atomics.load(counters, delivered) >= Atomics.load(counters, sent) * (n - 1),
        'deliveries',
        plan.drainMs,
      ).catch(() => {});

    // ---- Steady editing.
    const startAt = clock() + 100;
    const countFrom = startAt + plan.warmupMs;
    const stopAt = countFrom + plan.steadyMs;
    await Promise.all(groups.map((g) => g.call('steady', startAt, countFrom, stopAt)));
    await sleep(countFrom - clock());
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = target.serverPid === null ? null : processCpuSeconds(target.serverPid);
    const measuredFrom = clock();
    await sleep(stopAt - clock());
    const seconds = (clock() - measuredFrom) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = target.serverPid === null ? null : processCpuSeconds(target.serverPid);
    await sleep(50);
    await drain(COUNTER.steadySent, COUNTER.steadyDelivered);

    // ---- Bursts: every client edits at once (each thread in the same tick).
    for (let b = 0; b < plan.bursts; b++) {
      await sleep(plan.burstGapMs);
      await Promise.all(groups.map((g) => g.call('burst')));
      await drain(COUNTER.burstSent, COUNTER.burstDelivered);
    }

    const reports = await Promise.all(groups.map((g) => g.call('report')));
    return {
      clients: n,
      threads: plan.threads,
      steady: phaseStats(reports, 's', n),
      burst: phaseStats(reports, 'b', n),
      setupMs,
      clientLoopDelayP99: Math.max(...reports.map((r) => r.loopDelayP99)),
      clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
      serverCpu: serverCpuBefore !== null && serverCpuAfter !== null ? (serverCpuAfter - serverCpuBefore) / seconds : null,
    };
  } finally {
    await Promise.all(groups.map((g) => g.close().catch(() => {})));
    await sleep(200);
  }
}

function phaseStats(reports: GroupReport[], flag: 's' | 'b', n: number): PhaseStats {
  const deliveries: number[] = [];
  const perEdit = new Map<number, { count: number; last: number }>();
  for (const r of reports) {
    for (let i = 0; i < r.sentKeys.length; i++) if (r.sentFlags[i] === flag) perEdit.set(r.sentKeys[i]!, { count: 0, last: 0 });
  }
  for (const r of reports) {
    for (let i = 0; i < r.receiptKeys.length; i++) {
      if (r.receiptFlags[i] !== flag) continue;
      const age = r.receiptAges[i]!;
      deliveries.push(age);
      const edit = perEdit.get(r.receiptKeys[i]!);
      if (!edit) continue;
      edit.count++;
      if (age > edit.last) edit.last = age;
    }
  }
  const toAll: number[] = [];
  let missing = 0;
  for (const edit of perEdit.values()) {
    if (edit.count >= n - 1) toAll.push(edit.last);
    else missing += n - 1 - edit.count;
  }
  return { edits: perEdit.size, deliveries, toAll, missing };
}

/** "p50 / p95 / p99" of a list of milliseconds. */
export function triple(values: readonly number[]): string {
  return `${fmt(percentile(values, 50))} / ${fmt(percentile(values, 95))} / ${fmt(percentile(values, 99))}`;
}

/** One detail line describing a run. */
export function describeRun(label: string, run: LatencyRun): string {
  const s = run.steady;
  const b = run.burst;
  const where = run.threads === 0 ? 'clients in the main thread' : `clients in ${run.threads} worker threads`;
  const server = run.serverCpu === null ? 'server in the same process' : `server process CPU ${fmt(run.serverCpu * 100, 0)} % of a core`;
  return (
    `${label} (${where}): steady ${s.edits} edits → every other client p50/p95/p99 ${triple(s.toAll)} ms; ` +
    `per delivery ${triple(s.deliveries)} ms (${s.deliveries.length} deliveries, ${s.missing} missing). ` +
    `Bursts ${b.edits} edits → all ${triple(b.toAll)} ms; per delivery ${triple(b.deliveries)} ms (${b.missing} missing). ` +
    `Benchmark process CPU ${fmt(run.clientCpu * 100, 0)} % of a core, client event-loop delay p99 ${fmt(run.clientLoopDelayP99)} ms; ${server}; ` +
    `setup ${fmt(run.setupMs / 1000)} s.`
  );
}
