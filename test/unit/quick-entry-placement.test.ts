import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, initMap, readMap } from '../../src/core/model';
import { FlowStore } from '../../src/app/canvas/flow-store';
import { crosses } from '../../src/app/canvas/placement';
import { Editor } from '../../src/app/editor/editor';
import { History } from '../../src/app/editor/history';
import { EditorUi } from '../../src/app/editor/ui-state';

/** An editor with no canvas, on a map with these factors (label, top-left) and links between them. */
function mapWith(factors: [string, number, number][], links: [string, string][] = []) {
  const doc = new Y.Doc();
  initMap(doc, { mapId: 'm', title: 'Test' });
  const ids = new Map(factors.map(([label, x, y]) => [label, addFactor(doc, { label, kind: 'factor', x, y })]));
  for (const [from, to] of links) addLink(doc, { source: ids.get(from)!, target: ids.get(to)!, polarity: '+', delay: false });
  const store = new FlowStore(doc, 'me', () => false);
  const editor = new Editor(doc, 'me', store, new History(doc), new EditorUi(), () => null);
  const box = (label: string) => {
    const node = readMap(doc).nodes.find((n) => n.label === label)!;
    return store.boxOf(node.id)!;
  };
  const centre = (label: string) => {
    const b = box(label);
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  return { editor, box, centre };
}

describe('where quick entry puts the factors it makes', () => {
  it('puts two new factors side by side, clear of a link between two others', () => {
    // Two linked factors with the map's middle between them: one new factor at a time, the first
    // went onto their link and the second wherever there was room.
    const { editor, box, centre } = mapWith([['Budget', 0, 0], ['Eligibility', 0, 260]], [['Budget', 'Eligibility']]);
    expect(editor.quickEntry('Siloed commissioning -> - Coordination')).not.toBeNull();
    const [cause, effect] = [box('Siloed commissioning'), box('Coordination')];
    expect(Math.abs(centre('Siloed commissioning').y - centre('Coordination').y)).toBeLessThan(10);
    expect(effect.x - (cause.x + cause.width)).toBe(100);
    const link = { from: centre('Budget'), to: centre('Eligibility') };
    expect(crosses(link, cause)).toBe(false);
    expect(crosses(link, effect)).toBe(false);
  });

  it('puts a new effect where its link from the cause runs past other factors, not through them', () => {
    // Right of the cause, where a chain's next factor goes, a column of factors stands in the way,
    // with room just beyond it.
    const wall = [-110, 0, 110].map((y, i): [string, number, number] => [`Wall ${i}`, 300, y]);
    const { editor, box, centre } = mapWith([['Funding', 0, 0], ...wall]);
    expect(editor.quickEntry('Funding -> + Waiting lists')).not.toBeNull();
    const made = { from: centre('Funding'), to: centre('Waiting lists') };
    for (const [label] of wall) expect(crosses(made, box(label))).toBe(false);
    // …and still beside it, not across the map.
    expect(Math.hypot(made.to.x - made.from.x, made.to.y - made.from.y)).toBeLessThan(600);
  });

  it('puts a new cause left of the factor it affects', () => {
    const { editor, box } = mapWith([['Staff turnover', 0, 0]]);
    editor.quickEntry('Short-term funding -> + Staff turnover');
    expect(box('Short-term funding').x + box('Short-term funding').width).toBeLessThanOrEqual(box('Staff turnover').x);
  });
});
