import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { boxExit, linkGeometry, selfLoopGeometry } from '../../src/app/editor/edge-geometry';
import { ARRANGEMENTS, bestLayout, fittedScale, fromElkGraph, toElkGraph, type LayoutInput } from '../../src/app/editor/layout-graph';
import { estimatedFactorSize } from '../../src/app/canvas/placement';
import example from '../../server/templates/women-services.json' with { type: 'json' };
import { firstInReadingOrder, nearestInDirection } from '../../src/app/editor/navigation';
import { sectionAround, sectionAt, sectionMembers } from '../../src/app/editor/sections';

const A = { x: 0, y: 0, width: 200, height: 80 };
const B = { x: 500, y: 0, width: 200, height: 80 };

function controlPoint(path: string): { x: number; y: number } {
  const m = /Q ([-\d.]+) ([-\d.]+)/.exec(path)!;
  return { x: Number(m[1]), y: Number(m[2]) };
}

describe('link geometry', () => {
  it('curves, and draws A→B and B→A on opposite sides', () => {
    const ab = linkGeometry(A, B);
    const ba = linkGeometry(B, A);
    // Both bend away from the straight line between the centres (y = 40), to opposite sides.
    expect(controlPoint(ab.path).y).toBeLessThan(40);
    expect(controlPoint(ba.path).y).toBeGreaterThan(40);
    // The line starts on A's border and ends just outside B's.
    expect(ab.path.startsWith('M 200')).toBe(false);
    const [, sx, sy] = /^M ([-\d.]+) ([-\d.]+)/.exec(ab.path)!.map(Number);
    expect(sx! >= 0 && sx! <= 200 && sy! >= 0 && sy! <= 80).toBe(true);
    const inside = (p: { x: number; y: number }, g: number) => p.x >= B.x - g && p.x <= B.x + B.width + g && p.y >= B.y - g && p.y <= B.y + B.height + g;
    expect(inside(ab.end, 0)).toBe(false);
    expect(inside(ab.end, 4.5)).toBe(true);
    // The polarity sign sits near the arrowhead, the delay mark mid-way.
    expect(ab.label.x).toBeGreaterThan(ab.middle.x);
    expect(Math.abs(ab.angle)).toBeLessThan(90);
  });

  it('fans out further links between the same pair', () => {
    const first = controlPoint(linkGeometry(A, B, 0).path);
    const second = controlPoint(linkGeometry(A, B, 1).path);
    expect(second.y).toBeLessThan(first.y - 30);
  });

  it('draws a link from a factor to itself as a loop above it', () => {
    const loop = selfLoopGeometry(A);
    expect(loop.path).toMatch(/^M .* C /);
    expect(loop.middle.y).toBeLessThan(A.y);
    expect(linkGeometry(A, A).path).toBe(loop.path);
    expect(selfLoopGeometry(A, 1).middle.y).toBeLessThan(loop.middle.y);
  });

  it('finds where a ray leaves a box', () => {
    expect(boxExit(A, { x: 1000, y: 40 })).toEqual({ x: 200, y: 40 });
    expect(boxExit(A, { x: 100, y: -500 }, 4)).toEqual({ x: 100, y: -4 });
  });
});

describe('sections by geometry', () => {
  const outer = { id: 'outer', x: 0, y: 0, width: 1000, height: 1000 };
  const inner = { id: 'inner', x: 100, y: 100, width: 300, height: 300 };
  it('a factor belongs to the smallest section containing its centre', () => {
    expect(sectionAt([outer, inner], 200, 200)?.id).toBe('inner');
    expect(sectionAt([outer, inner], 800, 800)?.id).toBe('outer');
    expect(sectionAt([outer, inner], 2000, 0)).toBeNull();
  });
  it('moving a section takes its factors and the sections wholly inside it', () => {
    const members = sectionMembers(outer, [
      { id: 'a', centre: { x: 200, y: 200 } },
      { id: 'b', centre: { x: 1200, y: 200 } },
    ], [outer, inner]);
    expect(members).toEqual({ factorIds: ['a'], sectionIds: ['inner'] });
  });
  it('wraps selected factors with room for the title', () => {
    expect(sectionAround([{ x: 0, y: 0, width: 100, height: 50 }, { x: 300, y: 100, width: 100, height: 50 }], 10))
      .toEqual({ x: -10, y: -42, width: 420, height: 202 });
    expect(sectionAround([])).toBeNull();
  });
});

describe('keyboard navigation', () => {
  const at = (id: string, x: number, y: number) => ({ id, x, y });
  it('moves to the nearest factor in a direction, preferring what is level', () => {
    const me = at('me', 0, 0);
    const others = [at('right-level', 300, 10), at('right-near-but-high', 150, -140), at('left', -200, 0), at('below', 0, 300)];
    expect(nearestInDirection(me, others, 'right')).toBe('right-level');
    expect(nearestInDirection(me, others, 'left')).toBe('left');
    expect(nearestInDirection(me, others, 'down')).toBe('below');
    expect(nearestInDirection(me, [at('left', -200, 0)], 'right')).toBeNull();
    expect(firstInReadingOrder([at('b', 500, 0), at('a', 0, 10)])).toBe('a');
  });
});

describe('automatic layout', () => {
  it('lays out factors with ELK, keeping each in its section and the map where it was', async () => {
    const input: LayoutInput = {
      factors: [
        { id: 'a', x: 100, y: 100, width: 160, height: 60 },
        { id: 'b', x: 120, y: 120, width: 160, height: 60 },
        { id: 'c', x: 900, y: 900, width: 160, height: 60 },
      ],
      links: [{ id: 'ab', source: 'a', target: 'b' }, { id: 'bc', source: 'b', target: 'c' }, { id: 'ca', source: 'c', target: 'a' }, { id: 'gone', source: 'a', target: 'zz' }],
      sections: [{ id: 's', x: 50, y: 50, width: 400, height: 300 }],
    };
    const graph = toElkGraph(input);
    expect(graph.children!.map((c) => c.id).sort()).toEqual(['c', 'section:s']);
    expect(graph.edges).toHaveLength(3);
    const result = fromElkGraph(await new ELK().layout(graph), input);
    expect(Object.keys(result.factors).sort()).toEqual(['a', 'b', 'c']);
    // a and b no longer overlap, and stay inside their section.
    const { a, b } = result.factors as Record<string, { x: number; y: number }>;
    expect(Math.abs(a!.x - b!.x) >= 160 || Math.abs(a!.y - b!.y) >= 60).toBe(true);
    const s = result.sections.s!;
    for (const f of [a!, b!]) {
      expect(f.x).toBeGreaterThanOrEqual(s.x);
      expect(f.y).toBeGreaterThanOrEqual(s.y);
      expect(f.x + 160).toBeLessThanOrEqual(s.x + s.width);
    }
    // The laid-out map starts where the old one did.
    const xs = [...Object.values(result.factors).map((p) => p.x), s.x];
    expect(Math.min(...xs)).toBe(50);
  });

  it('lays a chain out across a wide view and down a tall one (a phone), whichever draws it bigger', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const chain = (aspect: number): LayoutInput => ({
      factors: ids.map((id, i) => ({ id, x: i * 10, y: 0, width: 200, height: 80 })),
      links: ids.slice(1).map((id, i) => ({ id: `${ids[i]}-${id}`, source: ids[i]!, target: id })),
      sections: [],
      aspect,
    });
    const elk = new ELK();
    const extent = (result: { factors: Record<string, { x: number; y: number }> }) => {
      const points = Object.values(result.factors);
      return {
        width: Math.max(...points.map((p) => p.x)) + 200 - Math.min(...points.map((p) => p.x)),
        height: Math.max(...points.map((p) => p.y)) + 80 - Math.min(...points.map((p) => p.y)),
      };
    };
    for (const aspect of [16 / 10, 390 / 700]) {
      const input = chain(aspect);
      const scales = await Promise.all(ARRANGEMENTS.map(async (a) => fittedScale(await elk.layout(toElkGraph(input, a.direction, a.narrow)), aspect)));
      const size = extent(await bestLayout((g) => elk.layout(g), input));
      // Left to right is kept unless another arrangement is clearly (10 %) bigger; 2 % for ELK's own padding.
      expect(fittedScale(size, aspect)).toBeGreaterThanOrEqual((Math.max(...scales) / 1.1) * 0.98);
      if (aspect > 1) expect(size.width).toBeGreaterThan(size.height);
      else expect(size.height).toBeGreaterThan(size.width);
    }
  });

  it("spreads many causes of a few effects over several columns of a wide view (the example map's first ten links)", async () => {
    const links = example.edges.slice(0, 10);
    const ids = [...new Set(links.flatMap((l) => [l.source, l.target]))];
    const labels = new Map(example.nodes.map((n) => [n.id, n.label]));
    const input: LayoutInput = {
      factors: ids.map((id) => ({ id, x: 0, y: 0, ...estimatedFactorSize(labels.get(id)!) })),
      links: links.map((l, i) => ({ id: `l${i}`, source: l.source, target: l.target })),
      sections: [],
      aspect: 16 / 10,
    };
    const elk = new ELK();
    const plain = await elk.layout(toElkGraph(input));
    const result = await bestLayout((g) => elk.layout(g), input);
    const columns = new Set(Object.values(result.factors).map((p) => p.x));
    // Plain left-to-right layering puts the 5 causes in one column and the 7 effects in another.
    expect(new Set(plain.children!.map((c) => Math.round(c.x!))).size).toBe(2);
    expect(columns.size).toBeGreaterThanOrEqual(3);
    // The causes stay in the first column, where a causal map is read from.
    const firstCauses = ids.filter((id) => !links.some((l) => l.target === id));
    expect(firstCauses).toHaveLength(5);
    const left = Math.min(...Object.values(result.factors).map((p) => p.x));
    expect(firstCauses.filter((id) => result.factors[id]!.x !== left)).toEqual([]);
    const xs = Object.values(result.factors).map((p) => p.x);
    const ys = Object.values(result.factors).map((p) => p.y);
    const size = { width: Math.max(...xs) - Math.min(...xs) + 200, height: Math.max(...ys) - Math.min(...ys) + 100 };
    expect(fittedScale(size, 16 / 10)).toBeGreaterThan(fittedScale(plain, 16 / 10) * 1.1);
  });
});
