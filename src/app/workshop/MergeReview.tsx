import { forwardRef } from 'react';
import { normaliseLabel, type FactorPlan, type LinkConflict, type MatchDecisions, type MergePlan } from '../../core/model/merge';
import type { Polarity } from '../../core/model/types';
import type { MergeResult } from '../../core/model/merge';

/**
 * The facilitator's review of a merge plan: what merges by itself, what needs
 * a decision (near matches), what is new, and which links disagree. Labels
 * come from the maps and are only ever rendered as text.
 */

export interface Variant {
  breakout: string;
  label: string;
}

/** Factors that merge by themselves because their names are the same. */
export interface MatchedGroup {
  id: string;
  label: string;
  /** Already a factor of this map (otherwise: new, from the first breakout that has it). */
  onMap: boolean;
  variants: Variant[];
}

export interface NewFactor {
  factor: FactorPlan;
  /** The same name in later breakouts: they merge into this one. */
  alsoIn: Variant[];
}

export interface Review {
  near: FactorPlan[];
  fresh: NewFactor[];
  matched: MatchedGroup[];
  conflicts: LinkConflict[];
  /** Display label of a normalised label (as the breakouts wrote it). */
  display: (normalised: string) => string;
}

export function reviewOf(plan: MergePlan): Review {
  const byKey = new Map(plan.factors.map((f) => [f.key, f]));
  const groups = new Map<string, MatchedGroup>();
  const alsoIn = new Map<string, Variant[]>();
  for (const factor of plan.factors) {
    if (!factor.match) continue;
    const variant = { breakout: factor.breakout, label: factor.label };
    if (factor.match.plenaryId) {
      const id = `plenary:${factor.match.plenaryId}`;
      const group = groups.get(id) ?? { id, label: factor.label, onMap: true, variants: [] };
      group.variants.push(variant);
      groups.set(id, group);
    } else if (factor.match.key) {
      const root = byKey.get(factor.match.key);
      const id = `breakout:${factor.match.key}`;
      const group = groups.get(id) ?? {
        id, label: root?.label ?? factor.label, onMap: false,
        variants: root ? [{ breakout: root.breakout, label: root.label }] : [],
      };
      group.variants.push(variant);
      groups.set(id, group);
      alsoIn.set(factor.match.key, [...(alsoIn.get(factor.match.key) ?? []), variant]);
    }
  }
  const labels = new Map<string, string>();
  for (const factor of plan.factors) {
    const norm = normaliseLabel(factor.label);
    if (!labels.has(norm)) labels.set(norm, factor.label);
    for (const p of factor.proposals) if (!labels.has(normaliseLabel(p.label))) labels.set(normaliseLabel(p.label), p.label);
  }
  return {
    near: plan.factors.filter((f) => !f.match && f.proposals.length > 0),
    fresh: plan.factors.filter((f) => !f.match && f.proposals.length === 0).map((factor) => ({ factor, alsoIn: alsoIn.get(factor.key) ?? [] })),
    matched: [...groups.values()].sort((a, b) => Number(b.onMap) - Number(a.onMap) || a.label.localeCompare(b.label)),
    conflicts: plan.conflicts,
    display: (normalised) => labels.get(normalised) ?? normalised,
  };
}

/** The value a near-match radio sends: the plenary factor id, or the other breakout factor's key. */
export function proposalValue(p: FactorPlan['proposals'][number]): string {
  return p.plenaryId ?? p.key ?? 'new';
}

/** Near matches the facilitator has not decided yet. */
export function undecided(review: Review, decisions: MatchDecisions): FactorPlan[] {
  return review.near.filter((f) => !decisions[f.key]);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "Merged 2 breakouts: 3 factors and 3 links added, 6 factors and 3 links matched, 1 link to discuss." */
export function resultSentence(breakouts: number, r: MergeResult): string {
  const conflicts = r.conflicts === 0 ? 'no polarity conflicts' : `${plural(r.conflicts, 'link')} to discuss (tagged “polarity conflict”)`;
  return `Merged ${plural(breakouts, 'breakout')}: ${plural(r.factorsAdded, 'factor')} and ${plural(r.linksAdded, 'link')} added, `
    + `${plural(r.factorsMatched, 'factor')} and ${plural(r.linksMatched, 'link')} matched, ${conflicts}.`;
}

const POLARITY_TEXT: Record<Polarity, { sign: string; words: string }> = {
  '+': { sign: '+', words: 'same direction' },
  '-': { sign: '−', words: 'opposite direction' },
  '?': { sign: '?', words: 'not agreed' },
};

function where(names: readonly string[]): string {
  return names.map((n) => (n === 'plenary' ? 'this map' : n)).join(', ');
}

function breakoutOf(plan: MergePlan, key: string | null): string | null {
  return key ? (plan.factors.find((f) => f.key === key)?.breakout ?? null) : null;
}

interface Props {
  plan: MergePlan;
  review: Review;
  names: string[];
  decisions: MatchDecisions;
  onDecide: (key: string, value: string) => void;
  disabled: boolean;
}

/** The review screen's body: near matches first (they need the facilitator), then conflicts, new and matched factors. */
export const MergeReview = forwardRef<HTMLHeadingElement, Props>(function MergeReview({ plan, review, names, decisions, onDecide, disabled }, heading) {
  const open = undecided(review, decisions).length;
  return (
    <div className="merge-review" data-testid="merge-review">
      <h3 ref={heading} tabIndex={-1} className="merge-review__title">Review the merge of {names.join(', ')}</h3>
      <p className="dialog__hint" data-testid="merge-summary">
        {plural(review.fresh.length, 'new factor')}, {plural(review.near.length, 'near match')} to confirm
        {review.near.length > 0 && ` (${open} still to decide)`}, {plural(review.conflicts.length, 'link')} with conflicting polarity,
        {' '}{plural(review.matched.length, 'factor')} matched by name.
        Anything the groups add after this review is merged too.
      </p>

      <section aria-labelledby="merge-near-title" className="merge-section">
        <h4 id="merge-near-title">Near matches to confirm</h4>
        {review.near.length === 0 ? <p className="dialog__hint">None: no names are close without being the same.</p> : (
          <>
            <p className="dialog__hint">These names are close to another factor. Say whether each is the same factor or a new one.</p>
            {review.near.map((factor, i) => (
              <fieldset key={factor.key} className="merge-near" data-testid="near-match" data-decided={decisions[factor.key] ? 'true' : 'false'} disabled={disabled}>
                <legend>“{factor.label}” from {factor.breakout}</legend>
                {factor.proposals.map((p) => {
                  const value = proposalValue(p);
                  const from = p.plenaryId ? 'already on this map' : `from ${breakoutOf(plan, p.key) ?? 'another breakout'}`;
                  return (
                    <label key={value} className="check">
                      <input type="radio" name={`near-${i}`} value={value} checked={decisions[factor.key] === value} onChange={() => onDecide(factor.key, value)} data-testid="near-same" />
                      <span>Merge with “{p.label}” ({from})</span>
                    </label>
                  );
                })}
                <label className="check">
                  <input type="radio" name={`near-${i}`} value="new" checked={decisions[factor.key] === 'new'} onChange={() => onDecide(factor.key, 'new')} data-testid="near-new" />
                  <span>Keep as a new factor</span>
                </label>
              </fieldset>
            ))}
          </>
        )}
      </section>

      <section aria-labelledby="merge-conflicts-title" className="merge-section">
        <h4 id="merge-conflicts-title">Links to discuss: polarity disagrees</h4>
        {review.conflicts.length === 0 ? <p className="dialog__hint">None: every link that appears more than once has the same polarity.</p> : (
          <>
            <p className="dialog__hint">Each version is kept and tagged “polarity conflict” so the group can talk it through.</p>
            <ul className="merge-list">
              {review.conflicts.map((c) => (
                <li key={`${c.from}\u0000${c.to}`} className="merge-conflict" data-testid="merge-conflict">
                  <span className="merge-conflict__link">{review.display(c.from)} → {review.display(c.to)}</span>
                  <ul className="merge-conflict__sides">
                    {c.polarities.map((p) => (
                      <li key={p.polarity} data-testid="conflict-side">
                        <span className={`merge-polarity merge-polarity--${p.polarity === '+' ? 'pos' : p.polarity === '-' ? 'neg' : 'unknown'}`}>{POLARITY_TEXT[p.polarity].sign}</span>
                        {' '}{POLARITY_TEXT[p.polarity].words}, said by {where(p.where)}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="merge-new-title" className="merge-section">
        <h4 id="merge-new-title">New factors ({review.fresh.length})</h4>
        {review.fresh.length === 0 ? <p className="dialog__hint">None.</p> : (
          <ul className="merge-list" data-testid="merge-new">
            {review.fresh.map(({ factor, alsoIn }) => (
              <li key={factor.key} data-testid="merge-new-factor">
                <span className="merge-label">{factor.label}</span>
                <span className="merge-from"> from {factor.breakout}{alsoIn.length > 0 && `; also in ${alsoIn.map((v) => v.breakout).join(', ')}`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <details className="merge-section merge-matched" data-testid="merge-matched">
        <summary>Matched by name ({review.matched.length}): merged without asking</summary>
        <p className="dialog__hint">Names that are the same apart from capitals, spacing and punctuation.</p>
        <ul className="merge-list">
          {review.matched.map((group) => (
            <li key={group.id} data-testid="merge-matched-factor">
              <span className="merge-label">{group.label}</span>
              <span className="merge-from">
                {group.onMap ? ' already on this map; ' : ' new; '}in {[...new Set(group.variants.map((v) => v.breakout))].join(', ')}
                {group.variants.filter((v) => v.label !== group.label).map((v) => `; written “${v.label}” in ${v.breakout}`).join('')}
              </span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
});
