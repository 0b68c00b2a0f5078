/**
 * `npm run bench`: runs every benchmark, prints one table with the machine and
 * date, and rewrites bench/RESULTS.md. Never fails on timing: the exit code is
 * 1 only when a benchmark crashed (or timed out), and the others still run.
 *
 *   npm run bench                 every benchmark, rewrites bench/RESULTS.md
 *   npm run bench -- sync loops   only those whose id starts with a word given (RESULTS.md untouched)
 *   BENCH_QUICK=1 npm run bench   shorter runs, less stable figures (RESULTS.md untouched)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle } from './bundle';
import { canvas } from './canvas';
import { Cleanup, ROOT, fmt, fsyncMillis, machine, markdownTable, withTimeout, type Benchmark, type Row } from './lib';
import { loops } from './loops';
import { memory } from './memory';
import { routes } from './routes';
import { syncInProcess, syncReference, syncSpawned } from './sync';

// sync-reference right after sync (whose last run is its 50-client run), so the two are compared under the same conditions.
const BENCHMARKS: Benchmark[] = [loops, routes, bundle, syncSpawned, syncReference, syncInProcess, memory, canvas];

async function main(): Promise<number> {
  // Every stock WebsocketProvider adds a process 'exit' listener; hundreds of clients are intended here.
  process.setMaxListeners(0);
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const quick = process.env.BENCH_QUICK === '1';
  const selected = filters.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => filters.some((f) => b.id.startsWith(f)));
  if (selected.length === 0) {
    console.error(`No benchmark matches ${filters.join(' ')}. Known: ${BENCHMARKS.map((b) => b.id).join(', ')}.`);
    return 2;
  }
  const full = selected.length === BENCHMARKS.length && !quick;
  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

  const m = machine();
  const fsync = fsyncMillis(os.tmpdir());
  const machineLine =
    `${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGb, 1)} GB memory; Node ${m.node}; ${m.os}; ` +
    `fsync of 4 KB in ${os.tmpdir()}: ${fmt(fsync)} ms (median)`;

  const loadBefore = os.loadavg()[0]!;
  const rows: Row[] = [];
  const sections: { bench: Benchmark; details: string[]; error?: string; seconds: number }[] = [];
  const started = Date.now();
  for (const bench of selected) {
    log(`— ${bench.id} …`);
    const cleanup = new Cleanup();
    const t0 = Date.now();
    try {
      const outcome = await withTimeout(bench.run({ cleanup, quick, log }), bench.timeoutMs, bench.id);
      rows.push(...outcome.rows);
      for (const d of outcome.details) log(`  ${d}`);
      sections.push({ bench, details: outcome.details, seconds: (Date.now() - t0) / 1000 });
    } catch (error) {
      const message = ((error as Error).message ?? String(error)).split('\n')[0]!;
      log(`  ${bench.id} crashed: ${(error as Error).stack ?? message}`);
      for (const expected of bench.expectedRows) {
        rows.push({ name: expected.name, figure: 'crashed', unit: '', budget: expected.budget, within: 'crashed' });
      }
      sections.push({ bench, details: [], error: message, seconds: (Date.now() - t0) / 1000 });
    } finally {
      await cleanup.run();
    }
    log(`  ${bench.id} took ${fmt((Date.now() - t0) / 1000)} s`);
  }
  const totalSeconds = (Date.now() - started) / 1000;
  const loadAfter = os.loadavg()[0]!;
  const loadLine =
    `Load average (1 min) ${fmt(loadBefore, 1)} at the start, ${fmt(loadAfter, 1)} at the end` +
    (loadBefore > m.cores * 0.5
      ? ' — other work was already running on this machine, so the timings include that contention.'
      : ' (the machine was otherwise idle at the start).');

  const table = markdownTable(rows);
  const crashed = sections.filter((s) => s.error !== undefined);
  console.log(`Causeway benchmarks, ${m.date}${quick ? ' (BENCH_QUICK: short runs)' : ''}`);
  console.log(`Machine: ${machineLine}`);
  console.log(loadLine);
  console.log('');
  console.log(table);
  console.log('');
  for (const s of crashed) console.log(`${s.bench.id} crashed: ${s.error}`);
  console.log(`Ran ${selected.length} benchmark(s) in ${fmt(totalSeconds, 0)} s.`);

  if (full) {
    const lines = [
      '# Benchmark results',
      '',
      'Written by `npm run bench` (bench/run.ts); do not edit by hand. How to run and what the figures mean: bench/README.md.',
      '',
      `- Date: ${m.date}`,
      `- Machine: ${machineLine}`,
      `- ${loadLine}`,
      `- Whole run: ${fmt(totalSeconds, 0)} s`,
      '',
      table,
      '',
      '## How each figure is measured',
      '',
    ];
    for (const s of sections) {
      lines.push(`### ${s.bench.title} (\`${s.bench.id}\`, ${fmt(s.seconds, 0)} s)`, '', s.bench.note, '');
      if (s.error !== undefined) lines.push(`**Crashed:** ${s.error}`, '');
      for (const d of s.details) lines.push(`- ${d}`);
      if (s.details.length > 0) lines.push('');
    }
    fs.writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), lines.join('\n'));
    console.log('Wrote bench/RESULTS.md.');
  } else {
    console.log('Not a full run: bench/RESULTS.md left as it was.');
  }
  return crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? String(error));
    process.exit(1);
  },
);
