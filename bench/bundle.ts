import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ROOT, fmt, yesNo, type BenchContext, type BenchOutcome, type Benchmark } from './lib';

const BUDGET_KB = 350;
const CLIENT_DIR = path.join(ROOT, 'dist/client');

let built: Promise<string> | null = null;

/** `node scripts/build.mjs`: builds only when sources are newer than dist/ (once per benchmark run). */
export function ensureBuilt(log: (line: string) => void): Promise<string> {
  built ??= (async () => {
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, timeout: 180_000 });
    const didBuild = stdout.includes('Built in');
    log(didBuild ? `  built the app in ${fmt((Date.now() - started) / 1000)} s` : '  dist/ is current');
    if (!fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) throw new Error('the build left no dist/client/index.html');
    return CLIENT_DIR;
  })();
  return built;
}

/** Quoted references to sibling JS files inside a built JS file, classified by how they are loaded. */
function references(source: string): { static: string[]; lazy: string[] } {
  const found = { static: new Set<string>(), lazy: new Set<string>() };
  const pattern = /["'`](?:\.\/|\/?assets\/)([\w.-]+\.js)["'`]/g;
  for (const match of source.matchAll(pattern)) {
    const before = source.slice(Math.max(0, match.index - 12), match.index);
    // `import … from"./x.js"` and `import"./x.js"` load before the module runs; anything else
    // (`import("./x.js")`, preload lists, `new URL(…)` for workers) is loaded later, if at all.
    const isStatic = /(?:\bfrom|\bimport)\s*$/.test(before);
    (isStatic ? found.static : found.lazy).add(match[1]!);
  }
  return { static: [...found.static], lazy: [...found.lazy].filter((f) => !found.static.has(f)) };
}

interface Closure {
  files: string[];
}

/** Files reachable from `entries`: through static imports only, or through every reference. */
function closure(entries: string[], follow: 'static' | 'all', assets: string): Closure {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    const full = path.join(assets, file);
    if (!fs.existsSync(full)) continue;
    seen.add(file);
    const refs = references(fs.readFileSync(full, 'utf8'));
    queue.push(...refs.static);
    if (follow === 'all') queue.push(...refs.lazy);
  }
  return { files: [...seen] };
}

const gzipSize = (file: string) => zlib.gzipSync(fs.readFileSync(file)).length;
const kb = (bytes: number) => bytes / 1024;

const firstName = 'First load: JavaScript before a map opens (gzip)';
const mapName = 'Map page: all JavaScript it can load, workers included (gzip)';

export const bundle: Benchmark = {
  id: 'bundle',
  title: 'Bundle size',
  timeoutMs: 240_000,
  expectedRows: [
    { name: firstName, budget: `≤ ${BUDGET_KB} KB` },
    { name: mapName, budget: '—' },
  ],
  note:
    'Builds with `node scripts/build.mjs` when dist/ is older than the sources. Then reads dist/client/index.html: every ' +
    '`<script src>` and `<link rel="modulepreload">` is loaded before a map opens, together with the files those import statically ' +
    '(`import … from "./x.js"` in the built code). Chunks loaded with `import()` (the lazily loaded MapPage), preload lists and worker URLs are ' +
    'not. Each file is gzipped with Node\'s zlib at its default level (6), as a server compressing on the fly would; KB = 1,024 bytes. The map page ' +
    'total follows every reference from the entry (static, dynamic, workers). The service worker (sw.js, workbox) installs in the background ' +
    'and is not counted; CSS is listed in the details.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const clientDir = await ensureBuilt(ctx.log);
    const assets = path.join(clientDir, 'assets');
    const html = fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8');
    const entries: string[] = [];
    const extraScripts: string[] = [];
    for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) {
      const src = match[1]!;
      if (src.startsWith('/assets/')) entries.push(src.slice('/assets/'.length));
      else extraScripts.push(src.replace(/^\//, ''));
    }
    for (const match of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
      entries.push(match[1]!.replace(/^\/?assets\//, ''));
    }
    if (entries.length === 0) throw new Error('no module script found in dist/client/index.html');

    const initial = closure(entries, 'static', assets);
    const everything = closure(entries, 'all', assets);
    const sizeOf = (files: string[]) => files.reduce((n, f) => n + gzipSize(path.join(assets, f)), 0);
    const rawOf = (files: string[]) => files.reduce((n, f) => n + fs.statSync(path.join(assets, f)).size, 0);
    const extraGzip = extraScripts.reduce((n, f) => n + (fs.existsSync(path.join(clientDir, f)) ? gzipSize(path.join(clientDir, f)) : 0), 0);
    const firstBytes = sizeOf(initial.files) + extraGzip;
    const mapBytes = sizeOf(everything.files) + extraGzip;
    const css = fs.readdirSync(assets).filter((f) => f.endsWith('.css'));
    const lazy = everything.files.filter((f) => !initial.files.includes(f));

    return {
      rows: [
        { name: firstName, figure: fmt(kb(firstBytes), 1), unit: 'KB', budget: `≤ ${BUDGET_KB} KB`, within: yesNo(kb(firstBytes) <= BUDGET_KB) },
        { name: mapName, figure: fmt(kb(mapBytes), 1), unit: 'KB', budget: '—', within: '—' },
      ],
      details: [
        `Before a map opens: ${[...initial.files, ...extraScripts].join(', ')} — ${fmt(kb(rawOf(initial.files)), 1)} KB raw, ${fmt(kb(firstBytes), 1)} KB gzip.`,
        `Loaded later by the map page: ${lazy.length > 0 ? lazy.map((f) => `${f} (${fmt(kb(gzipSize(path.join(assets, f))), 1)} KB gzip)`).join(', ') : 'nothing'}.`,
        `CSS: ${css.map((f) => `${f} ${fmt(kb(gzipSize(path.join(assets, f))), 1)} KB gzip`).join(', ') || 'none'}.`,
      ],
    };
  },
};
