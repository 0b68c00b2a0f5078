import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { newId } from '../../core/model/ids';
import { ModelError } from '../../core/model/ops';
import { DEFAULT_PLAN, setPhase, setPlan, type Permission, type Phase, type SessionState } from '../../core/model/workshop';
import { LOCAL_ORIGIN } from '../../sync/origin';

interface Props {
  doc: Y.Doc;
  session: SessionState;
  author: string;
  onClose: () => void;
}

/** What a facilitator can let participants do in a phase. Voting follows the vote itself: open it and people can vote. */
const CHOICES: { permission: Exclude<Permission, 'vote'>; text: string }[] = [
  { permission: 'add', text: 'Add factors and links' },
  { permission: 'edit', text: 'Change and delete factors and links' },
  { permission: 'comment', text: 'Comment' },
];

const MAX_PHASES = 20;

function copyPlan(plan: readonly Phase[]): Phase[] {
  return plan.map((p) => ({ ...p, allow: [...p.allow] }));
}

/**
 * The facilitator's session plan: phases in order, each with a name, the
 * prompt everyone sees, and what participants may do in it. Edited as a
 * draft and saved in one go, so participants never see half a plan.
 */
export function PlanEditor({ doc, session, author, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<Phase[]>(() => copyPlan(session.plan));
  const [problem, setProblem] = useState<string | null>(null);
  const firstName = useRef<HTMLInputElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
    firstName.current?.focus();
  }, []);

  const change = (index: number, patch: Partial<Phase>) => setDraft((d) => d.map((p, i) => (i === index ? { ...p, ...patch } : p)));
  const toggle = (index: number, permission: Permission, on: boolean) => {
    const phase = draft[index]!;
    change(index, { allow: on ? [...new Set([...phase.allow, permission])] : phase.allow.filter((a) => a !== permission) });
  };
  const move = (index: number, by: -1 | 1) => setDraft((d) => {
    const next = [...d];
    const [phase] = next.splice(index, 1);
    next.splice(index + by, 0, phase!);
    return next;
  });

  const save = () => {
    setProblem(null);
    const blank = draft.findIndex((p) => !p.name.trim());
    if (blank >= 0) {
      setProblem(`Phase ${blank + 1} needs a name.`);
      return;
    }
    try {
      doc.transact(() => {
        setPlan(doc, draft.map((p) => ({ ...p, name: p.name.trim(), prompt: p.prompt.trim() })), { origin: LOCAL_ORIGIN, author });
        // A phase that is no longer in the plan cannot stay the current one.
        if (session.phase && !draft.some((p) => p.id === session.phase)) setPhase(doc, null, { origin: LOCAL_ORIGIN, author });
      }, LOCAL_ORIGIN);
      dialog.current?.close();
    } catch (error) {
      setProblem(error instanceof ModelError ? `The plan was not saved: ${error.message}` : 'The plan was not saved. Try again.');
    }
  };

  return (
    <dialog ref={dialog} className="dialog dialog--wide" aria-labelledby="plan-title" onClose={onClose} data-testid="plan-editor">
      <h2 id="plan-title">Session plan</h2>
      <p className="dialog__hint">
        Phases run in this order. Everyone sees the current phase’s name and prompt; what you tick is all participants may do in it.
        You can always do everything. Voting is possible whenever you open a vote.
      </p>
      <ol className="plan-list">
        {draft.map((phase, index) => (
          <li key={phase.id} className="plan-phase" data-testid="plan-phase">
            <fieldset>
              <legend>Phase {index + 1}{phase.id === session.phase ? ' (current)' : ''}</legend>
              <label className="field">
                <span>Name</span>
                <input ref={index === 0 ? firstName : undefined} value={phase.name} maxLength={80} onChange={(e) => change(index, { name: e.target.value })} data-testid="plan-name" />
              </label>
              <label className="field">
                <span>Prompt shown to everyone</span>
                <textarea rows={2} value={phase.prompt} maxLength={500} onChange={(e) => change(index, { prompt: e.target.value })} data-testid="plan-prompt" />
              </label>
              <div className="plan-phase__allow" role="group" aria-label={`What participants may do in phase ${index + 1}`}>
                {CHOICES.map(({ permission, text }) => (
                  <label key={permission} className="check">
                    <input type="checkbox" checked={phase.allow.includes(permission)} onChange={(e) => toggle(index, permission, e.target.checked)} data-testid={`plan-allow-${permission}`} />
                    {text}
                  </label>
                ))}
              </div>
              <div className="row">
                <button type="button" className="button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move phase ${index + 1} earlier`}>Earlier</button>
                <button type="button" className="button" disabled={index === draft.length - 1} onClick={() => move(index, 1)} aria-label={`Move phase ${index + 1} later`}>Later</button>
                <button type="button" className="button button--danger" disabled={draft.length === 1} onClick={() => setDraft((d) => d.filter((_, i) => i !== index))} aria-label={`Remove phase ${index + 1}`}>Remove</button>
              </div>
            </fieldset>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" className="button" disabled={draft.length >= MAX_PHASES}
          onClick={() => setDraft((d) => [...d, { id: newId(8), name: '', prompt: '', allow: ['add', 'edit', 'comment'] }])} data-testid="plan-add">
          Add a phase
        </button>
        <button type="button" className="button" onClick={() => setDraft(copyPlan(DEFAULT_PLAN))}>Start again from the default plan</button>
      </div>
      {problem && <p role="alert" className="error">{problem}</p>}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => dialog.current?.close()}>Cancel</button>
        <button type="button" className="button button--primary" onClick={save} data-testid="plan-save">Save the plan</button>
      </div>
    </dialog>
  );
}
