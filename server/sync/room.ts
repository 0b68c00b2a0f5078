import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { migrateDoc } from '../../src/core/model/migrations';
import type { Role } from '../auth';
import type { Limits } from '../config';
import type { Store, UpdateMeta } from '../store/types';
import {
  CLOSE, MalformedMessageError,
  decodeAwarenessEntries, encodeAwareness, encodeAwarenessEntries,
  encodeSyncStep1, encodeSyncStep2, encodeUpdate,
  type ClientMessage,
} from './protocol';

/** One participant's socket, as a room sees it. */
export interface Peer {
  readonly id: number;
  readonly role: Role;
  /** Pseudonymous author id recorded in the update log. */
  readonly author: string;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

const LOAD_ORIGIN = Symbol('load');
/** A peer may speak for a few awareness client ids (a reconnect may bring a new one). */
const MAX_AWARENESS_IDS_PER_PEER = 4;
/** Awareness is re-sent whole on every change; a large state is a client bug or abuse. */
const MAX_AWARENESS_STATE_CHARS = 4_096;

/**
 * Presence is only as trustworthy as the server makes it: the role shown
 * beside a name is the role of the connection's token, and only a
 * facilitator may be "presenting" (everyone else follows them).
 */
export function vouchForAwarenessState(state: string, role: Role): string | null {
  if (state === 'null') return state;
  if (state.length > MAX_AWARENESS_STATE_CHARS) return null;
  let value: unknown;
  try {
    value = JSON.parse(state);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const user = typeof record.user === 'object' && record.user !== null && !Array.isArray(record.user) ? (record.user as Record<string, unknown>) : null;
  if (user) user.role = role;
  if (role !== 'facilitator') delete record.presenting;
  return JSON.stringify(record);
}

/**
 * A loaded map: its Y.Doc, its awareness, and the peers connected to it.
 *
 * Ordering rule: every document update is appended to the store *before* it
 * is relayed, and sync step 2 replies wait for pending writes, so no client
 * ever sees content the database does not hold. Writes and relays run on one
 * promise chain per room, which keeps them in arrival order.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly peers = new Set<Peer>();
  private readonly awarenessOwner = new Map<number, Peer>();
  private readonly awarenessIds = new Map<Peer, Set<number>>();
  private writeChain: Promise<void> = Promise.resolve();
  private sinceCheckpoint = 0;
  private failed = false;

  constructor(
    readonly mapId: string,
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly onFailure: (room: Room, error: Error) => void,
  ) {
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Loads the stored state; must finish before any peer is answered. */
  async load(): Promise<void> {
    const state = await this.store.loadState(this.mapId);
    this.doc.transact(() => {
      if (state.checkpoint) Y.applyUpdate(this.doc, state.checkpoint);
      for (const update of state.updates) Y.applyUpdate(this.doc, update);
    }, LOAD_ORIGIN);
    this.sinceCheckpoint = state.updates.length;
    // Migrations are persisted like any other change (origin 'migration').
    migrateDoc(this.doc);
    await this.writeChain;
  }

  get isFailed(): boolean {
    return this.failed;
  }

  join(peer: Peer): void {
    this.peers.add(peer);
    this.awarenessIds.set(peer, new Set());
    // Our state vector first, so the client sends what we lack; then who is here.
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    const ids = [...(this.awarenessIds.get(peer) ?? [])];
    this.awarenessIds.delete(peer);
    for (const id of ids) this.awarenessOwner.delete(id);
    // At once, not after the 30 s awareness timeout: no ghosts of people who left.
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, peer);
  }

  /** Acts on one decoded message. Throws MalformedMessageError for content that does not decode. */
  handle(peer: Peer, message: ClientMessage): void {
    switch (message.kind) {
      case 'sync':
        return this.handleSync(peer, message.sync);
      case 'awareness':
        return this.handleAwareness(peer, message.update);
      case 'queryAwareness': {
        const states = [...this.awareness.getStates().keys()];
        peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
        return;
      }
      case 'auth':
        return;
    }
  }

  private handleSync(peer: Peer, sync: Extract<ClientMessage, { kind: 'sync' }>['sync']): void {
    if (sync.type === 'step1') {
      try {
        Y.decodeStateVector(sync.stateVector);
      } catch (error) {
        throw new MalformedMessageError(`bad state vector: ${(error as Error).message}`);
      }
      const vector = sync.stateVector;
      // After pending writes, so the reply holds only stored content.
      this.writeChain = this.writeChain.then(() => {
        if (!this.failed && this.peers.has(peer)) peer.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, vector)));
      });
      return;
    }
    // A viewer's updates are never applied, whatever its client does.
    if (peer.role === 'viewer') return;
    try {
      // Decode fully first: a malformed update is rejected whole, before integration.
      Y.decodeUpdate(sync.update);
    } catch (error) {
      throw new MalformedMessageError(`bad update: ${(error as Error).message}`);
    }
    Y.applyUpdate(this.doc, sync.update, peer);
  }

  private handleAwareness(peer: Peer, update: Uint8Array): void {
    let entries;
    try {
      entries = decodeAwarenessEntries(update);
    } catch (error) {
      throw new MalformedMessageError(`bad awareness update: ${(error as Error).message}`);
    }
    const mine = this.awarenessIds.get(peer);
    if (!mine) return;
    // A peer may not speak for a client id another peer holds.
    const allowed = entries.filter((entry) => {
      const owner = this.awarenessOwner.get(entry.clientId);
      if (owner !== undefined) return owner === peer;
      return mine.size < MAX_AWARENESS_IDS_PER_PEER;
    });
    const vouched: typeof allowed = [];
    for (const entry of allowed) {
      const state = vouchForAwarenessState(entry.state, peer.role);
      if (state === null) continue;
      this.awarenessOwner.set(entry.clientId, peer);
      mine.add(entry.clientId);
      vouched.push({ ...entry, state });
    }
    if (vouched.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(vouched), peer);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return;
    const source = this.isPeer(origin) ? origin : null;
    const meta: UpdateMeta = source
      ? { at: Date.now(), author: source.author, role: source.role }
      : { at: Date.now(), author: typeof origin === 'string' ? origin : 'server', role: 'server' };
    this.writeChain = this.writeChain
      .then(async () => {
        if (this.failed) return;
        await this.store.appendUpdate(this.mapId, update, meta);
        this.broadcast(encodeUpdate(update), source);
        this.sinceCheckpoint++;
        if (this.sinceCheckpoint >= this.limits.compactEvery) {
          await this.store.compact(this.mapId);
          this.sinceCheckpoint = 0;
        }
      })
      .catch((error: unknown) => this.fail(error as Error));
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    this.broadcast(message, this.isPeer(origin) ? origin : null);
  };

  private isPeer(value: unknown): value is Peer {
    return typeof value === 'object' && value !== null && this.peers.has(value as Peer);
  }

  private broadcast(message: Uint8Array, except: Peer | null): void {
    for (const peer of this.peers) if (peer !== except) peer.send(message);
  }

  /**
   * The store could not write. The in-memory document now holds content the
   * database lacks, so it is dropped: every peer is disconnected with a code
   * that makes clients retry, and on reconnect they re-send what is missing.
   */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    for (const peer of [...this.peers]) peer.close(CLOSE.storeFailure, 'The server could not save; reconnecting.');
    this.onFailure(this, error);
  }

  /** The map is gone (deleted): disconnect everyone and write nothing more. */
  evict(code: number, reason: string): void {
    this.failed = true;
    for (const peer of [...this.peers]) peer.close(code, reason);
  }

  /** Waits for pending writes and writes a checkpoint if anything is new. */
  async flush(): Promise<void> {
    await this.writeChain;
    if (!this.failed && this.sinceCheckpoint > 0) {
      await this.store.compact(this.mapId);
      this.sinceCheckpoint = 0;
    }
  }

  destroy(): void {
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
