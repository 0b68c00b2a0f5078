import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addFactor, updateFactor } from '../src/core/model/ops';
import { connectClient, type Client } from '../test/helpers/clients';
import { rng, waitUntil } from './lib';

/**
 * A group of stock y-websocket clients of one map, run in one thread (the
 * benchmark's main thread or a worker thread; see latency.ts). Client i owns
 * factor `bench-i` and renames it; the label is `i:seq:sentAt:flag`, sentAt
 * being `performance.timeOrigin + performance.now()` (the same clock in every
 * thread of the process). Every client notes when another client's label
 * arrives, so a delivery's age is its arrival time minus sentAt.
 */

export interface GroupConfig {
  wsUrl: string;
  room: string;
  token: string;
  /** Clients across all groups. */
  total: number;
  /** This group's client indices. */
  indices: number[];
  minGapMs: number;
  maxGapMs: number;
}

/** w: warm-up (not counted), s: steady (counted), b: burst (counted). */
export type Flag = 'w' | 's' | 'b';

/** Slots of the shared counters (an Int32Array over a SharedArrayBuffer): counted edits sent and delivered, per phase. */
export const COUNTER = { steadySent: 0, steadyDelivered: 1, burstSent: 2, burstDelivered: 3 } as const;

export interface GroupReport {
  /** Counted edits this group sent: key (sender × 1e6 + seq) and flag. */
  sentKeys: number[];
  sentFlags: string;
  /** Every counted delivery to this group's clients: key, age on arrival (ms), flag. */
  receiptKeys: number[];
  receiptAges: number[];
  receiptFlags: string;
  /** Event-loop delay of this thread while counting, p99 (ms). */
  loopDelayP99: number;
}

export const clock = () => performance.timeOrigin + performance.now();
export const editKey = (sender: number, seq: number) => sender * 1_000_000 + seq;
export const factorId = (index: number) => `bench-${index}`;

export class ClientGroup {
  private readonly clients = new Map<number, Client>();
  private readonly seqs = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly random: () => number;
  private sentKeys: number[] = [];
  private sentFlags: string[] = [];
  private receiptKeys: number[] = [];
  private receiptAges: number[] = [];
  private receiptFlags: string[] = [];

  constructor(
    private readonly config: GroupConfig,
    private readonly counters: Int32Array,
  ) {
    this.random = rng(7 + (config.indices[0] ?? 0) * 31 + config.total);
  }

  /** Connects every client, waits until each has synced, then each adds its own factor. */
  async connect(): Promise<void> {
    const { wsUrl, room, token, indices } = this.config;
    for (const i of indices) this.clients.set(i, connectClient(wsUrl, room, token, { client: `bench-${i}` }));
    await waitUntil(() => [...this.clients.values()].every((c) => c.provider.synced), `${indices.length} clients to sync`, 60_000);
    for (const [i, client] of this.clients) {
      this.observe(client);
      this.seqs.set(i, 0);
      addFactor(client.doc, { id: factorId(i), label: `${i}:0:0:w`, x: (i % 10) * 200, y: Math.floor(i / 10) * 120 });
    }
  }

  /** Resolves when every client of the group sees every client's factor. */
  async waitAllFactors(): Promise<void> {
    await waitUntil(
      () => [...this.clients.values()].every((c) => c.doc.getMap('nodes').size >= this.config.total),
      `every client to see all ${this.config.total} factors`,
      60_000,
    );
  }

  private observe(client: Client): void {
    const nodes = client.doc.getMap('nodes');
    nodes.observeDeep((events, transaction) => {
      if (transaction.local) return;
      const arrival = clock();
      for (const event of events) {
        if (!(event instanceof Y.YMapEvent) || event.target === nodes || !event.keysChanged.has('label')) continue;
        const label = (event.target as Y.Map<unknown>).get('label');
        if (typeof label !== 'string') continue;
        const [sender, seq, sentAt, flag] = label.split(':');
        if (flag !== 's' && flag !== 'b') continue;
        this.receiptKeys.push(editKey(Number(sender), Number(seq)));
        this.receiptAges.push(arrival - Number(sentAt));
        this.receiptFlags.push(flag);
        Atomics.add(this.counters, flag === 's' ? COUNTER.steadyDelivered : COUNTER.burstDelivered, 1);
      }
    });
  }

  private edit(i: number, flag: Flag): void {
    const seq = (this.seqs.get(i) ?? 0) + 1;
    this.seqs.set(i, seq);
    const sentAt = clock();
    if (flag !== 'w') {
      this.sentKeys.push(editKey(i, seq));
      this.sentFlags.push(flag);
      Atomics.add(this.counters, flag === 's' ? COUNTER.steadySent : COUNTER.burstSent, 1);
    }
    updateFactor(this.clients.get(i)!.doc, factorId(i), { label: `${i}:${seq}:${sentAt.toFixed(3)}:${flag}` });
  }

  /**
   * Steady editing from `startAt` to `stopAt` (times on `clock()`): each client edits after a
   * random first delay, then every minGap–maxGap ms; edits from `countFrom` on are counted.
   */
  steady(startAt: number, countFrom: number, stopAt: number): void {
    const { minGapMs, maxGapMs } = this.config;
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        fn();
      }, Math.max(0, ms));
      this.timers.add(timer);
    };
    later(countFrom - clock(), () => this.loopDelay.enable());
    later(stopAt - clock(), () => this.loopDelay.disable());
    for (const i of this.clients.keys()) {
      const fire = () => {
        const now = clock();
        if (now >= stopAt) return;
        this.edit(i, now >= countFrom ? 's' : 'w');
        later(minGapMs + this.random() * (maxGapMs - minGapMs), fire);
      };
      later(startAt - clock() + this.random() * maxGapMs, fire);
    }
  }

  /** Every client of the group edits once, now. */
  burst(): void {
    for (const i of this.clients.keys()) this.edit(i, 'b');
  }

  report(): GroupReport {
    return {
      sentKeys: this.sentKeys,
      sentFlags: this.sentFlags.join(''),
      receiptKeys: this.receiptKeys,
      receiptAges: this.receiptAges,
      receiptFlags: this.receiptFlags.join(''),
      loopDelayP99: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : NaN,
    };
  }

  destroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.loopDelay.disable();
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
