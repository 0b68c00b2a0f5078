import type * as Y from 'yjs';
import { compareLoops, type Loop, type LoopCaps, type LoopStopReason } from '../../core/analysis/loops';
import { readEdges, readNodes } from '../../core/model/read';
import { edgesMap, nodesMap } from '../../core/model/schema';
import { linkShown, moderatedIds, sessionMap, withdrawalsMap } from '../../core/model/workshop';
import type { FromWorker, ToWorker } from './loop-protocol';

export interface LoopState {
  loops: Loop[];
  running: boolean;
  complete: boolean;
  stoppedBy?: LoopStopReason;
  error: string | null;
}

/** Caps in the browser: enough for any map a group can discuss; the panel says when they bite. */
export const BROWSER_LOOP_CAPS: LoopCaps = { maxLoops: 5_000, maxMillis: 5_000 };
const DEBOUNCE_MS = 150;
const LOOP_FIELDS = new Set(['source', 'target', 'polarity', 'delay']);

/**
 * Keeps the map's feedback loops up to date in a Web Worker: re-runs when
 * factors or links change (debounced), streams results, never blocks the
 * page. Read with useSyncExternalStore.
 */
export class LoopAnalysis {
  private state: LoopState = { loops: [], running: false, complete: false, error: null };
  private readonly listeners = new Set<() => void>();
  private readonly worker: Worker;
  private runId = 0;
  private pending: Loop[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly doneListeners = new Set<(loops: Loop[], searched: ReadonlySet<string>) => void>();
  /** The links the running search was given. */
  private searched: ReadonlySet<string> = new Set();
  /** Hidden and withdrawn elements, as a key: loops through them are not shown. */
  private moderatedKey = '';

  constructor(private readonly doc: Y.Doc, private readonly caps: LoopCaps = BROWSER_LOOP_CAPS) {
    this.worker = new Worker(new URL('./loop-worker.ts', import.meta.url), { type: 'module', name: 'causeway-loops' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => this.update({ running: false, error: event.message || 'The loop search stopped unexpectedly.' });
    nodesMap(doc).observeDeep(this.onNodes);
    edgesMap(doc).observeDeep(this.onEdges);
    sessionMap(doc).observeDeep(this.onModeration);
    withdrawalsMap(doc).observe(this.onModeration);
    this.moderatedKey = [...moderatedIds(doc)].sort().join(',');
    this.run();
  }

  getState = (): LoopState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Called with the full list each time a search finishes, and the links that search was given: a
   * link drawn while it ran is in the next search, not this one.
   */
  onDone(listener: (loops: Loop[], searched: ReadonlySet<string>) => void): () => void {
    this.doneListeners.add(listener);
    return () => this.doneListeners.delete(listener);
  }

  private update(patch: Partial<LoopState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private readonly schedule = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
  };

  /**
   * Loops depend on which factors exist and on each link's ends, polarity and delay: not on
   * names, notes or where things are drawn. A drag writes positions many times a second, and
   * a search for each would take the worker (and the page's sorting) away from the drag.
   */
  private readonly onNodes = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    if (events.some((event) => event.target === nodesMap(this.doc))) this.schedule();
  };

  private readonly onEdges = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const matters = events.some((event) => event.target === edgesMap(this.doc)
      || (event.path.length === 1 && [...(event as Y.YMapEvent<unknown>).keysChanged].some((key) => LOOP_FIELDS.has(key))));
    if (matters) this.schedule();
  };

  /** The session changes often (timer, phase); only a change in what is hidden needs a new search. */
  private readonly onModeration = (): void => {
    const key = [...moderatedIds(this.doc)].sort().join(',');
    if (key === this.moderatedKey) return;
    this.moderatedKey = key;
    this.schedule();
  };

  private run(): void {
    this.timer = null;
    const moderated = moderatedIds(this.doc);
    const nodes = readNodes(this.doc).filter((n) => !moderated.has(n.id)).map((n) => ({ id: n.id }));
    const edges = readEdges(this.doc)
      .filter((e) => linkShown(e, moderated))
      .map((e) => ({ id: e.id, source: e.source, target: e.target, polarity: e.polarity, delay: e.delay }));
    this.runId++;
    this.searched = new Set(edges.map((e) => e.id));
    this.pending = [];
    this.update({ running: true, error: null });
    const message: ToWorker = { type: 'run', runId: this.runId, graph: { nodes, edges }, caps: this.caps };
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.runId !== this.runId) return;
    if (message.type === 'batch') {
      this.pending.push(...message.loops);
      // Stream: show what is found so far, shortest first.
      this.update({ loops: [...this.pending].sort(compareLoops) });
    } else if (message.type === 'done') {
      const loops = [...this.pending].sort(compareLoops);
      this.state = { loops, running: false, complete: message.complete, error: null, ...(message.stoppedBy ? { stoppedBy: message.stoppedBy } : {}) };
      for (const listener of this.listeners) listener();
      for (const listener of this.doneListeners) listener(loops, this.searched);
    } else {
      this.update({ running: false, error: `The loop search failed: ${message.message}` });
    }
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    nodesMap(this.doc).unobserveDeep(this.onNodes);
    edgesMap(this.doc).unobserveDeep(this.onEdges);
    sessionMap(this.doc).unobserveDeep(this.onModeration);
    withdrawalsMap(this.doc).unobserve(this.onModeration);
    this.worker.terminate();
    this.listeners.clear();
    this.doneListeners.clear();
  }
}
