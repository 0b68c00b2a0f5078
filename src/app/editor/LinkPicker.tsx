import { useCombobox } from 'downshift';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Polarity } from '../../core/model/types';
import { useEditor } from './context';
import { POLARITY_GLYPH, POLARITY_NAMES, labelText } from './describe';
import { LabelIndex } from './fuzzy';

type Choice = { id: string; label: string; isNew?: boolean };

/**
 * Drawing a link without a mouse: "Link Short-term funding to…", type part
 * of the other factor's name, pick it (or create it), and the link is made.
 */
export function LinkPicker({ from }: { from: string }) {
  const editor = useEditor();
  const [query, setQuery] = useState('');
  const [polarity, setPolarity] = useState<Polarity>('+');
  const input = useRef<HTMLInputElement>(null);
  const index = useMemo(() => new LabelIndex(editor.store.allFactors().map((f) => ({ id: f.id, label: f.label }))), [editor]);
  const items = useMemo<Choice[]>(() => {
    const found: Choice[] = query.trim() ? index.search(query, 10).map((r) => r.item) : index.items.slice(0, 10);
    if (query.trim() && !index.exactMatch(query)) found.push({ id: '', label: query.trim(), isNew: true });
    return found;
  }, [index, query]);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const close = () => {
    editor.ui.set({ linkingFrom: null });
  };
  const choose = (choice: Choice) => {
    let target = choice.id;
    if (choice.isNew) {
      const source = editor.centreOfFactor(from);
      const id = editor.addFactor({ at: { x: source.x + 280, y: source.y }, label: choice.label, edit: false });
      if (!id) return;
      target = id;
    }
    close();
    const link = editor.connect(from, target, polarity);
    if (link) editor.goTo(link, { centre: false });
  };
  const { isOpen, getMenuProps, getInputProps, getItemProps, getLabelProps, highlightedIndex } = useCombobox<Choice>({
    items,
    selectedItem: null,
    initialIsOpen: true,
    defaultHighlightedIndex: 0,
    itemToString: (item) => item?.label ?? '',
    onInputValueChange: ({ inputValue, type }) => {
      // Downshift owns the text (a controlled value drops keys typed quickly); we only filter by it.
      if (type === useCombobox.stateChangeTypes.InputChange) setQuery(inputValue ?? '');
    },
    onSelectedItemChange: ({ selectedItem }) => {
      if (selectedItem) choose(selectedItem);
    },
  });
  return (
    <div className="linkpicker" role="dialog" aria-label={`Link ${labelText(editor.store.labelOf(from))} to another factor`} data-testid="link-picker">
      <label {...getLabelProps()} className="linkpicker__label">
        Link <strong>{labelText(editor.store.labelOf(from))}</strong> to…
      </label>
      <div className="linkpicker__polarity" role="radiogroup" aria-label="Polarity">
        {(['+', '-', '?'] as const).map((p) => (
          <label key={p} className={`choice${polarity === p ? ' is-on' : ''}`} title={POLARITY_NAMES[p]}>
            <input type="radio" name="picker-polarity" checked={polarity === p} onChange={() => setPolarity(p)} aria-label={POLARITY_NAMES[p]} />
            <span className="choice__glyph">{POLARITY_GLYPH[p]}</span>
          </label>
        ))}
      </div>
      <div className="combo">
        <input
          className="combo__input"
          placeholder="Type the other factor's name"
          data-testid="link-picker-input"
          {...getInputProps({
            ref: input,
            onKeyDown: (event) => {
              if (event.key === 'Escape') {
                (event.nativeEvent as unknown as { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
                close();
                editor.viewport.focusElement(from);
              }
            },
          })}
        />
        <ul className={`combo__menu${isOpen && items.length > 0 ? ' is-open' : ''}`} {...getMenuProps()}>
          {isOpen && items.map((item, i) => (
            <li key={item.isNew ? 'new' : item.id} className={`combo__item${highlightedIndex === i ? ' is-highlighted' : ''}`} data-testid="link-picker-option" {...getItemProps({ item, index: i })}>
              {item.isNew ? <span>Add a new factor “{item.label}”</span> : <span>{labelText(item.label)}{item.id === from ? ' (itself: a loop)' : ''}</span>}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="button" onClick={close}>Cancel</button>
    </div>
  );
}
