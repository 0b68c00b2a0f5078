import type { Box, Point } from '../editor/edge-geometry';

/**
 * Where a link's toolbar goes, in map coordinates (its top-left corner), or null when the link's
 * middle is out of view. Tried in turn: below the middle, above, right, left, then the four
 * corners; the first that covers no factor wins, else the one covering the least. A spot is pulled inside the view, so
 * the toolbar is never half off screen. A newcomer found the toolbar hiding factor names.
 */
export function toolbarSpot(middle: Point, size: { width: number; height: number }, gap: number, view: Box, factors: Iterable<Box>): Point | null {
  if (!inside(middle, view)) return null;
  const { width, height } = size;
  const candidates: Point[] = [
    { x: middle.x - width / 2, y: middle.y + gap },
    { x: middle.x - width / 2, y: middle.y - gap - height },
    { x: middle.x + gap, y: middle.y - height / 2 },
    { x: middle.x - gap - width, y: middle.y - height / 2 },
    { x: middle.x + gap, y: middle.y - gap - height },
    { x: middle.x + gap, y: middle.y + gap },
    { x: middle.x - gap - width, y: middle.y - gap - height },
    { x: middle.x - gap - width, y: middle.y + gap },
  ].map((spot) => ({
    x: clamp(spot.x, view.x, view.x + view.width - width),
    y: clamp(spot.y, view.y, view.y + view.height - height),
  }));
  const boxes = [...factors];
  let best = candidates[0]!;
  let bestCovered = Infinity;
  for (const spot of candidates) {
    const covered = boxes.reduce((sum, box) => sum + overlap({ ...spot, width, height }, box), 0);
    if (covered === 0) return spot;
    if (covered < bestCovered) {
      best = spot;
      bestCovered = covered;
    }
  }
  return best;
}

/** Whether a point is in a box (edges included). */
export function inside(p: Point, r: Box): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
}

/** Keeps `value` in [low, high]; when the range is empty (a view narrower than the toolbar), `low`. */
function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, Math.max(low, high)));
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
