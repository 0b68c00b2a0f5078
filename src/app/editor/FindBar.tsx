import { useCombobox } from 'downshift';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useEditor } from './context';
import { labelText } from './describe';
import { LabelIndex } from './fuzzy';

interface Hit { id: string; label: string; tags: readonly string[] }

/**
 * Find (Ctrl/Cmd+F): factors by name or tag, fuzzy. Choosing one selects it
 * and centres it on the canvas; Escape closes and returns to the map.
 */
export function FindBar() {
  const editor = useEditor();
  const snapshot = useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot);
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const index = useMemo(
    () => new LabelIndex<Hit>(snapshot.factors.map((n) => ({ id: n.id, label: n.data.factor.label, tags: n.data.factor.tags })), { withTags: true }),
    [snapshot.factors],
  );
  const items = useMemo(() => index.search(query, 12).map((r) => r.item), [index, query]);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const close = () => editor.ui.set({ findOpen: false });
  const { isOpen, getMenuProps, getInputProps, getItemProps, getLabelProps, highlightedIndex } = useCombobox<Hit>({
    items,
    selectedItem: null,
    defaultHighlightedIndex: 0,
    itemToString: (item) => item?.label ?? '',
    onInputValueChange: ({ inputValue, type }) => {
      // Downshift owns the text (a controlled value drops keys typed quickly); we only filter by it.
      if (type === useCombobox.stateChangeTypes.InputChange) setQuery(inputValue ?? '');
    },
    onSelectedItemChange: ({ selectedItem }) => {
      if (!selectedItem) return;
      editor.goTo(selectedItem.id);
      editor.ui.announce(`Found ${labelText(selectedItem.label)}.`);
      close();
    },
  });
  return (
    <div className="findbar" data-testid="find">
      <label className="findbar__label" {...getLabelProps()}>Find a factor</label>
      <div className="combo">
        <input
          className="combo__input"
          placeholder="Name or tag"
          data-testid="find-input"
          {...getInputProps({
            ref: input,
            onKeyDown: (event) => {
              if (event.key === 'Escape') {
                (event.nativeEvent as unknown as { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
                close();
              }
            },
          })}
        />
        <ul className={`combo__menu${isOpen && items.length > 0 ? ' is-open' : ''}`} {...getMenuProps()}>
          {isOpen && items.map((item, i) => (
            <li key={item.id} className={`combo__item${highlightedIndex === i ? ' is-highlighted' : ''}`} data-testid="find-result" {...getItemProps({ item, index: i })}>
              <span className="find-result__label">{labelText(item.label)}</span>
              {item.tags.length > 0 && <small className="find-result__tags">{item.tags.map((t) => `#${t}`).join(' ')}</small>}
            </li>
          ))}
        </ul>
      </div>
      <p className="findbar__status" role="status">{query.trim() ? `${items.length} ${items.length === 1 ? 'match' : 'matches'}` : ''}</p>
      <button type="button" className="button" onClick={close}>Close</button>
    </div>
  );
}
