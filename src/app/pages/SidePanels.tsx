import { memo, useCallback, useDeferredValue, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { Loop } from '../../core/analysis/loops';
import { allowedNow, type SessionState } from '../../core/model/workshop';
import type { Role } from '../../sync/local-db';
import type { Presence } from '../../sync/presence';
import { ExplorePanel } from '../analysis/ExplorePanel';
import { ResearchPanel } from '../research/ResearchPanel';
import { LoopPanel } from '../analysis/LoopPanel';
import { useLoopChoices } from '../analysis/loop-names';
import type { LoopAnalysis } from '../analysis/loop-analysis';
import type { FlowSnapshot, FlowStore } from '../canvas/flow-store';
import { Inspector } from '../editor/Inspector';
import { PeopleList } from '../presence/PeopleList';
import { CommentsPanel, unreadCount } from '../workshop/CommentsPanel';
import { useComments, useVoteResults, useWithdrawals } from '../workshop/hooks';
import { ModerationPanel } from '../workshop/ModerationPanel';
import { VotePanel } from '../workshop/VotePanel';

type Tab = 'details' | 'loops' | 'explore' | 'vote' | 'people' | 'research';

interface Props {
  mapId: string;
  token: string;
  doc: Y.Doc;
  store: FlowStore;
  presence: Presence;
  analysis: LoopAnalysis | null;
  session: SessionState;
  role: Role | null;
  author: string;
  readOnly: boolean;
  onEditing: (id: string | null) => void;
  following: number | null;
  onFollow: (clientId: number | null) => void;
  onRename: () => void;
}

/**
 * The side of the workspace, in tabs: details of the selection (with its
 * comments), the feedback loops, the vote, and who is here. The selected loop
 * stands out on the canvas; everything else dims.
 */
export function SidePanels(props: Props) {
  // Deferred: a click or a drag on the canvas is drawn first; the panels follow in a render React
  // may interrupt, so a busy panel never holds up a frame of the canvas.
  const snapshot = useDeferredValue(useSyncExternalStore(props.store.subscribe, props.store.getSnapshot));
  return <SidePanelsView {...props} snapshot={snapshot} />;
}

const SidePanelsView = memo(function SidePanelsView({ mapId, token, doc, store, presence, analysis, session, role, author, readOnly, onEditing, following, onFollow, onRename, snapshot }: Props & { snapshot: FlowSnapshot }) {
  const [tab, setTab] = useState<Tab>('details');
  const [selectedLoop, setSelectedLoop] = useState<string | null>(null);
  const people = useSyncExternalStore(presence.subscribe, presence.getPeople);
  const comments = useComments(doc);
  const results = useVoteResults(doc);
  const withdrawals = useWithdrawals(doc);
  const facilitator = role === 'facilitator';
  const allowed = allowedNow(session);
  const canComment = role !== null && role !== 'viewer' && (facilitator || allowed.has('comment'));
  const canVote = role === 'editor' || facilitator;
  const loopState = useSyncExternalStore(analysis?.subscribe ?? noopSubscribe, analysis?.getState ?? emptyLoops);
  // Canvas nodes are rebuilt for highlights and selection; the factors in them are not. Panels
  // get arrays that change only when a factor or link does, or they would recompute (and
  // re-highlight) on every highlight.
  const nodes = useStableArray(snapshot.factors.map((n) => n.data.factor));
  const edges = useStableArray(snapshot.edges.map((e) => e.data!.link));
  const loopNames = useLoopChoices(doc, loopState.loops);

  // Leaving the loops tab lets go of the highlighted loop (other tabs highlight their own things).
  useEffect(() => {
    if (tab !== 'loops' && selectedLoop) {
      setSelectedLoop(null);
      store.setEmphasis(null);
    }
  }, [tab, selectedLoop, store]);

  const selectLoop = useCallback((loop: Loop | null) => {
    setSelectedLoop(loop?.signature ?? null);
    store.setEmphasis(loop ? { nodes: loop.nodeIds, edges: loop.edgeIds } : null);
  }, [store]);
  useEffect(() => () => store.setEmphasis(null), [store]);

  const selected = [...snapshot.factors.filter((n) => n.selected).map((n) => ({ id: n.id, label: n.data.factor.label })),
    ...snapshot.edges.filter((e) => e.selected).map((e) => ({ id: e.id, label: `${store.labelOf(e.source)} → ${store.labelOf(e.target)}` }))];
  const single = selected.length === 1 ? selected[0]! : null;
  const describeElement = (id: string): string => {
    const link = store.link(id);
    return link ? `${store.labelOf(link.source)} → ${store.labelOf(link.target)}` : store.labelOf(id) || 'a factor';
  };
  const selectedFactor = snapshot.factors.find((n) => n.selected)?.id ?? null;
  const voteOpen = session.vote?.open === true;
  const unread = single ? unreadCount(comments, single.id, author) : 0;

  const tabs: { id: Tab; label: string; badge?: ReactNode }[] = [
    { id: 'details', label: 'Details', ...(unread > 0 ? { badge: <span className="side-tabs__badge" aria-label={`${unread} unread comments`}>{unread}</span> } : {}) },
    { id: 'loops', label: `Loops${loopState.loops.length ? ` (${loopState.complete ? '' : '≥'}${loopState.loops.length})` : ''}` },
    { id: 'explore', label: 'Explore' },
    ...(session.vote || results.length > 0 ? [{ id: 'vote' as const, label: voteOpen ? 'Vote (open)' : 'Vote' }] : []),
    { id: 'people', label: `People (${people.length})` },
    { id: 'research', label: 'Research' },
  ];

  return (
    <aside className="workspace__side" aria-label="Details">
      <div className="side-tabs" role="tablist" aria-label="Panels">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}{t.badge}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} className="side-panel">
        {tab === 'details' && (
          <>
            <Inspector focusLabelKey={0} onEditing={onEditing} />
            {single && (
              <CommentsPanel doc={doc} target={single} comments={comments} hidden={session.hidden} anonymous={session.anonymous}
                author={author} displayName={presence.self?.user.name ?? 'Guest'} facilitator={facilitator} canComment={canComment} />
            )}
            <ModerationPanel doc={doc} selected={single} hidden={session.hidden} locked={session.lockedElements} withdrawals={withdrawals} author={author}
              facilitator={facilitator} canContribute={role === 'editor' || facilitator} describe={describeElement} />
          </>
        )}
        {tab === 'loops' && analysis && (
          <LoopPanel doc={doc} analysis={analysis} nodes={nodes} edges={edges} selectedFactor={selectedFactor}
            selectedLoop={selectedLoop} onSelectLoop={selectLoop} readOnly={readOnly} author={author} />
        )}
        {tab === 'explore' && (
          <ExplorePanel store={store} nodes={nodes} edges={edges} loops={loopState.loops} selectedFactor={selectedFactor}
            nameOf={(id) => people.find((p) => p.user.id === id)?.user.name ?? null} />
        )}
        {tab === 'vote' && (
          <VotePanel doc={doc} session={session} results={results} nodes={nodes} edges={edges} loops={loopNames}
            author={author} facilitator={facilitator} canVote={canVote} />
        )}
        {tab === 'research' && <ResearchPanel mapId={mapId} token={token} role={role} />}
        {tab === 'people' && <PeopleList presence={presence} following={following} onFollow={onFollow} onRename={onRename} anonymous={session.anonymous && !facilitator} />}
      </div>
      <p className="workspace__counts" data-testid="map-counts">
        {snapshot.factors.filter((n) => !n.hidden).length} factors · {snapshot.edges.filter((e) => !e.hidden).length} links
      </p>
    </aside>
  );
});

/** The previous array when every element is the same object, so memos downstream hold. */
function useStableArray<T>(next: T[]): T[] {
  const previous = useRef<T[]>(next);
  const same = previous.current.length === next.length && previous.current.every((x, i) => x === next[i]);
  if (!same) previous.current = next;
  return previous.current;
}

const noopSubscribe = () => () => {};
const EMPTY = { loops: [], running: false, complete: true, error: null };
const emptyLoops = () => EMPTY;
