import { describe, expect, it } from 'vitest';
import { findLoops } from '../../src/core/analysis/loops';
import { loopsClosedSentence } from '../../src/app/analysis/useLoopAnalysis';

const nodes = [{ id: 'funding' }, { id: 'turnover' }];
const there = { id: 'there', source: 'funding', target: 'turnover', polarity: '+' as const, delay: false };
const back = { id: 'back', source: 'turnover', target: 'funding', polarity: '-' as const, delay: false };

describe('telling the drawer which loops their links closed', () => {
  it('waits for the search that was given a link before telling of it, however the searches interleave', () => {
    // Both links drawn; the search that ends first was started before the second was drawn.
    const drawn = new Set(['there', 'back']);
    const first = findLoops({ nodes, edges: [there] }).loops;
    expect(loopsClosedSentence(drawn, first, new Set(['there']))).toBeNull();
    // The link drawn during that search is still waiting (it was taken as looked at, and never told).
    expect([...drawn]).toEqual(['back']);
    const second = findLoops({ nodes, edges: [there, back] }).loops;
    expect(loopsClosedSentence(drawn, second, new Set(['there', 'back']))).toBe('This link closed loop B1.');
    expect(drawn.size).toBe(0);
  });

  it('says nothing for a search given none of the links drawn, and keeps them', () => {
    const drawn = new Set(['back']);
    expect(loopsClosedSentence(drawn, [], new Set(['there']))).toBeNull();
    expect([...drawn]).toEqual(['back']);
  });
});
