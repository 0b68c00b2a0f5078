import type { Box, Point } from '../editor/edge-geometry';

/** A polarity sign's radius on the canvas (LinkLayer draws its disc 13 across), with a little air. */
const SIGN_RADIUS = 15;
/** Grid cells for finding the factors near a point without looking at all of them. */
const CELL = 256;

/**
 * Whether a polarity sign centred at a point would sit on a factor: for linkGeometry, which moves
 * a sign that would. The factors are put in a grid once, so each test looks at a few of them.
 */
export function signBlocker(factors: Iterable<Box>): (p: Point) => boolean {
  const cells = new Map<string, Box[]>();
  for (const box of factors) {
    for (let cx = Math.floor((box.x - SIGN_RADIUS) / CELL); cx <= Math.floor((box.x + box.width + SIGN_RADIUS) / CELL); cx++) {
      for (let cy = Math.floor((box.y - SIGN_RADIUS) / CELL); cy <= Math.floor((box.y + box.height + SIGN_RADIUS) / CELL); cy++) {
        const key = `${cx},${cy}`;
        const list = cells.get(key);
        if (list) list.push(box);
        else cells.set(key, [box]);
      }
    }
  }
  return (p) => (cells.get(`${Math.floor(p.x / CELL)},${Math.floor(p.y / CELL)}`) ?? []).some((box) => touches(p, box));
}

/** Whether a circle of SIGN_RADIUS at `p` meets the box. */
function touches(p: Point, box: Box): boolean {
  const nearestX = Math.max(box.x, Math.min(p.x, box.x + box.width));
  const nearestY = Math.max(box.y, Math.min(p.y, box.y + box.height));
  return (p.x - nearestX) ** 2 + (p.y - nearestY) ** 2 < SIGN_RADIUS ** 2;
}
