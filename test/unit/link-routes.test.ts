import { describe, expect, it } from 'vitest';
import { LinkRouter, routeLinks, type RoutableLink } from '../../src/app/canvas/link-routes';
import { linkGeometry, pointOnCurve, type Box, type LinkGeometry, type Point } from '../../src/app/editor/edge-geometry';

const box = (x: number, y: number, width = 200, height = 80): Box => ({ x, y, width, height });
const link = (id: string, source: string, target: string, lane = 0): RoutableLink => ({ id, source, target, data: { lane } });

/** Points along a drawn link's curve (from its path), to see what it passes over. */
function along(geometry: LinkGeometry): Point[] {
  const [sx, sy, cx, cy, ex, ey] = /^M ([-\d.]+) ([-\d.]+) Q ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)$/.exec(geometry.path)!.slice(1).map(Number);
  const curve = { start: { x: sx!, y: sy! }, control: { x: cx!, y: cy! }, end: { x: ex!, y: ey! }, normal: { x: 0, y: 0 } };
  return Array.from({ length: 49 }, (_, i) => pointOnCurve(curve, (i + 1) / 50));
}
const within = (p: Point, b: Box, margin = 0) => p.x >= b.x - margin && p.x <= b.x + b.width + margin && p.y >= b.y - margin && p.y <= b.y + b.height + margin;
const passesUnder = (geometry: LinkGeometry, b: Box) => along(geometry).some((p) => within(p, b));
const signOn = (geometry: LinkGeometry, b: Box) => within(geometry.label, b, 13);

describe('routing links around factors and signs', () => {
  it('bends a link away from a factor it would pass under, and leaves a clear link as it was', () => {
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, -60, 160, 60)]]);
    const plain = linkGeometry(boxes.get('a')!, boxes.get('b')!, 0);
    expect(passesUnder(plain, boxes.get('c')!)).toBe(true);
    const routed = routeLinks([link('ab', 'a', 'b')], boxes, true).get('ab')!;
    expect(passesUnder(routed, boxes.get('c')!)).toBe(false);
    // It still starts at a and ends at b.
    expect(within(along(routed)[0]!, boxes.get('a')!, 30)).toBe(true);
    expect(within(routed.end, boxes.get('b')!, 5)).toBe(true);

    const clear = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, 400)]]);
    expect(routeLinks([link('ab', 'a', 'b')], clear, true).get('ab')!.path).toBe(plain.path);
  });

  it('keeps A→B and B→A on opposite sides while routing them', () => {
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, -60, 160, 60)]]);
    const routes = routeLinks([link('ab', 'a', 'b'), link('ba', 'b', 'a')], boxes, true);
    const middleLine = 40;
    expect(routes.get('ab')!.middle.y).toBeLessThan(middleLine);
    expect(routes.get('ba')!.middle.y).toBeGreaterThan(middleLine);
  });

  it('leans an arc towards one end to get round a factor nearer the other, when bending more or less would not', () => {
    // A→B must bend up (B→A takes the lower side): every plain arc up meets c, over the left half.
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(250, -60, 160, 60)]]);
    const routes = routeLinks([link('ab', 'a', 'b'), link('ba', 'b', 'a')], boxes, true);
    const ab = routes.get('ab')!;
    expect(passesUnder(ab, boxes.get('c')!)).toBe(false);
    expect(ab.middle.y).toBeLessThan(40);
    expect(routes.get('ba')!.middle.y).toBeGreaterThan(40);
    // Its peak is over the right half, away from c.
    const peak = along(ab).reduce((top, p) => (p.y < top.y ? p : top));
    expect(peak.x).toBeGreaterThan(500);
  });

  it('keeps apart the arrowheads of links that would meet one factor at one point', () => {
    // From the example map: one cause close by on the left, one far off up the map.
    const boxes = new Map([['near', box(960, 349, 200, 124)], ['far', box(0, 0, 200, 106)], ['t', box(1280, 340, 200, 143)]]);
    const ends = (routes: ReadonlyMap<string, LinkGeometry>) => [routes.get('near-t')!.end, routes.get('far-t')!.end];
    const plain = [linkGeometry(boxes.get('near')!, boxes.get('t')!), linkGeometry(boxes.get('far')!, boxes.get('t')!)].map((g) => g.end);
    const apart = (p: Point[]) => Math.hypot(p[0]!.x - p[1]!.x, p[0]!.y - p[1]!.y);
    expect(apart(plain)).toBeLessThan(8);
    const routed = ends(routeLinks([link('near-t', 'near', 't'), link('far-t', 'far', 't')], boxes, true));
    expect(apart(routed)).toBeGreaterThanOrEqual(24);
    // Both still end at the effect's border.
    for (const end of routed) expect(within(end, boxes.get('t')!, 6) && !within(end, boxes.get('t')!, -2)).toBe(true);
  });

  it('keeps a link arriving at a factor’s right edge, arrowhead and sign, off the → knob in its middle', () => {
    // b is up and to the right of a: b→a, bulging down, arrives at the middle of a's right edge.
    const boxes = new Map([['a', box(0, 0)], ['b', box(400, -200)]]);
    const a = boxes.get('a')!;
    const knob = { x: a.x + a.width + 1, y: a.y + a.height / 2 - 15, width: 30, height: 30 };
    const plain = linkGeometry(boxes.get('b')!, a, 0);
    // Drawn its plain way, the arrowhead would sit on the knob.
    expect(within(plain.end, knob, 7)).toBe(true);
    const routed = routeLinks([link('ba', 'b', 'a')], boxes, true).get('ba')!;
    expect(within(routed.end, a, 5)).toBe(true);
    expect(within(routed.end, knob, 7)).toBe(false);
    expect(within(routed.label, knob, 13)).toBe(false);
  });

  it('moves a sign off a factor in its way, and off another link’s sign', () => {
    const a = box(0, 0);
    const b = box(600, 0);
    const free = linkGeometry(a, b, 0);
    const inTheWay = box(free.label.x - 30, free.label.y - 20, 60, 40);
    const moved = routeLinks([link('ab', 'a', 'b')], new Map([['a', a], ['b', b], ['x', inTheWay]]), true).get('ab')!;
    expect(signOn(moved, inTheWay)).toBe(false);

    // Two causes just apart send links into one effect: their signs would nearly coincide.
    const boxes = new Map([['s1', box(0, 0)], ['s2', box(0, 24)], ['t', box(700, 300)]]);
    const plainOne = linkGeometry(boxes.get('s1')!, boxes.get('t')!, 0).label;
    const plainTwo = linkGeometry(boxes.get('s2')!, boxes.get('t')!, 0).label;
    expect(Math.hypot(plainOne.x - plainTwo.x, plainOne.y - plainTwo.y)).toBeLessThan(26);
    const routes = routeLinks([link('one', 's1', 't'), link('two', 's2', 't')], boxes, true);
    const [one, two] = [routes.get('one')!.label, routes.get('two')!.label];
    expect(Math.hypot(one.x - two.x, one.y - two.y)).toBeGreaterThanOrEqual(26);
  });

  it('bends a link whose line would run through another link’s sign', () => {
    const first = new Map([['a', box(0, 0)], ['b', box(700, 0)]]);
    const sign = routeLinks([link('l1', 'a', 'b')], first, true).get('l1')!.label;
    // A long link from c, far above, to d, far below, whose usual arc has its middle right on that
    // sign and passes between a and b.
    const c0 = box(sign.x - 100, sign.y - 500);
    const d0 = box(sign.x - 100, sign.y + 420);
    const plain0 = linkGeometry(c0, d0, 0);
    const dx = sign.x - plain0.middle.x;
    const dy = sign.y - plain0.middle.y;
    const boxes = new Map([...first, ['c', { ...c0, x: c0.x + dx, y: c0.y + dy }], ['d', { ...d0, x: d0.x + dx, y: d0.y + dy }]]);
    const plain = linkGeometry(boxes.get('c')!, boxes.get('d')!, 0);
    const near = (g: LinkGeometry) => Math.min(...along(g).map((p) => Math.hypot(p.x - sign.x, p.y - sign.y)));
    expect(near(plain)).toBeLessThan(5);
    for (const id of ['a', 'b']) expect(passesUnder(plain, boxes.get(id)!)).toBe(false);
    const routes = routeLinks([link('l1', 'a', 'b'), link('l2', 'c', 'd')], boxes, true);
    expect(routes.get('l1')!.label).toEqual(sign);
    expect(near(routes.get('l2')!)).toBeGreaterThan(15);
  });

  it('moves a sign off another link’s line', () => {
    const second = new Map([['c', box(0, 0)], ['d', box(0, 600)]]);
    const sign = routeLinks([link('l2', 'c', 'd')], second, true).get('l2')!.label;
    // A long link routed before it (its id comes first) whose usual arc has its middle on that sign.
    const a0 = box(sign.x - 900, sign.y - 300);
    const b0 = box(sign.x + 700, sign.y - 300);
    const plain0 = linkGeometry(a0, b0, 0);
    const [dx, dy] = [sign.x - plain0.middle.x, sign.y - plain0.middle.y];
    const boxes = new Map([...second, ['a', { ...a0, x: a0.x + dx, y: a0.y + dy }], ['b', { ...b0, x: b0.x + dx, y: b0.y + dy }]]);
    const plain = linkGeometry(boxes.get('a')!, boxes.get('b')!, 0);
    const nearLine = (p: Point, g: LinkGeometry) => Math.min(...along(g).map((q) => Math.hypot(q.x - p.x, q.y - p.y)));
    expect(nearLine(sign, plain)).toBeLessThan(5);
    const routes = routeLinks([link('l1', 'a', 'b'), link('l2', 'c', 'd')], boxes, true);
    expect(routes.get('l1')!.path).toBe(plain.path);
    expect(nearLine(routes.get('l2')!.label, routes.get('l1')!)).toBeGreaterThan(13);
  });

  it('puts a sign in the first half of its line only when every place near the arrowhead is taken', () => {
    const [a, b] = [box(0, 0), box(800, 0)];
    expect(linkGeometry(a, b, 0, { blocked: () => false }).label.x).toBeGreaterThan(500);
    // Everything right of x = 400 (the half of the line nearer the arrowhead) is taken.
    expect(linkGeometry(a, b, 0, { blocked: (p) => p.x > 400 }).label.x).toBeLessThan(400);
  });

  it('draws the same whatever order the links come in, so everyone sees one drawing', () => {
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, -60, 160, 60)], ['d', box(400, 300)]]);
    const links = [link('ab', 'a', 'b'), link('ad', 'a', 'd'), link('db', 'd', 'b'), link('cb', 'c', 'b')];
    const one = routeLinks(links, boxes, true);
    const two = routeLinks([...links].reverse(), boxes, true);
    for (const l of links) expect(two.get(l.id)).toEqual(one.get(l.id));
  });

  it('while a factor is dragged, keeps the other links as they were; routes them again after', () => {
    const router = new LinkRouter();
    const links = [link('ab', 'a', 'b'), link('cd', 'c', 'd')];
    const start = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(0, 400)], ['d', box(800, 400)]]);
    const before = router.route(links, start, { avoid: true });
    // c is dragged to sit across a→b's line.
    const moved = new Map(start).set('c', box(400, -60, 200, 80));
    const during = router.route(links, moved, { dragged: new Set(['c']), avoid: true });
    expect(during.get('ab')).toBe(before.get('ab'));
    expect(during.get('cd')).not.toBe(before.get('cd'));
    const after = router.route(links, moved, { avoid: true });
    expect(passesUnder(after.get('ab')!, moved.get('c')!)).toBe(false);
    // A link drawn as before is the same object, so its view is not drawn again.
    expect(router.route(links, moved, { avoid: true }).get('cd')).toBe(after.get('cd'));
  });

  it('does not route again when only the selection changed, and does when a factor moved or a link turned', () => {
    const router = new LinkRouter();
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, -60, 160, 60)]]);
    const first = router.route([link('ab', 'a', 'b')], boxes, { avoid: true });
    // New arrays and new box objects with the same values (a click selects something).
    const reselected = router.route([{ ...link('ab', 'a', 'b'), selected: true } as RoutableLink], new Map([...boxes].map(([id, b]) => [id, { ...b }])), { avoid: true });
    expect(reselected).toBe(first);
    const nudged = router.route([link('ab', 'a', 'b')], new Map(boxes).set('c', box(400, -50, 160, 60)), { avoid: true });
    expect(nudged).not.toBe(first);
    const turned = router.route([link('ab', 'b', 'a')], new Map(boxes).set('c', box(400, -50, 160, 60)), { avoid: true });
    expect(turned.get('ab')!.end.x).toBeLessThan(300);
  });

  it('on a large map draws each link its plain way, again only when one of its factors changed', () => {
    const boxes = new Map([['a', box(0, 0)], ['b', box(800, 0)], ['c', box(400, -60, 160, 60)], ['d', box(0, 400)]]);
    expect(routeLinks([link('ab', 'a', 'b')], boxes, false).get('ab')).toEqual(linkGeometry(boxes.get('a')!, boxes.get('b')!, 0));
    const router = new LinkRouter();
    const links = [link('ab', 'a', 'b'), link('db', 'd', 'b')];
    const first = router.route(links, boxes, { avoid: false });
    const moved = new Map(boxes).set('d', box(0, 500));
    const second = router.route(links, moved, { avoid: false });
    expect(second.get('ab')).toBe(first.get('ab'));
    expect(second.get('db')).toEqual(linkGeometry(moved.get('d')!, moved.get('b')!, 0));
  });

  it('on a large map, each move of a drag draws the dragged factors’ links as a full routing would, and keeps the rest', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `f${i}`);
    const boxes = new Map(ids.map((id, i) => [id, box((i % 6) * 300, Math.floor(i / 6) * 200)]));
    const links = ids.flatMap((id, i) => [link(`${id}-a`, id, ids[(i + 1) % 30]!), link(`${id}-b`, id, ids[(i + 7) % 30]!)]);
    links.push(link('f3-f3', 'f3', 'f3'), link('f3-back', ids[4]!, 'f3'));
    const router = new LinkRouter();
    const before = router.route(links, boxes, { avoid: false });
    let now = boxes;
    let during = before;
    for (let step = 1; step <= 3; step++) {
      now = new Map(now).set('f3', box(900 + step * 37, 300 + step * 11)).set('f9', box(100 - step * 23, 700));
      during = router.route(links, now, { dragged: new Set(['f3', 'f9']), avoid: false });
      const full = new LinkRouter().route(links, now, { avoid: false });
      expect([...during.keys()].sort()).toEqual([...full.keys()].sort());
      for (const [id, geometry] of full) expect(during.get(id), id).toEqual(geometry);
    }
    // Links touching neither dragged factor are the very objects drawn before the drag.
    for (const l of links) {
      const touches = ['f3', 'f9'].some((id) => l.source === id || l.target === id);
      if (!touches) expect(during.get(l.id), l.id).toBe(before.get(l.id));
      else expect(during.get(l.id), l.id).not.toEqual(before.get(l.id));
    }
  });
});
