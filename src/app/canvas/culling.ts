/**
 * Which factors React Flow draws on a large map. Only those in an area around the view are given
 * to it, and that area is moved only when the view comes near its edge (or zooms well inside it):
 * a pan then mounts nothing for most of its length, where React Flow's own culling mounted and
 * unmounted factors at the screen's edges on every frame. Links are not culled (LinkLayer draws
 * them all from the store), so a link to a factor outside the area still has both its ends.
 * Pure geometry, unit-tested without a browser.
 */
import { boundsOfBoxes, overlaps, type Rect } from '../../core/geometry/rect';
import type { CanvasNode, CausalEdge, FactorNode } from './flow-store';
import { LinkRouter } from './link-routes';
import { NEW_FACTOR_SIZE } from './placement';

/**
 * A map with more factors than this is large: only the factors in and around the view are drawn
 * (STACK.md: 60 fps at 1,000 and 5,000), and work that grows with every factor is skipped.
 */
export const CULL_ABOVE = 300;

export type { Rect };
export interface ViewportLike { x: number; y: number; zoom: number }

/** How far the area reaches beyond the view on each side, as a share of the view's size. */
const REACH = 0.5;
/** The view may come this close to the area's edge (share of the view's size) before the area moves. */
const SLACK = 0.2;
/** Zoomed in so far that the area is this many times the view's width: it shrinks to fit again. */
const TOO_WIDE = 3;

/** The part of the map the screen shows, in map coordinates. */
export function viewRect(viewport: ViewportLike, size: { width: number; height: number }): Rect {
  return { x: -viewport.x / viewport.zoom, y: -viewport.y / viewport.zoom, width: size.width / viewport.zoom, height: size.height / viewport.zoom };
}

/** The area drawn around a view. */
export function areaAround(view: Rect): Rect {
  return { x: view.x - view.width * REACH, y: view.y - view.height * REACH, width: view.width * (1 + 2 * REACH), height: view.height * (1 + 2 * REACH) };
}

/** Whether the view has come near the area's edge, or zoomed in far inside it: time for a new area. */
export function needsNewArea(area: Rect | null, view: Rect): boolean {
  if (!area) return true;
  const slackX = view.width * SLACK;
  const slackY = view.height * SLACK;
  const inside = view.x - slackX >= area.x && view.y - slackY >= area.y &&
    view.x + view.width + slackX <= area.x + area.width && view.y + view.height + slackY <= area.y + area.height;
  return !inside || area.width > view.width * TOO_WIDE;
}

/** Where a node is drawn: its position, and its measured size (its set size, or a new factor's, until measured). */
export function nodeBox(node: CanvasNode): Rect {
  return {
    x: node.position.x,
    y: node.position.y,
    width: node.measured?.width ?? node.width ?? NEW_FACTOR_SIZE.width,
    height: node.measured?.height ?? node.height ?? NEW_FACTOR_SIZE.height,
  };
}

function nodeOverlaps(node: CanvasNode, area: Rect): boolean {
  return overlaps(nodeBox(node), area);
}

/**
 * The nodes React Flow is given: sections always (few, and large), factors in the area, and every
 * selected factor wherever it is (a drag of the selection moves them all; keyboard focus can land
 * on one that is off screen).
 */
export function nodesInArea(nodes: readonly CanvasNode[], area: Rect): CanvasNode[] {
  return nodes.filter((node) => node.type === 'section' || node.selected === true || nodeOverlaps(node, area));
}

/** Where the shown (not hidden) nodes are drawn, all together. */
export function boundsOf(nodes: readonly CanvasNode[]): Rect | null {
  return boundsOfBoxes(nodes.filter((n) => !n.hidden).map(nodeBox));
}

/** Room kept around a link's middle and its sign, in map units. */
const SIGN_ROOM = 16;

/**
 * Where the shown nodes and links are drawn: a link between factors side by side curves out past
 * both, with its sign, and fitting to the factors alone cut it off at the edge of the view.
 */
export function boundsWithLinks(nodes: readonly CanvasNode[], edges: readonly CausalEdge[], router = new LinkRouter()): Rect | null {
  const reach: Rect[] = nodes.filter((n) => !n.hidden).map(nodeBox);
  for (const { middle, label } of drawnLinks(nodes, edges, router).values()) reach.push(around(middle), around(label));
  return boundsOfBoxes(reach);
}

/**
 * Where the given links are drawn, line and sign, routed among all the others as on the canvas: a
 * new link can bulge out of view past both its factors, hiding its sign (a newcomer's first link).
 */
export function linksReach(nodes: readonly CanvasNode[], edges: readonly CausalEdge[], ids: ReadonlySet<string>, router = new LinkRouter(), signsOnly = false): Rect[] {
  const reach: Rect[] = [];
  for (const [id, geometry] of drawnLinks(nodes, edges, router)) {
    if (ids.has(id)) reach.push(...(signsOnly ? [] : geometry.along.map(around)), around(geometry.label));
  }
  return reach;
}

/**
 * The links as the canvas draws them. Given the canvas's own router (FlowStore.router), a map that
 * has not changed since it was last drawn costs nothing to route again, and what is routed here
 * first (a link just made, before it is drawn) is not routed a second time by the canvas.
 */
function drawnLinks(nodes: readonly CanvasNode[], edges: readonly CausalEdge[], router: LinkRouter) {
  const factors = nodes.filter((n): n is FactorNode => n.type === 'factor');
  // The same boxes and the same choice as LinkLayer, so that the router sees the same input.
  const boxes = new Map(factors.filter((n) => !n.hidden).map((n) => [n.id, nodeBox(n)]));
  return router.route(edges, boxes, { avoid: factors.length <= CULL_ABOVE });
}

function around(p: { x: number; y: number }): Rect {
  return { x: p.x - SIGN_ROOM, y: p.y - SIGN_ROOM, width: 2 * SIGN_ROOM, height: 2 * SIGN_ROOM };
}
