import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, addTag, initMap, removeFactor, updateFactor } from '../../src/core/model';
import { SqliteStore, StoreOpenError } from '../../server/store/sqlite';
import type { MapRecord, StoredState, UpdateMeta } from '../../server/store/types';
import { spawnServer, tempDataDir } from '../helpers/server';
import { prng } from '../helpers/prng';


function randomBytes(seed: number, length: number): Buffer {
  const next = prng(seed);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

const openStores: SqliteStore[] = [];
function open(dataDir: string): SqliteStore {
  const store = SqliteStore.open(dataDir);
  openStores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
});

let mapCounter = 0;
function record(): MapRecord {
  mapCounter++;
  return {
    id: `storetest${String(mapCounter).padStart(6, '0')}`,
    title: `Store test ${mapCounter}`,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    tokenHashes: { facilitator: 'f'.repeat(64), editor: 'e'.repeat(64), viewer: 'v'.repeat(64) },
  };
}

const meta = (author = 'tester'): UpdateMeta => ({ at: Date.now(), author, role: 'editor' });

/** A document and every update it emits, in order, as a client would send them. */
function recordingDoc(mapId: string) {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  initMap(doc, { mapId, title: 'Store test', createdAt: 1 });
  const initial = Y.encodeStateAsUpdate(doc);
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, initial, updates };
}

/** Some realistic edits: factors, a link, a tag, a move, and a removal (which leaves deleted content behind). */
function edit(doc: Y.Doc, round: number): void {
  const a = addFactor(doc, { label: `A${round}`, x: round, y: 0 });
  const b = addFactor(doc, { label: `B${round}`, x: 0, y: round });
  const gone = addFactor(doc, { label: `gone${round}` });
  addLink(doc, { source: a, target: b, polarity: round % 2 ? '+' : '-' });
  addLink(doc, { source: gone, target: a });
  addTag(doc, a, `tag${round}`);
  updateFactor(doc, b, { label: `B${round} renamed`, x: 10 * round });
  removeFactor(doc, gone);
}

/** The document's content as plain JSON (Y.Doc.toJSON only lists types this replica has touched). */
function content(doc: Y.Doc): Record<string, unknown> {
  return {
    meta: doc.getMap('meta').toJSON(),
    nodes: doc.getMap('nodes').toJSON(),
    edges: doc.getMap('edges').toJSON(),
    loopNames: doc.getMap('loopNames').toJSON(),
  };
}

function replay(state: StoredState): Y.Doc {
  const doc = new Y.Doc();
  if (state.checkpoint) Y.applyUpdate(doc, state.checkpoint);
  for (const update of state.updates) Y.applyUpdate(doc, update);
  return doc;
}

describe('SqliteStore', () => {
  it('round-trips appended updates through loadState', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    const map = record();
    const { doc, initial, updates } = recordingDoc(map.id);
    await store.createMap(map, initial, { at: 1, author: 'template:blank', role: 'server' });
    for (let round = 0; round < 5; round++) edit(doc, round);
    expect(updates.length).toBeGreaterThan(10);

    const seqs: number[] = [];
    for (const update of updates) seqs.push(await store.appendUpdate(map.id, update, meta()));
    // Sequence numbers only grow.
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);

    const state = await store.loadState(map.id);
    expect(state.checkpoint).toBeNull();
    expect(state.updates).toHaveLength(updates.length + 1);
    expect(content(replay(state))).toEqual(content(doc));
    expect(await store.getMap(map.id)).toMatchObject({ id: map.id, title: map.title, tokenHashes: map.tokenHashes });

    // And after closing and opening the database again.
    await store.close();
    const reopened = open(dir);
    expect(content(replay(await reopened.loadState(map.id)))).toEqual(content(doc));
  });

  it('compact() writes a checkpoint; loadState after it gives the same document from fewer updates', async () => {
    const store = open(tempDataDir());
    const map = record();
    const { doc, initial, updates } = recordingDoc(map.id);
    await store.createMap(map, initial, { at: 1, author: 'template:blank', role: 'server' });
    for (let round = 0; round < 4; round++) edit(doc, round);
    for (const update of updates.splice(0)) await store.appendUpdate(map.id, update, meta());

    const before = await store.loadState(map.id);
    expect(await store.pendingUpdateCount(map.id)).toBe(before.updates.length);
    await store.compact(map.id);
    const after = await store.loadState(map.id);
    expect(after.checkpoint).not.toBeNull();
    expect(after.updates.length).toBeLessThan(before.updates.length);
    expect(after.updates).toHaveLength(0);
    expect(await store.pendingUpdateCount(map.id)).toBe(0);
    expect(content(replay(after))).toEqual(content(doc));
    expect(content(replay(after))).toEqual(content(replay(before)));

    // Updates after a checkpoint are loaded on top of it.
    edit(doc, 99);
    for (const update of updates.splice(0)) await store.appendUpdate(map.id, update, meta());
    const later = await store.loadState(map.id);
    expect(later.checkpoint).not.toBeNull();
    expect(later.updates.length).toBeGreaterThan(0);
    expect(content(replay(later))).toEqual(content(doc));

    // A second compaction folds them in as well.
    await store.compact(map.id);
    const again = await store.loadState(map.id);
    expect(again.updates).toHaveLength(0);
    expect(content(replay(again))).toEqual(content(doc));
  });

  it('keeps the whole update log after compaction (history can be replayed)', async () => {
    const store = open(tempDataDir());
    const map = record();
    const { doc, initial, updates } = recordingDoc(map.id);
    await store.createMap(map, initial, { at: 1, author: 'template:blank', role: 'server' });
    for (let round = 0; round < 3; round++) edit(doc, round);
    const authors = updates.map((_, i) => `author-${i % 3}`);
    for (const [i, update] of updates.entries()) await store.appendUpdate(map.id, update, meta(authors[i]));
    await store.compact(map.id);
    edit(doc, 7);
    const more = updates.slice(authors.length);
    for (const update of more) await store.appendUpdate(map.id, update, meta('late'));
    await store.compact(map.id);

    const log = await store.listUpdates(map.id, 0, 100_000);
    expect(log).toHaveLength(1 + updates.length);
    expect(log[0]).toMatchObject({ author: 'template:blank', role: 'server' });
    expect(log.slice(1, 1 + authors.length).map((u) => u.author)).toEqual(authors);
    expect(log.slice(1 + authors.length).every((u) => u.author === 'late' && u.role === 'editor')).toBe(true);
    // Byte for byte what was appended.
    expect(log.slice(1).map((u) => Buffer.from(u.update).toString('base64'))).toEqual(updates.map((u) => Buffer.from(u).toString('base64')));
    // Replaying the log alone rebuilds the document.
    const replayed = new Y.Doc();
    for (const entry of log) Y.applyUpdate(replayed, entry.update);
    expect(content(replayed)).toEqual(content(doc));
    // Paging through the log works from any sequence number.
    const page = await store.listUpdates(map.id, log[4]!.seq, 3);
    expect(page.map((u) => u.seq)).toEqual(log.slice(5, 8).map((u) => u.seq));
  });

  it('refuses a file of random bytes with StoreOpenError ("cannot be opened") and leaves it byte-identical', () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'causeway.db');
    const garbage = randomBytes(0xc0ffee, 64 * 1024);
    fs.writeFileSync(file, garbage);
    let error: unknown;
    try {
      open(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toContain('cannot be opened');
    expect((error as Error).message).toContain(file);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a real database with damaged pages or cut short, and changes nothing', async () => {
    const source = tempDataDir();
    const store = SqliteStore.open(source);
    for (let i = 0; i < 20; i++) {
      const map = record();
      const { initial } = recordingDoc(map.id);
      await store.createMap({ ...map, title: 'x'.repeat(180) }, initial, { at: 1, author: 'template:blank', role: 'server' });
      await store.appendUpdate(map.id, new Uint8Array(randomBytes(i, 2000)), meta());
    }
    await store.close();
    const pristine = fs.readFileSync(path.join(source, 'causeway.db'));
    expect(pristine.length).toBeGreaterThan(8 * 4096);

    const damaged = Buffer.from(pristine);
    randomBytes(42, damaged.length - 3 * 4096).copy(damaged, 3 * 4096);
    const cases: Array<[string, Buffer]> = [
      ['pages overwritten', damaged],
      ['cut in half', pristine.subarray(0, Math.floor(pristine.length / 2))],
    ];
    for (const [what, bytes] of cases) {
      const dir = tempDataDir();
      const file = path.join(dir, 'causeway.db');
      fs.writeFileSync(file, bytes);
      expect(() => open(dir), what).toThrow(StoreOpenError);
      expect(() => open(dir), what).toThrow(/cannot be opened/);
      expect(fs.readFileSync(file).equals(bytes), what).toBe(true);
    }
  });

  it('the server refuses to start on a damaged database: exits non-zero with that sentence', async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'causeway.db');
    const garbage = randomBytes(7, 32 * 1024);
    fs.writeFileSync(file, garbage);
    let message = '';
    try {
      const started = await spawnServer({ dataDir: dir });
      // Should not happen; stop it so the test run does not hang.
      started.child.kill('SIGKILL');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/server exited with [1-9]\d* before starting/);
    expect(message).toContain('cannot be opened');
    expect(message).toContain(file);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });
});
