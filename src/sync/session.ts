import { Awareness } from 'y-protocols/awareness';
import { DexieYProvider } from 'y-dexie';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { exportMapJson } from '../core/formats/json';
import { metaMap } from '../core/model/schema';
import { browserClientId } from './identity';
import { localDb, requestPersistentStorage, type Role } from './local-db';
import { LOCAL_ORIGIN } from './origin';

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'rejected';

export interface SessionStatus {
  connection: ConnectionState;
  /** True once this replica has exchanged state with the server since connecting. */
  synced: boolean;
  role: Role | null;
  /** A plain sentence when the server refused us; null otherwise. */
  problem: string | null;
  /** Local edits not yet delivered to the server (made while offline). */
  unsent: number;
  /** The server no longer has this map: the local copy can be saved as a new map. */
  orphaned: boolean;
}

const REJECTIONS: Record<number, string> = {
  4401: 'This link is not valid any more. Ask the facilitator for a fresh link.',
  4404: 'This map is no longer on the server: it was deleted, or the link is wrong. Your copy on this device has not been changed.',
  4403: 'This link does not allow that.',
  4413: 'A change was too large to send. Reload the page; if it happens again, tell the facilitator.',
  4400: 'The server could not read a message from this page. Reload the page.',
};

const unsentKey = (mapId: string) => `causeway.unsent.${mapId}`;

/** Kept in localStorage so a reload while offline still shows what is waiting. */
function readUnsent(mapId: string): number {
  try {
    const n = Number(localStorage.getItem(unsentKey(mapId)) ?? 0);
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

function writeUnsent(mapId: string, n: number): void {
  try {
    if (n > 0) localStorage.setItem(unsentKey(mapId), String(n));
    else localStorage.removeItem(unsentKey(mapId));
  } catch {
    // Storage blocked: the count is shown for this page only.
  }
}

function syncUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

/**
 * One open map in this tab: its Y.Doc loaded from IndexedDB first (so it
 * opens offline), then kept in sync with the server. Edits made while
 * offline stay in IndexedDB and are sent when the connection returns.
 */
export class MapSession {
  private status: SessionStatus;
  private readonly listeners = new Set<() => void>();
  private provider: WebsocketProvider | null = null;
  private destroyed = false;
  /** Presence lives as long as the session, across reconnects and while offline. */
  readonly awareness: Awareness;

  private constructor(
    readonly mapId: string,
    readonly doc: Y.Doc,
    /** This tab's link token (the facilitator's share dialog needs it for the API). */
    readonly token: string,
    role: Role | null,
  ) {
    this.awareness = new Awareness(doc);
    this.status = { connection: 'connecting', synced: false, role, problem: null, unsent: readUnsent(mapId), orphaned: false };
    doc.on('update', this.countUnsent);
  }

  /** Opens a map from local storage and starts syncing. */
  static async open(mapId: string, token: string): Promise<MapSession> {
    const db = localDb();
    void requestPersistentStorage();
    const existing = await db.maps.get(mapId);
    if (!existing) {
      await db.maps.add({ id: mapId, title: '', token, role: null, lastOpenedAt: Date.now() } as never);
    } else if (existing.token !== token) {
      // A different link to the same map (say, promoted to facilitator): the role is re-learnt.
      await db.maps.update(mapId, { token, role: null, lastOpenedAt: Date.now() });
    } else {
      await db.maps.update(mapId, { lastOpenedAt: Date.now() });
    }
    const row = await db.maps.get(mapId);
    if (!row) throw new Error('This browser could not store the map. Check that the browser allows site data.');
    const doc = row.doc;
    const local = DexieYProvider.load(doc);
    await local.whenLoaded;
    const session = new MapSession(mapId, doc, token, existing?.token === token ? existing.role : null);
    // A local copy is only ever merged into the map it came from.
    const localId = metaMap(doc).get('mapId');
    if (typeof localId === 'string' && localId !== '' && localId !== mapId) {
      session.update({
        connection: 'rejected',
        problem: 'The copy of this map on your device belongs to a different map, so it will not be sent. Open the map from its own link.',
      });
      return session;
    }
    session.connect();
    void session.learnRole();
    session.trackTitle();
    return session;
  }

  getStatus = (): SessionStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private readonly countUnsent = (_update: Uint8Array, origin: unknown): void => {
    if (origin !== LOCAL_ORIGIN) return;
    if (this.status.connection === 'connected' && this.status.synced) return;
    this.update({ unsent: this.status.unsent + 1 });
    writeUnsent(this.mapId, this.status.unsent);
  };

  private update(patch: Partial<SessionStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of this.listeners) listener();
  }

  private connect(): void {
    const provider = new WebsocketProvider(syncUrl(), this.mapId, this.doc, {
      params: { token: this.token, client: browserClientId() },
      awareness: this.awareness,
    });
    this.provider = provider;
    provider.on('status', ({ status }) => {
      if (status === 'connected') this.update({ connection: 'connected', problem: null });
      else if (this.status.connection !== 'rejected') this.update({ connection: status === 'connecting' ? 'connecting' : 'offline', synced: false });
    });
    // The OS knows at once when Wi-Fi drops; a dead socket can take 30 s to notice.
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('online', this.cameOnline);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) this.wentOffline();
    provider.on('sync', (synced: boolean) => {
      // Synced means our state vector exchange is done: what we held offline has been sent.
      this.update(synced ? { synced, unsent: 0 } : { synced });
      if (synced) writeUnsent(this.mapId, 0);
    });
    provider.on('connection-close', (event) => {
      const problem = event ? REJECTIONS[event.code] : undefined;
      if (problem && event && event.code >= 4400 && event.code < 4500) {
        this.update({ connection: 'rejected', synced: false, problem, orphaned: event.code === 4404 });
      } else if (this.status.connection !== 'rejected') {
        this.update({ connection: 'offline', synced: false });
      }
    });
  }

  private readonly wentOffline = (): void => {
    if (!this.provider || this.status.connection === 'rejected') return;
    this.provider.disconnect();
    this.update({ connection: 'offline', synced: false });
  };

  private readonly cameOnline = (): void => {
    if (!this.provider || this.status.connection === 'rejected') return;
    this.update({ connection: 'connecting' });
    this.provider.connect();
    void this.learnRole();
  };

  /** Asks the server which role our token has; offline, the last answer stands. */
  private async learnRole(): Promise<void> {
    try {
      const res = await fetch(`/api/maps/${encodeURIComponent(this.mapId)}`, {
        headers: { Authorization: `Bearer ${this.token}` },
      });
      if (!res.ok) return;
      const body = (await res.json()) as { role?: Role; title?: string };
      if (this.destroyed || !body.role) return;
      await localDb().maps.update(this.mapId, { role: body.role });
      this.update({ role: body.role });
    } catch {
      // Offline: keep the stored role.
    }
  }

  private trackTitle(): void {
    const meta = metaMap(this.doc);
    const save = () => {
      const title = meta.get('title');
      if (typeof title === 'string') void localDb().maps.update(this.mapId, { title });
    };
    meta.observe(save);
    save();
  }

  /**
   * Saves the local copy as a brand-new map on the server (when the original
   * is gone) and returns the new map's facilitator link. The old copy is kept.
   */
  async keepAsNewMap(): Promise<string> {
    const file = exportMapJson(this.doc);
    const title = file.title ? `${file.title} (copy)` : 'Recovered map';
    let res: Response;
    try {
      res = await fetch(`/api/maps/import?format=json&title=${encodeURIComponent(title.slice(0, 200))}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(file),
      });
    } catch {
      throw new Error('Cannot reach the server to save your copy. Try again when you are online.');
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string; links?: { facilitator: string } };
    if (res.status !== 201 || !body.links) throw new Error(body.error ?? `The server answered ${res.status}.`);
    return body.links.facilitator;
  }

  /** Stops syncing this tab (the local copy stays). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.doc.off('update', this.countUnsent);
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('online', this.cameOnline);
    this.awareness.destroy();
    this.provider?.destroy();
    this.provider = null;
    DexieYProvider.release(this.doc);
    this.listeners.clear();
  }
}
