import * as Y from 'yjs';
import { CULL_ABOVE } from '../src/app/canvas/culling';
import { LinkRouter, routeLinks, type RoutableLink } from '../src/app/canvas/link-routes';
import { estimatedFactorSize } from '../src/app/canvas/placement';
import { pointOnCurve, type Box, type LinkGeometry, type Point } from '../src/app/editor/edge-geometry';
import { readMap } from '../src/core/model';
import { seedTemplate } from '../server/templates';
import { fmt, median, percentile, rng, sample, type BenchContext, type BenchOutcome, type Benchmark } from './lib';

const exampleName = 'Link routing: example map (40 factors, 70 links), every link, median';
const largestName = `Link routing: ${CULL_ABOVE} factors / ${CULL_ABOVE * 2} links (the largest map routed), every link, median / p95`;
const againName = `Link routing: the same ${CULL_ABOVE}-factor map handed over again unchanged (a click), median`;

/** The women-services example as it opens: its positions, each factor the size the canvas estimates. */
function exampleMap(): { links: RoutableLink[]; boxes: Map<string, Box> } {
  const doc = new Y.Doc();
  seedTemplate(doc, 'women-services');
  const map = readMap(doc);
  const boxes = new Map(map.nodes.map((n) => [n.id, { x: n.x, y: n.y, ...estimatedFactorSize(n.label) }]));
  const links = map.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, data: { lane: 0 } }));
  return { links, boxes };
}

/** Factors on a loose grid, each linked to two others among its next 25: long links cross the map's middle. */
function largestRoutedMap(): { links: RoutableLink[]; boxes: Map<string, Box> } {
  const random = rng(300);
  const boxes = new Map<string, Box>();
  for (let i = 0; i < CULL_ABOVE; i++) {
    boxes.set(`f${i}`, { x: (i % 20) * 220 + random() * 40, y: Math.floor(i / 20) * 140 + random() * 30, width: 150, height: 60 });
  }
  const links = Array.from({ length: CULL_ABOVE * 2 }, (_, i) => {
    const a = Math.floor(random() * CULL_ABOVE);
    const b = (a + 1 + Math.floor(random() * 25)) % CULL_ABOVE;
    return { id: `l${String(i).padStart(4, '0')}`, source: `f${a}`, target: `f${b}`, data: { lane: 0 } };
  });
  return { links, boxes };
}

/** Points along each drawn link, from its path. */
function curvePoints(geometry: LinkGeometry, count: number): Point[] {
  const numbers = geometry.path.match(/[-\d.]+/g)!.map(Number);
  const curve = { start: { x: numbers[0]!, y: numbers[1]! }, control: { x: numbers[2]!, y: numbers[3]! }, end: { x: numbers[4]!, y: numbers[5]! }, normal: { x: 0, y: 0 } };
  return Array.from({ length: count }, (_, i) => pointOnCurve(curve, i / (count - 1)));
}

/** Link and factor pairs where the drawn line passes over a factor that is neither its cause nor its effect. */
function linesUnderFactors(links: readonly RoutableLink[], boxes: ReadonlyMap<string, Box>, routes: ReadonlyMap<string, LinkGeometry>): number {
  let count = 0;
  for (const link of links) {
    // The 59 points strictly between its ends, at sixtieths of the way.
    const points = curvePoints(routes.get(link.id)!, 61).slice(1, -1);
    for (const [id, b] of boxes) {
      if (id === link.source || id === link.target) continue;
      if (points.some((p) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height)) count++;
    }
  }
  return count;
}

/** Sign–line pairs where a link's line runs through another link's sign (its disc, 13 across the radius). */
function linesThroughSigns(routes: ReadonlyMap<string, LinkGeometry>): number {
  const lines = new Map([...routes].map(([id, geometry]) => [id, curvePoints(geometry, 200)]));
  let count = 0;
  for (const [id, geometry] of routes) {
    for (const [other, points] of lines) {
      if (other !== id && points.some((p) => Math.hypot(p.x - geometry.label.x, p.y - geometry.label.y) < 13)) count++;
    }
  }
  return count;
}

export const routes: Benchmark = {
  id: 'routes',
  title: 'Link routing',
  timeoutMs: 60_000,
  expectedRows: [{ name: exampleName, budget: '—' }, { name: largestName, budget: '—' }, { name: againName, budget: '—' }],
  note:
    'In the benchmark process (Node, one thread; in the app it runs on the main thread whenever a factor is added, moved or resized, ' +
    'on maps of up to ' + CULL_ABOVE + ' factors). `routeLinks` bends every link around the factors it would pass under (and the signs already placed) and moves signs off ' +
    'factors, other signs and other links\' lines. The example map is the women-services template at its own positions with the estimated factor sizes; the ' +
    `large map is ${CULL_ABOVE} factors of 150 × 60 on a loose grid with ${CULL_ABOVE * 2} seeded random links to factors up to 25 places on, ` +
    'many of which cannot avoid every factor (the worst case: every shape is tried). Warm-ups, then up to 200 runs (at most 3 s). ' +
    'The last row hands the router the same map again in new objects, as a click on a factor does.',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const example = exampleMap();
    const large = largestRoutedMap();
    const runs = ctx.quick ? 20 : 200;
    const exampleTimes = sample(() => routeLinks(example.links, example.boxes, true), 5, runs, 3_000);
    const largeTimes = sample(() => routeLinks(large.links, large.boxes, true), 3, runs, 3_000);
    const router = new LinkRouter();
    router.route(large.links, large.boxes, { avoid: true });
    const againTimes = sample(() => router.route(large.links.map((l) => ({ ...l })), new Map([...large.boxes].map(([id, b]) => [id, { ...b }])), { avoid: true }), 3, runs, 3_000);
    const routed = routeLinks(example.links, example.boxes, true);
    const plain = routeLinks(example.links, example.boxes, false);
    const under = linesUnderFactors(example.links, example.boxes, routed);
    const plainUnder = linesUnderFactors(example.links, example.boxes, plain);
    return {
      rows: [
        { name: exampleName, figure: fmt(median(exampleTimes)), unit: 'ms', budget: '—', within: '—' },
        { name: largestName, figure: `${fmt(median(largeTimes))} / ${fmt(percentile(largeTimes, 95))}`, unit: 'ms', budget: '—', within: '—' },
        { name: againName, figure: fmt(median(againTimes)), unit: 'ms', budget: '—', within: '—' },
      ],
      details: [
        `Example map: ${under} link–factor pairs where a line passes over a factor it does not connect (${plainUnder} if every link were drawn its plain way).`,
        `Example map: ${linesThroughSigns(routed)} sign–line pairs where a link's line runs through another link's sign (${linesThroughSigns(plain)} drawn the plain way).`,
        `Runs: example ${exampleTimes.length}, large ${largeTimes.length}, unchanged ${againTimes.length}.`,
      ],
    };
  },
};
