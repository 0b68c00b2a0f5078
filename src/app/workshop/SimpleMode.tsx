import { useEffect, useId, useMemo, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import type * as Y from 'yjs';
import { LIMITS } from '../../core/model/ops';
import type { NodeKind, Polarity } from '../../core/model/types';
import { restoreContribution, withdrawContribution, type SessionState } from '../../core/model/workshop';
import { LOCAL_ORIGIN } from '../../sync/origin';
import type { LoopAnalysis } from '../analysis/loop-analysis';
import { useLoopChoices } from '../analysis/loop-names';
import { ALL_KINDS } from '../canvas/kinds';
import { useEditor } from '../editor/context';
import { labelText, linkSentence } from '../editor/describe';
import { TextView } from '../editor/TextView';
import { useVoteResults, useWithdrawals } from './hooks';
import { useModelAction } from './use-model-action';
import { VotePanel } from './VotePanel';

type Action = 'add' | 'connect' | 'vote' | 'mine' | null;

interface Props {
  doc: Y.Doc;
  session: SessionState;
  analysis: LoopAnalysis | null;
  author: string;
  /** May add or change factors and links now (role, phase and lock allow it). */
  canEdit: boolean;
  canVote: boolean;
  /** Editors and facilitators contribute; viewers only read. */
  canContribute: boolean;
}

const POLARITY_CHOICES: { polarity: Polarity; text: string }[] = [
  { polarity: '+', text: 'More of the first brings more of the second (+)' },
  { polarity: '-', text: 'More of the first brings less of the second (−)' },
  { polarity: '?', text: 'Not sure yet (?)' },
];

const noopSubscribe = () => () => {};
const NO_LOOPS = { loops: [], running: false, complete: true, error: null };

/**
 * The map for phones and for people new to such tools: three big buttons
 * (add a factor, connect two factors, vote), the list of what you added, and
 * the map in words. Everything goes through the same editor and rules as the
 * full view, so the server's checks and each person's undo apply alike.
 */
export function SimpleMode({ doc, session, analysis, author, canEdit, canVote, canContribute }: Props) {
  const editor = useEditor();
  const [open, setOpen] = useState<Action>(null);
  const [message, setMessage] = useState<string | null>(null);
  const voteOpen = session.vote?.open === true;
  // No canvas here: new factors go by the middle of the map, not to its origin.
  useEffect(() => editor.detachViewport(), [editor]);

  const toggle = (action: Action) => {
    setMessage(null);
    setOpen(open === action ? null : action);
  };
  const done = (sentence: string) => {
    setMessage(sentence);
    editor.ui.announce(sentence);
  };

  return (
    <section className="simple" aria-label="Simple view" data-testid="simple-mode">
      <div className="simple__actions" role="group" aria-label="What do you want to do?">
        <BigButton action="add" open={open} onToggle={toggle} disabled={!canEdit} testId="simple-add">Add a factor</BigButton>
        <BigButton action="connect" open={open} onToggle={toggle} disabled={!canEdit} testId="simple-connect">Connect two factors</BigButton>
        <BigButton action="vote" open={open} onToggle={toggle} disabled={!voteOpen || !canVote} testId="simple-vote">
          {voteOpen ? 'Vote' : 'Vote (no vote open)'}
        </BigButton>
        {canContribute && <BigButton action="mine" open={open} onToggle={toggle} testId="simple-mine">What I added</BigButton>}
      </div>
      {!canEdit && canContribute && (
        <p className="hint" data-testid="simple-readonly">
          {session.locked ? 'The facilitator has locked the map: you can still vote and comment.' : 'In this phase the map cannot be changed.'}
        </p>
      )}
      {message && <p className="simple__done" role="status" data-testid="simple-message">{message}</p>}
      {open === 'add' && canEdit && <AddFactorForm onDone={done} />}
      {open === 'connect' && canEdit && <ConnectForm onDone={done} />}
      {open === 'vote' && voteOpen && <SimpleVote doc={doc} session={session} analysis={analysis} author={author} canVote={canVote} />}
      {open === 'mine' && <MyContributions doc={doc} author={author} />}
      <TextView />
    </section>
  );
}

function BigButton({ action, open, onToggle, disabled = false, testId, children }: {
  action: Exclude<Action, null>; open: Action; onToggle: (a: Action) => void; disabled?: boolean; testId: string; children: ReactNode;
}) {
  return (
    <button type="button" className="button button--big" aria-expanded={open === action} disabled={disabled} onClick={() => onToggle(action)} data-testid={testId}>
      {children}
    </button>
  );
}

function AddFactorForm({ onDone }: { onDone: (sentence: string) => void }) {
  const editor = useEditor();
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<NodeKind>('factor');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = label.trim();
    if (!name) return;
    if (editor.addFactor({ label: name, kind, edit: false })) {
      setLabel('');
      onDone(`Added “${name}”. Add another, or connect it to something.`);
    }
  };
  return (
    <form className="simple__form" onSubmit={submit} aria-label="Add a factor">
      <label className="field">
        <span>What is it? Something that can go up or down.</span>
        <input autoFocus value={label} maxLength={LIMITS.label} onChange={(e) => setLabel(e.target.value)} placeholder="For example: Waiting time for a mental health assessment" data-testid="simple-label" />
      </label>
      <fieldset className="simple__choices">
        <legend>What kind of thing is it?</legend>
        {ALL_KINDS.map((k) => (
          <label key={k.id} className="check">
            <input type="radio" name="simple-kind" checked={kind === k.id} onChange={() => setKind(k.id)} />
            <span aria-hidden="true">{k.icon}</span> {k.label}: {k.description}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button button--primary button--big" disabled={!label.trim()} data-testid="simple-add-submit">Add it</button>
    </form>
  );
}

function ConnectForm({ onDone }: { onDone: (sentence: string) => void }) {
  const editor = useEditor();
  const snapshot = useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot);
  const factors = useMemo(
    () => snapshot.factors.filter((n) => !n.hidden).map((n) => n.data.factor).sort((a, b) => labelText(a.label).localeCompare(labelText(b.label))),
    [snapshot.factors],
  );
  const [source, setSource] = useState('');
  const [target, setTarget] = useState('');
  const [polarity, setPolarity] = useState<Polarity>('+');
  const [delay, setDelay] = useState(false);
  const fromId = useId();
  const toId = useId();
  if (factors.length < 2) return <p className="hint">Add at least two factors first, then connect them.</p>;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!source || !target) return;
    if (editor.connect(source, target, polarity, delay)) {
      onDone(`Connected: ${linkSentence({ polarity, delay }, editor.store.labelOf(source), editor.store.labelOf(target))}.`);
      setSource('');
      setTarget('');
      setPolarity('+');
      setDelay(false);
    }
  };
  const options = factors.map((f) => <option key={f.id} value={f.id}>{labelText(f.label)}</option>);
  return (
    <form className="simple__form" onSubmit={submit} aria-label="Connect two factors">
      <label className="field" htmlFor={fromId}>
        <span>When this changes…</span>
        <select id={fromId} value={source} onChange={(e) => setSource(e.target.value)} data-testid="simple-from">
          <option value="">Choose a factor</option>
          {options}
        </select>
      </label>
      <label className="field" htmlFor={toId}>
        <span>…it changes this</span>
        <select id={toId} value={target} onChange={(e) => setTarget(e.target.value)} data-testid="simple-to">
          <option value="">Choose a factor</option>
          {options}
        </select>
      </label>
      <fieldset className="simple__choices">
        <legend>Which way?</legend>
        {POLARITY_CHOICES.map((c) => (
          <label key={c.polarity} className="check">
            <input type="radio" name="simple-polarity" checked={polarity === c.polarity} onChange={() => setPolarity(c.polarity)} data-testid={`simple-polarity-${c.polarity === '-' ? 'minus' : c.polarity === '+' ? 'plus' : 'unknown'}`} />
            {c.text}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={delay} onChange={(e) => setDelay(e.target.checked)} data-testid="simple-delay" />
          It takes a long time to show (a delay)
        </label>
      </fieldset>
      {source && target && (
        <p className="simple__preview" data-testid="simple-preview">
          {linkSentence({ polarity, delay }, editor.store.labelOf(source), editor.store.labelOf(target))}.
        </p>
      )}
      <button type="submit" className="button button--primary button--big" disabled={!source || !target} data-testid="simple-connect-submit">Connect them</button>
    </form>
  );
}

function SimpleVote({ doc, session, analysis, author, canVote }: { doc: Y.Doc; session: SessionState; analysis: LoopAnalysis | null; author: string; canVote: boolean }) {
  const editor = useEditor();
  const snapshot = useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot);
  const loopState = useSyncExternalStore(analysis?.subscribe ?? noopSubscribe, analysis?.getState ?? (() => NO_LOOPS));
  const results = useVoteResults(doc);
  const nodes = useMemo(() => snapshot.factors.filter((n) => !n.hidden).map((n) => n.data.factor), [snapshot.factors]);
  const edges = useMemo(() => snapshot.edges.filter((e) => !e.hidden).map((e) => e.data!.link), [snapshot.edges]);
  const loops = useLoopChoices(doc, loopState.loops);
  return (
    <div className="simple__form">
      <VotePanel doc={doc} session={session} results={results} nodes={nodes} edges={edges} loops={loops} author={author} facilitator={false} canVote={canVote} />
    </div>
  );
}

/** "See what happened to their contribution": what this person added, with withdraw and put back. */
function MyContributions({ doc, author }: { doc: Y.Doc; author: string }) {
  const editor = useEditor();
  const snapshot = useSyncExternalStore(editor.store.subscribe, editor.store.getSnapshot);
  const withdrawals = useWithdrawals(doc);
  const { problem, act } = useModelAction();
  const ctx = { origin: LOCAL_ORIGIN, author };
  const mine = [
    ...snapshot.factors.filter((n) => n.data.factor.createdBy === author).map((n) => ({ id: n.id, text: labelText(n.data.factor.label) })),
    ...snapshot.edges.filter((e) => e.data!.link.createdBy === author).map((e) => ({
      id: e.id, text: linkSentence(e.data!.link, editor.store.labelOf(e.source), editor.store.labelOf(e.target)),
    })),
  ];
  if (mine.length === 0) return <p className="hint">You have not added anything yet.</p>;
  return (
    <div className="simple__form">
      <p className="hint">Withdrawing takes it off the map for everyone and out of exports. You can put it back.</p>
      <ul className="moderation__list" data-testid="simple-mine-list">
        {mine.map((item) => {
          const withdrawn = withdrawals.get(item.id) === author;
          return (
            <li key={item.id}>
              <span>{item.text}{withdrawn ? ' (withdrawn)' : ''}</span>
              <button type="button" className="button button--small"
                onClick={() => act(() => (withdrawn ? restoreContribution(doc, item.id, ctx) : withdrawContribution(doc, item.id, ctx)))}>
                {withdrawn ? 'Put back' : 'Withdraw'}
              </button>
            </li>
          );
        })}
      </ul>
      {problem && <p role="alert" className="error">{problem}</p>}
    </div>
  );
}
