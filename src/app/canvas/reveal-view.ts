import { boundsOfBoxes, containsRect, overlapArea, overlaps } from '../../core/geometry/rect';
import { viewRect, type Rect, type ViewportLike } from './culling';

/**
 * The least move of the view that brings `area` (map units) into sight, keeping the zoom, in the
 * way a browser scrolls a field into view: only as far as needed, never re-centring. A newcomer
 * drew a link whose arc rose above the top of the view, and the view centred it: every factor
 * leapt from where they had put it. Sight is the canvas less `margin` pixels at each edge, and
 * less the overlays (`covered`, in canvas pixels: the overview map, the zoom buttons), which the
 * area is moved out from under, by the shorter way that keeps it in sight.
 *
 * Returns the viewport unchanged when the area is already in sight, and null when it cannot be
 * brought into sight at this zoom (the caller then zooms out to fit it).
 */
export function panToShow(view: ViewportLike, canvas: { width: number; height: number }, area: Rect, margin: number, covered: readonly Rect[] = []): ViewportLike | null {
  const { zoom } = view;
  const width = area.width * zoom;
  const height = area.height * zoom;
  if (width > canvas.width - 2 * margin || height > canvas.height - 2 * margin) return null;
  const left = area.x * zoom + view.x;
  const top = area.y * zoom + view.y;
  const dx = shift(left, width, margin, canvas.width - margin);
  const dy = shift(top, height, margin, canvas.height - margin);
  const moved = { x: left + dx, y: top + dy, width, height };
  const under = covered.filter((c) => overlaps(c, moved));
  if (under.length === 0) return { x: view.x + dx, y: view.y + dy, zoom };
  // Out from under the overlays: try each way past each of them, the shortest that works.
  const candidates: { dx: number; dy: number }[] = [];
  for (const c of under) {
    candidates.push(
      { dx: dx + (c.x - margin / 2 - (moved.x + width)), dy },
      { dx: dx + (c.x + c.width + margin / 2 - moved.x), dy },
      { dx, dy: dy + (c.y - margin / 2 - (moved.y + height)) },
      { dx, dy: dy + (c.y + c.height + margin / 2 - moved.y) },
    );
  }
  const fits = candidates
    .map((c) => ({ ...c, box: { x: left + c.dx, y: top + c.dy, width, height } }))
    .filter(({ box }) => box.x >= margin && box.y >= margin && box.x + width <= canvas.width - margin && box.y + height <= canvas.height - margin
      && !covered.some((c) => overlaps(c, box)))
    .sort((a, b) => Math.hypot(a.dx, a.dy) - Math.hypot(b.dx, b.dy));
  const best = fits[0];
  return best ? { x: view.x + best.dx, y: view.y + best.dy, zoom } : null;
}

/** How far a span at `start` of `length` must move to lie within [low, high] (which it fits). */
function shift(start: number, length: number, low: number, high: number): number {
  if (start < low) return low - start;
  if (start + length > high) return high - (start + length);
  return 0;
}

/**
 * A view that shows `area` without losing what was in sight (`seen`, map units): the zoom is
 * lowered as far as needed, but not below `floor`. Null when they do not fit together at `floor`
 * (the caller then moves the view instead). Quick entry on a full view moved the view to each new
 * factor, and a newcomer lost sight of what they had drawn before (the ninth round); zooming out a
 * little keeps it, while the text stays readable.
 *
 * What was in sight shrinks towards its own middle, which stays where it was on screen, and the
 * view then moves only as far as the new area needs. Centring the two together instead moved
 * every factor sideways for a factor added above them, and the map "shuffled round" (the tenth).
 */
export function zoomOutToKeep(view: ViewportLike, canvas: { width: number; height: number }, area: Rect, seen: Rect | null, margin: number, floor: number): ViewportLike | null {
  const both = seen ? boundsOfBoxes([area, seen])! : area;
  const room = { width: canvas.width - 2 * margin, height: canvas.height - 2 * margin };
  if (room.width <= 0 || room.height <= 0) return null;
  const zoom = Math.min(view.zoom, room.width / both.width, room.height / both.height);
  if (zoom < floor) return null;
  const still = seen ?? area;
  const axis = (offset: number, middle: number, start: number, length: number, size: number) => {
    // Where the middle of what was seen is on screen now, and the offset that keeps it there.
    const kept = middle * view.zoom + offset - middle * zoom;
    // The offsets that keep both within the margins: never empty, as the zoom makes both fit.
    const low = margin - start * zoom;
    const high = size - margin - (start + length) * zoom;
    return Math.min(Math.max(kept, low), high);
  };
  return {
    x: axis(view.x, still.x + still.width / 2, both.x, both.width, canvas.width),
    y: axis(view.y, still.y + still.height / 2, both.y, both.height, canvas.height),
    zoom,
  };
}

/**
 * zoomOutToKeep, then out from under the overlays (`covered`, canvas pixels: the overview map and
 * its button, the zoom buttons) where that keeps what was seen in sight too. Where it would not,
 * the view stays put if most of the area shows: a newcomer lost the whole top row of their map
 * so that a new factor's corner would not sit under the small "Show overview" button (the
 * thirteenth round). Null as zoomOutToKeep.
 */
export function zoomOutToKeepClear(view: ViewportLike, canvas: { width: number; height: number }, area: Rect, seen: Rect | null, margin: number, floor: number, covered: readonly Rect[]): ViewportLike | null {
  const kept = zoomOutToKeep(view, canvas, area, seen, margin, floor);
  if (!kept) return null;
  const clear = panToShow(kept, canvas, area, margin, covered);
  if (clear && (!seen || containsRect(viewRect(clear, canvas), seen))) return clear;
  const onScreen = { x: area.x * kept.zoom + kept.x, y: area.y * kept.zoom + kept.y, width: area.width * kept.zoom, height: area.height * kept.zoom };
  const hidden = covered.reduce((sum, c) => sum + overlapArea(onScreen, c), 0);
  return hidden <= (onScreen.width * onScreen.height) / 2 ? kept : clear;
}
