import { useRef, useState } from 'react';
import type * as Y from 'yjs';
import {
  closeVote, extendTimer, openVote, pauseTimer, resumeTimer, setAnonymous, setLocked, setPhase, startTimer, stopTimer,
  type SessionState, type VoteTarget,
} from '../../core/model/workshop';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { useNow } from './hooks';
import { PlanEditor } from './PlanEditor';

interface Props {
  doc: Y.Doc;
  session: SessionState;
  facilitator: boolean;
  author: string;
  onShare: () => void;
  onBreakouts: () => void;
}

function remaining(session: SessionState, now: number): number | null {
  const timer = session.timer;
  if (!timer) return null;
  return Math.max(0, timer.endsAt === null ? timer.remainingMs : timer.endsAt - now);
}

function clock(ms: number): string {
  const total = Math.ceil(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The session as everyone sees it (phase and its prompt, time left, lock),
 * and the facilitator's controls for it.
 */
export function WorkshopBar({ doc, session, facilitator, author, onShare, onBreakouts }: Props) {
  const now = useNow(1000);
  const ctx = { origin: LOCAL_ORIGIN, author };
  const phase = session.plan.find((p) => p.id === session.phase) ?? null;
  const left = remaining(session, now);
  const [minutes, setMinutes] = useState(10);
  const [voteDots, setVoteDots] = useState(3);
  const [voteTargets, setVoteTargets] = useState<VoteTarget>('factors');
  const [voteVisibility, setVoteVisibility] = useState<'live' | 'hidden'>('hidden');
  const [editingPlan, setEditingPlan] = useState(false);
  const controls = useRef<HTMLDetailsElement>(null);
  // A dialog opened from the controls replaces them: fold them away rather than leave them open behind it.
  const openDialog = (open: () => void) => {
    if (controls.current) controls.current.open = false;
    open();
  };

  return (
    <div className="workshop-bar" data-testid="workshop-bar">
      <div className="workshop-bar__status">
        <span className="pill" data-testid="phase-name">{phase ? phase.name : 'Open session'}</span>
        {left !== null && (
          <span className={`pill pill--timer${left === 0 ? ' is-over' : ''}`} role="timer" aria-live="off" data-testid="timer">
            {left === 0 ? 'Time is up' : `${clock(left)} left${session.timer?.endsAt === null ? ' (paused)' : ''}`}
          </span>
        )}
        {session.locked && <span className="pill pill--locked" data-testid="locked">Map locked: you can vote and comment</span>}
        {session.vote?.open && <span className="pill" data-testid="vote-open">Vote open: {session.vote.dots} dots each</span>}
        {session.anonymous && <span className="pill">Names hidden</span>}
        {/* Last, so a long prompt wraps on its own and the time left stays beside the phase. */}
        {phase?.prompt && <span className="workshop-bar__prompt" data-testid="phase-prompt">{phase.prompt}</span>}
      </div>
      {facilitator && (
        <details className="workshop-bar__controls" ref={controls}>
          <summary className="button">Run the session</summary>
          <div className="workshop-controls" role="group" aria-label="Session controls">
            <label className="field">
              <span>Phase</span>
              <select value={session.phase ?? ''} onChange={(e) => setPhase(doc, e.target.value || null, ctx)} data-testid="phase-select">
                <option value="">Open session (no phase)</option>
                {session.plan.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </label>
            <button type="button" className="button" onClick={() => setEditingPlan(true)} data-testid="plan-edit">Edit the plan…</button>
            {editingPlan && <PlanEditor doc={doc} session={session} author={author} onClose={() => setEditingPlan(false)} />}
            <fieldset className="filters">
              <legend>Timer</legend>
              {session.timer === null ? (
                <div className="row">
                  <label className="field field--inline">
                    <span>Minutes</span>
                    <input type="number" min={1} max={180} value={minutes} onChange={(e) => setMinutes(Math.max(1, Math.min(180, Number(e.target.value) || 1)))} />
                  </label>
                  <button type="button" className="button" onClick={() => startTimer(doc, minutes * 60_000, ctx)} data-testid="timer-start">Start</button>
                </div>
              ) : (
                <div className="row">
                  {session.timer.endsAt === null
                    ? <button type="button" className="button" onClick={() => resumeTimer(doc, ctx)}>Resume</button>
                    : <button type="button" className="button" onClick={() => pauseTimer(doc, ctx)}>Pause</button>}
                  <button type="button" className="button" onClick={() => extendTimer(doc, 60_000, ctx)}>+1 minute</button>
                  <button type="button" className="button" onClick={() => stopTimer(doc, ctx)}>Stop</button>
                </div>
              )}
            </fieldset>
            <label className="check">
              <input type="checkbox" checked={session.locked} onChange={(e) => setLocked(doc, e.target.checked, ctx)} data-testid="lock-toggle" />
              Lock the map (participants can still vote and comment)
            </label>
            <label className="check">
              <input type="checkbox" checked={session.anonymous} onChange={(e) => setAnonymous(doc, e.target.checked, ctx)} />
              Hide names for this session
            </label>
            <fieldset className="filters">
              <legend>Dot vote</legend>
              {session.vote?.open ? (
                <button type="button" className="button" onClick={() => closeVote(doc, ctx)} data-testid="vote-close">Close the vote and keep the results</button>
              ) : (
                <div className="row">
                  <label className="field field--inline">
                    <span>Dots each</span>
                    <input type="number" min={1} max={50} value={voteDots} onChange={(e) => setVoteDots(Math.max(1, Math.min(50, Number(e.target.value) || 1)))} data-testid="vote-dots" />
                  </label>
                  <label className="field field--inline">
                    <span>On</span>
                    <select value={voteTargets} onChange={(e) => setVoteTargets(e.target.value as VoteTarget)}>
                      <option value="factors">factors</option>
                      <option value="links">links</option>
                      <option value="loops">loops</option>
                    </select>
                  </label>
                  <label className="field field--inline">
                    <span>Results</span>
                    <select value={voteVisibility} onChange={(e) => setVoteVisibility(e.target.value as 'live' | 'hidden')}>
                      <option value="hidden">hidden until closed</option>
                      <option value="live">shown live</option>
                    </select>
                  </label>
                  <button type="button" className="button" onClick={() => openVote(doc, { targets: voteTargets, dots: voteDots, visibility: voteVisibility }, ctx)} data-testid="vote-open-button">Open the vote</button>
                </div>
              )}
            </fieldset>
            <button type="button" className="button" onClick={() => openDialog(onShare)} data-testid="share">Share links…</button>
            <button type="button" className="button" onClick={() => openDialog(onBreakouts)} data-testid="breakouts">Breakouts and merge…</button>
          </div>
        </details>
      )}
    </div>
  );
}
