import { bendFor, centreDistance, curveBetween, linkGeometry, pointOnCurve, type Box, type LinkGeometry, type Point } from '../editor/edge-geometry';
import { squaredDistanceToRect } from '../../core/geometry/rect';
import { KNOB, knobBox } from './knob';

/**
 * Where every link of a map is drawn, worked out for all of them together so that they keep out
 * of each other's way: a link that would pass under a factor that is neither its cause nor its
 * effect bends further, or the other way, and a polarity sign that would sit on a factor or on an
 * earlier sign moves along its line. Newcomers read a line running under a factor as a link to it,
 * and missed signs hidden under others (the third round of newcomer tests).
 *
 * Links are taken in the order of their ids, so everyone at a workshop sees the same drawing. While
 * factors are dragged, the links the drag does not move keep where they were: a line jumping to
 * the other side of a factor as another is dragged past would be noise, and re-routing thousands of
 * links on each pointer move would be slow.
 */

/** What the router needs of a link (a CausalEdge has it). */
export interface RoutableLink {
  id: string;
  source: string;
  target: string;
  hidden?: boolean;
  data?: { lane: number };
}

/** A polarity sign's radius on the canvas (LinkLayer draws its disc with radius 13), with a little air. */
const SIGN_RADIUS = 15;
/** Half the size of the square kept for a placed sign, so that the next sign's disc clears it. */
const SIGN_HALF = 13;
/** How close a line may come to a factor it does not connect, in map units. */
const CLEARANCE = 6;
/** Points along a curve tested against factors: enough that a 120-wide factor is not stepped over. */
const SAMPLES = 24;
/** Grid cells for finding the factors near a point without looking at all of them. */
const CELL = 256;
/**
 * How far a link bends, as multiples of its usual bend, tried in turn until one passes under no
 * other factor: as usual, the other way, nearly straight, then further out. Flipping to the other
 * side is allowed only for a link with no partner: A→B and B→A must bend to opposite sides to be
 * told apart, and parallel links fan out by lane (those are left as they are). On the example map
 * this halves the lines passing under factors (47 to 19 as drawn, 61 to 22 after Tidy layout).
 */
const ALONE_BENDS = [1, -1, 0.3, -0.3, 2, -2, 3, -3, 4.5, -4.5];
const PAIRED_BENDS = [1, 0.5, 2, 3, 4.5];
/** Leans tried for each bend, as shares of the distance. */
const SKEWS = [0, 0.2, -0.2, 0.35, -0.35];
/** The largest bulge tried, as a share of the distance between the factors. */
const MOST_BULGE = 0.45;

/** A cell's key: a number, not a string, since the router asks for thousands of cells a route. */
function cellKey(cx: number, cy: number): number {
  // Exact for maps within about 8 million map units of the origin either way.
  return (cx + 32768) * 65536 + (cy + 32768);
}

/** Boxes in a grid of cells, for questions about what is near a point. */
class BoxGrid<T extends Box = Box> {
  private cells = new Map<number, T[]>();

  constructor(private readonly reach: number) {}

  add(box: T): void {
    const { reach } = this;
    for (let cx = Math.floor((box.x - reach) / CELL); cx <= Math.floor((box.x + box.width + reach) / CELL); cx++) {
      for (let cy = Math.floor((box.y - reach) / CELL); cy <= Math.floor((box.y + box.height + reach) / CELL); cy++) {
        const key = cellKey(cx, cy);
        const list = this.cells.get(key);
        if (list) list.push(box);
        else this.cells.set(key, [box]);
      }
    }
  }

  /** The boxes within `reach` of a point (and maybe a few more). */
  near(p: Point): readonly T[] {
    return this.cells.get(cellKey(Math.floor(p.x / CELL), Math.floor(p.y / CELL))) ?? [];
  }
}

/** The square of how far a point is from the straight stretch between `a` and `b`. */
function squaredDistanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  const ex = p.x - (a.x + t * dx);
  const ey = p.y - (a.y + t * dy);
  return ex * ex + ey * ey;
}

/** A stretch of a drawn line, under the box around it. */
interface Stretch extends Box { a: Point; b: Point }

/** Whether a circle of `radius` at `p` meets the box. */
function touches(p: Point, box: Box, radius: number): boolean {
  return squaredDistanceToRect(box, p) < radius * radius;
}

/** The factors and placed signs a link is routed around. */
class Obstacles {
  private readonly factors = new BoxGrid(Math.max(SIGN_RADIUS, CLEARANCE));
  /** The factors' → knobs, which signs keep off; lines leave beside them anyway. */
  private readonly knobs = new BoxGrid(SIGN_RADIUS);
  private readonly signs = new BoxGrid(SIGN_RADIUS);
  /** The lines drawn so far, in stretches. */
  private readonly lines = new BoxGrid<Stretch>(SIGN_RADIUS);

  constructor(boxes: Iterable<Box>) {
    for (const box of boxes) {
      this.factors.add(box);
      this.knobs.add(knobBox(box));
    }
  }

  /** Whether a sign centred at `p` would sit on a factor or its knob, on a sign already placed, or on another link's line. */
  readonly signBlocked = (p: Point): boolean =>
    [this.factors, this.knobs, this.signs].some((grid) => grid.near(p).some((box) => touches(p, box, SIGN_RADIUS)))
    || this.lines.near(p).some((stretch) => touches(p, stretch, SIGN_RADIUS) && squaredDistanceToSegment(p, stretch.a, stretch.b) < SIGN_RADIUS * SIGN_RADIUS);

  /** A link's line, drawn: later signs keep off it. */
  placeLine(along: readonly Point[]): void {
    for (let i = 1; i < along.length; i++) {
      const a = along[i - 1]!;
      const b = along[i]!;
      this.lines.add({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y), a, b });
    }
  }

  placeSign(p: Point): void {
    this.signs.add({ x: p.x - SIGN_HALF, y: p.y - SIGN_HALF, width: 2 * SIGN_HALF, height: 2 * SIGN_HALF });
  }

  /**
   * How many factors other than `from` and `to` the curve of `shape` passes under, counting no
   * further than `enough` (a shape that bad is not wanted, however much worse it is).
   */
  factorsUnder(from: Box, to: Box, shape: Shape, enough = Infinity): number {
    const curve = curveBetween(from, to, shape.bend, shape.skew);
    if (!curve) return 0;
    const hit = new Set<Box>();
    for (let i = 1; i < SAMPLES; i++) {
      const p = pointOnCurve(curve, i / SAMPLES);
      for (const box of this.factors.near(p)) {
        if (box !== from && box !== to && !hit.has(box) && touches(p, box, CLEARANCE)) {
          hit.add(box);
          if (hit.size >= enough) return hit.size;
        }
      }
    }
    return hit.size;
  }

  /** How many signs of other links the curve of `shape` runs through, counting no further than `enough`. */
  signsCrossed(from: Box, to: Box, shape: Shape, enough = Infinity): number {
    const curve = curveBetween(from, to, shape.bend, shape.skew);
    if (!curve) return 0;
    const hit = new Set<Box>();
    let before = pointOnCurve(curve, 0);
    for (let i = 1; i <= SAMPLES; i++) {
      const p = pointOnCurve(curve, i / SAMPLES);
      // Samples can be further apart than a sign is wide: the stretch between them is tested.
      for (const sign of this.signs.near(p)) {
        if (hit.has(sign)) continue;
        if (squaredDistanceToSegment({ x: sign.x + SIGN_HALF, y: sign.y + SIGN_HALF }, before, p) < SIGN_RADIUS * SIGN_RADIUS) {
          hit.add(sign);
          if (hit.size >= enough) return hit.size;
        }
      }
      before = p;
    }
    return hit.size;
  }
}

/**
 * Shapes that pass under no factor tried for one that also runs through no other link's sign,
 * before the one through fewest is taken. A line through another link's sign made it unclear whose
 * sign it was (a newcomer could not tell, the tenth round); trying every shape for it tripled the
 * time to route a 300-factor map.
 */
const SIGN_TRIES = 6;

/**
 * Arrowheads closer than this on one factor read as one (the arrowhead is about 10 across): at 16,
 * two links into one factor, seen zoomed out a little, looked to a newcomer like one arrowhead
 * (the eleventh round).
 */
const ARROWHEAD_GAP = 24;
/** Sideways moves tried for an arrowhead that would meet another, in turn. */
const END_SHIFTS = [0, 12, -12, 24, -24, 36, -36, 48, -48];

/** Where links already end on each factor, so that the next to arrive there ends apart from them. */
class Arrowheads {
  private readonly ends = new Map<string, Point[]>();

  place(factor: string, end: Point): void {
    const list = this.ends.get(factor);
    if (list) list.push(end);
    else this.ends.set(factor, [end]);
  }

  /**
   * The least sideways move that keeps this link's arrowhead apart from those already on its
   * effect, and off the effect's → knob.
   */
  freeShift(factor: string, from: Box, to: Box, { bend, skew }: Shape): number {
    const taken = this.ends.get(factor) ?? [];
    let best = 0;
    let widest = -1;
    for (const shift of END_SHIFTS) {
      const curve = curveBetween(from, to, bend, skew, shift);
      if (!curve) return 0;
      const gap = onKnob(to, curve.end) ? 0 : Math.min(ARROWHEAD_GAP, ...taken.map((p) => Math.hypot(p.x - curve.end.x, p.y - curve.end.y)));
      if (gap >= ARROWHEAD_GAP) return shift;
      if (gap > widest) {
        best = shift;
        widest = gap;
      }
    }
    return best;
  }
}

/** How near the middle of the right edge an arrowhead meets the knob: its half-height and the arrowhead's half-width. */
const KNOB_REACH = KNOB.across / 2 + 7;

/**
 * Whether a link ending at `end` would end on the → knob in the middle of the box's right edge
 * (knob.ts). An arrowhead arriving there and the knob hid each other: a newcomer could not tell
 * which way the link pointed, or whether they would grab the knob.
 */
function onKnob(box: Box, end: Point): boolean {
  return end.x >= box.x + box.width - 1 && Math.abs(end.y - (box.y + box.height / 2)) < KNOB_REACH;
}

/** A link's fellows between the same two factors, which decide whether it may change its bend. */
interface Pairing { alone: boolean; rerouted: boolean }

function pairings(links: readonly RoutableLink[]): Map<string, Pairing> {
  const count = new Map<string, number>();
  for (const link of links) count.set(`${link.source}>${link.target}`, (count.get(`${link.source}>${link.target}`) ?? 0) + 1);
  const out = new Map<string, Pairing>();
  for (const link of links) {
    const single = count.get(`${link.source}>${link.target}`) === 1;
    out.set(link.id, { alone: single && !count.has(`${link.target}>${link.source}`), rerouted: single && link.source !== link.target });
  }
  return out;
}

/** The links in id order, with their pairings, kept per links array (it keeps its identity until the links change). */
const ordered = new WeakMap<readonly RoutableLink[], { links: RoutableLink[]; pairing: Map<string, Pairing> }>();
function inOrder(links: readonly RoutableLink[]) {
  let entry = ordered.get(links);
  if (!entry) {
    const shown = links.filter((link) => !link.hidden && link.data);
    entry = { links: shown.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), pairing: pairings(shown) };
    ordered.set(links, entry);
  }
  return entry;
}

/** Each factor's links (either end), kept per ordered links array. */
const byFactor = new WeakMap<readonly RoutableLink[], Map<string, RoutableLink[]>>();
function linksByFactor(links: readonly RoutableLink[]): Map<string, RoutableLink[]> {
  let index = byFactor.get(links);
  if (!index) {
    index = new Map();
    for (const link of links) {
      for (const end of new Set([link.source, link.target])) {
        const list = index.get(end);
        if (list) list.push(link);
        else index.set(end, [link]);
      }
    }
    byFactor.set(links, index);
  }
  return index;
}

function sameDrawing(a: LinkGeometry, b: LinkGeometry): boolean {
  return a.path === b.path && a.label.x === b.label.x && a.label.y === b.label.y;
}

/** The route drawn before when it is drawn the same, so that React's memo skips its view. */
function keepIfSame(before: LinkGeometry | undefined, drawn: LinkGeometry): LinkGeometry {
  return before && sameDrawing(before, drawn) ? before : drawn;
}

interface Ends { from: Box; to: Box; lane: number }

/** Whether a link is drawn between the very same boxes (objects kept while their factors are unchanged) in the same lane. */
function sameEnds(before: Ends | undefined, from: Box, to: Box, lane: number): boolean {
  return before !== undefined && before.from === from && before.to === to && before.lane === lane;
}

/**
 * Routes a map's links, remembering the last routes: while factors are dragged, links not touching
 * them keep their drawing, and a link drawn as before keeps the same object (React's memo then
 * skips it). `avoid` off (large maps) draws every link its plain way, which depends on its own two
 * factors alone.
 */
export class LinkRouter {
  private routes = new Map<string, LinkGeometry>();
  /** The boxes and lane each route was drawn between: a plain route is reused while they are the same. */
  private ends = new Map<string, Ends>();
  private avoided = false;

  /** What the last routes were worked out from, by value. */
  private input: RouteInput | null = null;

  route(links: readonly RoutableLink[], boxes: ReadonlyMap<string, Box>, options: { dragged?: ReadonlySet<string>; avoid: boolean }): ReadonlyMap<string, LinkGeometry> {
    const { dragged, avoid } = options;
    const { links: all, pairing } = inOrder(links);
    // Selecting a factor or a link hands over new arrays with nothing that decides a route changed:
    // routing a few hundred factors again on every click would cost tens of milliseconds.
    const dragging = dragged !== undefined && dragged.size > 0;
    const input: RouteInput = { links: all, boxes, avoid, dragging };
    if (!dragging && this.input && sameInput(this.input, input)) return this.routes;
    // Each move of a drag on a large map: only the dragged factors' links can change. Looking at
    // all 2,000 links of a 1,000-factor map took ~3 ms of every move.
    const draggedAlready = this.input?.dragging === true && this.input.links === all && !avoid && !this.avoided;
    this.input = input;
    if (dragging && draggedAlready) return this.moveDragged(all, boxes, dragged);
    const previous = this.routes;
    const next = new Map<string, LinkGeometry>();
    const obstacles = avoid ? new Obstacles(boxes.values()) : null;
    const arrowheads = avoid ? new Arrowheads() : null;
    const toRoute: RoutableLink[] = [];
    const ends = new Map<string, Ends>();
    for (const link of all) {
      const from = boxes.get(link.source);
      const to = boxes.get(link.target);
      if (!from || !to) continue;
      const lane = link.data!.lane;
      ends.set(link.id, { from, to, lane });
      // A plain route depends on its two boxes alone (the same objects while their factors are unchanged).
      const before = this.ends.get(link.id);
      const unchanged = !avoid && !this.avoided && sameEnds(before, from, to, lane);
      const kept = unchanged || (dragging && !dragged.has(link.source) && !dragged.has(link.target)) ? previous.get(link.id) : undefined;
      if (kept) {
        next.set(link.id, kept);
        obstacles?.placeSign(kept.label);
        obstacles?.placeLine(kept.along);
        arrowheads?.place(link.target, kept.end);
      } else toRoute.push(link);
    }
    for (const link of toRoute) {
      const { from, to, lane } = ends.get(link.id)!;
      let drawn: LinkGeometry;
      if (obstacles && arrowheads) {
        const shape = pairing.get(link.id)!.rerouted ? leastCrossedShape(from, to, pairing.get(link.id)!.alone, obstacles) : { bend: bendFor(centreDistance(from, to), lane), skew: 0 };
        const endShift = link.source === link.target ? 0 : arrowheads.freeShift(link.target, from, to, shape);
        drawn = linkGeometry(from, to, lane, { blocked: obstacles.signBlocked, ...shape, endShift });
        obstacles.placeSign(drawn.label);
        obstacles.placeLine(drawn.along);
        arrowheads.place(link.target, drawn.end);
      } else drawn = linkGeometry(from, to, lane);
      next.set(link.id, keepIfSame(previous.get(link.id), drawn));
    }
    this.routes = next;
    this.ends = ends;
    this.avoided = avoid;
    return next;
  }

  /** Plain routes again for the links of `dragged` alone; the rest are kept as they were. */
  private moveDragged(all: readonly RoutableLink[], boxes: ReadonlyMap<string, Box>, dragged: ReadonlySet<string>): ReadonlyMap<string, LinkGeometry> {
    const next = new Map(this.routes);
    const index = linksByFactor(all);
    for (const id of dragged) {
      for (const link of index.get(id) ?? []) {
        const from = boxes.get(link.source);
        const to = boxes.get(link.target);
        if (!from || !to) {
          next.delete(link.id);
          this.ends.delete(link.id);
          continue;
        }
        const lane = link.data!.lane;
        if (sameEnds(this.ends.get(link.id), from, to, lane) && next.has(link.id)) continue;
        this.ends.set(link.id, { from, to, lane });
        next.set(link.id, keepIfSame(next.get(link.id), linkGeometry(from, to, lane)));
      }
    }
    this.routes = next;
    return next;
  }
}

/**
 * What decides the routes: the links, every factor's box, whether to avoid factors, whether a drag
 * is on. Kept by reference: callers hand over a new map of boxes rather than change one.
 */
interface RouteInput { links: readonly RoutableLink[]; boxes: ReadonlyMap<string, Box>; avoid: boolean; dragging: boolean }

function sameInput(a: RouteInput, b: RouteInput): boolean {
  if (a.avoid !== b.avoid || a.dragging !== b.dragging || a.links.length !== b.links.length || a.boxes.size !== b.boxes.size) return false;
  if (a.links !== b.links) {
    for (let i = 0; i < a.links.length; i++) {
      const x = a.links[i]!;
      const y = b.links[i]!;
      if (x.id !== y.id || x.source !== y.source || x.target !== y.target || x.data!.lane !== y.data!.lane) return false;
    }
  }
  if (a.boxes === b.boxes) return true;
  for (const [id, box] of a.boxes) {
    const other = b.boxes.get(id);
    if (!other || (other !== box && (other.x !== box.x || other.y !== box.y || other.width !== box.width || other.height !== box.height))) return false;
  }
  return true;
}

/** A link's curve: how far it bulges, and how far its peak leans towards one end. */
interface Shape { bend: number; skew: number }

/**
 * The first shape that passes under no other factor and through no other link's sign; failing the
 * second within SIGN_TRIES clear shapes, the clear one through fewest signs; failing the first, the
 * one that passes under fewest factors.
 */
function leastCrossedShape(from: Box, to: Box, alone: boolean, obstacles: Obstacles): Shape {
  const distance = centreDistance(from, to);
  const usual = bendFor(distance, 0);
  // A bulge of more than about half the link's length reads as a detour, not a link.
  const most = Math.max(usual, distance * MOST_BULGE);
  let best: Shape = { bend: usual, skew: 0 };
  let fewest = Infinity;
  let clear: Shape | null = null;
  let clearSigns = Infinity;
  let clearTried = 0;
  for (const times of alone ? ALONE_BENDS : PAIRED_BENDS) {
    const bend = Math.sign(times) * Math.min(Math.abs(usual * times), most);
    for (const skew of SKEWS) {
      const shape = { bend, skew };
      // Once a clear shape is in hand, only another clear one matters.
      const under = obstacles.factorsUnder(from, to, shape, clear ? 1 : fewest);
      if (under === 0) {
        const signs = obstacles.signsCrossed(from, to, shape, clearSigns);
        if (signs === 0) return shape;
        if (signs < clearSigns) {
          clear = shape;
          clearSigns = signs;
        }
        if (++clearTried >= SIGN_TRIES) return clear!;
      } else if (!clear && under < fewest) {
        best = shape;
        fewest = under;
      }
    }
  }
  return clear ?? best;
}

/** Where each link is drawn, worked out afresh (for fitting the view to the map). */
export function routeLinks(links: readonly RoutableLink[], boxes: ReadonlyMap<string, Box>, avoid: boolean): ReadonlyMap<string, LinkGeometry> {
  return new LinkRouter().route(links, boxes, { avoid });
}
