import { useEffect } from 'react';
import type { Editor } from './editor';

/**
 * The editor's keyboard: every mouse action has a key. Listens on the window
 * in the capture phase so that it decides before React Flow's own node
 * handlers (whose arrow keys would move nodes rather than focus).
 *
 * Keys typed into a text field, a menu, a list box or a dialog are left
 * alone; so are Enter and Space on a button.
 */

export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'N', what: 'Add a factor' },
  { keys: 'Enter or F2', what: 'Rename the selected factor (Enter keeps, Escape cancels)' },
  { keys: 'L', what: 'Link the selected factor to another (type its name)' },
  { keys: 'Arrow keys', what: 'Move to the nearest factor in that direction' },
  { keys: '] and [', what: 'Follow a link forward or back (on a link: arrow keys go to the next one)' },
  { keys: '+  −  ?', what: 'Set the polarity of the selected link' },
  { keys: 'D', what: 'Delay on or off for the selected link' },
  { keys: 'R', what: 'Reverse the direction of the selected link' },
  { keys: 'Alt+Arrow keys', what: 'Move the selected factors' },
  { keys: 'Delete', what: 'Delete the selection (a factor takes its links)' },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z', what: 'Undo / redo your own changes' },
  { keys: 'Ctrl+C, Ctrl+X, Ctrl+V', what: 'Copy, cut, paste (also between maps)' },
  { keys: 'Ctrl+D', what: 'Duplicate the selection' },
  { keys: 'Ctrl+A', what: 'Select everything' },
  { keys: 'Ctrl+F', what: 'Find a factor by name or tag' },
  { keys: '/ or Ctrl+K', what: 'Quick entry: type a link, such as  Funding -> + Staff turnover' },
  { keys: 'Shift+1', what: 'Zoom to fit the whole map' },
  { keys: 'Shift+F10 or Menu', what: 'Open the menu for the selection' },
  { keys: 'Escape', what: 'Close, cancel or clear the selection' },
  { keys: '?', what: 'Show these shortcuts (when no link is selected)' },
];

const TEXT_CONTEXT = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="menu"], [role="listbox"], [role="dialog"], dialog, .szh-menu';

/** Whether a key should be left to the element that has focus. */
function belongsToFocus(event: KeyboardEvent): boolean {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return false;
  if (target.closest(TEXT_CONTEXT)) return true;
  if ((event.key === 'Enter' || event.key === ' ') && target.closest('button, a, [role="button"], summary')) return true;
  // Arrow keys inside toolbars and radio groups move between their buttons.
  if (event.key.startsWith('Arrow') && target.closest('[role="toolbar"], [role="radiogroup"], [role="tablist"]')) return true;
  return false;
}

/** The factor or link the keyboard is on: the focused one, else the only selected one. */
function current(editor: Editor): string | null {
  const active = document.activeElement?.closest('.react-flow__node, .react-flow__edge');
  const id = active?.getAttribute('data-id');
  if (id && (editor.store.factor(id) || editor.store.link(id) || editor.store.section(id))) return id;
  const { factors, links, sections } = editor.selection();
  const all = [...factors, ...links, ...sections];
  return all.length === 1 ? all[0]! : null;
}

const ARROWS: Record<string, 'left' | 'right' | 'up' | 'down'> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export interface KeyHandlers {
  openFind(): void;
  openQuickEntry(): void;
  openLinkPicker(from: string): void;
  openMenuFor(id: string | null): void;
  closeAll(): boolean;
}

/** Returns true when the key was handled. Exported for tests. */
export function handleKey(event: KeyboardEvent, editor: Editor, handlers: KeyHandlers): boolean {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key;
  const lower = key.length === 1 ? key.toLowerCase() : key;

  // Find works from anywhere on the map page, as the browser's own would.
  if (mod && !event.altKey && lower === 'f') {
    handlers.openFind();
    return true;
  }
  // Typing straight after "add factor", before its name field has appeared, still names it.
  if (editor.ui.get().editingId && !(event.target instanceof Element && event.target.closest('input, textarea')) && editor.bufferKey(event)) {
    return true;
  }
  // A name field that has just been closed (Enter) but not yet removed is not where keys belong.
  const state = editor.ui.get();
  const stale = event.target instanceof Element && event.target.closest('.factor__edit, .section__edit') !== null
    && state.editingId === null && state.editingSectionId === null;
  if (!stale && belongsToFocus(event)) return false;

  if (mod && !event.altKey) {
    if (lower === 'z') {
      if (event.shiftKey) editor.redo();
      else editor.undo();
      return true;
    }
    if (lower === 'y') {
      editor.redo();
      return true;
    }
    if (lower === 'a') {
      editor.store.selectAll();
      editor.ui.announce('Selected everything.');
      return true;
    }
    if (lower === 'd') {
      editor.duplicateSelection();
      return true;
    }
    if (lower === 'k') {
      handlers.openQuickEntry();
      return true;
    }
    return false;
  }
  if (event.altKey && ARROWS[key]) {
    const step = event.shiftKey ? 96 : 24;
    const { factors, sections } = editor.selection();
    const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
    const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
    editor.moveBy([...factors, ...sections], dx, dy);
    return true;
  }
  if (event.altKey || event.metaKey || event.ctrlKey) return false;

  const here = current(editor);
  const link = here ? editor.store.link(here) : undefined;
  const factor = here ? editor.store.factor(here) : undefined;
  const section = here ? editor.store.section(here) : undefined;
  const selectedLinks = editor.selection().links;

  if (ARROWS[key]) {
    if (link) editor.stepLinks(link.id, key === 'ArrowDown' || key === 'ArrowRight' ? 1 : -1);
    else editor.moveFocus(factor ? factor.id : null, ARROWS[key]);
    return true;
  }
  switch (key) {
    case 'Escape':
      if (!handlers.closeAll()) {
        editor.store.clearSelection();
        (document.activeElement as HTMLElement | null)?.blur?.();
      }
      return true;
    case 'Delete':
    case 'Backspace':
      editor.deleteSelection();
      return true;
    case 'Enter':
    case 'F2':
      if (factor) editor.startEditing(factor.id);
      else if (section && editor.canEdit) editor.ui.set({ editingSectionId: section.id });
      else if (link) editor.goTo(link.id, { centre: true });
      else return false;
      return true;
    case ']':
    case '[':
      editor.followLinks(here, key === ']');
      return true;
    case 'ContextMenu':
      handlers.openMenuFor(here);
      return true;
    case 'F10':
      if (!event.shiftKey) return false;
      handlers.openMenuFor(here);
      return true;
    case '/':
      if (selectedLinks.length === 0) {
        handlers.openQuickEntry();
        return true;
      }
      editor.setPolarity(selectedLinks, '?');
      return true;
    case '+':
    case '=':
      if (selectedLinks.length === 0) return false;
      editor.setPolarity(selectedLinks, '+');
      return true;
    case '-':
    case '−':
      if (selectedLinks.length === 0) return false;
      editor.setPolarity(selectedLinks, '-');
      return true;
    case '?':
      if (selectedLinks.length === 0) {
        editor.ui.set({ shortcutsOpen: true });
        return true;
      }
      editor.setPolarity(selectedLinks, '?');
      return true;
    case '!':
      if (!event.shiftKey) return false;
      editor.viewport.fit();
      return true;
  }
  switch (lower) {
    case 'n':
      editor.addFactor(factor ? { at: { x: editor.centreOfFactor(factor.id).x + 260, y: editor.centreOfFactor(factor.id).y } } : {});
      return true;
    case 'l':
      if (!factor) {
        editor.ui.announce('Select a factor first, then press L to link it to another.');
        return true;
      }
      handlers.openLinkPicker(factor.id);
      return true;
    case 'd':
      if (selectedLinks.length === 0) return false;
      editor.toggleDelay(selectedLinks);
      return true;
    case 'p':
      if (!link) return false;
      editor.cyclePolarity(link.id);
      return true;
    case 'r':
      if (selectedLinks.length === 0) return false;
      editor.reverseLinks(selectedLinks);
      return true;
  }
  return false;
}

/** Installs the editor's keys and the clipboard (copy, cut and paste events) for the map page. */
export function useEditorKeys(editor: Editor, handlers: KeyHandlers): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (handleKey(event, editor, handlers)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    const inText = (event: Event) => event.target instanceof Element && event.target.closest('input, textarea, [contenteditable="true"], [contenteditable=""]');
    const hasTextSelection = () => {
      const selection = window.getSelection();
      return selection !== null && !selection.isCollapsed && selection.toString().trim() !== '';
    };
    const onCopy = (event: ClipboardEvent, cut: boolean) => {
      // Copying text someone selected on the page (in the text view, say) is the browser's job.
      if (inText(event) || hasTextSelection() || !event.clipboardData) return;
      const data = editor.clipboardData();
      if (!data) return;
      event.preventDefault();
      event.clipboardData.setData('text/plain', data.text);
      event.clipboardData.setData('text/html', data.html);
      if (cut) editor.cutSelection();
      else editor.ui.announce(`Copied ${data.count} ${data.count === 1 ? 'factor' : 'factors'}.`);
    };
    const onPaste = (event: ClipboardEvent) => {
      if (inText(event) || !event.clipboardData) return;
      const pasted = editor.paste({ html: event.clipboardData.getData('text/html'), text: event.clipboardData.getData('text/plain') });
      if (pasted) event.preventDefault();
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    window.addEventListener('keydown', onKeyDown, true);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [editor, handlers]);
}
