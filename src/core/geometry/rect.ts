/**
 * Axis-aligned rectangles and points in map units (or screen pixels: the maths is the same).
 * One home for the tests that placement, sections, culling, the overview and the link toolbar
 * all make, so that "inside" and "overlapping" mean one thing everywhere.
 */

export interface Point { x: number; y: number }
export interface Rect { x: number; y: number; width: number; height: number }

/** Whether a point lies in a rectangle, edges included. */
export function containsPoint(r: Rect, p: Point): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
}

/** Whether `inner` lies wholly inside `outer`, edges included. */
export function containsRect(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y
    && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** Whether two rectangles share any area (touching edges do not). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

/** The area two rectangles share: 0 when they only touch or are apart. */
export function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** The middle of a rectangle. */
export function centreOf(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

/** The smallest rectangle holding every box, or null for none. */
export function boundsOfBoxes(boxes: Iterable<Rect>): Rect | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const { x, y, width, height } of boxes) {
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
  }
  return left === Infinity ? null : { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The square of how far a point is from a rectangle: 0 inside or on its edge. Without the square
 * root, for tests on hot paths (routing every link) that only compare it with a squared radius.
 */
export function squaredDistanceToRect(r: Rect, p: Point): number {
  const dx = Math.max(r.x - p.x, 0, p.x - (r.x + r.width));
  const dy = Math.max(r.y - p.y, 0, p.y - (r.y + r.height));
  return dx * dx + dy * dy;
}

/** How far a point is from a rectangle: 0 inside or on its edge. */
export function distanceToRect(r: Rect, p: Point): number {
  return Math.sqrt(squaredDistanceToRect(r, p));
}

/** How far apart two rectangles are at their nearest: 0 when they touch or overlap. */
export function distanceBetweenRects(a: Rect, b: Rect): number {
  const dx = Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width), 0);
  const dy = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height), 0);
  return Math.hypot(dx, dy);
}
