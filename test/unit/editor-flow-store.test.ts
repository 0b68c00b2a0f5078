import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addFactor, addLink, addSection, initMap, nodesMap, edgesMap, sectionsMap, updateFactor } from '../../src/core/model';
import { LOCAL_ORIGIN } from '../../src/sync/origin';
import { DRAG_WRITE_MS, FlowStore, type CanvasNode } from '../../src/app/canvas/flow-store';
import { History } from '../../src/app/editor/history';
import type { NodeChange } from '@xyflow/react';

const ctx = { origin: LOCAL_ORIGIN, author: 'me' };

function newDoc(): Y.Doc {
  const doc = new Y.Doc();
  initMap(doc, { mapId: 'm', title: 'Test' });
  return doc;
}

/** Every key written to a factor's nested Y.Map, after any number of local changes. */
function factorKeys(doc: Y.Doc, id: string): string[] {
  return [...(nodesMap(doc).get(id) as Y.Map<unknown>).keys()].sort();
}

const move = (id: string, x: number, y: number, dragging: boolean): NodeChange<CanvasNode> => ({ type: 'position', id, position: { x, y }, dragging });

describe('FlowStore: only durable fields reach the document', () => {
  it('keeps selection, measured size and dragging local', () => {
    const doc = newDoc();
    const id = addFactor(doc, { label: 'Staff turnover', x: 10, y: 20 }, ctx);
    const other = addFactor(doc, { label: 'Funding' }, ctx);
    const link = addLink(doc, { source: id, target: other }, ctx);
    const keysBefore = factorKeys(doc, id);
    const edgeKeysBefore = [...(edgesMap(doc).get(link) as Y.Map<unknown>).keys()].sort();
    const store = new FlowStore(doc, 'me', () => false);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));

    store.applyNodeChanges([
      { type: 'select', id, selected: true },
      { type: 'dimensions', id, dimensions: { width: 180, height: 64 } },
    ]);
    store.select([id, link]);

    expect(updates).toHaveLength(0);
    expect(factorKeys(doc, id)).toEqual(keysBefore);
    expect([...(edgesMap(doc).get(link) as Y.Map<unknown>).keys()].sort()).toEqual(edgeKeysBefore);
    for (const forbidden of ['selected', 'dragging', 'measured', 'width', 'height']) expect(keysBefore).not.toContain(forbidden);
    // …but React Flow sees them.
    const node = store.getSnapshot().factors.find((n) => n.id === id)!;
    expect(node.selected).toBe(true);
    expect(node.measured).toEqual({ width: 180, height: 64 });
    expect(store.getSnapshot().edges[0]!.selected).toBe(true);
    store.destroy();
  });

  it('a drop writes only x and y, rounded', () => {
    const doc = newDoc();
    const id = addFactor(doc, { label: 'A', x: 0, y: 0 }, ctx);
    const keysBefore = factorKeys(doc, id);
    const store = new FlowStore(doc, 'me', () => false);
    store.startDrag([id]);
    store.applyNodeChanges([move(id, 10.4, 20.6, true)]);
    store.applyNodeChanges([move(id, 15.2, 30.7, false)]);
    const entry = nodesMap(doc).get(id)!;
    expect(entry.get('x')).toBe(15);
    expect(entry.get('y')).toBe(31);
    expect(factorKeys(doc, id)).toEqual(keysBefore);
    store.destroy();
  });

  it('keeps object identity for nodes a remote edit did not touch', () => {
    const doc = newDoc();
    const a = addFactor(doc, { label: 'A' }, ctx);
    const b = addFactor(doc, { label: 'B' }, ctx);
    const store = new FlowStore(doc, 'me', () => false);
    const before = store.getSnapshot();
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    updateFactor(remote, b, { label: 'B renamed' }, { origin: 'remote' });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)));
    const after = store.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.factors.find((n) => n.id === a)).toBe(before.factors.find((n) => n.id === a));
    expect(after.factors.find((n) => n.id === b)!.data.factor.label).toBe('B renamed');
    store.destroy();
  });
});

describe('FlowStore: a drag', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes throttled updates while moving and is one undo step', () => {
    const doc = newDoc();
    const history = new History(doc);
    const id = addFactor(doc, { label: 'Dragged', x: 0, y: 0 }, ctx);
    const store = new FlowStore(doc, 'me', () => false, history);
    const written: number[] = [];
    nodesMap(doc).get(id)!.observe((event) => {
      if (event.keysChanged.has('x')) written.push(nodesMap(doc).get(id)!.get('x') as number);
    });

    store.startDrag([id]);
    // 30 pointer moves about 6 ms apart (a fast pointer): ~180 ms of dragging.
    for (let i = 1; i <= 30; i++) {
      store.applyNodeChanges([move(id, i * 10, i * 5, true)]);
      vi.advanceTimersByTime(6);
    }
    // Shown at once locally, far fewer writes to the document than moves.
    expect(store.getSnapshot().factors[0]!.position).toEqual({ x: 300, y: 150 });
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThanOrEqual(Math.ceil((30 * 6) / DRAG_WRITE_MS) + 1);
    store.applyNodeChanges([move(id, 305, 152, false)]);
    expect(nodesMap(doc).get(id)!.get('x')).toBe(305);

    // The whole drag is one undo step; the factor's creation is another.
    expect(history.manager.undoStack).toHaveLength(2);
    history.undo();
    expect(nodesMap(doc).get(id)!.get('x')).toBe(0);
    expect(nodesMap(doc).get(id)!.get('y')).toBe(0);
    expect(nodesMap(doc).has(id)).toBe(true);
    history.redo();
    expect(nodesMap(doc).get(id)!.get('x')).toBe(305);
    store.destroy();
    history.destroy();
  });

  it('its own writes do not redraw the canvas; the drop leaves the factor where the document has it', () => {
    const doc = newDoc();
    const id = addFactor(doc, { label: 'Dragged', x: 0, y: 0 }, ctx);
    const other = addFactor(doc, { label: 'Still', x: 500, y: 0 }, ctx);
    const store = new FlowStore(doc, 'me', () => false);
    let notices = 0;
    store.subscribeCanvas(() => notices++);
    let writes = 0;
    nodesMap(doc).get(id)!.observe(() => writes++);

    store.startDrag([id]);
    for (let i = 1; i <= 20; i++) {
      store.applyNodeChanges([move(id, i * 10.4, i * 5, true)]);
      vi.advanceTimersByTime(20);
    }
    expect(writes).toBeGreaterThanOrEqual(3);
    // One per move: none for the writes.
    expect(notices).toBe(20);
    expect(store.getSnapshot().factors.find((n) => n.id === id)!.position).toEqual({ x: 208, y: 100 });

    // Someone else's move of another factor meanwhile is drawn at once.
    updateFactor(doc, other, { x: 520 }, { origin: 'remote', author: 'them' });
    expect(notices).toBe(21);
    expect(store.getSnapshot().factors.find((n) => n.id === other)!.position).toEqual({ x: 520, y: 0 });

    store.applyNodeChanges([move(id, 210.6, 101, false)]);
    const dropped = store.getSnapshot().factors.find((n) => n.id === id)!;
    expect(dropped.position).toEqual({ x: 211, y: 101 });
    expect({ x: dropped.data.factor.x, y: dropped.data.factor.y }).toEqual({ x: 211, y: 101 });
    store.destroy();
  });

  it('a drag paused longer than any timeout is still one step', () => {
    const doc = newDoc();
    const history = new History(doc);
    const id = addFactor(doc, { label: 'Slow', x: 0, y: 0 }, ctx);
    const store = new FlowStore(doc, 'me', () => false, history);
    store.startDrag([id]);
    store.applyNodeChanges([move(id, 50, 0, true)]);
    vi.advanceTimersByTime(5_000);
    store.applyNodeChanges([move(id, 100, 0, true)]);
    vi.advanceTimersByTime(5_000);
    store.applyNodeChanges([move(id, 120, 0, false)]);
    expect(history.manager.undoStack).toHaveLength(2);
    history.undo();
    expect(nodesMap(doc).get(id)!.get('x')).toBe(0);
    store.destroy();
    history.destroy();
  });

  it('moves the factors inside a dragged section along, in the same step', () => {
    const doc = newDoc();
    const history = new History(doc);
    const section = addSection(doc, { title: 'Commissioning', x: 0, y: 0, width: 500, height: 400 }, ctx);
    const inside = addFactor(doc, { label: 'Inside', x: 100, y: 100 }, ctx);
    const outside = addFactor(doc, { label: 'Outside', x: 900, y: 100 }, ctx);
    const store = new FlowStore(doc, 'me', () => false, history);
    store.startDrag([section]);
    store.applyNodeChanges([move(section, 30, 40, true)]);
    vi.advanceTimersByTime(DRAG_WRITE_MS + 1);
    store.applyNodeChanges([move(section, 50, 60, false)]);
    expect(sectionsMap(doc).get(section)!.get('x')).toBe(50);
    expect(nodesMap(doc).get(inside)!.get('x')).toBe(150);
    expect(nodesMap(doc).get(inside)!.get('y')).toBe(160);
    expect(nodesMap(doc).get(outside)!.get('x')).toBe(900);
    history.undo();
    expect(sectionsMap(doc).get(section)!.get('x')).toBe(0);
    expect(nodesMap(doc).get(inside)!.get('x')).toBe(100);
    store.destroy();
    history.destroy();
  });
});

describe('History: per person', () => {
  it('undo never removes somebody else\'s edit', () => {
    const mine = newDoc();
    const theirs = new Y.Doc();
    Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
    const sync = () => {
      Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine, Y.encodeStateVector(theirs)));
      Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs, Y.encodeStateVector(mine)));
    };
    const history = new History(mine);
    const a = addFactor(mine, { label: 'Mine' }, ctx);
    sync();
    const b = addFactor(theirs, { label: 'Theirs' }, { origin: LOCAL_ORIGIN, author: 'them' });
    sync();
    expect(history.undo()).toBe(true);
    expect(nodesMap(mine).has(a)).toBe(false);
    expect(nodesMap(mine).has(b)).toBe(true);
    // Nothing of theirs is on my stack.
    expect(history.undo()).toBe(false);
    history.destroy();
  });

  it('two quick edits are two steps, not merged by the clock', () => {
    const doc = newDoc();
    const history = new History(doc);
    const a = addFactor(doc, { label: 'A' }, ctx);
    const b = addFactor(doc, { label: 'B' }, ctx);
    addLink(doc, { source: a, target: b }, ctx);
    expect(history.manager.undoStack).toHaveLength(3);
    history.undo();
    expect(edgesMap(doc).size).toBe(0);
    expect(nodesMap(doc).size).toBe(2);
    history.destroy();
  });
});

describe('FlowStore: the box of a factor not yet drawn', () => {
  it('is as tall as its label will wrap to, until the canvas measures it', () => {
    const doc = newDoc();
    const short = addFactor(doc, { label: 'Funding', x: 0, y: 0 }, ctx);
    const long = addFactor(doc, { label: 'Coordination & information sharing between services', x: 0, y: 200 }, ctx);
    const store = new FlowStore(doc, 'me', () => false);
    expect(store.boxOf(short)!.height).toBe(80);
    // Four lines of label: revealed as 80 high, its last lines were left below the view.
    expect(store.boxOf(long)!.height).toBeGreaterThan(110);
    store.applyNodeChanges([{ type: 'dimensions', id: long, dimensions: { width: 200, height: 96 } }]);
    expect(store.boxOf(long)!.height).toBe(96);
  });
});
