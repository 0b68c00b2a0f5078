import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initMap, readMap } from '../../src/core/model';
import { FlowStore } from '../../src/app/canvas/flow-store';
import { Editor } from '../../src/app/editor/editor';
import { History } from '../../src/app/editor/history';
import { EditorUi } from '../../src/app/editor/ui-state';

/** An editor with no canvas: keys reach `bufferKey` as they would before a name field has focus. */
function setUp() {
  const doc = new Y.Doc();
  initMap(doc, { mapId: 'm', title: 'Test' });
  const store = new FlowStore(doc, 'me', () => false);
  const editor = new Editor(doc, 'me', store, new History(doc), new EditorUi(), () => null);
  const press = (key: string, mods: { ctrl?: boolean; alt?: boolean } = {}) =>
    editor.bufferKey({ key, ctrlKey: mods.ctrl ?? false, metaKey: false, altKey: mods.alt ?? false });
  const type = (text: string) => [...text].forEach((key) => expect(press(key)).toBe(true));
  const labels = () => readMap(doc).nodes.map((n) => n.label).sort();
  return { doc, store, editor, press, type, labels };
}

describe('typing before the name field has focus', () => {
  it('names a new factor with what was typed, Backspace included', () => {
    const { editor, press, type, labels } = setUp();
    editor.addFactor({ at: { x: 0, y: 0 } });
    type('Staff turnoverr');
    press('Backspace');
    expect(press('Enter')).toBe(true);
    expect(labels()).toEqual(['Staff turnover']);
    expect(editor.ui.get().editingId).toBeNull();
  });

  it('keeps Ctrl+A and Ctrl+Z for the name, not the map: nothing else is selected and the factor stays', () => {
    const { editor, store, press, type, labels } = setUp();
    const first = editor.addFactor({ at: { x: 0, y: 0 }, label: 'Funding', edit: false })!;
    editor.addFactor({ at: { x: 300, y: 0 } });
    expect(press('a', { ctrl: true })).toBe(true);
    expect(press('z', { ctrl: true })).toBe(true);
    expect(store.getSnapshot().factors.find((f) => f.id === first)!.selected).toBe(false);
    type('Trust');
    press('Enter');
    expect(labels()).toEqual(['Funding', 'Trust']);
  });

  it('replaces what was typed after Ctrl+A, and hands the field a selected text when it opens then', () => {
    const { editor, press, type, labels } = setUp();
    editor.addFactor({ at: { x: 0, y: 0 } });
    type('Wrong');
    press('a', { ctrl: true });
    expect(editor.takePendingText()).toEqual({ text: 'Wrong', selected: true });
    type('Wrong');
    press('a', { ctrl: true });
    type('Right');
    press('Enter');
    expect(labels()).toEqual(['Right']);
  });

  it('Escape cancels: a renamed factor keeps its name', () => {
    const { editor, press, type, labels } = setUp();
    const id = editor.addFactor({ at: { x: 0, y: 0 }, label: 'Trust', edit: false })!;
    editor.startEditing(id);
    type('Something else');
    expect(press('Escape')).toBe(true);
    expect(labels()).toEqual(['Trust']);
  });

  it('leaves keys alone when no name field is on its way, and Alt combinations always', () => {
    const { editor, press } = setUp();
    expect(press('n')).toBe(false);
    editor.addFactor({ at: { x: 0, y: 0 } });
    expect(press('ArrowLeft', { alt: true })).toBe(false);
    expect(press('Tab')).toBe(false);
  });
});
