import type { ElkNode } from 'elkjs/lib/elk-api';
import { sectionAt, type SectionRect } from './sections';

/**
 * Automatic layout: the map as an ELK graph, and ELK's answer back as
 * positions. Sections become compound nodes holding their factors, so a
 * tidy-up keeps every factor in its section. Pure: the worker runs ELK.
 */

export interface LayoutInput {
  factors: { id: string; x: number; y: number; width: number; height: number }[];
  links: { id: string; source: string; target: string }[];
  sections: SectionRect[];
  /** The view's width ÷ height: the layout is made to fill it (16:10 when not given). */
  aspect?: number;
}

export interface LayoutResult {
  factors: Record<string, { x: number; y: number }>;
  sections: Record<string, { x: number; y: number; width: number; height: number }>;
}

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.spacing.nodeNode': '48',
  'elk.layered.spacing.nodeNodeBetweenLayers': '96',
  'elk.spacing.componentComponent': '80',
  'elk.layered.cycleBreaking.strategy': 'GREEDY',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
};

/** Causes left to right, or top to bottom. */
type Direction = 'RIGHT' | 'DOWN';

/**
 * The arrangements Tidy layout tries, in order of preference. "Narrow" asks ELK for columns of at
 * most a few factors (its MIN_WIDTH layering): five causes of seven effects then take three
 * columns across a wide screen instead of two tall ones with small text, the newcomers' complaint;
 * first causes stay in the first column.
 */
export const ARRANGEMENTS = [
  { direction: 'RIGHT', narrow: false },
  { direction: 'RIGHT', narrow: true },
  { direction: 'DOWN', narrow: false },
] as const satisfies readonly { direction: Direction; narrow: boolean }[];
export type Arrangement = (typeof ARRANGEMENTS)[number];
const NARROW_OPTIONS: Record<string, string> = {
  'elk.layered.layering.strategy': 'MIN_WIDTH',
  'elk.layered.layering.minWidth.upperBoundOnWidth': '4',
};
/** Keeps a node in the first layer: the first column left to right, the top row top to bottom. */
const FIRST_COLUMN: Record<string, string> = { 'elk.layered.layering.layerConstraint': 'FIRST' };
const DEFAULT_ASPECT = 16 / 10;
/** How much bigger a later arrangement must show the map before it is preferred. */
const CLEARLY_BETTER = 1.1;

/**
 * Lays the map out in each arrangement and keeps the one that, fitted to a view of the input's
 * aspect, is drawn biggest. Left to right alone stacked a map of many causes of a few effects into
 * a tall column that, fitted to a wide screen, had text too small to read (a newcomer's test).
 * `layout` is ELK's: the worker's, or a test's.
 */
export async function bestLayout(layout: (graph: ElkNode) => Promise<ElkNode>, input: LayoutInput): Promise<LayoutResult> {
  const aspect = input.aspect && Number.isFinite(input.aspect) && input.aspect > 0 ? input.aspect : DEFAULT_ASPECT;
  let best: { laid: ElkNode; scale: number } | null = null;
  for (const arrangement of ARRANGEMENTS) {
    const laid = await layout(toElkGraph(input, arrangement.direction, arrangement.narrow));
    const scale = fittedScale(laid, aspect);
    if (!best || scale > best.scale * CLEARLY_BETTER) best = { laid, scale };
  }
  return fromElkGraph(best!.laid, input);
}

/** How big a laid-out graph is drawn when fitted to a view `aspect` wide and 1 high. */
export function fittedScale(laid: { width?: number; height?: number }, aspect: number): number {
  return Math.min(aspect / Math.max(1, laid.width ?? 1), 1 / Math.max(1, laid.height ?? 1));
}

export function toElkGraph(input: LayoutInput, direction: Direction = 'RIGHT', narrow = false): ElkNode {
  const members = new Map<string, ElkNode[]>();
  const free: ElkNode[] = [];
  const ids = new Set(input.factors.map((f) => f.id));
  const links = input.links.filter((l) => ids.has(l.source) && ids.has(l.target));
  // Short columns alone put some first causes beside effects, in the middle of the map; a
  // newcomer looked for the causes on the left, where a causal map is read from. So in narrow
  // layering a factor that causes and is caused by nothing stays in the first column.
  const caused = new Set(links.filter((l) => l.source !== l.target).map((l) => l.target));
  const causes = new Set(links.map((l) => l.source));
  for (const f of input.factors) {
    const node: ElkNode = { id: f.id, width: f.width, height: f.height };
    if (narrow && causes.has(f.id) && !caused.has(f.id)) node.layoutOptions = FIRST_COLUMN;
    const section = sectionAt(input.sections, f.x + f.width / 2, f.y + f.height / 2);
    if (section) {
      const list = members.get(section.id) ?? [];
      list.push(node);
      members.set(section.id, list);
    } else free.push(node);
  }
  const sectionNodes: ElkNode[] = input.sections
    .filter((s) => members.has(s.id))
    .map((s) => ({
      id: `section:${s.id}`,
      layoutOptions: { 'elk.padding': '[top=56,left=32,bottom=32,right=32]' },
      children: members.get(s.id)!,
    }));
  return {
    id: 'root',
    // The aspect ratio also shapes how separate groups of factors are packed together.
    layoutOptions: { ...ROOT_OPTIONS, ...(narrow ? NARROW_OPTIONS : {}), 'elk.direction': direction, 'elk.aspectRatio': String(input.aspect ?? DEFAULT_ASPECT) },
    children: [...sectionNodes, ...free],
    edges: links.map((l) => ({ id: l.id, sources: [l.source], targets: [l.target] })),
  };
}

/**
 * ELK's positions (children relative to their section) as map positions,
 * shifted so the laid-out map starts where the old one did.
 */
export function fromElkGraph(result: ElkNode, input: LayoutInput): LayoutResult {
  const out: LayoutResult = { factors: {}, sections: {} };
  for (const child of result.children ?? []) {
    const x = child.x ?? 0;
    const y = child.y ?? 0;
    if (child.id.startsWith('section:')) {
      out.sections[child.id.slice('section:'.length)] = { x, y, width: child.width ?? 400, height: child.height ?? 300 };
      for (const inner of child.children ?? []) out.factors[inner.id] = { x: x + (inner.x ?? 0), y: y + (inner.y ?? 0) };
    } else {
      out.factors[child.id] = { x, y };
    }
  }
  const oldLeft = Math.min(...input.factors.map((f) => f.x), ...input.sections.map((s) => s.x));
  const oldTop = Math.min(...input.factors.map((f) => f.y), ...input.sections.map((s) => s.y));
  const all = [...Object.values(out.factors), ...Object.values(out.sections)];
  if (all.length === 0 || !Number.isFinite(oldLeft)) return out;
  const dx = oldLeft - Math.min(...all.map((p) => p.x));
  const dy = oldTop - Math.min(...all.map((p) => p.y));
  for (const p of all) {
    p.x = Math.round(p.x + dx);
    p.y = Math.round(p.y + dy);
  }
  for (const s of Object.values(out.sections)) {
    s.width = Math.round(s.width);
    s.height = Math.round(s.height);
  }
  return out;
}
