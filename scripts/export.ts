/**
 * `npm run export -- --map <id> --format graphml --out map.graphml [--snapshot <id>]`
 * Batch export for researchers, reading DATA_DIR directly (no server needed;
 * safe while the server runs: SQLite in WAL mode allows a concurrent reader).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { joinOptionValues } from './cli-args';
import * as Y from 'yjs';
import { CSV_FILES, EXPORT_FORMATS, exportInputFromDoc, exportMap, isExportFormat } from '../src/core/formats';
import { moderatedIds, readShownMap, redactedIds } from '../src/core/model';
import { historyCsv, readHistory } from '../server/history';
import { analyseLoops } from '../server/loops';
import { SqliteStore, StoreOpenError } from '../server/store/sqlite';

const USAGE = `Usage: npm run export -- --map <map id> --format <${Object.keys(EXPORT_FORMATS).join('|')}|history> [--out <file>] [--snapshot <snapshot id>] [--file factors.csv|links.csv|loops.csv] [--data-dir <DATA_DIR>]
Writes to standard output when --out is not given. DATA_DIR defaults to the DATA_DIR variable, then ./data.`;

const OPTIONS = {
  map: { type: 'string' },
  format: { type: 'string', default: 'json' },
  out: { type: 'string' },
  snapshot: { type: 'string' },
  file: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean' },
} as const;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: joinOptionValues(process.argv.slice(2), new Set(Object.entries(OPTIONS).filter(([, o]) => o.type === 'string').map(([name]) => name))),
      options: OPTIONS,
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (!args.map) fail(`Say which map to export with --map <id>.\n${USAGE}`);
  const format = args.format ?? 'json';
  if (format !== 'history' && !isExportFormat(format)) fail(`Unknown format "${format}".\n${USAGE}`);
  if (args.file !== undefined && !(CSV_FILES as readonly string[]).includes(args.file)) fail(`--file must be one of ${CSV_FILES.join(', ')}.`);
  const dataDir = path.resolve(args['data-dir'] ?? process.env.DATA_DIR ?? './data');
  if (!fs.existsSync(path.join(dataDir, 'causeway.db'))) fail(`There is no Causeway database in ${dataDir}. Use --data-dir or DATA_DIR.`);

  let store: SqliteStore;
  try {
    store = SqliteStore.open(dataDir);
  } catch (error) {
    fail(error instanceof StoreOpenError ? error.message : String(error));
  }
  try {
    const record = await store.getMap(args.map);
    if (!record) fail(`There is no map with id ${args.map} in ${dataDir}.`);
    let body: string | Uint8Array;
    // The map as it is now decides what was withdrawn or hidden; exports and the history leave that out.
    const live = new Y.Doc();
    const state = await store.loadState(args.map);
    if (state.checkpoint) Y.applyUpdate(live, state.checkpoint);
    for (const update of state.updates) Y.applyUpdate(live, update);
    if (format === 'history') {
      body = historyCsv((await readHistory(store, args.map, 0, Number.MAX_SAFE_INTEGER, redactedIds(live))).entries);
    } else {
      let doc = live;
      if (args.snapshot) {
        const snapshot = await store.getSnapshot(args.map, args.snapshot);
        if (!snapshot) fail(`Map ${args.map} has no snapshot ${args.snapshot}.`);
        doc = new Y.Doc();
        Y.applyUpdate(doc, snapshot.state);
      }
      const leaveOut = moderatedIds(live);
      const input = exportInputFromDoc(doc, analyseLoops(readShownMap(doc, leaveOut)), undefined, leaveOut);
      const csvFile = args.file as (typeof CSV_FILES)[number] | undefined;
      body = (await exportMap(format, input, csvFile ? { csvFile } : {})).body;
    }
    if (args.out) {
      fs.writeFileSync(args.out, body);
      console.error(`Wrote ${args.out} (${format}).`);
    } else {
      process.stdout.write(body);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error)));
