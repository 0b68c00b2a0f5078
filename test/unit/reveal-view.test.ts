import { describe, expect, it } from 'vitest';
import { panToShow, zoomOutToKeep, zoomOutToKeepClear } from '../../src/app/canvas/reveal-view';
import { viewRect } from '../../src/app/canvas/culling';
import { containsRect } from '../../src/core/geometry/rect';

const canvas = { width: 1000, height: 600 };
const view = { x: 0, y: 0, zoom: 1 };

describe('bringing part of the map into view', () => {
  it('leaves the view alone when the area is in sight', () => {
    expect(panToShow(view, canvas, { x: 100, y: 100, width: 200, height: 100 }, 40)).toEqual(view);
  });

  it('moves only as far as needed, keeping the zoom: an arc above the top edge comes just inside it', () => {
    expect(panToShow(view, canvas, { x: 100, y: -50, width: 300, height: 120 }, 40)).toEqual({ x: 0, y: 90, zoom: 1 });
    expect(panToShow(view, canvas, { x: 900, y: 100, width: 200, height: 100 }, 40)).toEqual({ x: -140, y: 0, zoom: 1 });
  });

  it('works in map units at any zoom and pan', () => {
    // At zoom 2, map x 600 is canvas x 1200 + (-300) = 900; the area is 200 canvas pixels wide.
    expect(panToShow({ x: -300, y: 0, zoom: 2 }, canvas, { x: 600, y: 100, width: 100, height: 50 }, 40)).toEqual({ x: -440, y: 0, zoom: 2 });
  });

  it('gives up (so the caller zooms out) when the area cannot fit at this zoom', () => {
    expect(panToShow(view, canvas, { x: 0, y: 0, width: 960, height: 100 }, 40)).toBeNull();
  });

  it('moves the area out from under an overlay by the shorter way, staying in sight', () => {
    const overview = { x: 780, y: 430, width: 200, height: 150 };
    // The area sits above the overview's left part: moving it up is shorter than moving it left.
    const up = panToShow(view, canvas, { x: 700, y: 400, width: 150, height: 60 }, 40, [overview])!;
    const box = { x: 700 + up.x, y: 400 + up.y, width: 150, height: 60 };
    expect(box.y + box.height).toBeLessThanOrEqual(overview.y);
    expect(up.x).toBe(0);
    expect(up.y).toBe(-(460 - 430) - 20);
  });

  it('gives up when no move clears the overlays', () => {
    const wall = { x: 0, y: 0, width: 1000, height: 600 };
    expect(panToShow(view, canvas, { x: 100, y: 100, width: 50, height: 50 }, 40, [wall])).toBeNull();
  });
});

describe('showing something new without losing what was in sight', () => {
  const seen = { x: 40, y: 40, width: 900, height: 500 };

  it('zooms out as far as needed to show both, and no further', () => {
    const area = { x: 100, y: -160, width: 500, height: 100 };
    const kept = zoomOutToKeep(view, canvas, area, seen, 16, 0.75)!;
    expect(kept.zoom).toBeLessThan(1);
    expect(kept.zoom).toBeGreaterThanOrEqual(0.75);
    const sight = viewRect(kept, canvas);
    expect(containsRect(sight, area)).toBe(true);
    expect(containsRect(sight, seen)).toBe(true);
    // As far as needed: the two together fill the height less the margins.
    expect((seen.y + seen.height - area.y) * kept.zoom).toBeCloseTo(canvas.height - 32, 5);
  });

  it('keeps what was in sight where it was, moving only as far as the new area needs', () => {
    // What was seen sits left of the middle; the new factor goes just above it. Centring the two
    // together moved every factor sideways as well as down.
    const left = { x: 40, y: 60, width: 500, height: 500 };
    const above = { x: 200, y: -40, width: 150, height: 60 };
    const kept = zoomOutToKeep(view, canvas, above, left, 16, 0.75)!;
    expect(kept.zoom).toBeLessThan(1);
    const sight = viewRect(kept, canvas);
    expect(containsRect(sight, above)).toBe(true);
    expect(containsRect(sight, left)).toBe(true);
    const middleOnScreen = (v: typeof view) => ({ x: (left.x + left.width / 2) * v.zoom + v.x, y: (left.y + left.height / 2) * v.zoom + v.y });
    // Sideways, nothing needed to move: the middle of what was seen stays put.
    expect(middleOnScreen(kept).x).toBeCloseTo(middleOnScreen(view).x, 5);
    // Down, only as far as the new factor needs: it ends at the top margin.
    expect(above.y * kept.zoom + kept.y).toBeCloseTo(16, 5);
  });

  it('leaves a corner under a small overlay rather than lose what was in sight getting it out', () => {
    // What was seen fills the view from top to near the bottom; the new factor goes bottom right,
    // where a small button sits. Moving it out from under the button (up) would push the top of
    // what was seen out of view (as zoomOutToKeep followed by panToShow did).
    const full = { x: 40, y: 20, width: 900, height: 500 };
    const added = { x: 800, y: 530, width: 150, height: 60 };
    const button = { x: 880, y: 560, width: 110, height: 30 };
    const moved = panToShow(zoomOutToKeep(view, canvas, added, full, 16, 0.75)!, canvas, added, 16, [button])!;
    expect(containsRect(viewRect(moved, canvas), full)).toBe(false);
    const kept = zoomOutToKeepClear(view, canvas, added, full, 16, 0.75, [button])!;
    const sight = viewRect(kept, canvas);
    expect(containsRect(sight, full)).toBe(true);
    expect(containsRect(sight, added)).toBe(true);
    // Where nothing is lost by it, it still moves out from under the overlay.
    const small = { x: 300, y: 300, width: 300, height: 150 };
    const clear = zoomOutToKeepClear(view, canvas, { x: 850, y: 700, width: 150, height: 60 }, small, 16, 0.75, [{ x: 700, y: 540, width: 300, height: 60 }])!;
    const screen = { x: 850 * clear.zoom + clear.x, y: 700 * clear.zoom + clear.y, width: 150 * clear.zoom, height: 60 * clear.zoom };
    expect(screen.y + screen.height).toBeLessThanOrEqual(540);
    expect(containsRect(viewRect(clear, canvas), small)).toBe(true);
  });

  it('never zooms in, and gives up below the least zoom (the caller then moves the view)', () => {
    expect(zoomOutToKeep(view, canvas, { x: 100, y: 100, width: 10, height: 10 }, { x: 120, y: 100, width: 10, height: 10 }, 16, 0.75)!.zoom).toBe(1);
    expect(zoomOutToKeep(view, canvas, { x: 100, y: -900, width: 500, height: 100 }, seen, 16, 0.75)).toBeNull();
  });
});
