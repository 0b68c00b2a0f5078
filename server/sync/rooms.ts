import type { Limits } from '../config';
import type { Store } from '../store/types';
import { Room } from './room';

/**
 * The open maps of this process. A map is loaded on first connection (or API
 * read), and unloaded `idleUnloadMs` after its last peer left, after its
 * pending writes are flushed and a checkpoint written.
 */
export class Rooms {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly unloading = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly log: (line: string) => void,
    /** Called once a room has loaded; what it returns is called when the room goes. */
    private readonly watch: ((room: Room) => (() => void) | void) | null = null,
  ) {}

  get size(): number {
    return this.rooms.size;
  }

  /** The loaded room for a map, loading it once however many callers ask at the same time. */
  async open(mapId: string): Promise<Room> {
    this.cancelIdle(mapId);
    const pendingUnload = this.unloading.get(mapId);
    if (pendingUnload) await pendingUnload;
    let room = this.rooms.get(mapId);
    if (!room) {
      const created = new Room(mapId, this.store, this.limits, (failed, error) => this.onRoomFailure(failed, error));
      room = created.load().then(() => {
        const stop = this.watch?.(created);
        if (stop) created.onDestroy(stop);
        return created;
      });
      this.rooms.set(mapId, room);
      room.catch(() => {
        if (this.rooms.get(mapId) === room) this.rooms.delete(mapId);
        created.destroy();
      });
    }
    const loaded = await room;
    if (loaded.isFailed) return this.open(mapId);
    return loaded;
  }

  /** Called when a peer left; starts the idle clock when the room is empty. */
  released(room: Room): void {
    if (room.peers.size > 0 || room.isFailed) return;
    this.cancelIdle(room.mapId);
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.mapId);
      if (room.peers.size === 0) void this.unload(room.mapId);
    }, this.limits.idleUnloadMs);
    timer.unref();
    this.idleTimers.set(room.mapId, timer);
  }

  private cancelIdle(mapId: string): void {
    const timer = this.idleTimers.get(mapId);
    if (timer) {
      clearTimeout(timer);
      this.idleTimers.delete(mapId);
    }
  }

  async unload(mapId: string): Promise<void> {
    const roomPromise = this.rooms.get(mapId);
    if (!roomPromise) return;
    this.rooms.delete(mapId);
    const work = (async () => {
      const room = await roomPromise.catch(() => null);
      if (!room) return;
      try {
        await room.flush();
      } catch (error) {
        this.log(`map ${mapId}: could not write a checkpoint on unload: ${(error as Error).message}`);
      }
      room.destroy();
    })();
    this.unloading.set(mapId, work);
    try {
      await work;
    } finally {
      this.unloading.delete(mapId);
    }
  }

  /** The loaded room of a map, if it is loaded (no loading). */
  async loaded(mapId: string): Promise<Room | null> {
    const room = this.rooms.get(mapId);
    return room ? room.catch(() => null) : null;
  }

  /** Disconnects everyone from a map that no longer exists and drops it unsaved. */
  async evict(mapId: string, code: number, reason: string): Promise<void> {
    this.cancelIdle(mapId);
    const roomPromise = this.rooms.get(mapId);
    if (!roomPromise) return;
    this.rooms.delete(mapId);
    const room = await roomPromise.catch(() => null);
    if (!room) return;
    room.evict(code, reason);
    await room.flush().catch(() => {});
    room.destroy();
  }

  private onRoomFailure(room: Room, error: Error): void {
    this.log(`map ${room.mapId}: the store failed (${error.message}); the room was reset and clients will re-send.`);
    if (this.rooms.has(room.mapId)) {
      this.rooms.delete(room.mapId);
      room.destroy();
    }
  }

  /** Flushes and unloads every room (shutdown). */
  async closeAll(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.all([...this.rooms.keys()].map((id) => this.unload(id)));
    await Promise.all([...this.unloading.values()]);
  }
}
