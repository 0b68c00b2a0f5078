import { memo, useDeferredValue, useMemo, useSyncExternalStore } from 'react';
import {
  LIMITS, addTag, removeTag, setLeverage, updateFactor, updateLink, updateSection,
} from '../../core/model/ops';
import {
  MEADOWS_LEVELS, type Confidence, type EvidenceType, type Leverage, type MapEdge, type MapNode, type MapSection, type NodeKind,
  type Polarity, type Strength,
} from '../../core/model/types';
import type { FlowSnapshot } from '../canvas/flow-store';
import { ALL_KINDS, kindInfo } from '../canvas/kinds';
import { useEditor } from './context';
import { POLARITY_GLYPH, POLARITY_NAMES, incomingSentence, labelText, linkSentence, meadowsLevel } from './describe';
import type { Editor } from './editor';
import { ChoiceGroup, TextField } from './fields';
import { SECTION_COLOURS, SYSTEM_LEVELS, sectionAt } from './sections';
import { TagEditor } from './TagEditor';
import { dateTimeText } from '../format-time';

interface Props {
  /** Bumped when the label field should take focus. */
  focusLabelKey: number;
  /** Tells others which factor's label this person is typing in (null when done). */
  onEditing: (factorId: string | null) => void;
}

/** Runs a typed op for the inspector as one undo step, showing a refused edit as a sentence. */
function useWrite(editor: Editor) {
  return (fn: () => void) => {
    if (!editor.canEdit) return;
    try {
      editor.history.startStep();
      fn();
      editor.ui.set({ error: null });
    } catch (error) {
      editor.ui.fail(error);
    }
  };
}

function allTags(snapshot: FlowSnapshot): string[] {
  const set = new Set<string>();
  for (const n of snapshot.factors) for (const t of n.data.factor.tags) set.add(t);
  for (const e of snapshot.edges) for (const t of e.data?.link.tags ?? []) set.add(t);
  return [...set];
}

/** The panel for whatever is selected: a factor, a link, a section, several, or nothing (then: how to start). */
export function Inspector(props: Props) {
  const editor = useEditor();
  // Deferred, as the side panels are (SidePanels.tsx): the canvas shows a click before this does.
  const snapshot = useDeferredValue(useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot));
  return <InspectorView {...props} snapshot={snapshot} />;
}

const InspectorView = memo(function InspectorView({ focusLabelKey, onEditing, snapshot }: Props & { snapshot: FlowSnapshot }) {
  const mapTags = useMemo(() => allTags(snapshot), [snapshot]);
  const factors = snapshot.factors.filter((n) => n.selected).map((n) => n.data.factor);
  const links = snapshot.edges.filter((e) => e.selected && e.data).map((e) => e.data!.link);
  const sections = snapshot.sections.filter((s) => s.selected).map((s) => s.data.section);
  const count = factors.length + links.length + sections.length;
  if (count === 0) return <GettingStarted />;
  if (count > 1) return <MultiInspector factors={factors} links={links} sections={sections} />;
  if (factors[0]) return <FactorInspector key={factors[0].id} factor={factors[0]} mapTags={mapTags} focusLabelKey={focusLabelKey} onEditing={onEditing} />;
  if (links[0]) return <LinkInspector key={links[0].id} link={links[0]} mapTags={mapTags} />;
  return <SectionInspector key={sections[0]!.id} section={sections[0]!} />;
});

function GettingStarted() {
  const editor = useEditor();
  return (
    <section className="panel" aria-labelledby="help-title" data-testid="getting-started">
      <h2 className="panel__title" id="help-title">How to draw the map</h2>
      {editor.canEdit ? (
        <ol className="panel__help">
          <li><strong>Add a factor:</strong> double-click the canvas or press <em>Add factor</em>, type its name, press Enter.</li>
          <li><strong>Link two factors:</strong> drag from the <span className="key">→</span> on a factor’s right edge and drop it anywhere on another factor.</li>
          <li><strong>Change a link:</strong> click the <span className="key">+</span> by its arrowhead to switch to <span className="key">−</span> or <span className="key">?</span>; click the link for a delay <span className="key">‖</span>.</li>
          <li>Or type a whole link in the bar below the map: <code>Funding -&gt; + Staff turnover</code>.</li>
        </ol>
      ) : (
        <p className="panel__text" data-testid="read-only-reason">{editor.readOnlyReason} You can still select factors and links to read about them.</p>
      )}
      <p className="panel__text">
        <button type="button" className="linklike" onClick={() => editor.ui.set({ shortcutsOpen: true })}>Keyboard shortcuts</button>
      </p>
    </section>
  );
}

function Evidence({ element, onPatch, readOnly }: {
  element: MapNode | MapEdge; readOnly: boolean;
  onPatch: (patch: { evidence?: string; evidenceSource?: string; evidenceType?: EvidenceType | null }) => void;
}) {
  return (
    <details className="panel__group" open={Boolean(element.evidence.text || element.evidence.source)}>
      <summary>Evidence</summary>
      <TextField label="What was said or seen" multiline value={element.evidence.text} maxLength={LIMITS.note} readOnly={readOnly} onCommit={(evidence) => onPatch({ evidence })} testId="evidence-text" hint="Never a personal story: what it shows about the system." />
      <TextField label="Source" value={element.evidence.source} maxLength={LIMITS.evidenceSource} readOnly={readOnly} onCommit={(evidenceSource) => onPatch({ evidenceSource })} placeholder="A report, or “person accessing support”" testId="evidence-source" />
      <ChoiceGroup<EvidenceType | 'none'>
        legend="How direct is it?"
        value={element.evidence.type ?? 'none'}
        disabled={readOnly}
        onChange={(v) => onPatch({ evidenceType: v === 'none' ? null : v })}
        choices={[
          { value: 'stated', label: 'Stated', name: 'Stated: someone said it outright' },
          { value: 'implied', label: 'Implied', name: 'Implied: inferred by the group or note-taker' },
          { value: 'none', label: 'Not set', name: 'Not set' },
        ]}
        testId="evidence-type"
      />
    </details>
  );
}

function LeverageFields({ elementId, leverage, readOnly }: { elementId: string; leverage: Leverage | null; readOnly: boolean }) {
  const editor = useEditor();
  const write = useWrite(editor);
  const info = leverage ? meadowsLevel(leverage.level) : null;
  return (
    <details className="panel__group" open={leverage !== null}>
      <summary>Leverage point{leverage ? ` · level ${leverage.level}` : ''}</summary>
      <label className="field">
        <span>Meadows level</span>
        <select
          value={leverage?.level ?? ''}
          disabled={readOnly}
          onChange={(e) => write(() => setLeverage(editor.doc, elementId, e.target.value ? { level: Number(e.target.value), rationale: leverage?.rationale ?? '' } : null, editor.ctx))}
          data-testid="leverage-level"
        >
          <option value="">Not a leverage point</option>
          {MEADOWS_LEVELS.map((m) => (
            <option key={m.level} value={m.level}>{m.level}. {m.name}</option>
          ))}
        </select>
      </label>
      {info && <p className="field__hint" data-testid="leverage-explanation">{info.explanation} (12 is the weakest place to intervene, 1 the strongest.)</p>}
      {leverage && (
        <TextField
          label="Why here? (rationale)"
          multiline
          value={leverage.rationale}
          maxLength={LIMITS.rationale}
          readOnly={readOnly}
          onCommit={(rationale) => write(() => setLeverage(editor.doc, elementId, { level: leverage.level, rationale }, editor.ctx))}
          testId="leverage-rationale"
        />
      )}
    </details>
  );
}

function Tags({ element, mapTags, readOnly }: { element: MapNode | MapEdge; mapTags: readonly string[]; readOnly: boolean }) {
  const editor = useEditor();
  const write = useWrite(editor);
  return (
    <TagEditor
      tags={element.tags}
      mapTags={mapTags}
      readOnly={readOnly}
      onAdd={(tag) => write(() => addTag(editor.doc, element.id, tag, editor.ctx))}
      onRemove={(tag) => write(() => removeTag(editor.doc, element.id, tag, editor.ctx))}
    />
  );
}

function Provenance({ element }: { element: MapNode | MapEdge }) {
  const editor = useEditor();
  if (!element.createdAt) return null;
  const who = element.createdBy === editor.author ? 'you' : element.createdBy === 'template' ? 'the template' : 'someone else';
  return <p className="panel__meta">Added by {who}, {dateTimeText(element.createdAt)}</p>;
}

function FactorInspector({ factor, mapTags, focusLabelKey, onEditing }: { factor: MapNode; mapTags: readonly string[]; focusLabelKey: number; onEditing: (id: string | null) => void }) {
  const editor = useEditor();
  const write = useWrite(editor);
  const readOnly = !editor.canEditElement(factor.id);
  const links = editor.store.visibleLinks();
  const out = links.filter((l) => l.source === factor.id);
  const into = links.filter((l) => l.target === factor.id && l.source !== factor.id);
  const box = editor.store.boxOf(factor.id);
  const section = box ? sectionAt(editor.store.allSectionRects(), box.x + box.width / 2, box.y + box.height / 2) : null;
  const sectionTitle = section ? editor.store.section(section.id)?.title || 'Untitled section' : null;
  const patch = (p: Parameters<typeof updateFactor>[2]) => write(() => updateFactor(editor.doc, factor.id, p, editor.ctx));
  return (
    <section className="panel" aria-labelledby="inspector-title" data-testid="inspector">
      <h2 className="panel__title" id="inspector-title">Factor</h2>
      <TextField
        label="Name"
        value={factor.label}
        maxLength={LIMITS.label}
        wraps
        readOnly={readOnly}
        onCommit={(label) => {
          if (label.trim()) editor.rename(factor.id, label);
          else editor.ui.fail(new Error('A factor needs a name: the old name is kept.'));
        }}
        onFocusChange={(focused) => !readOnly && onEditing(focused ? factor.id : null)}
        focusKey={focusLabelKey}
        testId="factor-label-input"
      />
      <ChoiceGroup<NodeKind>
        legend="Kind"
        value={kindInfo(factor.kind).id}
        disabled={readOnly}
        onChange={(kind) => editor.setKind([factor.id], kind)}
        choices={ALL_KINDS.map((k) => ({ value: k.id, label: <><span aria-hidden="true">{k.icon}</span> {k.label}</>, name: `${k.label}: ${k.description}` }))}
        testId="kind"
      />
      {sectionTitle && <p className="panel__meta">In section: {sectionTitle}</p>}
      <Tags element={factor} mapTags={mapTags} readOnly={readOnly} />
      <TextField label="Note" multiline value={factor.note} maxLength={LIMITS.note} readOnly={readOnly} onCommit={(note) => patch({ note })} testId="factor-note" hint="Ctrl+Enter or leaving the box keeps it." />
      <Evidence element={factor} readOnly={readOnly} onPatch={patch} />
      <LeverageFields elementId={factor.id} leverage={factor.leverage} readOnly={readOnly} />
      <div className="panel__group">
        <h3 className="panel__subtitle">Links</h3>
        {out.length === 0 && into.length === 0 && <p className="field__hint">No links yet. Drag from the → on the factor, or press L.</p>}
        <ul className="linklist">
          {out.map((l) => (
            <li key={l.id}><button type="button" className="linklike" onClick={() => editor.goTo(l.id)}>{linkSentence(l, factor.label, editor.store.labelOf(l.target))}</button></li>
          ))}
          {into.map((l) => (
            <li key={l.id}><button type="button" className="linklike" onClick={() => editor.goTo(l.id)}>{incomingSentence(l, editor.store.labelOf(l.source), factor.label)}</button></li>
          ))}
        </ul>
        {!readOnly && <button type="button" className="button" onClick={() => editor.ui.set({ linkingFrom: factor.id })}>Link to another factor…</button>}
      </div>
      <Provenance element={factor} />
      {!readOnly && (
        <button type="button" className="button button--danger" onClick={() => editor.deleteSelection()}>
          Delete factor and its links
        </button>
      )}
    </section>
  );
}

function LinkInspector({ link, mapTags }: { link: MapEdge; mapTags: readonly string[] }) {
  const editor = useEditor();
  const write = useWrite(editor);
  const readOnly = !editor.canEditElement(link.id);
  const patch = (p: Parameters<typeof updateLink>[2]) => write(() => updateLink(editor.doc, link.id, p, editor.ctx));
  const source = editor.store.labelOf(link.source);
  const target = editor.store.labelOf(link.target);
  return (
    <section className="panel" aria-labelledby="inspector-title" data-testid="inspector">
      <h2 className="panel__title" id="inspector-title">Link</h2>
      <p className="panel__text" data-testid="link-sentence">{linkSentence(link, source, target)}.</p>
      <p className="panel__text panel__ends">
        <button type="button" className="linklike" onClick={() => editor.goTo(link.source)}>From: {labelText(source)}</button>
        <button type="button" className="linklike" onClick={() => editor.goTo(link.target)}>To: {labelText(target)}</button>
        {!readOnly && link.source !== link.target && (
          <button type="button" className="linklike" onClick={() => editor.reverseLinks([link.id])} data-testid="reverse-link" aria-keyshortcuts="R">⇄ Reverse direction</button>
        )}
      </p>
      <ChoiceGroup<Polarity>
        legend="Polarity"
        value={link.polarity}
        disabled={readOnly}
        onChange={(polarity) => editor.setPolarity([link.id], polarity)}
        choices={(['+', '-', '?'] as const).map((p) => ({ value: p, label: <span className="choice__glyph">{POLARITY_GLYPH[p]}</span>, name: POLARITY_NAMES[p] }))}
        testId="polarity"
      />
      <label className="check">
        <input type="checkbox" checked={link.delay} disabled={readOnly} onChange={() => editor.toggleDelay([link.id])} data-testid="delay" />
        Takes a long time (delay ‖)
      </label>
      <ChoiceGroup<Strength | 0>
        legend="Strength"
        value={link.strength ?? 0}
        disabled={readOnly}
        onChange={(v) => patch({ strength: v === 0 ? null : v })}
        choices={[{ value: 1, label: 'Weak' }, { value: 2, label: 'Moderate' }, { value: 3, label: 'Strong' }, { value: 0, label: 'Not set' }]}
        testId="strength"
      />
      <ChoiceGroup<Confidence | 'none'>
        legend="Confidence"
        value={link.confidence ?? 'none'}
        disabled={readOnly}
        onChange={(v) => patch({ confidence: v === 'none' ? null : v })}
        choices={[{ value: 'low', label: 'Low' }, { value: 'medium', label: 'Medium' }, { value: 'high', label: 'High' }, { value: 'none', label: 'Not set' }]}
        testId="confidence"
      />
      <Evidence element={link} readOnly={readOnly} onPatch={patch} />
      <TextField label="Note" multiline value={link.note} maxLength={LIMITS.note} readOnly={readOnly} onCommit={(note) => patch({ note })} testId="link-note" />
      <Tags element={link} mapTags={mapTags} readOnly={readOnly} />
      <LeverageFields elementId={link.id} leverage={link.leverage} readOnly={readOnly} />
      <Provenance element={link} />
      {!readOnly && (
        <button type="button" className="button button--danger" onClick={() => editor.deleteSelection()}>
          Delete link
        </button>
      )}
    </section>
  );
}

function SectionInspector({ section }: { section: MapSection }) {
  const editor = useEditor();
  const write = useWrite(editor);
  const readOnly = !editor.canEdit;
  const rect = editor.store.sectionRect(section.id);
  const members = rect ? editor.store.allFactors().filter((f) => {
    const c = editor.centreOfFactor(f.id);
    return sectionAt([rect], c.x, c.y) !== null;
  }).length : 0;
  return (
    <section className="panel" aria-labelledby="inspector-title" data-testid="inspector">
      <h2 className="panel__title" id="inspector-title">Section</h2>
      <TextField label="Name" value={section.title} maxLength={LIMITS.title} readOnly={readOnly} list="system-levels" onCommit={(title) => editor.renameSection(section.id, title)} testId="section-title-input" hint="For example a system level. Factors inside move with it." />
      <datalist id="system-levels">
        {SYSTEM_LEVELS.map((level) => <option key={level} value={level} />)}
      </datalist>
      <ChoiceGroup<string>
        legend="Colour"
        value={section.colour}
        disabled={readOnly}
        onChange={(colour) => write(() => updateSection(editor.doc, section.id, { colour }, editor.ctx))}
        choices={SECTION_COLOURS.map((c) => ({ value: c.value, label: <><span className="swatch" style={{ background: c.value }} aria-hidden="true" /> {c.name}</>, name: c.name }))}
      />
      <p className="panel__meta">{members} {members === 1 ? 'factor' : 'factors'} in this section. Drag its title bar to move them together; drag a corner to resize.</p>
      {!readOnly && (
        <button type="button" className="button button--danger" onClick={() => editor.deleteSelection()}>
          Delete section (its factors stay)
        </button>
      )}
    </section>
  );
}

function MultiInspector({ factors, links, sections }: { factors: MapNode[]; links: MapEdge[]; sections: MapSection[] }) {
  const editor = useEditor();
  const readOnly = !editor.canEdit;
  const parts = [
    factors.length ? `${factors.length} ${factors.length === 1 ? 'factor' : 'factors'}` : '',
    links.length ? `${links.length} ${links.length === 1 ? 'link' : 'links'}` : '',
    sections.length ? `${sections.length} ${sections.length === 1 ? 'section' : 'sections'}` : '',
  ].filter(Boolean);
  return (
    <section className="panel" aria-labelledby="inspector-title" data-testid="inspector">
      <h2 className="panel__title" id="inspector-title">{parts.join(', ')} selected</h2>
      {!readOnly && factors.length > 0 && (
        <ChoiceGroup<NodeKind>
          legend="Make them all"
          value={factors.every((f) => f.kind === factors[0]!.kind) ? kindInfo(factors[0]!.kind).id : null}
          onChange={(kind) => editor.setKind(factors.map((f) => f.id), kind)}
          choices={ALL_KINDS.map((k) => ({ value: k.id, label: <><span aria-hidden="true">{k.icon}</span> {k.label}</>, name: k.label }))}
        />
      )}
      {!readOnly && links.length > 0 && (
        <ChoiceGroup<Polarity>
          legend="Polarity of the links"
          value={links.every((l) => l.polarity === links[0]!.polarity) ? links[0]!.polarity : null}
          onChange={(p) => editor.setPolarity(links.map((l) => l.id), p)}
          choices={(['+', '-', '?'] as const).map((p) => ({ value: p, label: <span className="choice__glyph">{POLARITY_GLYPH[p]}</span>, name: POLARITY_NAMES[p] }))}
        />
      )}
      {!readOnly && (
        <div className="panel__actions">
          <button type="button" className="button" onClick={() => editor.duplicateSelection()}>Duplicate</button>
          {factors.length > 0 && <button type="button" className="button" onClick={() => editor.addSection()}>Put in a new section</button>}
          <button type="button" className="button button--danger" onClick={() => editor.deleteSelection()}>Delete</button>
        </div>
      )}
    </section>
  );
}
