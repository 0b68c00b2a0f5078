import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Loop } from '../../core/analysis/loops';
import { loopLabels, narrateLoop } from '../../core/analysis/structure';
import { setLoopName } from '../../core/model/ops';
import type { MapEdge, MapNode } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';
import type { LoopAnalysis } from './loop-analysis';
import { useLoopNames } from './loop-names';

interface Props {
  doc: Y.Doc;
  analysis: LoopAnalysis;
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
  /** The factor selected on the canvas, for the "through this factor" filter. */
  selectedFactor: string | null;
  /** The loop shown on the canvas (highlighted), by signature. */
  selectedLoop: string | null;
  onSelectLoop: (loop: Loop | null) => void;
  readOnly: boolean;
  author: string;
}

const POLARITY_NAME = { R: 'Reinforcing', B: 'Balancing', '?': 'Not agreed' } as const;

/** The map's feedback loops: list, filters, names, and each loop told as a sentence. */
export function LoopPanel({ doc, analysis, nodes, edges, selectedFactor, selectedLoop, onSelectLoop, readOnly, author }: Props) {
  const state = useSyncExternalStore(analysis.subscribe, analysis.getState);
  const names = useLoopNames(doc);
  const [show, setShow] = useState({ R: true, B: true, '?': true });
  const [delayedOnly, setDelayedOnly] = useState(false);
  const [throughSelected, setThroughSelected] = useState(false);
  const [tag, setTag] = useState('');
  const labels = useMemo(() => loopLabels(state.loops), [state.loops]);
  const structure = useMemo(() => ({ nodes, edges }), [nodes, edges]);
  const tags = useMemo(() => [...new Set(nodes.flatMap((n) => n.tags))].sort(), [nodes]);
  const taggedFactors = useMemo(() => new Set(nodes.filter((n) => n.tags.includes(tag)).map((n) => n.id)), [nodes, tag]);

  const visible = state.loops.filter((loop) =>
    show[loop.polarity]
    && (!delayedOnly || loop.delayed)
    && (!throughSelected || (selectedFactor !== null && loop.nodeIds.includes(selectedFactor)))
    && (!tag || loop.nodeIds.some((id) => taggedFactors.has(id))));
  const index = visible.findIndex((l) => l.signature === selectedLoop);
  const current = index >= 0 ? visible[index]! : null;
  const counts = { R: 0, B: 0, '?': 0 };
  for (const loop of state.loops) counts[loop.polarity]++;
  const named = state.loops.filter((l) => names[l.signature]?.title).length;

  // The selected loop left the list (filters, or the map changed): let go of it.
  useEffect(() => {
    if (selectedLoop && !state.running && !state.loops.some((l) => l.signature === selectedLoop)) onSelectLoop(null);
  }, [selectedLoop, state.loops, state.running, onSelectLoop]);

  const step = (delta: number) => {
    if (visible.length === 0) return;
    const next = visible[(index + delta + visible.length) % visible.length]!;
    onSelectLoop(next);
  };

  const total = state.complete ? `${state.loops.length}` : `at least ${state.loops.length}`;
  const capNote = !state.complete && !state.running
    ? state.stoppedBy === 'time'
      ? 'The search stopped after its time limit: there are more loops than listed.'
      : 'The search stopped at its limit: there are more loops than listed.'
    : null;

  return (
    <section className="panel" aria-labelledby="loops-title" data-testid="loop-panel">
      <h2 className="panel__title" id="loops-title">Feedback loops</h2>
      <p className="panel__text" role="status" data-testid="loop-count">
        {state.running && state.loops.length === 0 ? 'Looking for loops…' : `${total} loops: ${counts.R} reinforcing, ${counts.B} balancing${counts['?'] ? `, ${counts['?']} not agreed` : ''}`}
        {state.running && state.loops.length > 0 ? ' (still looking…)' : ''}
      </p>
      {capNote && <p className="panel__note" data-testid="loop-cap">{capNote}</p>}
      {state.error && <p className="error" role="alert">{state.error}</p>}
      {state.loops.length > 0 && <p className="panel__note">{named} of {state.loops.length} named.</p>}

      <fieldset className="filters">
        <legend>Show</legend>
        {(['R', 'B', '?'] as const).map((p) => (
          <label key={p} className="check">
            <input type="checkbox" checked={show[p]} onChange={(e) => setShow({ ...show, [p]: e.target.checked })} />
            {POLARITY_NAME[p]}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={delayedOnly} onChange={(e) => setDelayedOnly(e.target.checked)} />
          With a delay only
        </label>
        <label className="check">
          <input type="checkbox" checked={throughSelected} disabled={selectedFactor === null && !throughSelected} onChange={(e) => setThroughSelected(e.target.checked)} />
          Through the selected factor
        </label>
        {tags.length > 0 && (
          <label className="field">
            <span>Through a factor tagged</span>
            <select value={tag} onChange={(e) => setTag(e.target.value)}>
              <option value="">any tag</option>
              {tags.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
        )}
      </fieldset>

      {current && (
        <div className="loop-detail" data-testid="loop-detail">
          <div className="loop-detail__nav">
            <button type="button" className="button" onClick={() => step(-1)} aria-label="Previous loop">←</button>
            <span>Loop {index + 1} of {visible.length}</span>
            <button type="button" className="button" onClick={() => step(1)} aria-label="Next loop">→</button>
            <button type="button" className="button" onClick={() => onSelectLoop(null)}>Show whole map</button>
          </div>
          <p className="loop-detail__sentence" data-testid="loop-sentence">
            <strong>{labels.get(current.signature)}</strong> {narrateLoop(current, structure)}
          </p>
          <LoopNameFields key={current.signature} doc={doc} signature={current.signature} name={names[current.signature] ?? {}} readOnly={readOnly} author={author} />
        </div>
      )}

      <ol className="loops" aria-label="Loops, shortest first">
        {visible.slice(0, 500).map((loop) => (
          <li key={loop.signature}>
            <button
              type="button"
              className={`loop${loop.signature === selectedLoop ? ' is-selected' : ''}`}
              aria-pressed={loop.signature === selectedLoop}
              onClick={() => onSelectLoop(loop.signature === selectedLoop ? null : loop)}
              data-testid="loop"
              data-polarity={loop.polarity}
            >
              <span className={`loop__badge loop__badge--${loop.polarity === '?' ? 'unknown' : loop.polarity}`}>{labels.get(loop.signature)}</span>
              <span className="loop__name">{names[loop.signature]?.title || POLARITY_NAME[loop.polarity]}</span>
              <span className="loop__meta">
                {loop.length} {loop.length === 1 ? 'link' : 'links'}
                {loop.delayed ? ' · ‖ delay' : ''}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {visible.length > 500 && <p className="panel__note">Showing the 500 shortest of {visible.length}; use the filters to narrow the list.</p>}
    </section>
  );
}

function LoopNameFields({ doc, signature, name, readOnly, author }: {
  doc: Y.Doc; signature: string; name: { title?: string; note?: string }; readOnly: boolean; author: string;
}) {
  const [title, setTitle] = useState(name.title ?? '');
  const [note, setNote] = useState(name.note ?? '');
  const save = () => {
    if ((name.title ?? '') === title.trim() && (name.note ?? '') === note) return;
    setLoopName(doc, signature, { title: title.trim(), note }, { origin: LOCAL_ORIGIN, author });
  };
  return (
    <div className="form">
      <label className="field">
        <span>Name of this loop</span>
        <input value={title} maxLength={200} readOnly={readOnly} placeholder="e.g. The dual-diagnosis trap" onChange={(e) => setTitle(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === 'Enter' && save()} data-testid="loop-title" />
      </label>
      <label className="field">
        <span>Note</span>
        <textarea value={note} maxLength={10_000} readOnly={readOnly} rows={2} onChange={(e) => setNote(e.target.value)} onBlur={save} />
      </label>
    </div>
  );
}
