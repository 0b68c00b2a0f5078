import { MultiDirectedGraph } from 'graphology';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { bidirectional } from 'graphology-shortest-path/unweighted';
import { allSimpleEdgeGroupPaths } from 'graphology-simple-path';
import { bfsFromNode } from 'graphology-traversal';
import type { Loop, LoopPolarity } from './loops';

/**
 * Exploring a map's structure: what a factor causes and what causes it, the
 * paths between two factors, descriptive network measures, and loops told as
 * sentences. DOM-free; the browser runs it in a worker.
 */

export interface StructureNode {
  id: string;
  label: string;
}

export interface StructureEdge {
  id: string;
  source: string;
  target: string;
  polarity: '+' | '-' | '?';
  delay: boolean;
}

export interface StructureInput {
  nodes: readonly StructureNode[];
  edges: readonly StructureEdge[];
}

type Graph = MultiDirectedGraph<{ label: string }, { polarity: StructureEdge['polarity']; delay: boolean }>;

/** A graphology multigraph of the map; links to missing factors are left out. */
export function toGraph(input: StructureInput): Graph {
  const graph: Graph = new MultiDirectedGraph();
  for (const node of input.nodes) if (!graph.hasNode(node.id)) graph.addNode(node.id, { label: node.label });
  for (const edge of input.edges) {
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target) && !graph.hasEdge(edge.id)) {
      graph.addEdgeWithKey(edge.id, edge.source, edge.target, { polarity: edge.polarity, delay: edge.delay });
    }
  }
  return graph;
}

export type Direction = 'causes' | 'effects' | 'both';

/**
 * Factors within `depth` links of `nodeId` (upstream causes, downstream
 * effects, or both), with their distance. `depth` Infinity means all.
 */
export function neighbourhood(graph: Graph, nodeId: string, direction: Direction, depth: number): Map<string, number> {
  const found = new Map<string, number>();
  if (!graph.hasNode(nodeId)) return found;
  const modes = direction === 'both' ? (['inbound', 'outbound'] as const) : direction === 'causes' ? (['inbound'] as const) : (['outbound'] as const);
  for (const mode of modes) {
    bfsFromNode(graph, nodeId, (key, _attributes, distance) => {
      if (distance > depth) return true;
      const known = found.get(key);
      if (known === undefined || distance < known) found.set(key, distance);
      return distance === depth;
    }, { mode });
  }
  return found;
}

/** The shortest chain of links from one factor to another (factor ids), or null. */
export function shortestPath(graph: Graph, from: string, to: string): string[] | null {
  if (!graph.hasNode(from) || !graph.hasNode(to)) return null;
  return bidirectional(graph, from, to);
}

export interface PathsResult {
  /** Each path as its link ids, shortest first. */
  paths: string[][];
  /** False when the caps cut the list. */
  complete: boolean;
}

/** Every simple path from one factor to another up to `maxLength` links, at most `maxPaths` of them. */
export function allPaths(graph: Graph, from: string, to: string, maxLength = 6, maxPaths = 200): PathsResult {
  if (!graph.hasNode(from) || !graph.hasNode(to) || from === to) return { paths: [], complete: true };
  // Parallel links come grouped per step; each choice of link per step is its own path.
  const groups = allSimpleEdgeGroupPaths(graph, from, to, { maxDepth: maxLength });
  groups.sort((a, b) => a.length - b.length);
  const paths: string[][] = [];
  let cut = false;
  for (const steps of groups) {
    let expanded: string[][] = [[]];
    for (const choices of steps) expanded = expanded.flatMap((prefix) => choices.map((edge) => [...prefix, edge]));
    for (const path of expanded) {
      if (paths.length === maxPaths) cut = true;
      else paths.push(path);
    }
  }
  // A path longer than the cap may exist; the caller is told the search was bounded.
  const longerMayExist = maxLength < graph.order - 1;
  return { paths, complete: !cut && !longerMayExist };
}

export interface FactorMeasures {
  inDegree: number;
  outDegree: number;
  /** Normalised betweenness centrality (0–1). */
  betweenness: number;
  /** Loops (among those found) that pass through the factor. */
  loops: number;
}

/**
 * Descriptive structure only. These numbers say how a factor is connected;
 * they do not by themselves identify leverage points (Crielaard et al. 2023).
 */
export function measures(graph: Graph, loops: readonly Pick<Loop, 'nodeIds'>[]): Map<string, FactorMeasures> {
  const betweenness = graph.order > 2 ? betweennessCentrality(graph, { normalized: true }) : {};
  const loopCount = new Map<string, number>();
  for (const loop of loops) for (const id of new Set(loop.nodeIds)) loopCount.set(id, (loopCount.get(id) ?? 0) + 1);
  const out = new Map<string, FactorMeasures>();
  graph.forEachNode((id) => {
    out.set(id, {
      inDegree: graph.inDegree(id),
      outDegree: graph.outDegree(id),
      betweenness: betweenness[id] ?? 0,
      loops: loopCount.get(id) ?? 0,
    });
  });
  return out;
}

/**
 * R1, R2 … B1 … ?1 by the loops' order (shortest first, then signature), so
 * every person in the room sees the same number for the same loop.
 */
export function loopLabels(loops: readonly Pick<Loop, 'signature' | 'polarity'>[]): Map<string, string> {
  const counters: Record<LoopPolarity, number> = { R: 0, B: 0, '?': 0 };
  const labels = new Map<string, string>();
  for (const loop of loops) labels.set(loop.signature, `${loop.polarity}${++counters[loop.polarity]}`);
  return labels;
}

/** The loops a new link closed: those that go through it. */
export function loopsClosedBy(edgeId: string, loops: readonly Pick<Loop, 'signature' | 'edgeIds'>[], labels: Map<string, string>): string[] {
  return loops.filter((loop) => loop.edgeIds.includes(edgeId)).map((loop) => labels.get(loop.signature) ?? loop.signature);
}

function lowerFirst(label: string): string {
  // "Staff turnover" → "staff turnover", but keep "NHS funding" and "A&E".
  return label.length > 1 && /[a-z]/.test(label[1]!) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

const POLARITY_WORDS: Record<LoopPolarity, string> = { R: 'reinforcing', B: 'balancing', '?': 'not yet agreed (a link is marked ?)' };

/**
 * A loop told as a sentence: "More short-term funding → more staff turnover →
 * less trust → more short-term funding: reinforcing".
 */
export function narrateLoop(loop: Pick<Loop, 'nodeIds' | 'edgeIds' | 'polarity'>, input: StructureInput): string {
  const labels = new Map(input.nodes.map((n) => [n.id, n.label]));
  const edges = new Map(input.edges.map((e) => [e.id, e]));
  let more = true;
  let unknown = false;
  const parts = [`More ${lowerFirst(labels.get(loop.nodeIds[0]!) ?? '?')}`];
  loop.edgeIds.forEach((edgeId, i) => {
    const edge = edges.get(edgeId);
    const next = loop.nodeIds[(i + 1) % loop.nodeIds.length]!;
    if (edge?.polarity === '-') more = !more;
    if (edge?.polarity === '?') unknown = true;
    const amount = unknown ? 'a change in' : more ? 'more' : 'less';
    parts.push(`${edge?.delay ? '(after a delay) ' : ''}${amount} ${lowerFirst(labels.get(next) ?? '?')}`);
  });
  return `${parts.join(' → ')}: ${POLARITY_WORDS[loop.polarity]}`;
}
