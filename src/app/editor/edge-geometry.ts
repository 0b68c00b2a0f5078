/**
 * Where a causal link is drawn. Links are curved, and always bend to the
 * same side of their direction of travel, so A→B and B→A arc apart instead
 * of lying on top of each other; further links between the same pair in the
 * same direction (lanes) bend further. A link from a factor to itself is a
 * loop above it. Pure geometry: unit-tested without a browser.
 */

import { centreOf } from '../../core/geometry/rect';

export interface Box { x: number; y: number; width: number; height: number }
export interface Point { x: number; y: number }

export interface LinkGeometry {
  path: string;
  /** Where the polarity sign sits: near the arrowhead, beside the line. */
  label: Point;
  /** The middle of the link, and the direction of travel there (degrees), for the delay mark. */
  middle: Point;
  angle: number;
  /** The end of the line (at the arrowhead). */
  end: Point;
  /** Points along the line, end to end, for whatever must keep off it (the link's toolbar). */
  along: readonly Point[];
}

/** How many points `along` has: enough that a toolbar cannot sit on the line between two of them. */
const ALONG = 11;
const alongTimes = Array.from({ length: ALONG }, (_, i) => i / (ALONG - 1));

/** Space between the line's end and the factor's border, for the arrowhead. */
const END_GAP = 4;
const LABEL_OFFSET = 16;

/** Where a ray from `from` (the centre of `box` unless given; inside it) towards `towards` leaves the box (grown by `gap`). */
export function boxExit(box: Box, towards: Point, gap = 0, from: Point = centreOf(box)): Point {
  const dx = towards.x - from.x;
  const dy = towards.y - from.y;
  if (dx === 0 && dy === 0) return from;
  const toX = dx > 0 ? (box.x + box.width + gap - from.x) / dx : dx < 0 ? (box.x - gap - from.x) / dx : Infinity;
  const toY = dy > 0 ? (box.y + box.height + gap - from.y) / dy : dy < 0 ? (box.y - gap - from.y) / dy : Infinity;
  const scale = Math.min(toX, toY);
  return { x: from.x + dx * scale, y: from.y + dy * scale };
}

function quadAt(p0: Point, c: Point, p1: Point, t: number): Point {
  const u = 1 - t;
  return { x: u * u * p0.x + 2 * u * t * c.x + t * t * p1.x, y: u * u * p0.y + 2 * u * t * c.y + t * t * p1.y };
}

function cubicAt(p0: Point, c1: Point, c2: Point, p1: Point, t: number): Point {
  const u = 1 - t;
  const at = (a: number, b: number, c: number, d: number) => u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
  return { x: at(p0.x, c1.x, c2.x, p1.x), y: at(p0.y, c1.y, c2.y, p1.y) };
}

function quadTangent(p0: Point, c: Point, p1: Point, t: number): Point {
  return { x: 2 * (1 - t) * (c.x - p0.x) + 2 * t * (p1.x - c.x), y: 2 * (1 - t) * (c.y - p0.y) + 2 * t * (p1.y - c.y) };
}

function round(p: Point): Point {
  return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
}

/** How far a link bends sideways: gentle for one, fanning out for several between the same pair. */
export function bendFor(distance: number, lane: number): number {
  const base = Math.min(Math.max(distance * 0.12, 18), 70);
  return base + lane * 36;
}

/**
 * Where along the curve, and on which side, the sign is tried when its first place is taken: near
 * the arrowhead first, as the notation has it; the first half of the line only as a last resort,
 * since a sign read nearer the cause is still better than one hidden under a factor.
 */
const SIGN_SPOTS: readonly { t: number; side: 1 | -1 }[] = [
  { t: 0.8, side: 1 }, { t: 0.7, side: 1 }, { t: 0.6, side: 1 }, { t: 0.5, side: 1 },
  { t: 0.8, side: -1 }, { t: 0.7, side: -1 }, { t: 0.6, side: -1 }, { t: 0.5, side: -1 },
  { t: 0.4, side: 1 }, { t: 0.4, side: -1 }, { t: 0.3, side: 1 }, { t: 0.3, side: -1 },
];

export interface LinkOptions {
  /**
   * Whether a sign centred at a point would sit on something (a factor, another sign): the sign then
   * moves back along the curve, then to its other side, to the first free spot. Signs hidden under
   * factors were a newcomer's complaint: the polarity is the point of the link.
   */
  blocked?: (p: Point) => boolean;
  /** How far the link bulges to the left of its travel, when not bendFor's (negative: to the right). */
  bend?: number;
  /** How far the bulge's peak moves towards the effect, as a share of the distance (negative: towards the cause). */
  skew?: number;
  /**
   * How far the arrowhead moves sideways along the effect's border, to the left of travel (map
   * units): several links arriving from one side otherwise met in one arrowhead.
   */
  endShift?: number;
}

/** A link's curve, a quadratic from `start` to `end`: where it leaves its cause and meets its effect. */
export interface Curve { start: Point; control: Point; end: Point; normal: Point }

/**
 * The curve from box to box bulging `bend` to the left of travel (null for a box to itself), its
 * peak moved `skew` of the way towards the target: a lopsided arc gets round a factor near one end.
 */
export function curveBetween(source: Box, target: Box, bend: number, skew = 0, endShift = 0): Curve | null {
  const s = centreOf(source);
  const t = centreOf(target);
  const dx = t.x - s.x;
  const dy = t.y - s.y;
  const distance = Math.hypot(dx, dy);
  if (distance < 1) return null;
  // The unit normal to the left of travel (screen coordinates, y down); opposite links get opposite normals.
  const normal = { x: dy / distance, y: -dx / distance };
  // Control point of a quadratic: twice the wanted bulge, since the curve reaches half-way to it.
  const control = { x: (s.x + t.x) / 2 + dx * skew + normal.x * bend * 2, y: (s.y + t.y) / 2 + dy * skew + normal.y * bend * 2 };
  return { start: boxExit(source, control, 0), control, end: boxExit(target, control, END_GAP, shiftedCentre(target, control, endShift)), normal };
}

/**
 * The box's centre moved `shift` across the line from `towards` to it (to the left of travel),
 * no further than keeps it a few units inside the box: the ray from there meets the border beside
 * where the ray from the centre would.
 */
function shiftedCentre(box: Box, towards: Point, shift: number): Point {
  const c = centreOf(box);
  if (shift === 0) return c;
  const dx = c.x - towards.x;
  const dy = c.y - towards.y;
  const length = Math.hypot(dx, dy);
  if (length < 1) return c;
  const across = { x: dy / length, y: -dx / length };
  const room = Math.min(
    across.x === 0 ? Infinity : (box.width / 2 - 4) / Math.abs(across.x),
    across.y === 0 ? Infinity : (box.height / 2 - 4) / Math.abs(across.y),
  );
  const by = Math.max(-room, Math.min(room, shift));
  return { x: c.x + across.x * by, y: c.y + across.y * by };
}

/** The point `t` of the way along a curve (0 its start, 1 its end). */
export function pointOnCurve(curve: Curve, t: number): Point {
  return quadAt(curve.start, curve.control, curve.end, t);
}

/** The distance between two boxes' centres, which sets how far a link between them bends. */
export function centreDistance(source: Box, target: Box): number {
  const s = centreOf(source);
  const t = centreOf(target);
  return Math.hypot(t.x - s.x, t.y - s.y);
}

export function linkGeometry(source: Box, target: Box, lane = 0, { blocked, bend, skew, endShift }: LinkOptions = {}): LinkGeometry {
  const curve = curveBetween(source, target, bend ?? bendFor(centreDistance(source, target), lane), skew, endShift);
  if (!curve) return selfLoopGeometry(source, lane);
  const { start, control, end, normal } = curve;
  const middle = quadAt(start, control, end, 0.5);
  const tangent = quadTangent(start, control, end, 0.5);
  // The sign keeps to the outside of the bend, whichever way the link bends.
  const outside = bend !== undefined && bend < 0 ? -1 : 1;
  const signAt = ({ t, side }: { t: number; side: number }) => {
    const base = quadAt(start, control, end, t);
    return { x: base.x + normal.x * LABEL_OFFSET * side * outside, y: base.y + normal.y * LABEL_OFFSET * side * outside };
  };
  const first = signAt(SIGN_SPOTS[0]!);
  const label = !blocked || !blocked(first) ? first : SIGN_SPOTS.slice(1).map(signAt).find((p) => !blocked(p)) ?? first;
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    path: `M ${r(start.x)} ${r(start.y)} Q ${r(control.x)} ${r(control.y)} ${r(end.x)} ${r(end.y)}`,
    label: round(label),
    middle: round(middle),
    angle: Math.round((Math.atan2(tangent.y, tangent.x) * 180) / Math.PI),
    end: round(end),
    along: alongTimes.map((t) => round(quadAt(start, control, end, t))),
  };
}

/** A factor influencing itself: a loop over its top edge, larger for each further self-link. */
export function selfLoopGeometry(box: Box, lane = 0): LinkGeometry {
  const c = centreOf(box);
  const spread = Math.min(box.width * 0.25, 40);
  const height = 54 + lane * 28;
  const top = box.y;
  const start = { x: c.x - spread, y: top };
  const end = { x: c.x + spread, y: top - END_GAP };
  const c1 = { x: c.x - spread - 30 - lane * 12, y: top - height };
  const c2 = { x: c.x + spread + 30 + lane * 12, y: top - height };
  const apex = { x: c.x, y: top - height * 0.75 };
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    path: `M ${r(start.x)} ${r(start.y)} C ${r(c1.x)} ${r(c1.y)} ${r(c2.x)} ${r(c2.y)} ${r(end.x)} ${r(end.y)}`,
    label: round({ x: end.x + 22, y: top - 22 }),
    middle: round(apex),
    angle: 0,
    end: round(end),
    along: alongTimes.map((t) => round(cubicAt(start, c1, c2, end, t))),
  };
}
