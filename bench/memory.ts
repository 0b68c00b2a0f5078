import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { addFactor } from '../src/core/model/ops';
import { connectClient, type Client } from '../test/helpers/clients';
import { createMap, spawnServer, type CreatedMap } from '../test/helpers/server';
import { ROOT, benchDataDir, fmt, processRssBytes, sleep, stopChild, waitUntil, yesNo, type BenchContext, type BenchOutcome, type Benchmark } from './lib';

const MAPS = 500;
const FACTORS = 100;
const MB = 1024 * 1024;

interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Asks the heap probe in the server process for memoryUsage() before and after a full GC. */
async function probe(pid: number, file: string): Promise<{ before: MemoryUsage; after: MemoryUsage }> {
  fs.rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  await waitUntil(() => fs.existsSync(file), 'the heap probe to answer', 30_000);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { before: MemoryUsage; after: MemoryUsage };
}

const rssName = `Server memory: ${MAPS} open maps × ${FACTORS} factors, RSS (VmRSS)`;
const perMapName = 'Server memory: RSS per open map, above the idle server';
const heapName = `Server memory: JS heap used after a full GC, ${MAPS} maps`;
const BUDGET = `${MAPS} open maps of ${FACTORS} factors in one process`;

export const memory: Benchmark = {
  id: 'memory',
  title: 'Server memory with 500 open maps',
  timeoutMs: 150_000,
  expectedRows: [
    { name: rssName, budget: BUDGET },
    { name: perMapName, budget: '—' },
    { name: heapName, budget: '—' },
  ],
  note:
    `One server process (\`spawnServer\`: server/main.ts through tsx, fresh DATA_DIR) with a small preload (bench/heap-probe.mjs) that reports ` +
    '`process.memoryUsage()` before and after a full GC on SIGUSR2. First the idle server is measured (after GC). Then ' +
    `${MAPS} maps are created through POST /api/maps; for each, one stock y-websocket client connects with the editor token, syncs and adds ` +
    `${FACTORS} factors (label, kind, position, note, tags, provenance: \`addFactor\`) in one transaction, and stays connected so the map stays loaded. ` +
    `Every map is then checked through GET /api/maps/:id (${FACTORS} factors each), the server is left 3 s to settle and VmRSS is read from ` +
    '/proc/<pid>/status. RSS per map is (RSS loaded − RSS idle) ÷ maps; "within budget" means all maps were loaded, complete and connected ' +
    'in one process. The per-address limits on map creation and connections are turned off (CREATES_PER_10_MIN=0, CONNECTIONS_PER_MIN=0): ' +
    'here one address stands for 500 participants. A stock y-websocket client alone in a map reconnects after 30 s without a message, so the measurement waits until every client is connected. RSS includes tsx (the server runs from source), which the idle figure cancels out.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const dataDir = benchDataDir(ctx.cleanup);
    const probeFile = path.join(dataDir, 'heap-probe.json');
    const preload = pathToFileURL(path.join(ROOT, 'bench/heap-probe.mjs')).href;
    const server = await spawnServer({
      dataDir,
      env: {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(),
        BENCH_PROBE_FILE: probeFile,
        // 500 participants' worth of creates and connections come from one address here.
        CREATES_PER_10_MIN: '0',
        CONNECTIONS_PER_MIN: '0',
      },
    });
    ctx.cleanup.add(() => stopChild(server.child, server.exited));
    const clients: Client[] = [];
    ctx.cleanup.add(() => {
      for (const c of clients) c.destroy();
    });
    const pid = server.child.pid!;
    await sleep(1_000);
    const idle = await probe(pid, probeFile);
    const idleRss = processRssBytes(pid) ?? idle.after.rss;
    ctx.log(`  idle server: RSS ${fmt(idleRss / MB)} MB, heap ${fmt(idle.after.heapUsed / MB)} MB`);

    const started = Date.now();
    const maps: CreatedMap[] = new Array<CreatedMap>(MAPS);
    await eachLimit(Array.from({ length: MAPS }, (_, i) => i), 8, async (i) => {
      maps[i] = await createMap(server.url, { title: `Memory benchmark ${i}` });
    });
    const createdSeconds = (Date.now() - started) / 1000;
    ctx.log(`  created ${MAPS} maps in ${fmt(createdSeconds)} s`);

    await eachLimit(maps, 25, async (map, i) => {
      const client = connectClient(server.wsUrl, map.id, map.tokens.editor, { client: `mem-${i}` });
      clients.push(client);
      await waitUntil(() => client.provider.synced, `map ${i} to sync`, 30_000);
      client.doc.transact(() => {
        for (let f = 0; f < FACTORS; f++) {
          addFactor(client.doc, {
            label: `Factor ${f} of map ${i}`,
            x: (f % 10) * 220,
            y: Math.floor(f / 10) * 140,
            note: f % 5 === 0 ? 'A short note about why this factor matters.' : '',
            tags: f % 3 === 0 ? ['service'] : [],
          }, { author: `mem-${i}` });
        }
      });
    });
    const seededSeconds = (Date.now() - started) / 1000 - createdSeconds;
    ctx.log(`  connected and seeded ${MAPS} maps in ${fmt(seededSeconds)} s`);

    // The server has every factor of every map (and so holds every map loaded).
    let incomplete = 0;
    await eachLimit(maps, 8, async (map) => {
      let nodes = 0;
      await waitUntil(async () => {
        const res = await fetch(`${server.url}/api/maps/${map.id}`, { headers: { Authorization: `Bearer ${map.tokens.viewer}` } });
        nodes = res.ok ? ((await res.json()) as { nodes: number }).nodes : -1;
        return nodes === FACTORS;
      }, `map ${map.id} to hold ${FACTORS} factors`, 30_000, 200).catch(() => {
        incomplete++;
      });
    });
    await sleep(3_000);
    // A stock client closes and reopens a socket that heard nothing for 30 s (alone in its map, it hears nothing):
    // wait until every client is connected again, so every map has its peer at the moment of measuring.
    await waitUntil(() => clients.every((c) => c.provider.wsconnected), 'every client to be connected', 15_000).catch(() => {});
    const connected = clients.filter((c) => c.provider.wsconnected).length;
    const loadedRss = processRssBytes(pid);
    if (loadedRss === null) throw new Error(`cannot read /proc/${pid}/status`);
    const loaded = await probe(pid, probeFile);
    const rssAfterGc = processRssBytes(pid) ?? loaded.after.rss;
    const ok = incomplete === 0 && connected === MAPS && server.child.exitCode === null;
    const perMap = (loadedRss - idleRss) / MAPS;

    return {
      rows: [
        { name: rssName, figure: fmt(loadedRss / MB), unit: 'MB', budget: BUDGET, within: yesNo(ok) },
        { name: perMapName, figure: fmt(perMap / MB, 3), unit: 'MB', budget: '—', within: '—' },
        { name: heapName, figure: fmt(loaded.after.heapUsed / MB), unit: 'MB', budget: '—', within: '—' },
      ],
      details: [
        `Idle server: RSS ${fmt(idleRss / MB)} MB, heap used ${fmt(idle.after.heapUsed / MB)} MB after GC.`,
        `Loaded: RSS ${fmt(loadedRss / MB)} MB (${fmt(rssAfterGc / MB)} MB after the GC); V8 heap used ${fmt(loaded.before.heapUsed / MB)} MB before GC, ` +
          `${fmt(loaded.after.heapUsed / MB)} MB after (heap total ${fmt(loaded.after.heapTotal / MB)} MB), external ${fmt(loaded.after.external / MB)} MB; ` +
          `heap per map after GC ${fmt((loaded.after.heapUsed - idle.after.heapUsed) / MAPS / 1024, 0)} KB.`,
        `${MAPS} maps created in ${fmt(createdSeconds)} s; ${MAPS} clients connected and ${MAPS * FACTORS} factors written in ${fmt(seededSeconds)} s; ` +
          `${connected} of ${MAPS} clients still connected at the end; ${incomplete} map(s) incomplete.`,
      ],
    };
  },
};
