/**
 * Feedback loops: every elementary circuit of a causal loop diagram, found
 * shortest first, with caps on count, length and time. DOM-free, so the same
 * code runs in a Web Worker (streaming through `enumerateLoops`) and on the
 * server (`findLoops`).
 *
 * ## What a loop is
 * The map is a directed multigraph. A loop is a closed walk that visits no
 * factor twice, written as the sequence of its LINK ids: two links A→B (say one
 * `+` and one `-`) together with B→A make two loops. A self-link (A→A) is a
 * loop of length 1.
 *
 * ## Identity
 * `signature` (also used as `id`) is built from the loop's own link ids only:
 * rotate the cycle so that the smallest link id (plain UTF-16 code-unit order)
 * comes first, then join with `>`. (`\` and `>` inside an id are escaped as
 * `\\` and `\>`, so different loops never share a signature.) Adding, removing
 * or editing other factors and links never changes the signature of an
 * existing loop; `nodeIds`/`edgeIds` start at that same rotation.
 *
 * ## How
 * 1. Drop links to missing factors, split the graph into strongly connected
 *    components (graph.ts) and keep only links inside a component; number
 *    the factors so that every component is a contiguous range.
 * 2. Each loop is found exactly once, from its lowest-numbered factor (its
 *    "root"), searching only factors numbered above the root in the same
 *    component (Johnson's decomposition). A root on no such loop is dropped
 *    (an interleaved forward/backward reachability check, given a work budget
 *    that grows from band to band so it never delays the first loops).
 * 3. Search per root: a length-bounded variant of Johnson's algorithm (after
 *    Gupta & Suzumura, "Finding All Bounded-Length Simple Cycles in a Directed
 *    Graph", 2021; see `RootSearch`), iterative with explicit stacks, so there
 *    is no recursion depth limit, and the current path is never copied (a
 *    loop's arrays are built once, when it is emitted). Short backward
 *    distances to the root prune paths that cannot close within the bound.
 * 4. Shortest first by iterative deepening over length bands `[lo, hi]`:
 *    every live root is searched with bound `hi`; loops of length `lo` are
 *    yielded as soon as they are found, longer ones in the band are held
 *    (compactly; at most as many as the count cap can still use) and yielded
 *    in length order when the band is done. When loops stop multiplying with
 *    length, the next band is twice as wide (so graphs with few, long loops
 *    need few passes); a band that found very many halves it. A root stays
 *    live only while its search was cut short by the bound, i.e. while it may
 *    still lie on a longer loop.
 * The work happens in plain classes (`RootSearch`, `LoopEnumerator`); the
 * generator only hands loops out. V8 cannot optimise a long-running loop
 * inside a generator, which made cold runs several times slower.
 *
 * ## Ordering guarantee
 * Loops come out in non-decreasing length: every loop yielded is at least as
 * long as every loop yielded before it. When enumeration finishes or stops on
 * the count or length cap, the loops yielded are exactly the shortest ones:
 * no loop shorter than the last one yielded is missing. (Stopped by time, the
 * order still holds, but loops of any length may be missing.) Among loops of
 * the same length the generator's order is deterministic for a given input
 * (order of factors and links) but otherwise unspecified; `findLoops` sorts by
 * length, then signature, which does not depend on input order.
 *
 * ## Caps (all optional; see DEFAULT_LOOP_CAPS)
 * - `maxLoops` (default 10,000): at most this many loops are returned. The
 *   result is marked incomplete with `stoppedBy: 'count'` only if at least one
 *   more loop exists (a map with exactly `maxLoops` loops is complete).
 * - `maxLength` (default unlimited): longest loop reported. The result is
 *   marked incomplete with `stoppedBy: 'length'` when some search was cut at
 *   this length, meaning a longer loop MAY exist (deciding whether one really
 *   does is as hard as finding long cycles; in a strongly connected component
 *   with no more factors than `maxLength` no cut is possible, so none is
 *   reported. On random small graphs, roughly 1–2% of length-capped results
 *   say 'length' although no longer loop exists).
 * - `maxMillis` (default 2,000): wall-clock budget from the first `next()`
 *   of the generator (so it includes time the consumer spends between pulls).
 *   The clock is read every ~1,000 steps of work; once the budget is spent the
 *   loops already found are yielded and the result says `stoppedBy: 'time'`.
 */
import { buildCsr, stronglyConnectedComponents } from './graph';

// ---------------------------------------------------------------------------
// Types

export type LinkPolarity = '+' | '-' | '?';
export type LoopPolarity = 'R' | 'B' | '?';
export type LoopStopReason = 'count' | 'length' | 'time';

/** A factor; structurally compatible with `MapNode`. */
export interface LoopGraphNode {
  readonly id: string;
}

/** A link; structurally compatible with `MapEdge`. */
export interface LoopGraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Anything other than `+` or `-` (e.g. a value from a newer client) counts as `?`. */
  readonly polarity: LinkPolarity;
  readonly delay: boolean;
}

/**
 * The input. Links whose source or target is not among `nodes` are ignored
 * (a concurrent delete can leave such links for a moment); a repeated node id
 * or link id counts only at its first occurrence.
 */
export interface LoopGraph {
  readonly nodes: readonly LoopGraphNode[];
  readonly edges: readonly LoopGraphEdge[];
}

export interface LoopCaps {
  /** Non-negative integer or Infinity. */
  maxLoops?: number;
  /** Integer ≥ 1 or Infinity. */
  maxLength?: number;
  /** ≥ 0 or Infinity. */
  maxMillis?: number;
}

export interface Loop {
  /** Same as `signature`. */
  id: string;
  signature: string;
  /** Factors in loop order; `nodeIds[i]` is the source of `edgeIds[i]`. */
  nodeIds: string[];
  edgeIds: string[];
  length: number;
  /** `?` if any link is `?`; else `R` for an even number of `-` links, `B` for odd. */
  polarity: LoopPolarity;
  /** True if any link in the loop is delayed. */
  delayed: boolean;
}

/** The return value of the `enumerateLoops` generator. */
export interface LoopEnumerationSummary {
  complete: boolean;
  /** Present exactly when `complete` is false. */
  stoppedBy?: LoopStopReason;
  /** Number of loops yielded. */
  loopCount: number;
  elapsedMs: number;
}

export interface LoopSearchResult {
  /** Sorted by length, then signature. */
  loops: Loop[];
  complete: boolean;
  stoppedBy?: LoopStopReason;
  elapsedMs: number;
}

export const DEFAULT_LOOP_CAPS: Readonly<Required<LoopCaps>> = Object.freeze({
  maxLoops: 10_000,
  maxLength: Infinity,
  maxMillis: 2_000,
});

// ---------------------------------------------------------------------------
// Small public helpers

function escapeId(id: string): string {
  return id.includes('>') || id.includes('\\') ? id.replace(/[\\>]/g, (c) => `\\${c}`) : id;
}

/**
 * The canonical signature of a loop given its link ids in loop order (any
 * rotation): rotated so the smallest id comes first, joined with `>`.
 */
export function loopSignature(edgeIds: readonly string[]): string {
  const n = edgeIds.length;
  if (n === 0) return '';
  let best = 0;
  for (let i = 1; i < n; i++) if (edgeIds[i]! < edgeIds[best]!) best = i;
  const parts: string[] = new Array<string>(n);
  for (let j = 0; j < n; j++) parts[j] = escapeId(edgeIds[(best + j) % n]!);
  return parts.join('>');
}

/** Polarity of a loop from the polarities of its links. */
export function loopPolarity(polarities: Iterable<string>): LoopPolarity {
  let negatives = 0;
  for (const p of polarities) {
    if (p === '-') negatives++;
    else if (p !== '+') return '?';
  }
  return negatives % 2 === 0 ? 'R' : 'B';
}

/** Shortest first, then by signature (code-unit order): the order of `findLoops`. */
export function compareLoops(a: Loop, b: Loop): number {
  if (a.length !== b.length) return a.length - b.length;
  return a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Caps

function resolveCaps(caps: LoopCaps): Required<LoopCaps> {
  const maxLoops = caps.maxLoops ?? DEFAULT_LOOP_CAPS.maxLoops;
  const maxLength = caps.maxLength ?? DEFAULT_LOOP_CAPS.maxLength;
  const maxMillis = caps.maxMillis ?? DEFAULT_LOOP_CAPS.maxMillis;
  const isCount = (x: number, min: number) => x === Infinity || (Number.isInteger(x) && x >= min);
  if (!isCount(maxLoops, 0)) throw new RangeError(`maxLoops must be a non-negative integer or Infinity, got ${maxLoops}`);
  if (!isCount(maxLength, 1)) throw new RangeError(`maxLength must be an integer ≥ 1 or Infinity, got ${maxLength}`);
  if (!(maxMillis >= 0)) throw new RangeError(`maxMillis must be ≥ 0 or Infinity, got ${maxMillis}`);
  return { maxLoops, maxLength, maxMillis };
}

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now()
    : () => Date.now();

// ---------------------------------------------------------------------------
// Indexing

const SIGN_PLUS = 0;
const SIGN_MINUS = 1;
const SIGN_UNKNOWN = 2;

interface IndexedGraph {
  /** Factors that lie in a component with at least one loop, renumbered so each component is a range. */
  vertexCount: number;
  vertexIds: string[];
  /** Exclusive end of the vertex's component range. */
  componentEnd: Int32Array;
  /** Links inside components, by source (CSR; see graph.ts). */
  outStart: Int32Array;
  outTarget: Int32Array;
  outEdge: Int32Array;
  /** Source vertex of the link at each CSR position. */
  outSource: Int32Array;
  /** The same links by target. */
  inStart: Int32Array;
  inSource: Int32Array;
  /** Per kept link (index into these arrays): */
  edgeIds: string[];
  /** Vertex the link leaves. */
  edgeSource: Int32Array;
  edgeSignaturePart: string[];
  edgeSign: Uint8Array;
  edgeDelay: Uint8Array;
}

function indexGraph(graph: LoopGraph): IndexedGraph {
  const nodeIndex = new Map<string, number>();
  const nodeIds: string[] = [];
  for (const node of graph.nodes) {
    if (!nodeIndex.has(node.id)) {
      nodeIndex.set(node.id, nodeIds.length);
      nodeIds.push(node.id);
    }
  }
  const n = nodeIds.length;

  // Links between known factors, first occurrence of each id.
  const seenEdge = new Set<string>();
  const links: LoopGraphEdge[] = [];
  const from: number[] = [];
  const to: number[] = [];
  for (const edge of graph.edges) {
    const s = nodeIndex.get(edge.source);
    const t = nodeIndex.get(edge.target);
    if (s === undefined || t === undefined || seenEdge.has(edge.id)) continue;
    seenEdge.add(edge.id);
    links.push(edge);
    from.push(s);
    to.push(t);
  }

  const scc = stronglyConnectedComponents(n, buildCsr(n, from, to));
  const { componentOf } = scc;
  const size = new Int32Array(scc.count);
  const selfLoop = new Uint8Array(scc.count);
  const firstMember = new Int32Array(scc.count).fill(-1);
  for (let v = 0; v < n; v++) {
    const c = componentOf[v]!;
    size[c] = size[c]! + 1;
    if (firstMember[c] === -1) firstMember[c] = v;
  }
  for (let i = 0; i < from.length; i++) if (from[i] === to[i]) selfLoop[componentOf[from[i]!]!] = 1;

  // Components that can hold a loop, in order of their first factor; members in input order.
  const cyclic: number[] = [];
  for (let c = 0; c < scc.count; c++) if (size[c]! > 1 || selfLoop[c] === 1) cyclic.push(c);
  cyclic.sort((a, b) => firstMember[a]! - firstMember[b]!);
  const componentStart = new Int32Array(scc.count).fill(-1);
  let vertexCount = 0;
  for (const c of cyclic) {
    componentStart[c] = vertexCount;
    vertexCount += size[c]!;
  }
  const fill = componentStart.slice();
  const newIndex = new Int32Array(n).fill(-1);
  const vertexIds: string[] = new Array<string>(vertexCount);
  const componentEnd = new Int32Array(vertexCount);
  for (let v = 0; v < n; v++) {
    const c = componentOf[v]!;
    if (componentStart[c] === -1) continue;
    const at = fill[c]!;
    fill[c] = at + 1;
    newIndex[v] = at;
    vertexIds[at] = nodeIds[v]!;
    componentEnd[at] = componentStart[c]! + size[c]!;
  }

  // Links inside a cyclic component: the only ones that can be on a loop.
  const keptFrom: number[] = [];
  const keptTo: number[] = [];
  const edgeIds: string[] = [];
  const edgeSignaturePart: string[] = [];
  const edgeSign: number[] = [];
  const edgeDelay: number[] = [];
  for (let i = 0; i < links.length; i++) {
    const s = from[i]!;
    const t = to[i]!;
    if (componentOf[s] !== componentOf[t] || newIndex[s] === -1) continue;
    const link = links[i]!;
    keptFrom.push(newIndex[s]!);
    keptTo.push(newIndex[t]!);
    edgeIds.push(link.id);
    edgeSignaturePart.push(escapeId(link.id));
    edgeSign.push(link.polarity === '+' ? SIGN_PLUS : link.polarity === '-' ? SIGN_MINUS : SIGN_UNKNOWN);
    edgeDelay.push(link.delay === true ? 1 : 0);
  }
  const out = buildCsr(vertexCount, keptFrom, keptTo);
  const inbound = buildCsr(vertexCount, keptTo, keptFrom);
  const outSource = new Int32Array(out.neighbour.length);
  for (let v = 0; v < vertexCount; v++) outSource.fill(v, out.start[v]!, out.start[v + 1]!);

  return {
    vertexCount,
    vertexIds,
    componentEnd,
    outStart: out.start,
    outTarget: out.neighbour,
    outEdge: out.edge,
    outSource,
    inStart: inbound.start,
    inSource: inbound.neighbour,
    edgeIds,
    edgeSource: Int32Array.from(keptFrom),
    edgeSignaturePart,
    edgeSign: Uint8Array.from(edgeSign),
    edgeDelay: Uint8Array.from(edgeDelay),
  };
}

// ---------------------------------------------------------------------------
// The search for one root

/** Lock kinds of a vertex during one root's search (see `RootSearch`). */
const KIND_BLOCKED = 1;
const KIND_TAINTED = 2;

/** Steps of work between two reads of the clock. */
const CLOCK_EVERY = 1024;
/** Per root and band, distances back to the root are measured this many links deep… */
const DISTANCE_RADIUS = 3;
/** …or until this many factors have been reached. */
const DISTANCE_BUDGET = 1024;

const RUN_DONE = 0;
const RUN_FOUND = 1;
const RUN_TIME = 2;
type RunResult = typeof RUN_DONE | typeof RUN_FOUND | typeof RUN_TIME;

const CHECK_DEAD = 0;
const CHECK_ALIVE = 1;
const CHECK_UNDECIDED = 2;
type CheckResult = typeof CHECK_DEAD | typeof CHECK_ALIVE | typeof CHECK_UNDECIDED;

/**
 * The bounded Johnson search for the loops whose lowest-numbered factor is
 * `root`, resumable: `run()` returns at each loop of length ≥ `minLength` as
 * soon as it closes, with the path still in place.
 *
 * lock[w]: w may be pushed at depth d (d links from the root) only if
 * d < lock[w]. Untouched, lock[w] = L - (lower bound on w's distance back to
 * the root) + 1 (so L when nothing is known; 0 when w cannot get back at all).
 * Pushing w sets lock[w] = d + 1, which also keeps it off the path twice. A
 * vertex popped without reaching the root keeps that lock ("blocked") and is
 * listed as blocked on each of its successors. A vertex popped after reaching
 * the root is released to lock L - 1 + 1 = L, and the vertices blocked on it,
 * b hops back along those lists, to L - b + 1 (in both cases no more than its
 * distance bound allows): b is a lower bound on their distance to the root
 * through it, so no loop of length ≤ L is ever locked out. (Releasing to
 * L - d + 1, with d the shortest way back found so far, as one might read the
 * paper, is NOT safe: d can shrink once the path changes; the tests include a
 * graph where that misses a loop. networkx's implementation releases to L too.)
 *
 * Cut detection: KIND_TAINTED marks vertices whose lock may depend on L
 * (released ones, transitively). Rejecting a tainted vertex, or an untouched
 * one that could get back, means a longer loop may exist: the search was cut.
 * If that never happens, the search made exactly the moves an unbounded search
 * would, so the root has no loop longer than L.
 */
class RootSearch {
  // Graph (shared, read-only).
  private readonly outStart: Int32Array;
  private readonly outTarget: Int32Array;
  private readonly outSource: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inSource: Int32Array;

  // Per-search state, allocated once; a stamp per search makes resets O(1).
  private stamp = 0;
  private readonly lockStamp: Int32Array;
  private readonly lock: Int32Array;
  private readonly kind: Uint8Array;
  private readonly onPath: Uint8Array;
  /**
   * "Blocked on x" lists as linked lists over CSR positions: the entry for
   * position p (a link v → x) says v is blocked on x. blockHead[x] is the
   * first entry (valid when blockHeadStamp[x] is the current stamp),
   * blockNext[p] the next; blockEntryStamp[p] marks p as listed.
   */
  private readonly blockHeadStamp: Int32Array;
  private readonly blockHead: Int32Array;
  private readonly blockEntryStamp: Int32Array;
  private readonly blockNext: Int32Array;
  /** Vertex at each depth; `pathPosition[d]` is the CSR position of the link into depth d. */
  readonly pathVertex: Int32Array;
  readonly pathPosition: Int32Array;
  private readonly cursor: Int32Array;
  /** Whether the vertex at each depth has reached the root (found a loop) yet. */
  private readonly reachedRoot: Uint8Array;
  /** Stack of vertices to release, and their hop counts. */
  private readonly relaxVertex: number[] = [];
  private readonly relaxHops: number[] = [];
  private readonly forwardQueue: Int32Array;
  private readonly backwardQueue: Int32Array;
  private readonly forwardMark: Int32Array;
  private readonly backwardMark: Int32Array;
  /** Distance back to the root (within factors above it), where measured in this search. */
  private readonly distanceStamp: Int32Array;
  private readonly distance: Int32Array;
  /** Every factor not measured is at least this far from the root… */
  private beyond = 1;
  /** …unless the measurement reached every factor that can get back to the root at all. */
  private measuredAll = false;

  // The current search.
  private root = 0;
  private bound = 0;
  private minLength = 1;
  /** Depth of the path's last vertex; after RUN_FOUND the loop has depth + 1 links. */
  depth = -1;
  /** After RUN_FOUND: CSR position of the link that closed the loop. */
  closing = -1;
  /** The search rejected a move that might have led to a loop longer than the bound. */
  cut = false;

  // Time budget.
  work = 0;
  private nextClockCheck = CLOCK_EVERY;
  private readonly deadline: number;

  constructor(g: IndexedGraph, deadline: number) {
    const n = g.vertexCount;
    const m = g.outTarget.length;
    this.outStart = g.outStart;
    this.outTarget = g.outTarget;
    this.outSource = g.outSource;
    this.inStart = g.inStart;
    this.inSource = g.inSource;
    this.deadline = deadline;
    this.lockStamp = new Int32Array(n);
    this.lock = new Int32Array(n);
    this.kind = new Uint8Array(n);
    this.onPath = new Uint8Array(n);
    this.blockHeadStamp = new Int32Array(n);
    this.blockHead = new Int32Array(n);
    this.blockEntryStamp = new Int32Array(m);
    this.blockNext = new Int32Array(m);
    this.pathVertex = new Int32Array(n + 1);
    this.pathPosition = new Int32Array(n + 1);
    this.cursor = new Int32Array(n + 1);
    this.reachedRoot = new Uint8Array(n + 1);
    this.forwardQueue = new Int32Array(n);
    this.backwardQueue = new Int32Array(n);
    this.forwardMark = new Int32Array(n);
    this.backwardMark = new Int32Array(n);
    this.distanceStamp = new Int32Array(n);
    this.distance = new Int32Array(n);
  }

  /** Reads the clock every CLOCK_EVERY steps of work. */
  outOfTime(): boolean {
    if (this.work < this.nextClockCheck) return false;
    this.nextClockCheck = this.work + CLOCK_EVERY;
    return now() >= this.deadline;
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.lockStamp.fill(0);
      this.blockHeadStamp.fill(0);
      this.blockEntryStamp.fill(0);
      this.forwardMark.fill(0);
      this.backwardMark.fill(0);
      this.distanceStamp.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /**
   * Is r on a loop through factors numbered ≥ r? A forward and a backward
   * breadth-first search from r, one vertex each in turn, until either finds
   * r (alive) or runs dry (dead), or `budget` steps of work are spent.
   */
  checkOnLoop(r: number, budget: number): CheckResult {
    const { outStart, outTarget, inStart, inSource, forwardQueue, backwardQueue, forwardMark, backwardMark } = this;
    const s = this.nextStamp();
    let fHead = 0;
    let fTail = 0;
    let bHead = 0;
    let bTail = 0;
    forwardQueue[fTail++] = r;
    backwardQueue[bTail++] = r;
    forwardMark[r] = s;
    backwardMark[r] = s;
    let work = 0;
    let result: CheckResult = CHECK_UNDECIDED;
    search: while (work <= budget) {
      if (fHead === fTail) {
        result = CHECK_DEAD;
        break;
      }
      const x = forwardQueue[fHead++]!;
      const xEnd = outStart[x + 1]!;
      work += xEnd - outStart[x]! + 1;
      for (let p = outStart[x]!; p < xEnd; p++) {
        const w = outTarget[p]!;
        if (w === r) {
          result = CHECK_ALIVE;
          break search;
        }
        if (w > r && forwardMark[w] !== s) {
          forwardMark[w] = s;
          forwardQueue[fTail++] = w;
        }
      }
      if (bHead === bTail) {
        result = CHECK_DEAD;
        break;
      }
      const y = backwardQueue[bHead++]!;
      const yEnd = inStart[y + 1]!;
      work += yEnd - inStart[y]! + 1;
      for (let p = inStart[y]!; p < yEnd; p++) {
        const w = inSource[p]!;
        if (w === r) {
          result = CHECK_ALIVE;
          break search;
        }
        if (w > r && backwardMark[w] !== s) {
          backwardMark[w] = s;
          backwardQueue[bTail++] = w;
        }
      }
    }
    this.work += work;
    return result;
  }

  /** Starts the search for loops through root r of length ≤ bound; `run()` reports those of length ≥ minLength. */
  start(r: number, bound: number, minLength: number): void {
    this.stamp = this.nextStamp();
    this.root = r;
    this.bound = bound;
    this.minLength = minLength;
    this.cut = false;
    this.depth = 0;
    this.closing = -1;
    this.pathVertex[0] = r;
    this.cursor[0] = this.outStart[r]!;
    this.reachedRoot[0] = 0;
    this.onPath[r] = 1;
    this.measureDistances(r, Math.min(bound - 1, DISTANCE_RADIUS));
  }

  /**
   * Breadth-first, backwards from r over factors above it, `radius` layers
   * deep (fewer if DISTANCE_BUDGET factors are reached first). A measured
   * distance is a lower bound on the length of any way back to r that avoids
   * the path, so the locks derived from it never lock out a loop of length ≤ L;
   * they spare the search the last levels of paths that cannot close in time.
   */
  private measureDistances(r: number, radius: number): void {
    const { inStart, inSource, distanceStamp, distance } = this;
    const queue = this.backwardQueue;
    const s = this.stamp;
    let head = 0;
    let tail = 0;
    queue[tail++] = r;
    distanceStamp[r] = s;
    distance[r] = 0;
    let layer = 0;
    let work = 0;
    while (layer < radius && head < tail && tail <= DISTANCE_BUDGET) {
      const layerEnd = tail;
      layer++;
      while (head < layerEnd) {
        const y = queue[head++]!;
        const end = inStart[y + 1]!;
        work += end - inStart[y]! + 1;
        for (let p = inStart[y]!; p < end; p++) {
          const x = inSource[p]!;
          if (x > r && distanceStamp[x] !== s) {
            distanceStamp[x] = s;
            distance[x] = layer;
            queue[tail++] = x;
          }
        }
      }
    }
    this.measuredAll = head === tail;
    this.beyond = layer + 1;
    this.work += work;
  }

  /** Clears the path after a search that will not be resumed. */
  abandon(): void {
    for (let d = 0; d <= this.depth; d++) this.onPath[this.pathVertex[d]!] = 0;
    this.depth = -1;
  }

  run(): RunResult {
    const { outStart, outTarget, outSource, lockStamp, lock, kind, onPath } = this;
    const { blockHeadStamp, blockHead, blockEntryStamp, blockNext, distanceStamp, distance } = this;
    const { pathVertex, pathPosition, cursor, reachedRoot, relaxVertex, relaxHops } = this;
    const r = this.root;
    const L = this.bound;
    const minLength = this.minLength;
    const s = this.stamp;
    // Lock of an untouched factor that was not measured.
    const farDistance = this.measuredAll ? L + 1 : this.beyond;
    let depth = this.depth;
    let cut = this.cut;
    let work = this.work;
    let result: RunResult = RUN_DONE;

    while (depth >= 0) {
      if (++work >= this.nextClockCheck) {
        this.work = work;
        if (this.outOfTime()) {
          result = RUN_TIME;
          break;
        }
      }
      const v = pathVertex[depth]!;
      const k = cursor[depth]!;
      if (k < outStart[v + 1]!) {
        cursor[depth] = k + 1;
        const w = outTarget[k]!;
        if (w === r) {
          reachedRoot[depth] = 1;
          if (depth + 1 >= minLength) {
            this.closing = k;
            result = RUN_FOUND;
            break;
          }
        } else if (w > r) {
          const mine = lockStamp[w] === s;
          const wLock = mine ? lock[w]! : L - (distanceStamp[w] === s ? distance[w]! : farDistance) + 1;
          if (depth + 1 < wLock) {
            depth++;
            pathVertex[depth] = w;
            pathPosition[depth] = k;
            cursor[depth] = outStart[w]!;
            reachedRoot[depth] = 0;
            onPath[w] = 1;
            lockStamp[w] = s;
            lock[w] = depth + 1;
            if (!mine) kind[w] = KIND_BLOCKED;
          } else if (!cut && (mine ? kind[w] === KIND_TAINTED && onPath[w] === 0 : wLock > 0)) {
            // (An untouched factor with lock ≤ 0 cannot get back to r at all: no cut.)
            cut = true;
          }
        }
        continue;
      }
      // Every link of v tried: pop it.
      onPath[v] = 0;
      const reached = reachedRoot[depth] === 1;
      depth--;
      if (depth < 0) break;
      if (reached) {
        reachedRoot[depth] = 1;
        // Release v and, transitively, everything blocked on it.
        relaxVertex.push(v);
        relaxHops.push(1);
        while (relaxVertex.length > 0) {
          const u = relaxVertex.pop()!;
          const b = relaxHops.pop()!;
          work++;
          const uDistance = distanceStamp[u] === s ? distance[u]! : farDistance;
          const newLock = L - (b > uDistance ? b : uDistance) + 1;
          if (lock[u]! < newLock) lock[u] = newLock;
          else if (kind[u] === KIND_TAINTED) continue;
          kind[u] = KIND_TAINTED;
          if (blockHeadStamp[u] === s) {
            for (let p = blockHead[u]!; p !== -1; p = blockNext[p]!) {
              const x = outSource[p]!;
              if (onPath[x] === 0) {
                relaxVertex.push(x);
                relaxHops.push(b + 1);
              }
            }
          }
        }
      } else {
        const end = outStart[v + 1]!;
        for (let p = outStart[v]!; p < end; p++) {
          const x = outTarget[p]!;
          if (x <= r || blockEntryStamp[p] === s) continue;
          blockEntryStamp[p] = s;
          blockNext[p] = blockHeadStamp[x] === s ? blockHead[x]! : -1;
          blockHeadStamp[x] = s;
          blockHead[x] = p;
        }
        work += end - outStart[v]!;
      }
    }
    this.depth = depth;
    this.cut = cut;
    this.work = work;
    return result;
  }
}

/** The links of the loop on the search's current path, in path order. */
function pathLinks(g: IndexedGraph, search: RootSearch): Int32Array {
  const { depth, closing, pathPosition } = search;
  const links = new Int32Array(depth + 1);
  for (let i = 0; i < depth; i++) links[i] = g.outEdge[pathPosition[i + 1]!]!;
  links[depth] = g.outEdge[closing]!;
  return links;
}

/** Builds the public loop from its link indices in loop order (any rotation). */
function loopFromLinks(g: IndexedGraph, links: Int32Array): Loop {
  const { edgeIds: ids } = g;
  const length = links.length;
  let best = 0;
  let bestId = ids[links[0]!]!;
  for (let i = 1; i < length; i++) {
    const id = ids[links[i]!]!;
    if (id < bestId) {
      bestId = id;
      best = i;
    }
  }
  const nodeIds = new Array<string>(length);
  const edgeIds = new Array<string>(length);
  let signature = '';
  let negatives = 0;
  let unknown = false;
  let delayed = false;
  for (let j = 0; j < length; j++) {
    const e = links[(best + j) % length]!;
    nodeIds[j] = g.vertexIds[g.edgeSource[e]!]!;
    edgeIds[j] = ids[e]!;
    signature = j === 0 ? g.edgeSignaturePart[e]! : `${signature}>${g.edgeSignaturePart[e]!}`;
    const sign = g.edgeSign[e];
    if (sign === SIGN_MINUS) negatives++;
    else if (sign === SIGN_UNKNOWN) unknown = true;
    if (g.edgeDelay[e] === 1) delayed = true;
  }
  return {
    id: signature,
    signature,
    nodeIds,
    edgeIds,
    length,
    polarity: unknown ? '?' : negatives % 2 === 0 ? 'R' : 'B',
    delayed,
  };
}

// ---------------------------------------------------------------------------
// Enumeration

/**
 * A band whose loops per unit of length grew by at most this factor over the
 * previous band's (or that found none) doubles the next band's width: the
 * graph is not branching out, so repeating the shorter lengths' work is what
 * would cost most (a long ring needs O(log n) bands, not n). Where loops
 * multiply with length, bands stay narrow so the shortest come out first.
 */
const WIDEN_GROWTH = 1.25;
/** A band that yields more than this many loops halves the next band's width. */
const NARROW_ABOVE = 4096;
const MAX_WIDTH = 1 << 20;
/** Work budget of a root's first on-a-loop check; ×4 in each later band while undecided. */
const FIRST_CHECK_BUDGET = 256;

/**
 * The enumeration as a pull-based state machine: `next()` returns the next
 * loop, or undefined when done (then `summary()` says why).
 */
class LoopEnumerator {
  private readonly maxLoops: number;
  private readonly maxLength: number;
  private readonly startedAt: number;
  private readonly g: IndexedGraph;
  private readonly search: RootSearch;
  private yielded = 0;
  private result: LoopEnumerationSummary | undefined;

  /** Roots still worth searching, in increasing order, and their on-a-loop check budgets (0: known alive). */
  private readonly live: Int32Array;
  private liveCount: number;
  private readonly checkBudget: Int32Array;

  // The current band.
  private lo = 1;
  private hi = 1;
  private width = 1;
  /** Lowered when enough loops are held that longer ones can no longer be returned. */
  private searchHi = 1;
  /** Loops longer than lo found in this band, as link indices, by length (index length - lo). */
  private held: Int32Array[][] = [];
  private heldCount = 0;
  private heldLongest = 1;
  private bandCount = 0;
  /** Loops per unit of length in the previous band. */
  private previousRate = 0;
  private nextLive = 0;
  private rootIndex = 0;
  private searching = false;
  private rangeSize = 0;
  private bound = 0;
  private stop: LoopStopReason | undefined;
  /** Stop as soon as the loop just returned has been handed out. */
  private stopAfterReturn = false;
  private flushing = false;
  private flushBucket = 0;
  private flushItem = 0;

  constructor(graph: LoopGraph, caps: Required<LoopCaps>, startedAt: number) {
    this.maxLoops = caps.maxLoops;
    this.maxLength = caps.maxLength;
    this.startedAt = startedAt;
    this.g = indexGraph(graph);
    const n = this.g.vertexCount;
    this.search = new RootSearch(this.g, startedAt + caps.maxMillis);
    this.live = new Int32Array(n);
    for (let v = 0; v < n; v++) this.live[v] = v;
    this.liveCount = n;
    this.checkBudget = new Int32Array(n).fill(FIRST_CHECK_BUDGET);
    if (n === 0) this.finish();
    else this.beginBand();
  }

  /** Only once `next()` has returned undefined. */
  summary(): LoopEnumerationSummary {
    if (this.result === undefined) throw new Error('loop enumeration still running');
    return this.result;
  }

  private finish(stoppedBy?: LoopStopReason): LoopEnumerationSummary {
    const elapsedMs = now() - this.startedAt;
    this.result =
      stoppedBy === undefined
        ? { complete: true, loopCount: this.yielded, elapsedMs }
        : { complete: false, stoppedBy, loopCount: this.yielded, elapsedMs };
    return this.result;
  }

  private beginBand(): void {
    this.hi = Math.min(this.lo + this.width - 1, this.maxLength);
    this.searchHi = this.hi;
    this.held = [];
    this.heldCount = 0;
    this.heldLongest = this.lo;
    this.bandCount = 0;
    this.nextLive = 0;
    this.rootIndex = 0;
    this.searching = false;
    this.flushing = false;
  }

  /** After the band's held loops are out: finish, or set up the next band. */
  private endBand(): void {
    if (this.stop !== undefined) {
      this.finish(this.stop);
      return;
    }
    this.liveCount = this.nextLive;
    if (this.liveCount === 0) {
      this.finish();
      return;
    }
    if (this.hi >= this.maxLength) {
      this.finish('length');
      return;
    }
    const rate = this.bandCount / (this.hi - this.lo + 1);
    if (this.bandCount > NARROW_ABOVE) this.width = Math.max(1, this.width >> 1);
    else if (this.bandCount === 0 || rate <= this.previousRate * WIDEN_GROWTH) this.width = Math.min(this.width * 2, MAX_WIDTH);
    this.previousRate = rate;
    this.lo = this.hi + 1;
    this.beginBand();
  }

  /** Keeps at most `maxLoops - yielded + 1` loops held: the rest of the budget plus one witness that more exist. */
  private trimHeld(): void {
    const need = this.maxLoops - this.yielded + 1;
    const { held, lo } = this;
    while (this.heldCount > need) {
      held[this.heldLongest - lo]!.pop();
      this.heldCount--;
      while (this.heldLongest > lo && (held[this.heldLongest - lo]?.length ?? 0) === 0) this.heldLongest--;
    }
    if (this.heldCount >= need && this.heldLongest - 1 < this.searchHi) this.searchHi = this.heldLongest - 1;
  }

  next(): Loop | undefined {
    const { search, g } = this;
    for (;;) {
      if (this.result !== undefined) return undefined;
      if (this.stopAfterReturn) {
        this.finish('count');
        return undefined;
      }

      if (this.flushing) {
        // Hand out the band's held loops in length order.
        const bucket = this.held[this.flushBucket];
        if (this.flushBucket >= this.held.length) {
          this.endBand();
          continue;
        }
        if (bucket === undefined || this.flushItem >= bucket.length) {
          this.flushBucket++;
          this.flushItem = 0;
          continue;
        }
        if (this.yielded >= this.maxLoops) {
          this.finish(this.stop ?? 'count');
          return undefined;
        }
        const links = bucket[this.flushItem++]!;
        this.yielded++;
        this.bandCount++;
        return loopFromLinks(g, links);
      }

      if (!this.searching) {
        if (this.rootIndex >= this.liveCount) {
          this.startFlush();
          continue;
        }
        const r = this.live[this.rootIndex]!;
        // Factors this root's loops may use: no loop through it is longer.
        const rangeSize = g.componentEnd[r]! - r;
        if (this.lo > rangeSize) {
          this.rootIndex++; // all its loops are already out
          continue;
        }
        const budget = this.checkBudget[r]!;
        if (budget > 0) {
          const check = search.checkOnLoop(r, budget);
          if (search.outOfTime()) {
            this.stop = 'time';
            this.startFlush();
            continue;
          }
          if (check === CHECK_DEAD) {
            this.rootIndex++;
            continue;
          }
          this.checkBudget[r] = check === CHECK_ALIVE ? 0 : Math.min(budget * 4, 0x3fffffff);
        }
        this.rangeSize = rangeSize;
        this.bound = Math.min(this.searchHi, rangeSize);
        search.start(r, this.bound, this.lo);
        this.searching = true;
      }

      const event = search.run();
      if (event === RUN_DONE) {
        if (search.cut && this.bound < this.rangeSize) this.live[this.nextLive++] = this.live[this.rootIndex]!;
        this.searching = false;
        this.rootIndex++;
        continue;
      }
      if (event === RUN_TIME) {
        this.stop = 'time';
        search.abandon();
        this.startFlush();
        continue;
      }
      const length = search.depth + 1;
      if (length === this.lo) {
        if (this.yielded >= this.maxLoops) {
          search.abandon();
          this.finish('count');
          return undefined;
        }
        this.yielded++;
        this.bandCount++;
        if (this.heldCount > 0) {
          // A held (longer) loop is the witness that more exist.
          if (this.yielded >= this.maxLoops) this.stopAfterReturn = true;
          else this.trimHeld();
        }
        return loopFromLinks(g, pathLinks(g, search));
      }
      if (length <= this.searchHi) {
        if (this.yielded >= this.maxLoops) {
          // The budget is spent and this loop is the witness that more exist.
          search.abandon();
          this.finish('count');
          return undefined;
        }
        const need = this.maxLoops - this.yielded + 1;
        if (this.heldCount < need || length < this.heldLongest) {
          (this.held[length - this.lo] ??= []).push(pathLinks(g, search));
          this.heldCount++;
          if (length > this.heldLongest) this.heldLongest = length;
          this.trimHeld();
        }
      }
    }
  }

  private startFlush(): void {
    this.searching = false;
    this.flushing = true;
    this.flushBucket = 0;
    this.flushItem = 0;
  }
}

/**
 * Streams the elementary circuits of `graph`, shortest first (see the module
 * comment for the exact guarantee), and returns a summary saying whether the
 * list is complete or which cap stopped it. Nothing runs until the first
 * `next()`; stopping iteration early (`return()`) is cheap.
 */
export function* enumerateLoops(
  graph: LoopGraph,
  caps: LoopCaps = {},
): Generator<Loop, LoopEnumerationSummary, undefined> {
  const resolved = resolveCaps(caps);
  const enumerator = new LoopEnumerator(graph, resolved, now());
  for (let loop = enumerator.next(); loop !== undefined; loop = enumerator.next()) yield loop;
  return enumerator.summary();
}

/** All loops (up to the caps) sorted by length then signature, with completeness. */
export function findLoops(graph: LoopGraph, caps: LoopCaps = {}): LoopSearchResult {
  const resolved = resolveCaps(caps);
  const enumerator = new LoopEnumerator(graph, resolved, now());
  const loops: Loop[] = [];
  for (let loop = enumerator.next(); loop !== undefined; loop = enumerator.next()) loops.push(loop);
  const summary = enumerator.summary();
  loops.sort(compareLoops);
  const result: LoopSearchResult = { loops, complete: summary.complete, elapsedMs: summary.elapsedMs };
  if (summary.stoppedBy !== undefined) result.stoppedBy = summary.stoppedBy;
  return result;
}
