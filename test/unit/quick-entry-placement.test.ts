import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, initMap, readMap } from '../../src/core/model';
import { FlowStore } from '../../src/app/canvas/flow-store';
import { crosses } from '../../src/app/canvas/placement';
import { containsRect, distanceBetweenRects, type Rect } from '../../src/core/geometry/rect';
import { Editor, type Viewport } from '../../src/app/editor/editor';
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

/** A canvas that shows this part of the map and does not move: what placement sees of a view. */
function fixedView(area: Rect): Viewport {
  return {
    centre: () => ({ x: area.x + area.width / 2, y: area.y + area.height / 2 }),
    centreOn: () => {},
    visibleArea: () => area,
    coveredAreas: () => [],
    reveal: () => {},
    fit: () => {},
    focusElement: () => {},
  };
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

  it('leaves room for the arrow between a new factor and the one it is linked to, in view', () => {
    // Right of the cause is taken; just above it there is a gap only a factor's height and a little.
    const view = { x: 0, y: 0, width: 928, height: 540 };
    const { editor, box, centre } = mapWith([['Budget pressure', 214, 388], ['High caseloads', 514, 378], ['Investment', 514, 518]]);
    editor.viewport = fixedView(view);
    expect(editor.quickEntry('Budget pressure -> + Rigid eligibility criteria & thresholds')).not.toBeNull();
    const made = box('Rigid eligibility criteria & thresholds');
    expect(distanceBetweenRects(made, box('Budget pressure'))).toBeGreaterThanOrEqual(90);
    expect(containsRect(view, made)).toBe(true);
    const link = { from: centre('Budget pressure'), to: centre('Rigid eligibility criteria & thresholds') };
    for (const other of ['High caseloads', 'Investment']) expect(crosses(link, box(other))).toBe(false);
  });

  it('puts new factors one by one, in view, when the view has no room for them side by side', () => {
    const view = { x: 0, y: 0, width: 450, height: 700 };
    const { editor, box } = mapWith([['Already here', 120, 20]]);
    editor.viewport = fixedView(view);
    expect(editor.quickEntry('Siloed commissioning -> - Coordination')).not.toBeNull();
    for (const label of ['Siloed commissioning', 'Coordination']) expect(containsRect(view, box(label))).toBe(true);
    expect(distanceBetweenRects(box('Siloed commissioning'), box('Coordination'))).toBeGreaterThanOrEqual(90);
  });
});

describe('a factor added at a point', () => {
  it('is moved just far enough to be whole in view, a little in from the edge', () => {
    const view = { x: 0, y: 0, width: 900, height: 540 };
    const { editor, box } = mapWith([]);
    editor.viewport = fixedView(view);
    // Double-clicked 20 units under the top edge, near the left: centred there, it would stick out.
    editor.addFactor({ at: { x: 60, y: 20 }, label: 'Near the top', edit: false });
    const made = box('Near the top');
    // More room above, where the arc of a link to a factor beside it rises with its sign.
    expect(made.y).toBe(64);
    expect(made.x).toBe(40);
    // In the open, it stays centred where it was asked for.
    editor.addFactor({ at: { x: 450, y: 300 }, label: 'In the open', edit: false });
    expect(box('In the open')).toMatchObject({ x: 350, y: 260 });
  });
});
