import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useEditor } from './context';
import { SHORTCUTS } from './keyboard';
import { useUi, type UiState } from './ui-state';

const selectView = (s: UiState) => s.view;
const selectSnap = (s: UiState) => s.snapToGrid;
const selectBox = (s: UiState) => s.boxSelect;
const selectBusy = (s: UiState) => s.layoutBusy;
const selectShortcuts = (s: UiState) => s.shortcutsOpen;
const selectAnnouncement = (s: UiState) => s.announcement;
const selectError = (s: UiState) => s.error;
const selectNotice = (s: UiState) => s.notice;
const NOTICE_MS = 5_000;
const ONLY_IN_DIAGRAM = 'For the diagram: switch to Diagram to use it';

/** The editor's toolbar: big, labelled buttons, each with a keyboard shortcut in its tooltip. */
export function Toolbar({ onFind }: { onFind: () => void }) {
  const editor = useEditor();
  const { canUndo, canRedo } = useSyncExternalStore(editor.history.subscribe, editor.history.getState);
  const view = useUi(editor.ui, selectView);
  const snap = useUi(editor.ui, selectSnap);
  const boxSelect = useUi(editor.ui, selectBox);
  const busy = useUi(editor.ui, selectBusy);
  const canEdit = editor.canEdit;
  // Tools for the drawing wait in place while the text view is shown: hiding them moved the
  // Diagram/Text switch from under the pointer.
  const inText = view === 'text';
  return (
    <div className="toolbar" role="toolbar" aria-label="Map tools">
      {canEdit && (
        <>
          <button type="button" className="button button--primary" onClick={() => editor.addFactor()} title="Add a factor (N)" data-testid="add-factor">
            <span aria-hidden="true">+ </span>Add factor
          </button>
          <button type="button" className="button" onClick={() => editor.addSection()} title="Add a section, around the selected factors if any" data-testid="add-section">
            <span aria-hidden="true">▦ </span>Add section
          </button>
          <span className="toolbar__gap" />
          <button type="button" className="button" onClick={() => editor.undo()} disabled={!canUndo} title="Undo your last change (Ctrl+Z)" data-testid="undo">
            <span aria-hidden="true">↶ </span>Undo
          </button>
          <button type="button" className="button" onClick={() => editor.redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
            <span aria-hidden="true">↷ </span>Redo
          </button>
          <span className="toolbar__gap" />
        </>
      )}
      <button type="button" className="button" onClick={onFind} title="Find a factor by name or tag (Ctrl+F)" data-testid="find-button">
        <span aria-hidden="true">⌕ </span>Find
      </button>
      <button type="button" className="button" onClick={() => editor.viewport.fit()} disabled={inText} title={inText ? ONLY_IN_DIAGRAM : 'Zoom to fit the whole map (Shift+1)'} data-testid="fit">
        Fit
      </button>
      {canEdit && (
        <button type="button" className="button" onClick={() => void editor.autoLayout()} disabled={busy || inText} title={inText ? ONLY_IN_DIAGRAM : 'Arrange the factors automatically; Undo puts them back'} data-testid="auto-layout">
          {/* Both words take the same room, so the buttons after it do not shift while it works. */}
          <span className="button__stack">
            <span className={busy ? 'is-hidden' : undefined}>Tidy layout</span>
            <span className={busy ? undefined : 'is-hidden'}>Tidying…</span>
          </span>
        </button>
      )}
      <button type="button" className="button" aria-pressed={snap} onClick={() => editor.ui.set({ snapToGrid: !snap })} disabled={inText} title={inText ? ONLY_IN_DIAGRAM : 'Snap factors to a grid when moving them'} data-testid="snap">
        Snap to grid
      </button>
      <button type="button" className="button" aria-pressed={boxSelect} onClick={() => editor.ui.set({ boxSelect: !boxSelect })} disabled={inText} title={inText ? ONLY_IN_DIAGRAM : 'Your next drag on the canvas draws a selection box instead of moving the view (or hold Shift while dragging)'} data-testid="box-select">
        Select area
      </button>
      <span className="toolbar__gap" />
      <div className="segmented segmented--text" role="group" aria-label="View">
        <button type="button" aria-pressed={view === 'diagram'} onClick={() => editor.ui.set({ view: 'diagram' })} data-testid="view-diagram">Diagram</button>
        <button type="button" aria-pressed={view === 'text'} onClick={() => editor.ui.set({ view: 'text' })} data-testid="view-text">Text</button>
      </div>
      <button type="button" className="button" onClick={() => editor.ui.set({ shortcutsOpen: true })} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
    </div>
  );
}

/** Every keyboard shortcut, in a dialog (opened with ? or the toolbar). */
export function ShortcutsDialog() {
  const editor = useEditor();
  const open = useUi(editor.ui, selectShortcuts);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="dialog dialog--wide" aria-labelledby="shortcuts-title" onClose={() => editor.ui.set({ shortcutsOpen: false })}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p className="dialog__hint">Everything can be done without a mouse. On a Mac, use Cmd for Ctrl.</p>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row"><kbd>{s.keys}</kbd></th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={() => editor.ui.set({ shortcutsOpen: false })} autoFocus>Close</button>
      </div>
    </dialog>
  );
}

/** What just happened, for screen readers (polite), and problems in plain words for everyone. */
export function Announcer() {
  const editor = useEditor();
  const announcement = useUi(editor.ui, selectAnnouncement);
  const error = useUi(editor.ui, selectError);
  const notice = useUi(editor.ui, selectNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => editor.ui.set({ notice: null }), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [editor, notice]);
  return (
    <>
      <p className="visually-hidden" aria-live="polite" data-testid="announcer">{announcement.text}</p>
      {/* aria-hidden: the announcer above already says it; this is for eyes. */}
      {notice && <p className="notice" aria-hidden="true" data-testid="notice">{notice.text}</p>}
      {error && (
        <div className="banner banner--error" role="alert" data-testid="editor-error">
          <span>{error}</span>
          <button type="button" className="button" onClick={() => editor.ui.set({ error: null })}>Dismiss</button>
        </div>
      )}
    </>
  );
}
