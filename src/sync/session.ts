import { DexieYProvider } from 'y-dexie';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { metaMap } from '../core/model/schema';
import { browserClientId } from './identity';
import { localDb, requestPersistentStorage, type Role } from './local-db';

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'rejected';

export interface SessionStatus {
  connection: ConnectionState;
  /** True once this replica has exchanged state with the server since connecting. */
  synced: boolean;
  role: Role | null;
  /** A plain sentence when the server refused us; null otherwise. */
  problem: string | null;
}

const REJECTIONS: Record<number, string> = {
  4401: 'This link is not valid any more. Ask the facilitator for a fresh link.',
  4404: 'This map does not exist on the server. It may have been deleted.',
  4403: 'This link does not allow that.',
  4413: 'A change was too large to send. Reload the page; if it happens again, tell the facilitator.',
  4400: 'The server could not read a message from this page. Reload the page.',
};

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

  private constructor(
    readonly mapId: string,
    readonly doc: Y.Doc,
    private readonly token: string,
    role: Role | null,
  ) {
    this.status = { connection: 'connecting', synced: false, role, problem: null };
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

  private update(patch: Partial<SessionStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of this.listeners) listener();
  }

  private connect(): void {
    const provider = new WebsocketProvider(syncUrl(), this.mapId, this.doc, {
      params: { token: this.token, client: browserClientId() },
    });
    this.provider = provider;
    provider.on('status', ({ status }) => {
      if (status === 'connected') this.update({ connection: 'connected', problem: null });
      else if (this.status.connection !== 'rejected') this.update({ connection: status === 'connecting' ? 'connecting' : 'offline', synced: false });
    });
    provider.on('sync', (synced: boolean) => this.update({ synced }));
    provider.on('connection-close', (event) => {
      const problem = event ? REJECTIONS[event.code] : undefined;
      if (problem && event && event.code >= 4400 && event.code < 4500) {
        this.update({ connection: 'rejected', synced: false, problem });
      } else if (this.status.connection !== 'rejected') {
        this.update({ connection: 'offline', synced: false });
      }
    });
  }

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

  /** Stops syncing this tab (the local copy stays). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.provider?.destroy();
    this.provider = null;
    DexieYProvider.release(this.doc);
    this.listeners.clear();
  }
}
