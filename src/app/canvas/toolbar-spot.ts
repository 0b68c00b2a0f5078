import { boundsOfBoxes, containsPoint, overlapArea, overlaps, squaredDistanceToRect } from '../../core/geometry/rect';
import type { Box, LinkGeometry, Point } from '../editor/edge-geometry';
import { knobBox } from './knob';

/**
 * How many rings of spots are tried: beside the link's middle, then one toolbar height further out.
 * No further: a newcomer hunted for a toolbar that had gone far from its link, and took it for
 * something else.
 */
const RINGS = 2;

/** Shares of the way along the line, besides its middle, beside which the toolbar may also go. */
const OTHER_ANCHORS = [0.3, 0.7];

/**
 * Where a link's toolbar goes, in map coordinates (its top-left corner), or null when the link's
 * middle is out of view. Spots lie on rings around the link's middle, and beside two other points
 * of its line (`line`: points along it, end to end); on each ring it tries below, above, right,
 * left, then the four corners. A spot is pulled inside the view, so the toolbar is never half off
 * screen. It must cover nothing in `obstacles` (factors and their → knobs, the link's sign, the
 * zoom buttons and the overview map) nor the link's own line, and be nearer its own line than any
 * other (`otherLines`), so that it reads as this link's. Preferred in turn, among such spots: one
 * beside the link clear of other lines too; one beside the link over other lines; one a ring
 * further out clear of other lines. Failing those, any spot clear of obstacles, nearest its own
 * line first; else the one covering the least, off its own line if it can be.
 *
 * Newcomers found the toolbar hiding factor names, the knob they were about to drag, the very link
 * and sign it edits, and the other links they were about to click next; and, put clear of all
 * that but nearer another link (its clear spot pulled back inside the view), they took it for
 * that link's (the thirteenth round).
 */
export function toolbarSpot(
  middle: Point,
  size: { width: number; height: number },
  gap: number,
  view: Box,
  obstacles: Iterable<Box>,
  line: readonly Point[] = [],
  otherLines: Iterable<readonly Point[]> = [],
): Point | null {
  if (!containsPoint(view, middle)) return null;
  const { width, height } = size;
  const inView = (spot: Point) => ({
    x: clamp(spot.x, view.x, view.x + view.width - width),
    y: clamp(spot.y, view.y, view.y + view.height - height),
  });
  const anchors = [middle, ...(line.length > 1 ? OTHER_ANCHORS.map((t) => line[Math.round(t * (line.length - 1))]!).filter((p) => containsPoint(view, p)) : [])];
  const beside = anchors.flatMap((anchor) => ringSpots(anchor, size, gap).map(inView));
  const further = Array.from({ length: RINGS - 1 }, (_, ring) => ringSpots(middle, size, gap + (ring + 1) * height).map(inView)).flat();
  const all = [...beside, ...further];
  // Only the obstacles and the points of other lines that some spot could come near: a large map
  // has thousands of factors and signs and tens of thousands of points.
  const spots = boundsOfBoxes(all.map((spot) => ({ ...spot, width, height })))!;
  const area = { x: spots.x - width, y: spots.y - height, width: spots.width + 2 * width, height: spots.height + 2 * height };
  const boxes = [...obstacles].filter((box) => overlaps(box, spots));
  const boxAt = (spot: Point) => ({ ...spot, width, height });
  const covered = (spot: Point) => boxes.reduce((sum, box) => sum + overlapArea(boxAt(spot), box), 0);
  const onLine = (spot: Point) => line.some((p) => containsPoint(boxAt(spot), p));
  const nearby: Point[] = [];
  for (const other of otherLines) for (const p of other) if (containsPoint(area, p)) nearby.push(p);
  const onOthers = (spot: Point) => nearby.some((p) => containsPoint(boxAt(spot), p));
  const own = line.length > 0 ? line : [middle];
  const ownDistance = (spot: Point) => nearestDistance(boxAt(spot), own);
  // Its own line the nearest, or nearly: by a crowded link a spot right beside it may lie over another line.
  const isOwn = (spot: Point) => ownDistance(spot) <= nearestDistance(boxAt(spot), nearby) + gap + height / 4;
  const free = (spot: Point) => covered(spot) === 0 && !onLine(spot);
  const found = beside.find((spot) => free(spot) && !onOthers(spot) && isOwn(spot))
    ?? beside.find((spot) => free(spot) && isOwn(spot))
    ?? further.find((spot) => free(spot) && !onOthers(spot) && isOwn(spot));
  if (found) return found;
  const clear = all.filter((spot) => covered(spot) === 0);
  if (clear.length > 0) return clear.reduce((best, spot) => (ownDistance(spot) < ownDistance(best) ? spot : best));
  // Everything covers something: the least, and of its own line only half as bad as of a factor.
  const cost = (spot: Point) => covered(spot) + (onLine(spot) ? (width * height) / 2 : 0);
  return all.reduce((best, spot) => (cost(spot) < cost(best) ? spot : best));
}

/** How near the closest of `points` comes to `box` (Infinity when there are none). */
function nearestDistance(box: Box, points: readonly Point[]): number {
  let least = Infinity;
  for (const p of points) least = Math.min(least, squaredDistanceToRect(box, p));
  return Math.sqrt(least);
}

/** Screen pixels around the centre of the link's own sign that its toolbar keeps clear of. */
const SIGN_REACH = 16;
/** How far a sign reaches from its centre in map units (its disc, r = 13, and its ring). */
const SIGN_RADIUS = 15;

/**
 * What a link's toolbar keeps off (toolbarSpot's `obstacles` and `otherLines`), at `zoom`: the
 * factors, the link's own sign (clicked as often as the toolbar), the zoom buttons and overview
 * map (`overlays`), every other link's sign (a newcomer found one hidden), and, where it can, the
 * other links' lines.
 */
export function toolbarObstacles(
  id: string,
  routes: ReadonlyMap<string, LinkGeometry>,
  factors: Iterable<Box>,
  overlays: readonly Box[],
  zoom: number,
): { obstacles: Box[]; otherLines: (readonly Point[])[] } {
  const signBox = (p: Point, reach: number) => ({ x: p.x - reach, y: p.y - reach, width: 2 * reach, height: 2 * reach });
  const own = routes.get(id);
  const obstacles: Box[] = [...overlays];
  // Each factor and its → knob, which stands out from its right edge: a newcomer found the
  // toolbar over the knob they were about to drag the next link from.
  for (const factor of factors) obstacles.push(factor, knobBox(factor));
  if (own) obstacles.push(signBox(own.label, Math.max(SIGN_REACH / zoom, SIGN_RADIUS)));
  const otherLines: (readonly Point[])[] = [];
  for (const [other, geometry] of routes) {
    if (other === id) continue;
    obstacles.push(signBox(geometry.label, SIGN_RADIUS));
    otherLines.push(geometry.along);
  }
  return { obstacles, otherLines };
}

/** The eight spots `distance` from the middle: below, above, right, left, then the corners. */
function ringSpots(middle: Point, { width, height }: { width: number; height: number }, distance: number): Point[] {
  return [
    { x: middle.x - width / 2, y: middle.y + distance },
    { x: middle.x - width / 2, y: middle.y - distance - height },
    { x: middle.x + distance, y: middle.y - height / 2 },
    { x: middle.x - distance - width, y: middle.y - height / 2 },
    { x: middle.x + distance, y: middle.y - distance - height },
    { x: middle.x + distance, y: middle.y + distance },
    { x: middle.x - distance - width, y: middle.y - distance - height },
    { x: middle.x - distance - width, y: middle.y + distance },
  ];
}

/** Keeps `value` in [low, high]; when the range is empty (a view narrower than the toolbar), `low`. */
function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, Math.max(low, high)));
}

