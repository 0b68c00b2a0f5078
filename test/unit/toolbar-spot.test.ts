import { describe, expect, it } from 'vitest';
import { toolbarObstacles, toolbarSpot } from '../../src/app/canvas/toolbar-spot';
import { linkGeometry } from '../../src/app/editor/edge-geometry';

const view = { x: 0, y: 0, width: 1000, height: 800 };
const size = { width: 200, height: 50 };

/**
 * Factors close around the point (500, 400) on four sides: a bar above, a bar below `below` tall
 * (from y 410), and a post each side reaching down as far as the lower bar.
 */
function frameAroundMiddle(below: number) {
  return [
    { x: 300, y: 330, width: 400, height: 60 },
    { x: 300, y: 410, width: 400, height: below },
    { x: 250, y: 330, width: 40, height: 80 + below },
    { x: 710, y: 330, width: 40, height: 80 + below },
  ];
}

describe('toolbarSpot: where a selected link’s toolbar goes', () => {
  it('goes below the middle when nothing is there', () => {
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [])).toEqual({ x: 400, y: 410 });
  });

  it('keeps off another link’s line: above when one runs just below the middle', () => {
    // A line across the view 30 below the middle, where the toolbar would go.
    const other = Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 430 }));
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [], [], [other])).toEqual({ x: 400, y: 340 });
  });

  it('would rather cover another link’s line beside its own than go far from it or cover a factor', () => {
    // Lines above and below and a factor to each side: every spot near the middle covers something.
    const lines = [Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 430 })), Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 370 }))];
    const farBelow = Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 480 }));
    const farAbove = Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 320 }));
    const sides = [{ x: 300, y: 392, width: 180, height: 16 }, { x: 520, y: 392, width: 180, height: 16 }];
    const spot = toolbarSpot({ x: 500, y: 400 }, size, 10, view, sides, [], [...lines, farBelow, farAbove])!;
    const covers = (b: { x: number; y: number; width: number; height: number }) => spot.x < b.x + b.width && spot.x + size.width > b.x && spot.y < b.y + b.height && spot.y + size.height > b.y;
    expect(sides.some(covers)).toBe(false);
    expect(spot).toEqual({ x: 400, y: 410 });
  });

  it('goes above when a factor is below the middle', () => {
    const below = { x: 420, y: 420, width: 160, height: 60 };
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [below])).toEqual({ x: 400, y: 340 });
  });

  it('goes to the side when factors are above and below', () => {
    const factors = [{ x: 460, y: 430, width: 80, height: 60 }, { x: 460, y: 310, width: 80, height: 60 }];
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

  it('moves further out when every spot beside the middle covers a factor', () => {
    // A frame of factors close around the middle: every spot beside it covers one, the next ring
    // out is clear below.
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, frameAroundMiddle(40))).toEqual({ x: 400, y: 460 });
  });

  it('goes no further than one ring out, covering as little as it can rather than leave its link', () => {
    // Clear only two rings out (below, from y 510): it stays nearer and covers a sliver instead.
    const spot = toolbarSpot({ x: 500, y: 400 }, size, 10, view, frameAroundMiddle(95))!;
    expect(spot.y).toBeLessThan(510);
  });

  it('keeps off the link it edits when a spot beside it is clear of that too', () => {
    // The link runs diagonally through its middle: below, above and both sides all lie on it.
    const line = Array.from({ length: 21 }, (_, i) => ({ x: 300 + i * 20, y: 300 + i * 10 }));
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [], line)).toEqual({ x: 510, y: 340 });
  });

  it('goes beside another point of its line when every spot by the middle covers a factor', () => {
    // A long link passing under a factor at its middle: beside the point 30 % along, above it and
    // to the left, is clear of the factor and of the line.
    const line = Array.from({ length: 21 }, (_, i) => ({ x: i * 50, y: 400 }));
    const factor = { x: 390, y: 280, width: 230, height: 240 };
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, [factor], line)).toEqual({ x: 90, y: 340 });
  });

  it('covers as little as it can when every spot covers something', () => {
    // Two factors fill the view but for a strip 20 wide; a spot straddling the strip covers least.
    const everywhere = [{ x: 0, y: 0, width: 390, height: 800 }, { x: 410, y: 0, width: 590, height: 800 }];
    expect(toolbarSpot({ x: 500, y: 400 }, size, 10, view, everywhere)).toEqual({ x: 290, y: 375 });
  });

  it('stays beside its own link, over another link’s line, rather than go clear of everything but nearer that link', () => {
    // Its link runs left to right through (500, 150); another runs along y = 100, just above. A
    // factor below and one each side take every other spot beside it. One ring further out,
    // above, is clear of everything, but 10 from the other link and 60 from its own: the
    // toolbar there read as the other link's (the newcomers' thirteenth round).
    const line = Array.from({ length: 41 }, (_, i) => ({ x: 300 + i * 10, y: 150 }));
    const other = Array.from({ length: 41 }, (_, i) => ({ x: 300 + i * 10, y: 100 }));
    const factors = [{ x: 250, y: 170, width: 500, height: 40 }, { x: 300, y: 120, width: 40, height: 60 }, { x: 660, y: 120, width: 40, height: 60 }];
    const spot = toolbarSpot({ x: 500, y: 150 }, size, 10, view, factors, line, [other])!;
    const box = { ...spot, ...size };
    const distanceTo = (points: { x: number; y: number }[]) => Math.min(...points.map((p) => Math.hypot(Math.max(box.x - p.x, 0, p.x - box.x - box.width), Math.max(box.y - p.y, 0, p.y - box.y - box.height))));
    expect(distanceTo(line)).toBeLessThanOrEqual(10);
    expect(factors.some((f) => box.x < f.x + f.width && box.x + box.width > f.x && box.y < f.y + f.height && box.y + box.height > f.y)).toBe(false);
  });

  it('stays inside the view near its edge', () => {
    expect(toolbarSpot({ x: 20, y: 790 }, size, 10, view, [])).toEqual({ x: 0, y: 750 });
  });

  it('is not shown for a link whose middle is out of view', () => {
    expect(toolbarSpot({ x: -5, y: 400 }, size, 10, view, [])).toBeNull();
  });
});

describe('toolbarObstacles: what a link’s toolbar keeps off', () => {
  const a = { x: 0, y: 0, width: 160, height: 60 };
  const b = { x: 500, y: 0, width: 160, height: 60 };
  const c = { x: 250, y: 300, width: 160, height: 60 };
  const routes = new Map([['ab', linkGeometry(a, b, 0)], ['bc', linkGeometry(b, c, 0)], ['ca', linkGeometry(c, a, 0)]]);
  const overlay = { x: 900, y: 600, width: 200, height: 150 };
  const covers = (box: { x: number; y: number; width: number; height: number }, p: { x: number; y: number }) => p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height;

  it('factors and their knobs, overlays, its own sign and every other sign; the other links’ lines, not its own', () => {
    const { obstacles, otherLines } = toolbarObstacles('ab', routes, [a, b, c], [overlay], 1);
    expect(obstacles).toEqual(expect.arrayContaining([a, b, c, overlay]));
    // The → knob standing out from each factor's right edge, at its middle.
    for (const factor of [a, b, c]) expect(obstacles.some((o) => covers(o, { x: factor.x + factor.width + 20, y: factor.y + factor.height / 2 })), 'knob').toBe(true);
    for (const id of ['ab', 'bc', 'ca']) expect(obstacles.some((o) => covers(o, routes.get(id)!.label)), id).toBe(true);
    expect(obstacles).toHaveLength(1 + 3 + 3 + 3);
    expect(otherLines).toEqual([routes.get('bc')!.along, routes.get('ca')!.along]);
  });

  it('keeps further from its own sign when zoomed out, never less than the sign itself', () => {
    const far = toolbarObstacles('ab', routes, [], [], 0.25).obstacles[0]!;
    const near = toolbarObstacles('ab', routes, [], [], 4).obstacles[0]!;
    expect(far.width).toBe(2 * 16 / 0.25);
    expect(near.width).toBe(30);
  });
});
