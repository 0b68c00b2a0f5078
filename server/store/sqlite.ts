import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { LoggedUpdate, MapRecord, Role, SnapshotRecord, Store, StoredState, UpdateMeta } from './types';

export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS maps (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  facilitator_hash TEXT NOT NULL,
  editor_hash TEXT NOT NULL,
  viewer_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  map_id TEXT NOT NULL REFERENCES maps(id),
  at INTEGER NOT NULL,
  author TEXT NOT NULL,
  role TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_by_map ON updates(map_id, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
  map_id TEXT NOT NULL REFERENCES maps(id),
  up_to_seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (map_id, up_to_seq)
);
CREATE TABLE IF NOT EXISTS snapshots (
  id TEXT PRIMARY KEY,
  map_id TEXT NOT NULL REFERENCES maps(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  state BLOB NOT NULL,
  export_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_by_map ON snapshots(map_id, created_at);
CREATE TABLE IF NOT EXISTS breakouts (
  parent_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (parent_id, child_id)
);
CREATE TABLE IF NOT EXISTS tombstones (
  id TEXT PRIMARY KEY,
  deleted_at INTEGER NOT NULL
);
`;

const DB_VERSION = 1;

interface MapRow {
  id: string; title: string; created_at: number; updated_at: number;
  facilitator_hash: string; editor_hash: string; viewer_hash: string;
}

function toRecord(row: MapRow): MapRecord {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tokenHashes: { facilitator: row.facilitator_hash, editor: row.editor_hash, viewer: row.viewer_hash },
  };
}

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * SQLite in WAL mode with synchronous=FULL: when appendUpdate returns, the
 * update survives a SIGKILL of the server and a power cut.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts;

  private constructor(db: Database.Database) {
    this.db = db;
    this.stmts = {
      insertMap: db.prepare(`INSERT INTO maps (id, title, created_at, updated_at, facilitator_hash, editor_hash, viewer_hash)
        VALUES (@id, @title, @createdAt, @updatedAt, @facilitator, @editor, @viewer)`),
      getMap: db.prepare<[string], MapRow>('SELECT * FROM maps WHERE id = ?'),
      setTitle: db.prepare('UPDATE maps SET title = ?, updated_at = ? WHERE id = ?'),
      replaceFacilitator: db.prepare('UPDATE maps SET facilitator_hash = ?, updated_at = ? WHERE id = ?'),
      replaceEditor: db.prepare('UPDATE maps SET editor_hash = ?, updated_at = ? WHERE id = ?'),
      replaceViewer: db.prepare('UPDATE maps SET viewer_hash = ?, updated_at = ? WHERE id = ?'),
      touch: db.prepare('UPDATE maps SET updated_at = ? WHERE id = ?'),
      insertUpdate: db.prepare('INSERT INTO updates (map_id, at, author, role, data) VALUES (?, ?, ?, ?, ?)'),
      latestCheckpoint: db.prepare<[string], { up_to_seq: number; state: Buffer }>(
        'SELECT up_to_seq, state FROM checkpoints WHERE map_id = ? ORDER BY up_to_seq DESC LIMIT 1'),
      updatesAfter: db.prepare<[string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE map_id = ? AND seq > ? ORDER BY seq'),
      countAfter: db.prepare<[string, number], { n: number }>(
        'SELECT COUNT(*) AS n FROM updates WHERE map_id = ? AND seq > ?'),
      insertCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (map_id, up_to_seq, at, state) VALUES (?, ?, ?, ?)'),
      pruneCheckpoints: db.prepare('DELETE FROM checkpoints WHERE map_id = ? AND up_to_seq < ?'),
      listUpdates: db.prepare<[string, number, number], { seq: number; at: number; author: string; role: string; data: Buffer }>(
        'SELECT seq, at, author, role, data FROM updates WHERE map_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      insertSnapshot: db.prepare(`INSERT INTO snapshots (id, map_id, name, created_at, created_by, sha256, state, export_json)
        VALUES (@id, @mapId, @name, @createdAt, @createdBy, @sha256, @state, @exportJson)`),
      listSnapshots: db.prepare<[string], { id: string; map_id: string; name: string; created_at: number; created_by: string; sha256: string }>(
        'SELECT id, map_id, name, created_at, created_by, sha256 FROM snapshots WHERE map_id = ? ORDER BY created_at, id'),
      deleteUpdates: db.prepare('DELETE FROM updates WHERE map_id = ?'),
      deleteCheckpoints: db.prepare('DELETE FROM checkpoints WHERE map_id = ?'),
      deleteSnapshots: db.prepare('DELETE FROM snapshots WHERE map_id = ?'),
      deleteMap: db.prepare('DELETE FROM maps WHERE id = ?'),
      insertTombstone: db.prepare('INSERT OR REPLACE INTO tombstones (id, deleted_at) VALUES (?, ?)'),
      getTombstone: db.prepare<[string], { deleted_at: number }>('SELECT deleted_at FROM tombstones WHERE id = ?'),
      insertBreakout: db.prepare('INSERT INTO breakouts (parent_id, child_id, name, created_at) VALUES (?, ?, ?, ?)'),
      listBreakouts: db.prepare<[string], { child_id: string; name: string; created_at: number }>(
        'SELECT b.child_id, b.name, b.created_at FROM breakouts b JOIN maps m ON m.id = b.child_id WHERE b.parent_id = ? ORDER BY b.created_at, b.name'),
      getSnapshot: db.prepare<[string, string], { id: string; map_id: string; name: string; created_at: number; created_by: string; sha256: string; state: Buffer; export_json: string }>(
        'SELECT * FROM snapshots WHERE map_id = ? AND id = ?'),
    };
  }

  /** Opens (creating if needed) `DATA_DIR/causeway.db`. Fails with a plain sentence on a damaged file. */
  static open(dataDir: string): SqliteStore {
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new StoreOpenError(`Cannot create the data folder ${dataDir}: ${(error as Error).message}`);
    }
    const file = path.join(dataDir, 'causeway.db');
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check says: ${String(check)}`);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > DB_VERSION) throw new Error(`it was written by a newer Causeway (database version ${version})`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${DB_VERSION}`);
      return new SqliteStore(db);
    } catch (error) {
      db?.close();
      throw new StoreOpenError(
        `The database ${file} cannot be opened (${(error as Error).message}). ` +
        'Nothing was changed. Restore it from a backup, or start with another DATA_DIR.',
      );
    }
  }

  async createMap(record: MapRecord, initialState: Uint8Array, meta: UpdateMeta): Promise<void> {
    this.db.transaction(() => {
      if (this.stmts.getTombstone.get(record.id)) throw new Error(`map id ${record.id} belonged to a deleted map`);
      this.stmts.insertMap.run({
        id: record.id, title: record.title, createdAt: record.createdAt, updatedAt: record.updatedAt,
        facilitator: record.tokenHashes.facilitator, editor: record.tokenHashes.editor, viewer: record.tokenHashes.viewer,
      });
      // The seeded content is the first logged update, so history replays from an empty map.
      this.stmts.insertUpdate.run(record.id, meta.at, meta.author, meta.role, initialState);
    })();
  }

  async getMap(id: string): Promise<MapRecord | null> {
    const row = this.stmts.getMap.get(id);
    return row ? toRecord(row) : null;
  }

  async deleteMap(id: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.deleteUpdates.run(id);
      this.stmts.deleteCheckpoints.run(id);
      this.stmts.deleteSnapshots.run(id);
      this.stmts.deleteMap.run(id);
      this.stmts.insertTombstone.run(id, at);
    })();
  }

  async replaceTokenHash(id: string, role: Role, hash: string, at: number): Promise<void> {
    const statement = role === 'facilitator' ? this.stmts.replaceFacilitator : role === 'editor' ? this.stmts.replaceEditor : this.stmts.replaceViewer;
    statement.run(hash, at, id);
  }

  async deletedAt(id: string): Promise<number | null> {
    return this.stmts.getTombstone.get(id)?.deleted_at ?? null;
  }

  async setTitle(id: string, title: string, at: number): Promise<void> {
    this.stmts.setTitle.run(title, at, id);
  }

  async loadState(id: string): Promise<StoredState> {
    return this.db.transaction(() => {
      const checkpoint = this.stmts.latestCheckpoint.get(id);
      const upToSeq = checkpoint?.up_to_seq ?? 0;
      const updates = this.stmts.updatesAfter.all(id, upToSeq).map((r) => bytes(r.data));
      return { checkpoint: checkpoint ? bytes(checkpoint.state) : null, upToSeq, updates };
    })();
  }

  async appendUpdate(mapId: string, update: Uint8Array, meta: UpdateMeta): Promise<number> {
    return this.db.transaction(() => {
      const info = this.stmts.insertUpdate.run(mapId, meta.at, meta.author, meta.role, update);
      this.stmts.touch.run(meta.at, mapId);
      return Number(info.lastInsertRowid);
    })();
  }

  async compact(mapId: string): Promise<void> {
    this.db.transaction(() => {
      const checkpoint = this.stmts.latestCheckpoint.get(mapId);
      const rows = this.stmts.updatesAfter.all(mapId, checkpoint?.up_to_seq ?? 0);
      const last = rows.at(-1);
      if (!last) return;
      // Through a Y.Doc rather than Y.mergeUpdates so deleted content is garbage-collected.
      const doc = new Y.Doc();
      if (checkpoint) Y.applyUpdate(doc, bytes(checkpoint.state));
      for (const row of rows) Y.applyUpdate(doc, bytes(row.data));
      this.stmts.insertCheckpoint.run(mapId, last.seq, Date.now(), Y.encodeStateAsUpdate(doc));
      this.stmts.pruneCheckpoints.run(mapId, last.seq);
      doc.destroy();
    })();
  }

  async pendingUpdateCount(mapId: string): Promise<number> {
    const checkpoint = this.stmts.latestCheckpoint.get(mapId);
    return this.stmts.countAfter.get(mapId, checkpoint?.up_to_seq ?? 0)?.n ?? 0;
  }

  async listUpdates(mapId: string, afterSeq: number, limit: number): Promise<LoggedUpdate[]> {
    return this.stmts.listUpdates.all(mapId, afterSeq, limit).map((r) => ({
      seq: r.seq, at: r.at, author: r.author, role: r.role as LoggedUpdate['role'], update: bytes(r.data),
    }));
  }

  async createSnapshot(record: SnapshotRecord, state: Uint8Array, exportJson: string): Promise<void> {
    this.stmts.insertSnapshot.run({ ...record, state, exportJson });
  }

  async listSnapshots(mapId: string): Promise<SnapshotRecord[]> {
    return this.stmts.listSnapshots.all(mapId).map((r) => ({
      id: r.id, mapId: r.map_id, name: r.name, createdAt: r.created_at, createdBy: r.created_by, sha256: r.sha256,
    }));
  }

  async getSnapshot(mapId: string, id: string) {
    const r = this.stmts.getSnapshot.get(mapId, id);
    if (!r) return null;
    return {
      id: r.id, mapId: r.map_id, name: r.name, createdAt: r.created_at, createdBy: r.created_by, sha256: r.sha256,
      state: bytes(r.state), exportJson: r.export_json,
    };
  }

  async addBreakout(parentId: string, childId: string, name: string, at: number): Promise<void> {
    this.stmts.insertBreakout.run(parentId, childId, name, at);
  }

  async listBreakouts(parentId: string): Promise<{ id: string; name: string; createdAt: number }[]> {
    return this.stmts.listBreakouts.all(parentId).map((r) => ({ id: r.child_id, name: r.name, createdAt: r.created_at }));
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
