import { Dexie, type EntityTable } from 'dexie';
import yDexie from 'y-dexie';
import type * as Y from 'yjs';

export type Role = 'facilitator' | 'editor' | 'viewer';

/** A map this browser has opened: enough to reopen it, offline too. */
export interface RecentMap {
  id: string;
  title: string;
  token: string;
  /** Known once the server has answered; null before. */
  role: Role | null;
  lastOpenedAt: number;
  /** All three share links, known when this browser created the map (or replaced a link). */
  links?: Partial<Record<Role, string>>;
  /** The map's Y.Doc, persisted by y-dexie in its own table. */
  doc: Y.Doc;
}

/**
 * One IndexedDB database for the list of maps and one Y.Doc per map, so a
 * map opens from local data first and works offline.
 */
export class LocalDb extends Dexie {
  maps!: EntityTable<RecentMap, 'id'>;

  constructor(name = 'causeway') {
    super(name, { addons: [yDexie] });
    this.version(1).stores({
      maps: 'id, lastOpenedAt, doc: Y.Doc',
    });
  }
}

let instance: LocalDb | null = null;

export function localDb(): LocalDb {
  instance ??= new LocalDb();
  return instance;
}

/** Asks the browser not to evict our data under storage pressure (best effort). */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
