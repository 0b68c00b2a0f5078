import { describe, expect, it } from 'vitest';
import { NEW_FACTOR_SIZE, crosses, estimatedFactorSize, freeSpot, wrappedLines } from '../../src/app/canvas/placement';

const box = (x: number, y: number) => ({ x, y, width: NEW_FACTOR_SIZE.width, height: NEW_FACTOR_SIZE.height });

describe('placing a new factor', () => {
  it('takes the wanted spot when it is free', () => {
    expect(freeSpot({ x: 100, y: 100 }, [])).toEqual({ x: 100, y: 100 });
  });

  it('moves off a factor already there, to a spot that covers none', () => {
    const existing = [box(100, 100)];
    const spot = freeSpot({ x: 100, y: 100 }, existing);
    expect(spot).not.toEqual({ x: 100, y: 100 });
    expect(Math.abs(spot.x - 100) >= NEW_FACTOR_SIZE.width || Math.abs(spot.y - 100) >= NEW_FACTOR_SIZE.height).toBe(true);
  });

  it('keeps off a link that runs through the wanted spot', () => {
    const link = { from: { x: 0, y: 140 }, to: { x: 600, y: 140 } };
    const spot = freeSpot({ x: 200, y: 100 }, [], { links: [link] });
    expect(crosses(link, { ...spot, ...NEW_FACTOR_SIZE })).toBe(false);
    expect(spot.x).toBe(200); // straight above or below, the nearest ring
  });

  it('would rather sit across a link near where it was wanted than clear of links far away', () => {
    // Links every 100 units across the middle of the map: no spot within two rings is clear of them,
    // but further up and down there is room.
    const links = Array.from({ length: 10 }, (_, i) => ({ from: { x: -2000, y: -350 + i * 100 }, to: { x: 2400, y: -350 + i * 100 } }));
    const spot = freeSpot({ x: 200, y: 100 }, [box(200, 100)], { links });
    expect(Math.abs(spot.x - 200)).toBeLessThanOrEqual(2 * (NEW_FACTOR_SIZE.width + 24));
    expect(Math.abs(spot.y - 100)).toBeLessThanOrEqual(2 * (NEW_FACTOR_SIZE.height + 24));
    // With a clear spot near, it still takes that.
    const fewer = links.filter((l) => l.from.y !== -50 && l.from.y !== 50);
    const clear = freeSpot({ x: 200, y: 100 }, [box(200, 100)], { links: fewer });
    expect(fewer.some((l) => crosses(l, { ...clear, ...NEW_FACTOR_SIZE }))).toBe(false);
  });

  it('prefers a spot in view to a nearer one off screen', () => {
    const view = { x: 0, y: 0, width: 800, height: 600 };
    const spot = freeSpot({ x: 700, y: 100 }, [], { within: view });
    expect(spot.x + NEW_FACTOR_SIZE.width).toBeLessThanOrEqual(800);
    expect(spot.y).toBeGreaterThanOrEqual(0);
  });

  it('still finds a spot when the view is full', () => {
    const view = { x: 0, y: 0, width: 210, height: 90 };
    const spot = freeSpot({ x: 0, y: 0 }, [box(0, 0)], { within: view });
    expect(spot).not.toEqual({ x: 0, y: 0 });
  });
});

describe('the size of a factor not yet drawn', () => {
  it('wraps a label word by word, as the factor does', () => {
    // Drawn in five lines in Chromium: Dual-diagnosis / exclusion (MH care / only after cutting / down substance / use)
    expect(wrappedLines('Dual-diagnosis exclusion (MH care only after cutting down substance use)', 18)).toBe(5);
    expect(wrappedLines('a'.repeat(40), 18)).toBe(3);
    expect(wrappedLines('Trust', 18)).toBe(1);
    expect(wrappedLines('', 18)).toBe(1);
  });

  it('grows with a long label, so it is placed clear of its neighbours', () => {
    const long = estimatedFactorSize('Women-specific, gender- & culture-informed provision');
    expect(estimatedFactorSize('Trust')).toEqual(NEW_FACTOR_SIZE);
    expect(long.height).toBeGreaterThan(NEW_FACTOR_SIZE.height);
    // A factor 130 high wanted just above another: the default size would fit, this one must move.
    const below = box(0, 110);
    expect(freeSpot({ x: 0, y: 0 }, [below])).toEqual({ x: 0, y: 0 });
    const spot = freeSpot({ x: 0, y: 0 }, [below], { size: { width: 200, height: 130 } });
    expect(spot.y + 130 + 24 <= below.y || spot.y >= below.y + below.height || spot.x + 200 <= below.x || spot.x >= below.x + below.width).toBe(true);
  });
});

describe('crosses: does a link run through a box', () => {
  const b = { x: 100, y: 100, width: 100, height: 50 };
  it('through the middle', () => expect(crosses({ from: { x: 0, y: 125 }, to: { x: 300, y: 125 } }, b)).toBe(true));
  it('diagonally through a corner region', () => expect(crosses({ from: { x: 90, y: 0 }, to: { x: 210, y: 300 } }, b)).toBe(true));
  it('passing above', () => expect(crosses({ from: { x: 0, y: 20 }, to: { x: 300, y: 20 } }, b)).toBe(false));
  it('ending before it', () => expect(crosses({ from: { x: 0, y: 125 }, to: { x: 50, y: 125 } }, b)).toBe(false));
});
