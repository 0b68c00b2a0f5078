import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { migrateDoc } from '../../src/core/model/migrations';
import { refusal } from '../../src/core/model/policy';
import { SESSION, VOTES, VOTE_RESULTS, COMMENTS, WITHDRAWALS } from '../../src/core/model/workshop';
import { EDGES, LOOP_NAMES, META, NODES, SECTIONS } from '../../src/core/model/schema';
import { changesOf } from './guard';
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
/** Origin of a peer's update while it is applied, so the guard can undo exactly that. */
const PEER_APPLY = Symbol('peer-apply');
const GUARDED_ROOTS = [META, NODES, EDGES, SECTIONS, LOOP_NAMES, SESSION, VOTES, VOTE_RESULTS, COMMENTS, WITHDRAWALS];

/** A peer's update being applied: the updates it caused, and whether the policy refused it. */
interface Applying {
  peer: Peer;
  updates: Uint8Array[];
  refused: string | null;
}
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
  /** Who first spoke for each awareness client id: only they may take it up again after a reconnect. */
  private readonly awarenessAuthor = new Map<number, string>();
  private readonly awarenessIds = new Map<Peer, Set<number>>();
  private writeChain: Promise<void> = Promise.resolve();
  private sinceCheckpoint = 0;
  private failed = false;
  /**
   * Undoes a peer's update that the policy refuses (an editor changing the
   * phase, editing a locked map, voting over budget). Refused content is
   * stored and relayed together with its undoing as one update that changes
   * nothing, so every replica's state vector stays in step and no client
   * re-sends it forever.
   *
   * Known limit: if a refused write and a permitted write of the same map key
   * are made at the same instant on different replicas, Yjs may order the
   * refused item last, and undoing it then leaves the permitted value hidden.
   * Only a modified client writes refused keys, so the cost is that the
   * facilitator repeats that one change (docs/security.md).
   */
  private readonly guard: Y.UndoManager;
  private applying: Applying | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly mapId: string,
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly onFailure: (room: Room, error: Error) => void,
  ) {
    this.awareness.setLocalState(null);
    this.guard = new Y.UndoManager(GUARDED_ROOTS.map((name) => this.doc.getMap(name)), {
      trackedOrigins: new Set([PEER_APPLY]),
      captureTimeout: 0,
    });
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
    const applying: Applying = { peer, updates: [], refused: null };
    this.applying = applying;
    try {
      this.guard.stopCapturing();
      Y.applyUpdate(this.doc, sync.update, PEER_APPLY);
      if (applying.refused) this.guard.undo();
    } finally {
      this.applying = null;
      this.guard.clear();
    }
    if (applying.updates.length === 0) return;
    const update = applying.updates.length === 1 ? applying.updates[0]! : Y.mergeUpdates(applying.updates);
    // A refused update goes back to its sender too, carrying the undo.
    this.persistAndRelay(update, { at: Date.now(), author: peer.author, role: peer.role }, applying.refused ? null : peer);
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
    const vouched: typeof entries = [];
    for (const entry of entries) {
      if (!this.mayClaim(peer, mine, entry.clientId)) continue;
      const state = vouchForAwarenessState(entry.state, peer.role);
      if (state === null) continue;
      this.awarenessOwner.set(entry.clientId, peer);
      this.awarenessAuthor.set(entry.clientId, peer.author);
      mine.add(entry.clientId);
      // The server numbers each id's states itself. It is the only relay, so its
      // counter only grows for everyone, even when a client comes back after the
      // server announced it gone (which bumped the clock past the client's own).
      const clock = (this.awareness.meta.get(entry.clientId)?.clock ?? 0) + 1;
      vouched.push({ clientId: entry.clientId, clock, state });
    }
    if (vouched.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(vouched), peer);
  }

  /** A peer may speak for an id it holds, or a free one that nobody else has used (anonymous ids excepted). */
  private mayClaim(peer: Peer, mine: Set<number>, clientId: number): boolean {
    const owner = this.awarenessOwner.get(clientId);
    if (owner !== undefined) return owner === peer;
    if (mine.size >= MAX_AWARENESS_IDS_PER_PEER) return false;
    const previous = this.awarenessAuthor.get(clientId);
    return previous === undefined || previous === peer.author || previous.startsWith('anon-');
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    if (origin === LOAD_ORIGIN) return;
    const applying = this.applying;
    if (applying) {
      if (origin === PEER_APPLY && !applying.refused) {
        applying.refused = refusal(this.doc, applying.peer, changesOf(this.doc, transaction));
      }
      applying.updates.push(update);
      return;
    }
    this.persistAndRelay(update, { at: Date.now(), author: typeof origin === 'string' ? origin : 'server', role: 'server' }, null);
  };

  private persistAndRelay(update: Uint8Array, meta: UpdateMeta, source: Peer | null): void {
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
  }

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

  /** Disconnects everyone connected with `role` (their link was replaced). */
  disconnectRole(role: Role, code: number, reason: string): number {
    let count = 0;
    for (const peer of [...this.peers]) {
      if (peer.role === role) {
        peer.close(code, reason);
        count++;
      }
    }
    return count;
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

  /** Runs `cleanup` when the room is destroyed (watchers, timers). */
  onDestroy(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.guard.destroy();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
