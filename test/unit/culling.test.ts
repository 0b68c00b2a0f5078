import { describe, expect, it, vi } from 'vitest';
import { areaAround, boundsOf, boundsWithLinks, linksReach, needsNewArea, nodesInArea, viewRect } from '../../src/app/canvas/culling';
import { LinkRouter } from '../../src/app/canvas/link-routes';
import type { CanvasNode, CausalEdge, FactorNode, SectionNode } from '../../src/app/canvas/flow-store';
import { linkGeometry } from '../../src/app/editor/edge-geometry';

function factor(id: string, x: number, y: number, extra: Partial<FactorNode> = {}): FactorNode {
  return {
    id, type: 'factor', position: { x, y }, measured: { width: 100, height: 40 },
    data: { factor: { id, label: id, kind: 'factor', x, y, tags: [], note: '', extra: {} } as unknown as FactorNode['data']['factor'] },
    ...extra,
  };
}

function section(id: string, x: number, y: number): SectionNode {
  return { id, type: 'section', position: { x, y }, width: 300, height: 200, data: { section: { id } as unknown as SectionNode['data']['section'] } };
}

describe('culling the factors React Flow draws on a large map', () => {
  it('turns a viewport into the part of the map on screen', () => {
    expect(viewRect({ x: -200, y: -100, zoom: 2 }, { width: 800, height: 600 })).toEqual({ x: 100, y: 50, width: 400, height: 300 });
  });

  it('draws half a screen beyond the view on every side', () => {
    expect(areaAround({ x: 0, y: 0, width: 400, height: 300 })).toEqual({ x: -200, y: -150, width: 800, height: 600 });
  });

  it('keeps the area while the view pans within it, and moves it near its edge', () => {
    const view = { x: 0, y: 0, width: 400, height: 300 };
    const area = areaAround(view);
    expect(needsNewArea(null, view)).toBe(true);
    expect(needsNewArea(area, view)).toBe(false);
    // A pan of a quarter of the screen: still well inside.
    expect(needsNewArea(area, { ...view, x: 100, y: -60 })).toBe(false);
    // Within a fifth of a screen of the area's right edge: the area moves ahead of the view.
    expect(needsNewArea(area, { ...view, x: 150 })).toBe(true);
    expect(needsNewArea(area, { ...view, y: 100 })).toBe(true);
  });

  it('shrinks the area when the view zooms far in, so a zoomed-in view does not draw the old wide area', () => {
    const area = areaAround({ x: 0, y: 0, width: 4000, height: 3000 });
    // Zoomed in by a third: the area (twice the old view) is still under three views wide.
    expect(needsNewArea(area, { x: 500, y: 500, width: 3000, height: 2250 })).toBe(false);
    // Zoomed in twice: the area is four views wide, most of it far off screen.
    expect(needsNewArea(area, { x: 1000, y: 1000, width: 2000, height: 1500 })).toBe(true);
  });

  it('gives React Flow the factors touching the area, every section and every selected factor', () => {
    const nodes: CanvasNode[] = [
      section('s-far', 5000, 5000),
      factor('inside', 10, 10),
      factor('straddling', -60, 0),
      factor('outside', 2000, 0),
      factor('selected-far', 3000, 3000, { selected: true }),
    ];
    const kept = nodesInArea(nodes, { x: 0, y: 0, width: 500, height: 500 }).map((n) => n.id);
    expect(kept).toEqual(['s-far', 'inside', 'straddling', 'selected-far']);
  });

  it('uses the default size for a factor not yet measured', () => {
    const unmeasured = { ...factor('new', -170, 0), measured: undefined };
    // 200 wide by default (NEW_FACTOR_SIZE): it reaches x = 30, into the area.
    expect(nodesInArea([unmeasured], { x: 0, y: 0, width: 100, height: 100 }).map((n) => n.id)).toEqual(['new']);
  });

  it('bounds every node, for fitting the whole map', () => {
    expect(boundsOf([])).toBeNull();
    expect(boundsOf([factor('a', 0, 0), factor('b', 500, 200), section('s', -100, 50)])).toEqual({ x: -100, y: 0, width: 700, height: 250 });
    expect(boundsOf([factor('a', 0, 0), factor('gone', 900, 900, { hidden: true })])).toEqual({ x: 0, y: 0, width: 100, height: 40 });
  });

  it('fits links too: two links between factors side by side curve out past them, signs and all', () => {
    const [a, b] = [factor('a', 0, 0), factor('b', 400, 0)];
    const nodes = [a, b];
    const link = (id: string, source: string, target: string): CausalEdge => ({
      id, source, target, data: { link: { id, source, target } as unknown as NonNullable<CausalEdge['data']>['link'], lane: 0 },
    });
    const edges = [link('ab', 'a', 'b'), link('ba', 'b', 'a')];
    const factorsOnly = boundsOf(nodes)!;
    const all = boundsWithLinks(nodes, edges)!;
    const box = (n: CanvasNode) => ({ x: n.position.x, y: n.position.y, width: 100, height: 40 });
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const { middle, label } = linkGeometry(box(from), box(to), 0);
      for (const p of [middle, label]) {
        expect(p.x).toBeGreaterThanOrEqual(all.x);
        expect(p.y).toBeGreaterThanOrEqual(all.y);
        expect(p.x).toBeLessThanOrEqual(all.x + all.width);
        expect(p.y).toBeLessThanOrEqual(all.y + all.height);
      }
    }
    expect(all.height).toBeGreaterThan(factorsOnly.height);
  });

  it('with the canvas’s router, works out where links are drawn once: fitting again, or drawing after, routes nothing new', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => factor(`f${i}`, (i % 4) * 300, Math.floor(i / 4) * 200));
    const link = (id: string, source: string, target: string): CausalEdge => ({
      id, source, target, data: { link: { id, source, target } as unknown as NonNullable<CausalEdge['data']>['link'], lane: 0 },
    });
    const edges = nodes.map((n, i) => link(`l${i}`, n.id, nodes[(i + 5) % nodes.length]!.id));
    const boxes = () => new Map(nodes.map((n) => [n.id, { x: n.position.x, y: n.position.y, width: 100, height: 40 }]));
    const router = new LinkRouter();
    const routing = vi.spyOn(router, 'route');
    const first = boundsWithLinks(nodes, edges, router);
    expect(routing).toHaveBeenCalledTimes(1);
    const fitted = routing.mock.results[0]!.value as ReturnType<LinkRouter['route']>;
    // The canvas, drawing the same map (new objects, same values), gets the very routes the fit worked out.
    expect(router.route(edges, boxes(), { dragged: new Set(), avoid: true })).toBe(fitted);
    expect(boundsWithLinks(nodes, edges, router)).toEqual(first);
    expect(routing.mock.results[2]!.value).toBe(fitted);
    expect(boundsWithLinks(nodes, edges)).toEqual(first);
    // Where a link just made reaches, from the same routes.
    expect(linksReach(nodes, edges, new Set(['l0']), router).length).toBeGreaterThan(2);
    expect(routing.mock.results[3]!.value).toBe(fitted);
  });
});
