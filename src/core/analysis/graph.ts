/**
 * Small, DOM-free graph building blocks for the analysis code: a compressed
 * adjacency layout (CSR) over integer vertices and strongly connected
 * components.
 *
 * Why strongly connected components are written here rather than taken from
 * `graphology-components` (which STACK.md otherwise prefers): its
 * `stronglyConnectedComponents` (1.5.4) recurses once per vertex on a DFS path
 * and overflows the call stack on a chain of 10,000 factors. The version below
 * is Tarjan's algorithm with an explicit stack, so its depth is bounded only
 * by memory, and it works on typed arrays without building a graph object.
 */

/** Compressed sparse row adjacency: the edges leaving vertex `v` sit at positions `start[v]` … `start[v + 1] - 1`. */
export interface Csr {
  /** Length `vertexCount + 1`. */
  readonly start: Int32Array;
  /** The vertex at the other end of the edge at each position. */
  readonly neighbour: Int32Array;
  /** The caller's index of the edge at each position. */
  readonly edge: Int32Array;
}

/**
 * Builds the adjacency of `vertexCount` vertices from parallel arrays of edge
 * ends (`from[i]` → `to[i]` is edge `i`). Within one vertex, edges keep their
 * input order, so every walk over the result is deterministic.
 */
export function buildCsr(vertexCount: number, from: ArrayLike<number>, to: ArrayLike<number>): Csr {
  const edgeCount = from.length;
  const start = new Int32Array(vertexCount + 1);
  for (let i = 0; i < edgeCount; i++) {
    const v = from[i]!;
    start[v + 1] = start[v + 1]! + 1;
  }
  for (let v = 0; v < vertexCount; v++) start[v + 1] = start[v + 1]! + start[v]!;
  const fill = start.slice(0, vertexCount);
  const neighbour = new Int32Array(edgeCount);
  const edge = new Int32Array(edgeCount);
  for (let i = 0; i < edgeCount; i++) {
    const v = from[i]!;
    const at = fill[v]!;
    fill[v] = at + 1;
    neighbour[at] = to[i]!;
    edge[at] = i;
  }
  return { start, neighbour, edge };
}

export interface StronglyConnectedComponents {
  /** Component number of each vertex, `0 … count - 1` (reverse topological order, as Tarjan finds them). */
  readonly componentOf: Int32Array;
  readonly count: number;
}

/**
 * Tarjan's strongly connected components with explicit stacks: O(V + E) time,
 * O(V) extra memory, no recursion.
 */
export function stronglyConnectedComponents(vertexCount: number, adjacency: Csr): StronglyConnectedComponents {
  const { start, neighbour } = adjacency;
  const order = new Int32Array(vertexCount).fill(-1);
  const low = new Int32Array(vertexCount);
  const componentOf = new Int32Array(vertexCount).fill(-1);
  const onStack = new Uint8Array(vertexCount);
  const stack = new Int32Array(vertexCount);
  const callVertex = new Int32Array(vertexCount);
  const callCursor = new Int32Array(vertexCount);
  let stackSize = 0;
  let counter = 0;
  let count = 0;

  for (let root = 0; root < vertexCount; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    order[root] = counter;
    low[root] = counter;
    counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    callVertex[0] = root;
    callCursor[0] = start[root]!;

    while (depth >= 0) {
      const v = callVertex[depth]!;
      const cursor = callCursor[depth]!;
      if (cursor < start[v + 1]!) {
        callCursor[depth] = cursor + 1;
        const w = neighbour[cursor]!;
        if (order[w] === -1) {
          order[w] = counter;
          low[w] = counter;
          counter++;
          stack[stackSize++] = w;
          onStack[w] = 1;
          depth++;
          callVertex[depth] = w;
          callCursor[depth] = start[w]!;
        } else if (onStack[w] === 1 && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      // All edges of v done: close its component if v is its root, then return to the caller.
      if (low[v] === order[v]) {
        let w: number;
        do {
          w = stack[--stackSize]!;
          onStack[w] = 0;
          componentOf[w] = count;
        } while (w !== v);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callVertex[depth]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { componentOf, count };
}
