import { useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { LIMITS, removeFactor, removeLink } from '../../core/model/ops';
import type { MapEdge, MapNode, Polarity } from '../../core/model/types';
import { kindInfo } from '../canvas/kinds';
import { useEditor } from './context';
import { POLARITY_NAMES, incomingSentence, labelText, linkSentence } from './describe';
import { asOneStep } from './history';
import { TextField } from './fields';
import { useWheelAnywhere } from './wheel-forward';

/**
 * The map in words: every factor, what it increases and decreases, and what
 * affects it. Built from headings, lists and form controls, so a screen
 * reader can move through it by heading and change anything here.
 */
export function TextView() {
  const editor = useEditor();
  const snapshot = useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot);
  const readOnly = !editor.canEdit;
  const listId = useId();
  const pane = useRef<HTMLElement>(null);
  useWheelAnywhere(pane);
  const factors = useMemo(
    // Hidden or withdrawn contributions are not read out either.
    () => snapshot.factors.filter((n) => !n.hidden).map((n) => n.data.factor).sort((a, b) => labelText(a.label).localeCompare(labelText(b.label))),
    [snapshot.factors],
  );
  const links = useMemo(() => snapshot.edges.filter((e) => !e.hidden).map((e) => e.data!.link), [snapshot.edges]);
  const [newFactor, setNewFactor] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!newFactor.trim()) return;
    if (editor.addFactor({ label: newFactor.trim(), edit: false })) setNewFactor('');
  };
  return (
    <section ref={pane} className="textview" aria-labelledby="textview-title" data-testid="text-view">
      <h2 id="textview-title">The map in words</h2>
      <p className="textview__summary">
        {factors.length} {factors.length === 1 ? 'factor' : 'factors'} and {links.length} {links.length === 1 ? 'link' : 'links'}, in alphabetical order.
        “Increases” means a rise in one brings a rise in the other; “decreases”, a rise brings a fall.
      </p>
      {!readOnly && (
        <form className="textview__add" onSubmit={add}>
          <label className="field">
            <span>Add a factor</span>
            <input value={newFactor} maxLength={LIMITS.label} onChange={(e) => setNewFactor(e.target.value)} data-testid="textview-new-factor" />
          </label>
          <button type="submit" className="button">Add factor</button>
        </form>
      )}
      <datalist id={listId}>
        {factors.map((f) => <option key={f.id} value={f.label} />)}
      </datalist>
      {factors.length === 0 && <p>No factors yet.</p>}
      <ul className="textview__factors">
        {factors.map((factor) => (
          <FactorEntry key={factor.id} factor={factor} links={links} listId={listId} readOnly={readOnly} />
        ))}
      </ul>
    </section>
  );
}

function FactorEntry({ factor, links, listId, readOnly }: { factor: MapNode; links: MapEdge[]; listId: string; readOnly: boolean }) {
  const editor = useEditor();
  const out = links.filter((l) => l.source === factor.id);
  const into = links.filter((l) => l.target === factor.id);
  const label = labelText(factor.label);
  const headingId = useId();
  return (
    <li className="textview__factor" data-testid="textview-factor" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span className="textview__label">{label}</span> <span className="textview__kind">({kindInfo(factor.kind).label.toLowerCase()}{factor.tags.length ? `; tags: ${factor.tags.join(', ')}` : ''})</span>
      </h3>
      {factor.note && <p className="textview__note">{factor.note}</p>}
      {out.length > 0 ? (
        <ul className="textview__links">
          {out.map((link) => (
            <li key={link.id}>
              <span data-testid="textview-sentence">{linkSentence(link, factor.label, editor.store.labelOf(link.target))}.</span>
              {!readOnly && <LinkControls link={link} />}
            </li>
          ))}
        </ul>
      ) : (
        <p className="textview__none">It does not affect any other factor yet.</p>
      )}
      {into.length > 0 && (
        <p className="textview__incoming">
          {into.map((l) => incomingSentence(l, editor.store.labelOf(l.source), factor.label)).join('. ')}.
        </p>
      )}
      {!readOnly && (
        <details className="textview__edit">
          <summary>Change “{label}”</summary>
          <TextField label="Name" value={factor.label} maxLength={LIMITS.label} onCommit={(v) => editor.rename(factor.id, v)} />
          <AddLink from={factor.id} listId={listId} />
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              editor.history.startStep();
              asOneStep(editor.doc, () => removeFactor(editor.doc, factor.id, editor.ctx));
              editor.ui.announce(`Deleted ${label} and its links.`);
            }}
          >
            Delete “{label}” and its links
          </button>
        </details>
      )}
    </li>
  );
}

function LinkControls({ link }: { link: MapEdge }) {
  const editor = useEditor();
  const sentence = linkSentence(link, editor.store.labelOf(link.source), editor.store.labelOf(link.target));
  return (
    <span className="textview__controls">
      <select aria-label={`Polarity of: ${sentence}`} value={link.polarity} onChange={(e) => editor.setPolarity([link.id], e.target.value as Polarity)}>
        {(['+', '-', '?'] as const).map((p) => <option key={p} value={p}>{POLARITY_NAMES[p]}</option>)}
      </select>
      <label className="check check--inline">
        <input type="checkbox" checked={link.delay} onChange={() => editor.toggleDelay([link.id])} />
        Delay
      </label>
      <button
        type="button"
        className="button button--small"
        aria-label={`Delete link: ${sentence}`}
        onClick={() => {
          editor.history.startStep();
          asOneStep(editor.doc, () => removeLink(editor.doc, link.id, editor.ctx));
          editor.ui.announce(`Deleted the link: ${sentence}.`);
        }}
      >
        Delete
      </button>
    </span>
  );
}

function AddLink({ from, listId }: { from: string; listId: string }) {
  const editor = useEditor();
  const [target, setTarget] = useState('');
  const [polarity, setPolarity] = useState<Polarity>('+');
  const [delay, setDelay] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = target.trim();
    if (!name) return;
    const existing = editor.store.allFactors().find((f) => f.label.trim().toLowerCase() === name.toLowerCase());
    let targetId = existing?.id ?? null;
    if (!targetId) {
      const c = editor.centreOfFactor(from);
      targetId = editor.addFactor({ at: { x: c.x + 280, y: c.y }, label: name, edit: false });
    }
    if (targetId && editor.connect(from, targetId, polarity, delay)) {
      setTarget('');
      setDelay(false);
    }
  };
  return (
    <form className="textview__addlink" onSubmit={submit}>
      <label className="field">
        <span>It…</span>
        <select value={polarity} onChange={(e) => setPolarity(e.target.value as Polarity)}>
          <option value="+">increases</option>
          <option value="-">decreases</option>
          <option value="?">affects (not agreed)</option>
        </select>
      </label>
      <label className="field">
        <span>this factor (new or existing)</span>
        <input list={listId} value={target} maxLength={LIMITS.label} onChange={(e) => setTarget(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={delay} onChange={(e) => setDelay(e.target.checked)} />
        after a delay
      </label>
      <button type="submit" className="button">Add link</button>
    </form>
  );
}
