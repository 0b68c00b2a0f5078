import { distanceToRect, type Point, type Rect } from '../../core/geometry/rect';

/**
 * How near a factor a link may be let go of and still reach it, in screen pixels. The whole
 * factor takes a dropped link; a newcomer letting go just beside it (a little short, or past its
 * edge) otherwise got a new, empty factor there instead of the link they meant.
 */
export const DROP_REACH_PX = 28;

/**
 * The factor a link let go of at `at` (map units) is meant for: the nearest whose box is within
 * `reach` map units, other than the one the link comes from. Null when none is near enough.
 */
export function factorNear(at: Point, boxes: Iterable<readonly [string, Rect]>, reach: number, from: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const [id, box] of boxes) {
    if (id === from) continue;
    const distance = distanceToRect(box, at);
    if (distance <= reach && distance < bestDistance) {
      best = id;
      bestDistance = distance;
    }
  }
  return best;
}
