import { describe, expect, it } from 'vitest';
import { toolbarSpot } from '../../src/app/canvas/toolbar-spot';

const view = { x: 0, y: 0, width: 1000, height: 800 };
const size = { width: 200, height: 50 };

describe('toolbarSpot: where a selected link’s toolbar goes', () => {
  it('goes below the middle when nothing is there', () => {
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [])).toEqual({ x: 400, y: 410 });
  });

  it('goes above when a factor is below the middle', () => {
    const below = { x: 420, y: 420, width: 160, height: 60 };
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [below])).toEqual({ x: 400, y: 340 });
  });

  it('goes to the side when factors are above and below', () => {
    const factors = [{ x: 420, y: 420, width: 160, height: 60 }, { x: 420, y: 320, width: 160, height: 60 }];
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, factors)).toEqual({ x: 510, y: 375 });
  });

  it('takes a corner when above, below and both sides are taken', () => {
    const factors = [
      { x: 480, y: 300, width: 25, height: 85 }, // above
      { x: 480, y: 415, width: 25, height: 65 }, // below
      { x: 250, y: 375, width: 230, height: 50 }, // left
      { x: 520, y: 395, width: 230, height: 30 }, // right
    ];
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, factors)).toEqual({ x: 510, y: 340 });
  });

  it('covers as little as it can when every spot covers something', () => {
    const everywhere = [
      { x: 300, y: 300, width: 400, height: 100 }, // above, fully
      { x: 300, y: 405, width: 400, height: 20 }, // below, partly
      { x: 700, y: 350, width: 40, height: 100 }, // right, partly
      { x: 250, y: 350, width: 40, height: 100 }, // left, partly
    ];
    // Below and to the left covers 190 × 15 of the strip below; straight below, 200 × 15.
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, everywhere)).toEqual({ x: 290, y: 410 });
  });

  it('stays inside the view near its edge', () => {
    expect(toolbarSpot({ x: 20, y: 790 }, size, 10, view, [])).toEqual({ x: 0, y: 750 });
  });

  it('is not shown for a link whose middle is out of view', () => {
    expect(toolbarSpot({ x: -5, y: 400 }, size, 10, view, [])).toBeNull();
  });
});
