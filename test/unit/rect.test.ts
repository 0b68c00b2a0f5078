import { describe, expect, it } from 'vitest';
import { containsPoint, containsRect, overlapArea, overlaps } from '../../src/core/geometry/rect';

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
});
