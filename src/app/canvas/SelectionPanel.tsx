import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import { removeFactor, removeLink, updateFactor, updateLink } from '../../core/model/ops';
import type { MapEdge, MapNode, NodeKind, Polarity } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { ALL_KINDS, kindInfo } from './kinds';

interface Props {
  doc: Y.Doc;
  author: string;
  readOnly: boolean;
  factor: MapNode | null;
  link: MapEdge | null;
  labelOf: (id: string) => string;
  /** Bumped when a new factor should have its label field focused. */
  focusLabelKey: number;
  /** Tells others which factor's label this person is typing in (null when done). */
  onEditing: (factorId: string | null) => void;
}

/** Edits the selected factor or link. (The full inspector is the editor's job; this is the minimum.) */
export function SelectionPanel({ doc, author, readOnly, factor, link, labelOf, focusLabelKey, onEditing }: Props) {
  const ctx = { origin: LOCAL_ORIGIN, author };
  if (factor) return <FactorFields key={factor.id} doc={doc} ctx={ctx} readOnly={readOnly} factor={factor} focusLabelKey={focusLabelKey} onEditing={onEditing} />;
  if (link) {
    const polarities: { value: Polarity; text: string; name: string }[] = [
      { value: '+', text: '+', name: 'Same direction (+)' },
      { value: '-', text: '−', name: 'Opposite direction (−)' },
      { value: '?', text: '?', name: 'Not agreed (?)' },
    ];
    return (
      <section className="panel" aria-label="Selected link">
        <h2 className="panel__title">Link</h2>
        <p className="panel__text">
          {labelOf(link.source)} → {labelOf(link.target)}
        </p>
        <div className="segmented" role="group" aria-label="Polarity">
          {polarities.map((p) => (
            <button
              key={p.value}
              type="button"
              aria-pressed={link.polarity === p.value}
              title={p.name}
              aria-label={p.name}
              disabled={readOnly}
              onClick={() => updateLink(doc, link.id, { polarity: p.value }, ctx)}
            >
              {p.text}
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={link.delay} disabled={readOnly} onChange={(e) => updateLink(doc, link.id, { delay: e.target.checked }, ctx)} />
          Takes a long time (delay)
        </label>
        {!readOnly && (
          <button type="button" className="button button--danger" onClick={() => removeLink(doc, link.id, ctx)}>
            Delete link
          </button>
        )}
      </section>
    );
  }
  return (
    <section className="panel" aria-label="Help">
      <h2 className="panel__title">Getting started</h2>
      <ul className="panel__help">
        <li>Double-click the canvas, or use “Add factor”, to add a factor.</li>
        <li>Drag from the dot on a factor’s right edge to another factor to link them.</li>
        <li>Click a factor or link to edit it; press Delete to remove it.</li>
      </ul>
    </section>
  );
}

function FactorFields({ doc, ctx, readOnly, factor, focusLabelKey, onEditing }: {
  doc: Y.Doc; ctx: { origin: symbol; author: string }; readOnly: boolean; factor: MapNode; focusLabelKey: number;
  onEditing: (factorId: string | null) => void;
}) {
  const [draft, setDraft] = useState(factor.label);
  const [editing, setEditing] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // Someone else renamed it while we were not typing: show theirs.
  useEffect(() => {
    if (!editing) setDraft(factor.label);
  }, [factor.label, editing]);
  useEffect(() => {
    if (focusLabelKey > 0) {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusLabelKey]);

  useEffect(() => () => onEditing(null), [onEditing]);
  const commit = () => {
    setEditing(false);
    onEditing(null);
    const label = draft.trim();
    if (label && label !== factor.label) updateFactor(doc, factor.id, { label }, ctx);
    else setDraft(factor.label);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') commit();
    if (event.key === 'Escape') {
      setDraft(factor.label);
      setEditing(false);
      onEditing(null);
      input.current?.blur();
    }
  };
  return (
    <section className="panel" aria-label="Selected factor">
      <h2 className="panel__title">Factor</h2>
      <label className="field">
        <span>Label</span>
        <input
          ref={input}
          value={draft}
          maxLength={300}
          readOnly={readOnly}
          onFocus={() => !readOnly && onEditing(factor.id)}
          onChange={(e) => {
            setEditing(true);
            setDraft(e.target.value);
          }}
          onBlur={commit}
          onKeyDown={onKeyDown}
          data-testid="factor-label-input"
        />
      </label>
      <label className="field">
        <span>Kind</span>
        <select value={kindInfo(factor.kind).id} disabled={readOnly} onChange={(e) => updateFactor(doc, factor.id, { kind: e.target.value as NodeKind }, ctx)}>
          {ALL_KINDS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.icon} {k.label}
            </option>
          ))}
        </select>
      </label>
      {factor.note && <p className="panel__note">{factor.note}</p>}
      {!readOnly && (
        <button type="button" className="button button--danger" onClick={() => removeFactor(doc, factor.id, ctx)}>
          Delete factor and its links
        </button>
      )}
    </section>
  );
}
