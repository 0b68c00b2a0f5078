import type * as Y from 'yjs';
import { SCHEMA_VERSION, metaMap } from './schema';

/**
 * Migrations upgrade a document written by an older schema version. They run
 * on the server when it loads a map, before any client syncs, so that two
 * clients can never run the same migration concurrently and duplicate work.
 * A migration must be idempotent and must keep unknown keys.
 */
export interface Migration {
  /** The version this migration produces; it runs on documents below it. */
  to: number;
  describe: string;
  run(doc: Y.Doc): void;
}

/** Empty while the schema is at version 1; add entries as `{ to: 2, … }`. */
export const MIGRATIONS: readonly Migration[] = [];

export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
}

/**
 * Brings `doc` up to `SCHEMA_VERSION` with `migrations` in order. Returns the
 * versions applied. A document from a newer version is left untouched: this
 * code cannot know what it means, and refuses rather than damage it.
 */
export function migrateDoc(
  doc: Y.Doc,
  migrations: readonly Migration[] = MIGRATIONS,
  target = SCHEMA_VERSION,
  origin: unknown = 'migration',
): number[] {
  const meta = metaMap(doc);
  const raw = meta.get('schemaVersion');
  const current = typeof raw === 'number' && Number.isFinite(raw) ? raw : target;
  if (current > target) {
    throw new NewerSchemaError(
      `This map was written by a newer version of Causeway (schema ${current}; this server knows ${target}). Upgrade the server.`,
    );
  }
  const applied: number[] = [];
  const pending = [...migrations].filter((m) => m.to > current && m.to <= target).sort((a, b) => a.to - b.to);
  for (const migration of pending) {
    doc.transact(() => {
      migration.run(doc);
      meta.set('schemaVersion', migration.to);
    }, origin);
    applied.push(migration.to);
  }
  if (raw !== undefined && current < target && pending.length === 0) {
    doc.transact(() => meta.set('schemaVersion', target), origin);
  }
  return applied;
}
