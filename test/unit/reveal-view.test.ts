import { describe, expect, it } from 'vitest';
import { panToShow } from '../../src/app/canvas/reveal-view';

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
