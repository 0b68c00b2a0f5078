import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { exportMapJson, type CausewayJson } from '../src/core/formats/json';
import { newId, readShownMap, readSession, sessionMap } from '../src/core/model';
import { analyseLoops } from './loops';
import type { SnapshotRecord, Store } from './store/types';

/**
 * The sha256 of a snapshot's content: its causeway-map JSON without the
 * moment of export, so the same content always has the same hash.
 */
export function contentHash(json: CausewayJson): string {
  const { exportedAt: _exportedAt, ...content } = json;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Stores an immutable copy of the map as it is now: its Yjs state and its JSON export. */
export async function takeSnapshot(store: Store, mapId: string, doc: Y.Doc, name: string, createdBy: string, now = Date.now()): Promise<SnapshotRecord> {
  const json = exportMapJson(doc, { loops: analyseLoops(readShownMap(doc)), now: new Date(now) });
  const record: SnapshotRecord = { id: newId(16), mapId, name, createdAt: now, sha256: contentHash(json), createdBy };
  await store.createSnapshot(record, Y.encodeStateAsUpdate(doc), JSON.stringify(json));
  return record;
}

/** A read-only document of a stored snapshot. */
export function snapshotDoc(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

export interface CheckpointOptions {
  /** A checkpoint follows this long a pause after a stretch of activity. */
  quietMs: number;
  /** …of at least this many changes. */
  minChanges: number;
}

export const DEFAULT_CHECKPOINTS: CheckpointOptions = { quietMs: 120_000, minChanges: 20 };

/**
 * Automatic checkpoints of an open map: one when the facilitator moves to
 * another phase, and one after each stretch of activity ("the system was in
 * flux", and nobody remembers to press a button mid-workshop).
 */
export function watchForCheckpoints(
  store: Store,
  mapId: string,
  doc: Y.Doc,
  options: CheckpointOptions,
  log: (line: string) => void,
): () => void {
  let changes = 0;
  let timer: NodeJS.Timeout | null = null;
  let phase = readSession(doc).phase;
  let chain = Promise.resolve();
  const snapshot = (name: string) => {
    chain = chain
      .then(async () => {
        await takeSnapshot(store, mapId, doc, name, 'automatic');
      })
      .catch((error: unknown) => log(`map ${mapId}: automatic checkpoint failed: ${(error as Error).message}`));
  };
  const onUpdate = () => {
    changes++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (changes >= options.minChanges) {
        changes = 0;
        snapshot(`Checkpoint ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
      }
    }, options.quietMs);
    timer.unref();
  };
  const onSession = () => {
    const state = readSession(doc);
    if (state.phase === phase) return;
    phase = state.phase;
    const name = state.plan.find((p) => p.id === phase)?.name ?? phase ?? 'none';
    changes = 0;
    snapshot(`Phase: ${name}`);
  };
  doc.on('update', onUpdate);
  sessionMap(doc).observe(onSession);
  return () => {
    if (timer) clearTimeout(timer);
    doc.off('update', onUpdate);
    sessionMap(doc).unobserve(onSession);
  };
}
