import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { oneLine, useGrowToFit } from './one-line-box';

/**
 * Inspector fields. Text is committed when the person leaves the field or
 * presses Enter (Ctrl+Enter in a multi-line note), one undo step per commit;
 * Escape puts back what is on the map. While someone is not typing, a change
 * made by somebody else shows at once.
 */

interface TextProps {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  readOnly?: boolean;
  maxLength?: number;
  multiline?: boolean;
  /** One line that wraps and grows instead of scrolling sideways (a name); Enter commits. */
  wraps?: boolean;
  placeholder?: string;
  hint?: string;
  testId?: string;
  onFocusChange?: (focused: boolean) => void;
  /** Bumped to move keyboard focus into this field (after creating a factor, say). */
  focusKey?: number;
  list?: string;
}

export function TextField({ label, value, onCommit, readOnly, maxLength, multiline, wraps, placeholder, hint, testId, onFocusChange, focusKey, list }: TextProps) {
  const [draft, setDraft] = useState(value);
  const [dirty, setDirty] = useState(false);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const hintId = useId();
  useGrowToFit(ref, draft, wraps);
  useEffect(() => {
    if (!dirty) setDraft(value);
  }, [value, dirty]);
  useEffect(() => {
    if (focusKey && focusKey > 0) {
      ref.current?.focus();
      ref.current?.select();
    }
  }, [focusKey]);
  const commit = () => {
    setDirty(false);
    if (draft !== value) onCommit(draft);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (!multiline || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setDraft(value);
      setDirty(false);
      onFocusChange?.(false);
      ref.current?.blur();
    }
  };
  const common = {
    ref,
    value: draft,
    readOnly,
    maxLength,
    placeholder,
    'aria-describedby': hint ? hintId : undefined,
    onChange: (e: { target: { value: string } }) => {
      setDirty(true);
      setDraft(wraps ? oneLine(e.target.value) : e.target.value);
    },
    onFocus: () => onFocusChange?.(true),
    onBlur: () => {
      onFocusChange?.(false);
      commit();
    },
    onKeyDown,
    'data-testid': testId,
  };
  return (
    <label className="field">
      <span>{label}</span>
      {multiline ? <textarea rows={3} {...common} /> : wraps ? <textarea rows={1} className="field__wraps" {...common} /> : <input {...common} list={list} />}
      {hint && <small id={hintId} className="field__hint">{hint}</small>}
    </label>
  );
}

interface Choice<T> { value: T; label: ReactNode; name?: string }

/** A row of radio buttons drawn as big buttons: one click or arrow keys. */
export function ChoiceGroup<T extends string | number>({ legend, value, choices, onChange, disabled, testId }: {
  legend: string; value: T | null; choices: readonly Choice<T>[]; onChange: (value: T) => void; disabled?: boolean; testId?: string;
}) {
  const name = useId();
  return (
    <fieldset className="choices" disabled={disabled} data-testid={testId}>
      <legend>{legend}</legend>
      <div className="choices__row" role="radiogroup" aria-label={legend}>
        {choices.map((choice) => (
          <label key={String(choice.value)} className={`choice${value === choice.value ? ' is-on' : ''}`} title={choice.name}>
            <input type="radio" name={name} checked={value === choice.value} onChange={() => onChange(choice.value)} aria-label={choice.name} />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
