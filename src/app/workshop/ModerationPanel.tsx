import type * as Y from 'yjs';
import { creatorOf, restoreContribution, setElementLocked, setHidden, withdrawContribution } from '../../core/model/workshop';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { useModelAction } from './use-model-action';

interface Props {
  doc: Y.Doc;
  /** The one selected factor or link, if any. */
  selected: { id: string; label: string } | null;
  hidden: readonly string[];
  /** Factors and links the facilitator has locked. */
  locked: readonly string[];
  withdrawals: ReadonlyMap<string, string>;
  author: string;
  facilitator: boolean;
  /** Editors and the facilitator may withdraw what they added; viewers add nothing. */
  canContribute: boolean;
  /** A readable name for a factor or link id ("Staff turnover", "A → B"). */
  describe: (id: string) => string;
}

/**
 * Hiding and withdrawing contributions. The facilitator hides (and restores)
 * any factor or link for everyone; whoever added one can withdraw it, in any
 * phase, and put it back. Neither deletes anything: exports and the loop list
 * leave such elements out, the document keeps them.
 */
export function ModerationPanel({ doc, selected, hidden, locked, withdrawals, author, facilitator, canContribute, describe }: Props) {
  const { problem, act } = useModelAction();
  const ctx = { origin: LOCAL_ORIGIN, author };

  const mine = selected !== null && canContribute && creatorOf(doc, selected.id) === author;
  const isHidden = selected !== null && hidden.includes(selected.id);
  const isWithdrawn = selected !== null && withdrawals.has(selected.id);
  const isLocked = selected !== null && locked.includes(selected.id);
  const myWithdrawn = [...withdrawals].filter(([, who]) => who === author).map(([id]) => id);
  const moderated = facilitator ? [...new Set([...hidden, ...withdrawals.keys()])].filter((id) => creatorOf(doc, id) !== null) : [];

  const selectionControls = selected && (facilitator || mine || isLocked) && (
    <div className="moderation__row">
      {isLocked && <p className="hint" data-testid="element-locked">🔒 Locked by the facilitator: {facilitator ? 'participants can comment on it, not change it.' : 'you can comment on it, not change it.'}</p>}
      {facilitator && (
        <button type="button" className="button" data-testid="moderate-lock" onClick={() => act(() => setElementLocked(doc, selected.id, !isLocked, ctx))}>
          {isLocked ? 'Unlock' : 'Lock against changes'}
        </button>
      )}
      {isWithdrawn && <p className="hint" data-testid="withdrawn-note">{mine ? 'You withdrew this: participants no longer see it.' : 'Withdrawn by the person who added it.'}</p>}
      {isHidden && !isWithdrawn && <p className="hint">Hidden by the facilitator: participants do not see it.</p>}
      {facilitator && (
        <button type="button" className="button" data-testid="moderate-hide" onClick={() => act(() => setHidden(doc, selected.id, !isHidden, ctx))}>
          {isHidden ? 'Show it to everyone again' : 'Hide from everyone'}
        </button>
      )}
      {mine && (
        <button type="button" className="button" data-testid="withdraw" onClick={() => act(() => (isWithdrawn ? restoreContribution(doc, selected.id, ctx) : withdrawContribution(doc, selected.id, ctx)))}>
          {isWithdrawn ? 'Put it back' : 'Withdraw what I added'}
        </button>
      )}
    </div>
  );

  if (!selectionControls && myWithdrawn.length === 0 && moderated.length === 0) return null;
  return (
    <section className="moderation" aria-labelledby="moderation-title" data-testid="moderation">
      <h3 id="moderation-title">{facilitator ? 'Moderation' : mine || myWithdrawn.length > 0 ? 'Your contributions' : 'Locked'}</h3>
      {selectionControls}
      {!facilitator && myWithdrawn.length > 0 && (
        <>
          <p className="hint">You withdrew these. Nobody else sees them; you can put them back.</p>
          <ul className="moderation__list" data-testid="my-withdrawn">
            {myWithdrawn.map((id) => (
              <li key={id}>
                <span>{describe(id)}</span>
                <button type="button" className="linklike" onClick={() => act(() => restoreContribution(doc, id, ctx))}>Put back</button>
              </li>
            ))}
          </ul>
        </>
      )}
      {facilitator && moderated.length > 0 && (
        <>
          <p className="hint">Not shown to participants (faded on your map):</p>
          <ul className="moderation__list" data-testid="moderated-list">
            {moderated.map((id) => (
              <li key={id}>
                <span>{describe(id)}</span>
                {withdrawals.has(id)
                  ? <span className="hint"> withdrawn by its author</span>
                  : <button type="button" className="linklike" onClick={() => act(() => setHidden(doc, id, false, ctx))}>Show again</button>}
              </li>
            ))}
          </ul>
        </>
      )}
      {problem && <p role="alert" className="error">{problem}</p>}
    </section>
  );
}
