import { useCombobox } from 'downshift';
import { useMemo, useState } from 'react';
import { LIMITS } from '../../core/model/ops';
import { suggestTags, type TagSuggestion } from './tags';

interface Props {
  tags: readonly string[];
  /** Every tag used on the map, offered first. */
  mapTags: readonly string[];
  onAdd: (tag: string) => void;
  onRemove: (tag: string) => void;
  readOnly: boolean;
}

/**
 * Tags of a factor or link: chips with a remove button each, and a combobox
 * (downshift) that suggests the map's tags and DOMAIN.md's vocabulary. Any
 * new tag can be typed and added with Enter.
 */
export function TagEditor({ tags, mapTags, onAdd, onRemove, readOnly }: Props) {
  const [input, setInput] = useState('');
  const items = useMemo(() => suggestTags(input, mapTags, tags), [input, mapTags, tags]);
  const { isOpen, getMenuProps, getInputProps, getItemProps, getLabelProps, highlightedIndex, setInputValue } = useCombobox<TagSuggestion>({
    items,
    selectedItem: null,
    itemToString: () => '',
    // Downshift owns the text (a controlled value drops keys typed quickly); we only filter by it.
    onInputValueChange: ({ inputValue }) => setInput(inputValue ?? ''),
    onSelectedItemChange: ({ selectedItem }) => {
      if (selectedItem) add(selectedItem.tag);
    },
  });
  function add(tag: string) {
    const clean = tag.trim();
    if (clean) onAdd(clean.slice(0, LIMITS.tag));
    setInputValue('');
    setInput('');
  }
  return (
    <div className="tags">
      <span className="field__label" {...getLabelProps()}>Tags</span>
      {tags.length > 0 ? (
        <ul className="tags__list" aria-label="Tags on this element">
          {tags.map((tag) => (
            <li key={tag} className="tag-chip" data-testid="tag-chip">
              <span>{tag}</span>
              {!readOnly && (
                <button type="button" className="tag-chip__remove" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="field__hint">No tags yet.</p>
      )}
      {!readOnly && (
        <div className="combo">
          <input
            className="combo__input"
            placeholder="Add a tag: type, then Enter"
            maxLength={LIMITS.tag}
            data-testid="tag-input"
            {...getInputProps({
              onKeyDown: (event) => {
                if (event.key === 'Enter' && (highlightedIndex === -1 || !isOpen) && input.trim()) {
                  event.preventDefault();
                  (event.nativeEvent as unknown as { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
                  add(input);
                }
              },
            })}
          />
          <ul className={`combo__menu${isOpen && items.length > 0 ? ' is-open' : ''}`} {...getMenuProps()}>
            {isOpen && items.map((item, index) => (
              <li
                key={item.tag}
                className={`combo__item${highlightedIndex === index ? ' is-highlighted' : ''}`}
                {...getItemProps({ item, index })}
              >
                <span>{item.tag}</span>
                <small>{item.group}</small>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
