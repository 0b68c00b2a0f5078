import { describe, expect, it } from 'vitest';
import { breakoutKey, normaliseLabel, planMerge, resolveFactors, similar } from '../../src/core/model/merge';
import type { MapEdge, MapNode } from '../../src/core/model/types';

function node(id: string, label: string): MapNode {
  return { id, label, kind: 'factor', x: 0, y: 0, note: '', tags: [], leverage: null, evidence: { text: '', source: '', type: null }, createdBy: '', createdAt: 0, extra: {} };
}
function edge(id: string, source: string, target: string, polarity: '+' | '-' | '?'): MapEdge {
  return { id, source, target, polarity, delay: false, note: '', tags: [], leverage: null, evidence: { text: '', source: '', type: null }, strength: null, confidence: null, createdBy: '', createdAt: 0, extra: {} };
}

describe('merging breakouts', () => {
  it('normalises labels ignoring case, spacing and punctuation', () => {
    expect(normaliseLabel('  Short-term   FUNDING! ')).toBe('short term funding');
    expect(normaliseLabel('Café – access')).toBe('cafe access');
    expect(similar('short term funding', 'short term fundng')).toBe(true);
    expect(similar('staff turnover', 'staff training')).toBe(false);
    expect(similar('trust in services', 'services trust')).toBe(true);
    expect(similar('housing', 'mental health')).toBe(false);
  });

  it('two breakouts with overlapping labels and one polarity conflict merge as specified', () => {
    const plenary = { nodes: [node('p1', 'Short-term funding'), node('p2', 'Staff turnover')], edges: [edge('pe1', 'p1', 'p2', '+')] };
    const a = {
      name: 'Group A',
      nodes: [node('a1', 'short-term funding'), node('a2', 'Trust in services'), node('a3', 'Staff turnover')],
      edges: [edge('ae1', 'a1', 'a2', '-'), edge('ae2', 'a1', 'a3', '+')],
    };
    const b = {
      name: 'Group B',
      nodes: [node('b1', 'Short term funding'), node('b2', 'Trust in servics'), node('b3', 'Staff turnover')],
      // Group B thinks funding lowers turnover: a conflict with the plenary and Group A.
      edges: [edge('be1', 'b1', 'b3', '-'), edge('be2', 'b1', 'b2', '-')],
    };
    const plan = planMerge(plenary, [a, b]);
    const byKey = new Map(plan.factors.map((f) => [f.key, f]));
    // Exact (normalised) matches are automatic.
    expect(byKey.get(breakoutKey('Group A', 'a1'))!.match).toEqual({ plenaryId: 'p1', key: null });
    expect(byKey.get(breakoutKey('Group B', 'b1'))!.match).toEqual({ plenaryId: 'p1', key: null });
    expect(byKey.get(breakoutKey('Group B', 'b3'))!.match).toEqual({ plenaryId: 'p2', key: null });
    // New in A; a near match in B is proposed, not assumed.
    expect(byKey.get(breakoutKey('Group A', 'a2'))!.match).toBeNull();
    expect(byKey.get(breakoutKey('Group B', 'b2'))!.match).toBeNull();
    expect(byKey.get(breakoutKey('Group B', 'b2'))!.proposals).toEqual([{ plenaryId: null, key: 'Group A/a2', label: 'Trust in services' }]);
    // The polarity conflict is flagged with where each side comes from.
    expect(plan.conflicts).toEqual([{
      from: 'short term funding', to: 'staff turnover',
      polarities: [{ polarity: '+', where: ['Group A', 'plenary'] }, { polarity: '-', where: ['Group B'] }],
    }]);

    // The facilitator confirms the near match: B's "Trust in servics" is A's new factor.
    const resolved = resolveFactors(plan, { 'Group B/b2': 'Group A/a2' });
    expect(resolved.get('Group A/a2')).toEqual({ newFrom: 'Group A/a2' });
    expect(resolved.get('Group B/b2')).toEqual({ newFrom: 'Group A/a2' });
    expect(resolved.get('Group A/a1')).toEqual({ plenaryId: 'p1' });
    // …or says it is different.
    expect(resolveFactors(plan, { 'Group B/b2': 'new' }).get('Group B/b2')).toEqual({ newFrom: 'Group B/b2' });
  });
});
