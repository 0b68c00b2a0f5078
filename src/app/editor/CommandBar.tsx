import { useId, useMemo, useState, type FormEvent, type RefObject } from 'react';
import { useEditor } from './context';

/**
 * Quick entry, for a facilitator transcribing what people say: type
 * "Short-term funding -> + Staff turnover" and press Enter. Missing factors
 * are created, existing ones fuzzy-matched; the line below says what Enter
 * will do before it is pressed.
 */
/**
 * What the signs mean, under the empty bar: in the placeholder it was cut off on a laptop's screen,
 * and a newcomer never saw it.
 */
const HOW = '+ more gives more, - more gives less, ? not agreed; end with “, delay” for a delay.';

export function CommandBar({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const editor = useEditor();
  const [line, setLine] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const hintId = useId();
  const preview = useMemo(() => (line.trim() ? editor.previewQuickEntry(line) : null), [editor, line]);
  if (!editor.canEdit) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = editor.quickEntry(line);
    if (result) {
      setDone(result);
      setLine('');
    }
  };
  return (
    <form className="commandbar" onSubmit={submit} role="search" aria-label="Quick entry">
      <label className="commandbar__label" htmlFor={`${hintId}-input`}>Quick entry</label>
      <input
        id={`${hintId}-input`}
        ref={inputRef}
        className="commandbar__input"
        value={line}
        onChange={(e) => {
          setLine(e.target.value);
          setDone(null);
        }}
        onKeyDown={(e) => {
          // Escape first clears what is typed; in an empty bar it puts down the map's selection
          // (and the link toolbar with it), as Escape does on the map, and leaves the bar.
          if (e.key === 'Escape') {
            if (line) setLine('');
            else {
              editor.store.clearSelection();
              e.currentTarget.blur();
            }
          }
        }}
        placeholder="Type a link, e.g.  Short-term funding -> + Staff turnover"
        aria-describedby={`${hintId}-status`}
        autoComplete="off"
        spellCheck={false}
        data-testid="quick-entry"
      />
      <button type="submit" className="button" disabled={!preview || 'error' in preview}>Add</button>
      <p className="commandbar__status" id={`${hintId}-status`} role="status" data-testid="quick-entry-preview">
        {preview ? ('error' in preview ? preview.error : `Enter: ${preview.text}`) : done ? `Added: ${done}` : HOW}
      </p>
    </form>
  );
}
