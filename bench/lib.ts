import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared pieces of the benchmarks: result rows, statistics, machine facts, child processes. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** One line of the results table. */
export interface Row {
  name: string;
  /** The measured figure, already formatted ("12.3", "4.1 / 8.0 / 9.9", "crashed", "not run"). */
  figure: string;
  unit: string;
  /** The budget from DESIGN.md ("Budgets"), or "—" where there is none. */
  budget: string;
  /** "yes" / "no" against the budget, "—" without one, "crashed" / "not run". */
  within: string;
}

export interface BenchOutcome {
  rows: Row[];
  /** Detail lines for RESULTS.md (measured values that do not fit the table). */
  details: string[];
}

/** Work a benchmark leaves behind (servers, browsers, clients), undone even when it crashes or times out. */
export class Cleanup {
  private readonly tasks: (() => unknown)[] = [];
  add(task: () => unknown): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) {
      try {
        await withTimeout(Promise.resolve().then(task), 15_000, 'cleanup step');
      } catch {
        // Best effort: the next step still runs.
      }
    }
  }
}

export interface BenchContext {
  cleanup: Cleanup;
  /** Shorter runs for development (`BENCH_QUICK=1`); the figures are then less stable. */
  quick: boolean;
  /** Progress lines on stderr, so stdout stays the table. */
  log: (line: string) => void;
}

export interface Benchmark {
  id: string;
  /** Name shown in the table when the benchmark crashes before producing rows. */
  title: string;
  /** How it is measured: one short paragraph for RESULTS.md. */
  note: string;
  /** Hard limit; past it the benchmark is reported as crashed (timed out) and the next one runs. */
  timeoutMs: number;
  /** Rows this benchmark reports, for a crash report (name and budget only). */
  expectedRows: { name: string; budget: string }[];
  run: (ctx: BenchContext) => Promise<BenchOutcome>;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** A fresh temporary data directory for one server, removed by `cleanup` after everything added later has been undone. */
export function benchDataDir(cleanup: Cleanup): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-bench-'));
  cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; bounded. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Times `fn`: `warmup` untimed calls, then up to `runs` timed ones (at least 5, then until `maxMs` has passed). */
export function sample(fn: () => void, warmup: number, runs: number, maxMs: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const until = performance.now() + maxMs;
  while (times.length < runs && (times.length < 5 || performance.now() < until)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return '—';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toFixed(d);
}

export function yesNo(ok: boolean): string {
  return ok ? 'yes' : 'no';
}

/** The tests' seeded PRNG (mulberry32): the benchmark maps are the same on every run. */
export { prng as rng } from '../test/helpers/prng';

// ---------------------------------------------------------------------------
// Processes

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far, from /proc; null where unreadable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** VmRSS of a process in bytes, from /proc; null where unreadable. */
export function processRssBytes(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ChildServer {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs a TypeScript script with tsx as a child process; resolves when it prints "running at http://…". */
export async function spawnScript(script: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 30 s:\n${out}`)), 30_000);
    const onData = () => {
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before starting:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => out,
    stop: () => stopChild(child, exited),
  };
}

/** SIGTERM, then SIGKILL after 10 s; only this child, by its pid. */
export async function stopChild(child: ChildProcess, exited?: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited ?? new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([done.then(() => true), sleep(10_000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await Promise.race([done, sleep(5_000)]);
  }
}

// ---------------------------------------------------------------------------
// Machine

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  date: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  let cpu = cpus[0]?.model.trim() ?? 'unknown';
  try {
    // /proc/cpuinfo sometimes names the CPU more fully than os.cpus().
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
    if (model && model.length > cpu.length) cpu = model;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: cpus.length,
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------
// Output

export function markdownTable(rows: readonly Row[]): string {
  const header = ['Benchmark', 'Figure', 'Unit', 'Budget (DESIGN.md)', 'Within budget'];
  const cells = rows.map((r) => [r.name, r.figure, r.unit, r.budget, r.within].map((c) => c.replace(/\|/g, '\\|')));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Median time of a 4 KB write + fsync in `dir` (the server fsyncs every update, so this bounds sync latency). */
export function fsyncMillis(dir: string, samples = 30): number {
  const file = path.join(dir, `causeway-bench-fsync-${process.pid}`);
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      fs.writeSync(fd, block, 0, block.length, 0);
      fs.fsyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return median(times);
}
