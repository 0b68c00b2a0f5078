import { describe, expect, it } from 'vitest';
import { signBlocker } from '../../src/app/canvas/sign-room';
import { linkGeometry } from '../../src/app/editor/edge-geometry';

describe('keeping polarity signs off factors', () => {
  const boxes = [{ x: 0, y: 0, width: 200, height: 80 }, { x: 1000, y: 1000, width: 200, height: 80 }];
  const blocked = signBlocker(boxes);

  it('says a sign on a factor, or touching its edge, is blocked, and one in the open is not', () => {
    expect(blocked({ x: 100, y: 40 })).toBe(true);
    expect(blocked({ x: 210, y: 40 })).toBe(true);
    expect(blocked({ x: 240, y: 40 })).toBe(false);
    expect(blocked({ x: 1199, y: 1079 })).toBe(true);
    expect(blocked({ x: 600, y: 600 })).toBe(false);
  });

  it('finds factors across grid cells', () => {
    const wide = signBlocker([{ x: 200, y: 200, width: 700, height: 60 }]);
    expect(wide({ x: 850, y: 230 })).toBe(true);
  });

  it('moves a link’s sign off a factor in its way, and leaves it where it was otherwise', () => {
    const a = { x: 0, y: 0, width: 200, height: 80 };
    const b = { x: 600, y: 0, width: 200, height: 80 };
    const free = linkGeometry(a, b, 0);
    // A factor right where the sign would go.
    const inTheWay = { x: free.label.x - 30, y: free.label.y - 20, width: 60, height: 40 };
    const moved = linkGeometry(a, b, 0, signBlocker([a, b, inTheWay]));
    expect(signBlocker([inTheWay])(moved.label)).toBe(false);
    expect(moved.label).not.toEqual(free.label);
    expect(linkGeometry(a, b, 0, signBlocker([a, b])).label).toEqual(free.label);
    // The line itself does not move.
    expect(moved.path).toBe(free.path);
  });
});
