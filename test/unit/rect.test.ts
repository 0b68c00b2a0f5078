import { describe, expect, it } from 'vitest';
import { containsPoint, containsRect, distanceBetweenRects, distanceToRect, overlapArea, overlaps, squaredDistanceToRect } from '../../src/core/geometry/rect';
import { factorNear } from '../../src/app/canvas/drop-target';

const r = { x: 10, y: 20, width: 100, height: 50 };

describe('rectangles', () => {
  it('a point on the edge is inside; one past it is not', () => {
    expect(containsPoint(r, { x: 10, y: 20 })).toBe(true);
    expect(containsPoint(r, { x: 110, y: 70 })).toBe(true);
    expect(containsPoint(r, { x: 110.01, y: 70 })).toBe(false);
    expect(containsPoint(r, { x: 50, y: 19.99 })).toBe(false);
  });

  it('a rectangle is inside another when wholly within it, edges included', () => {
    expect(containsRect(r, r)).toBe(true);
    expect(containsRect(r, { x: 20, y: 30, width: 10, height: 10 })).toBe(true);
    expect(containsRect(r, { x: 20, y: 30, width: 91, height: 10 })).toBe(false);
    expect(containsRect({ x: 20, y: 30, width: 10, height: 10 }, r)).toBe(false);
  });

  it('touching edges do not overlap; sharing any area does, and how much is measured', () => {
    const right = { x: 110, y: 20, width: 30, height: 50 };
    expect(overlaps(r, right)).toBe(false);
    expect(overlapArea(r, right)).toBe(0);
    const across = { x: 100, y: 60, width: 30, height: 30 };
    expect(overlaps(r, across)).toBe(true);
    expect(overlaps(across, r)).toBe(true);
    expect(overlapArea(r, across)).toBe(10 * 10);
    expect(overlapArea(r, { x: 500, y: 500, width: 1, height: 1 })).toBe(0);
  });

  it('the distance from a point to a rectangle is 0 inside and on the edge, straight out beside it, and to the corner beyond it', () => {
    expect(distanceToRect(r, { x: 50, y: 40 })).toBe(0);
    expect(distanceToRect(r, { x: 110, y: 70 })).toBe(0);
    expect(distanceToRect(r, { x: 130, y: 40 })).toBe(20);
    expect(distanceToRect(r, { x: 50, y: 5 })).toBe(15);
    expect(distanceToRect(r, { x: 113, y: 74 })).toBe(5);
    expect(distanceToRect(r, { x: 7, y: 16 })).toBe(5);
    // Its square, for comparing with a squared radius without the root.
    expect(squaredDistanceToRect(r, { x: 113, y: 74 })).toBe(25);
    expect(squaredDistanceToRect(r, { x: 130, y: 40 })).toBe(400);
    expect(squaredDistanceToRect(r, { x: 50, y: 40 })).toBe(0);
  });

  it('the distance between two rectangles is 0 when they touch or overlap, straight across beside, corner to corner beyond', () => {
    expect(distanceBetweenRects(r, { x: 50, y: 40, width: 10, height: 10 })).toBe(0);
    expect(distanceBetweenRects(r, { x: 110, y: 15, width: 10, height: 10 })).toBe(0);
    expect(distanceBetweenRects(r, { x: 130, y: 20, width: 10, height: 10 })).toBe(20);
    expect(distanceBetweenRects({ x: 130, y: 20, width: 10, height: 10 }, r)).toBe(20);
    expect(distanceBetweenRects(r, { x: 113, y: 74, width: 5, height: 5 })).toBe(5);
  });
});

describe('where a link let go of beside a factor goes', () => {
  const boxes: [string, typeof r][] = [
    ['a', { x: 0, y: 0, width: 150, height: 60 }],
    ['b', { x: 300, y: 0, width: 150, height: 60 }],
  ];
  it('to the nearest factor within reach, never back to the one it comes from', () => {
    expect(factorNear({ x: 170, y: 30 }, boxes, 28, 'x')).toBe('a');
    expect(factorNear({ x: 280, y: 30 }, boxes, 28, 'x')).toBe('b');
    // Between the two, nearer b.
    expect(factorNear({ x: 230, y: 30 }, boxes, 100, 'x')).toBe('b');
    expect(factorNear({ x: 170, y: 30 }, boxes, 28, 'a')).toBeNull();
  });
  it('to none when every factor is out of reach', () => {
    expect(factorNear({ x: 225, y: 30 }, boxes, 28, 'x')).toBeNull();
    expect(factorNear({ x: 75, y: 120 }, boxes, 28, 'x')).toBeNull();
    expect(factorNear({ x: 75, y: 80 }, [], 28, 'x')).toBeNull();
  });
});
