import type * as Y from 'yjs';
import { castVote, type SessionState, type VoteResult } from '../../core/model/workshop';
import type { MapNode, MapEdge } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { useTally } from './hooks';
import { useModelAction } from './use-model-action';
import { timeText } from '../format-time';

interface Props {
  doc: Y.Doc;
  session: SessionState;
  results: readonly VoteResult[];
  nodes: readonly MapNode[];
  edges: readonly MapEdge[];
  loops: readonly { signature: string; label: string }[];
  author: string;
  facilitator: boolean;
  canVote: boolean;
}

/**
 * Dot voting: each person spends their dots (several on one item allowed),
 * with big + and − buttons. Totals show live or after closing, as the
 * facilitator chose; the server enforces the budget.
 */
export function VotePanel({ doc, session, results, nodes, edges, loops, author, facilitator, canVote }: Props) {
  const vote = session.vote;
  const { totals, mine, voters } = useTally(doc, vote?.id ?? null, author);
  const { problem, act } = useModelAction('Your vote could not be saved.');
  if (!vote) {
    const last = results.at(-1);
    if (!last) return null;
    return <VoteResults result={last} nodes={nodes} edges={edges} loops={loops} />;
  }
  const labels = new Map<string, string>();
  if (vote.targets === 'factors') for (const n of nodes) labels.set(n.id, n.label);
  else if (vote.targets === 'links') {
    const names = new Map(nodes.map((n) => [n.id, n.label]));
    for (const e of edges) labels.set(e.id, `${names.get(e.source) ?? '?'} → ${names.get(e.target) ?? '?'}`);
  } else for (const l of loops) labels.set(l.signature, l.label);
  const spent = Object.values(mine).reduce((a, b) => a + b, 0);
  const left = vote.dots - spent;
  const showTotals = vote.visibility === 'live' || facilitator || !vote.open;
  const set = (target: string, count: number) => act(() => castVote(doc, author, target, count, { origin: LOCAL_ORIGIN, author }));
  if (!vote.open) {
    const result = results.find((r) => r.voteId === vote.id);
    return result ? <VoteResults result={result} nodes={nodes} edges={edges} loops={loops} /> : null;
  }
  return (
    <section className="panel" aria-labelledby="vote-title" data-testid="vote-panel">
      <h2 className="panel__title" id="vote-title">Vote</h2>
      <p className="panel__text" role="status" data-testid="dots-left">
        {canVote ? `You have ${left} of ${vote.dots} dots left.` : 'Only participants vote.'} {showTotals ? `${voters} ${voters === 1 ? 'person has' : 'people have'} voted.` : 'Totals are shown when the vote closes.'}
      </p>
      {problem && <p className="error" role="alert">{problem}</p>}
      <ul className="votes">
        {[...labels].sort((a, b) => a[1].localeCompare(b[1])).map(([id, label]) => (
          <li key={id} className="vote-row">
            <span className="vote-row__label">{label}</span>
            {showTotals && <span className="vote-row__total" aria-label={`${totals[id] ?? 0} dots in all`}>{totals[id] ?? 0}</span>}
            {canVote && (
              <span className="vote-row__buttons">
                <button type="button" className="button" disabled={!mine[id]} onClick={() => set(id, (mine[id] ?? 0) - 1)} aria-label={`Take a dot off ${label}`}>−</button>
                <span className="vote-row__mine" aria-label={`your dots on ${label}`} data-testid="my-dots">{mine[id] ?? 0}</span>
                <button type="button" className="button" disabled={left <= 0} onClick={() => set(id, (mine[id] ?? 0) + 1)} aria-label={`Put a dot on ${label}`} data-testid="add-dot">+</button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function VoteResults({ result, nodes, edges, loops }: { result: VoteResult; nodes: readonly MapNode[]; edges: readonly MapEdge[]; loops: readonly { signature: string; label: string }[] }) {
  const names = new Map<string, string>([
    ...nodes.map((n) => [n.id, n.label] as const),
    ...edges.map((e) => [e.id, `${nodes.find((n) => n.id === e.source)?.label ?? '?'} → ${nodes.find((n) => n.id === e.target)?.label ?? '?'}`] as const),
    ...loops.map((l) => [l.signature, l.label] as const),
  ]);
  const ranked = Object.entries(result.totals).sort((a, b) => b[1] - a[1]);
  return (
    <section className="panel" aria-labelledby="results-title" data-testid="vote-results">
      <h2 className="panel__title" id="results-title">Vote results</h2>
      <p className="panel__note">{result.voters} {result.voters === 1 ? 'person' : 'people'} voted; closed {timeText(result.closedAt)}.</p>
      <ol className="votes">
        {ranked.map(([id, count]) => (
          <li key={id} className="vote-row">
            <span className="vote-row__label">{names.get(id) ?? 'Removed since'}</span>
            <span className="vote-row__total">{count}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
