import type { Role, TokenHashes } from '../auth';
export type { Role };

export interface MapRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  tokenHashes: TokenHashes;
}

export interface UpdateMeta {
  at: number;
  /** Pseudonymous author id (a per-browser random id, never a name). */
  author: string;
  role: Role | 'server';
}

export interface LoggedUpdate extends UpdateMeta {
  seq: number;
  update: Uint8Array;
}

export interface StoredState {
  /** Merged state up to `upToSeq` (a Yjs update), or null before the first checkpoint. */
  checkpoint: Uint8Array | null;
  upToSeq: number;
  /** Logged updates after the checkpoint, oldest first. */
  updates: Uint8Array[];
}

export interface SnapshotRecord {
  id: string;
  mapId: string;
  name: string;
  createdAt: number;
  sha256: string;
  createdBy: string;
}

/**
 * Persistence for maps. Methods may return promises so that a networked store
 * (PostgreSQL) can implement the same interface; rooms always await them.
 * The update log is append-only: compaction writes a merged checkpoint beside
 * it and never deletes history, which researchers replay.
 */
export interface Store {
  createMap(record: MapRecord, initialState: Uint8Array, meta: UpdateMeta): Promise<void>;
  getMap(id: string): Promise<MapRecord | null>;
  /**
   * Deletes a map and all its content (updates, checkpoints, snapshots). Its
   * id is kept as a tombstone so it is never served or reused again.
   */
  deleteMap(id: string, at: number): Promise<void>;
  /** When the map was deleted, or null if it never was. */
  deletedAt(id: string): Promise<number | null>;
  setTitle(id: string, title: string, at: number): Promise<void>;
  /** Replaces one role's token hash: the old link stops working. */
  replaceTokenHash(id: string, role: Role, hash: string, at: number): Promise<void>;
  loadState(id: string): Promise<StoredState>;
  /** Returns the new update's sequence number. Must be durable when the promise resolves. */
  appendUpdate(mapId: string, update: Uint8Array, meta: UpdateMeta): Promise<number>;
  /** Merges the checkpoint and the updates after it into a new checkpoint. */
  compact(mapId: string): Promise<void>;
  /** Updates logged since the last checkpoint. */
  pendingUpdateCount(mapId: string): Promise<number>;
  listUpdates(mapId: string, afterSeq: number, limit: number): Promise<LoggedUpdate[]>;
  createSnapshot(record: SnapshotRecord, state: Uint8Array, exportJson: string): Promise<void>;
  listSnapshots(mapId: string): Promise<SnapshotRecord[]>;
  getSnapshot(mapId: string, id: string): Promise<(SnapshotRecord & { state: Uint8Array; exportJson: string }) | null>;
  /** Breakout maps made from a map, for folding back in later. */
  addBreakout(parentId: string, childId: string, name: string, at: number): Promise<void>;
  listBreakouts(parentId: string): Promise<{ id: string; name: string; createdAt: number }[]>;
  close(): Promise<void>;
}
