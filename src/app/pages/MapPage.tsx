import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { addFactor } from '../../core/model/ops';
import { metaMap } from '../../core/model/schema';
import { browserClientId } from '../../sync/identity';
import { localDb } from '../../sync/local-db';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { Presence, storeDisplayName, storedDisplayName } from '../../sync/presence';
import { MapSession, type SessionStatus } from '../../sync/session';
import { FlowStore } from '../canvas/flow-store';
import { MapCanvas } from '../canvas/MapCanvas';
import { NEW_FACTOR_SIZE, freeSpot } from '../canvas/placement';
import { SelectionPanel } from '../canvas/SelectionPanel';
import { PresenceContext } from '../presence/context';
import { JoinDialog } from '../presence/JoinDialog';
import { PeopleList } from '../presence/PeopleList';

function tokenFromHash(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.length <= 200 ? token : null;
}

type Opening = { state: 'opening' } | { state: 'open'; session: MapSession } | { state: 'failed'; message: string };

/** A map opened from a link: local copy first, then live. */
export default function MapPage({ mapId }: { mapId: string }) {
  const [opening, setOpening] = useState<Opening>({ state: 'opening' });

  useEffect(() => {
    let cancelled = false;
    let session: MapSession | null = null;
    (async () => {
      const token = tokenFromHash() ?? (await localDb().maps.get(mapId))?.token ?? null;
      if (!token) {
        setOpening({ state: 'failed', message: 'This link is missing its key. Ask the facilitator to send the whole link again.' });
        return;
      }
      const opened = await MapSession.open(mapId, token);
      if (cancelled) opened.destroy();
      else {
        session = opened;
        setOpening({ state: 'open', session: opened });
      }
    })().catch((error: unknown) => {
      if (!cancelled) setOpening({ state: 'failed', message: `This map could not be opened here: ${(error as Error).message}` });
    });
    return () => {
      cancelled = true;
      session?.destroy();
    };
  }, [mapId]);

  if (opening.state === 'opening') return <p className="centre" role="status">Opening the map…</p>;
  if (opening.state === 'failed') {
    return (
      <main className="centre">
        <p role="alert">{opening.message}</p>
        <a href="/">Back to your maps</a>
      </main>
    );
  }
  return (
    <ReactFlowProvider>
      <MapWorkspace session={opening.session} />
    </ReactFlowProvider>
  );
}

function connectionText(status: SessionStatus): string {
  const base = {
    connecting: 'Connecting…',
    connected: status.synced ? 'Connected' : 'Connecting…',
    offline: 'Offline — your changes are kept on this device',
    rejected: 'Not connected',
  }[status.connection];
  if (status.unsent === 0) return base;
  return `${base} · ${status.unsent} ${status.unsent === 1 ? 'change' : 'changes'} not yet sent`;
}

function useFlowStore(session: MapSession, author: string, readOnly: boolean): FlowStore {
  // The store reads the latest value without being rebuilt when it changes.
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const store = useMemo(() => new FlowStore(session.doc, author, () => readOnlyRef.current), [session, author]);
  useEffect(() => () => store.destroy(), [store]);
  useEffect(() => store.refreshAll(), [store, readOnly]);
  return store;
}

function usePresence(session: MapSession, author: string, role: SessionStatus['role']): Presence {
  const presence = useMemo(
    () => new Presence(session.awareness, { id: author, name: storedDisplayName() ?? 'Guest', role }),
    // Not rebuilt when the role changes: setRole below pushes it.
    [session, author],
  );
  useEffect(() => () => presence.destroy(), [presence]);
  useEffect(() => presence.setRole(role), [presence, role]);
  useEffect(() => {
    const onActivity = () => presence.activity();
    const onVisibility = () => (document.hidden ? presence.hidden() : presence.activity());
    window.addEventListener('pointerdown', onActivity);
    window.addEventListener('keydown', onActivity);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('keydown', onActivity);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [presence]);
  return presence;
}

function MapWorkspace({ session }: { session: MapSession }) {
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  const author = useMemo(() => browserClientId(), []);
  const readOnly = status.role === 'viewer' || status.connection === 'rejected';
  const store = useFlowStore(session, author, readOnly);
  const presence = usePresence(session, author, status.role);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const people = useSyncExternalStore(presence.subscribe, presence.getPeople);
  const title = useSyncExternalStore(
    (cb) => {
      metaMap(session.doc).observe(cb);
      return () => metaMap(session.doc).unobserve(cb);
    },
    () => metaMap(session.doc).get('title'),
  );
  const flow = useReactFlow();
  const [focusLabelKey, setFocusLabelKey] = useState(0);
  const [askName, setAskName] = useState(() => storedDisplayName() === null);
  const [following, setFollowing] = useState<number | null>(null);
  const [steppedOutOf, setSteppedOutOf] = useState<number | null>(null);
  const [recoveryError, setRecoveryError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${typeof title === 'string' && title ? title : 'Map'} · Causeway`;
  }, [title]);

  const selectedNodes = snapshot.nodes.filter((n) => n.selected);
  const selectedEdges = snapshot.edges.filter((e) => e.selected);
  const selectionKey = [...selectedNodes.map((n) => n.id), ...selectedEdges.map((e) => e.id)].join(',');
  useEffect(() => presence.setSelection(selectionKey ? selectionKey.split(',') : []), [presence, selectionKey]);
  const factor = selectedNodes.length === 1 && selectedEdges.length === 0 ? selectedNodes[0]!.data.factor : null;
  const link = selectedEdges.length === 1 && selectedNodes.length === 0 ? selectedEdges[0]!.data!.link : null;
  const labels = new Map(snapshot.nodes.map((n) => [n.id, n.data.factor.label]));

  // Following: a person you chose, or the facilitator who is presenting (unless you stepped out).
  const presenter = people.find((p) => !p.isSelf && p.presenting && p.user.role === 'facilitator') ?? null;
  useEffect(() => {
    if (!presenter) setSteppedOutOf(null);
  }, [presenter]);
  const followTarget = following ?? (presenter && steppedOutOf !== presenter.clientId ? presenter.clientId : null);
  const target = people.find((p) => p.clientId === followTarget) ?? null;
  useEffect(() => {
    if (following !== null && !people.some((p) => p.clientId === following)) setFollowing(null);
  }, [people, following]);
  const targetView = target?.view;
  useEffect(() => {
    if (targetView) void flow.setCenter(targetView.x, targetView.y, { zoom: targetView.zoom, duration: 150 });
  }, [flow, targetView?.x, targetView?.y, targetView?.zoom]);

  const onUserMoved = useCallback(() => {
    // Panning or zooming yourself ends following.
    setFollowing(null);
    if (presenter) setSteppedOutOf(presenter.clientId);
  }, [presenter]);

  const onEditing = useCallback((id: string | null) => presence.setEditing(id), [presence]);

  const onCreated = (id: string) => {
    store.selectOnly(id);
    setFocusLabelKey((k) => k + 1);
  };

  const addAtCentre = () => {
    const rect = document.querySelector('.react-flow')?.getBoundingClientRect();
    const centre = rect
      ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
      : { x: 0, y: 0 };
    const boxes = snapshot.nodes.map((n) => ({ ...n.position, width: n.measured?.width, height: n.measured?.height }));
    const spot = freeSpot({ x: centre.x - NEW_FACTOR_SIZE.width / 2, y: centre.y - NEW_FACTOR_SIZE.height / 2 }, boxes);
    const id = addFactor(session.doc, { label: 'New factor', x: spot.x, y: spot.y }, { origin: LOCAL_ORIGIN, author });
    onCreated(id);
  };

  const keepCopy = async () => {
    setRecoveryError(null);
    try {
      const link = new URL(await session.keepAsNewMap());
      location.assign(link.pathname + link.hash);
    } catch (error) {
      setRecoveryError((error as Error).message);
    }
  };

  const me = people.find((p) => p.isSelf);
  const presenting = me?.presenting === true;

  return (
    <PresenceContext.Provider value={presence}>
      <div className="workspace">
        <header className="topbar">
          <a href="/" className="topbar__home" aria-label="Causeway home">Causeway</a>
          <h1 className="topbar__title">{typeof title === 'string' && title ? title : 'Untitled map'}</h1>
          <span className={`pill pill--${status.connection}`} role="status" data-testid="connection-state" data-state={status.connection} data-unsent={status.unsent}>
            {connectionText(status)}
          </span>
          {status.role && <span className="pill pill--role">{status.role === 'viewer' ? 'View only' : status.role === 'facilitator' ? 'Facilitator' : 'Editor'}</span>}
          <div className="topbar__actions">
            {status.role === 'facilitator' && (
              <button type="button" className="button" aria-pressed={presenting} onClick={() => presence.setPresenting(!presenting)} data-testid="present">
                {presenting ? 'Stop presenting' : 'Bring everyone to my view'}
              </button>
            )}
            {!readOnly && (
              <button type="button" className="button button--primary" onClick={addAtCentre} data-testid="add-factor">
                Add factor
              </button>
            )}
          </div>
        </header>
        {status.problem && (
          <div className="banner banner--error" role="alert">
            <span>{status.problem}</span>
            {status.orphaned && (
              <button type="button" className="button" onClick={() => void keepCopy()} data-testid="keep-copy">
                Keep my copy as a new map
              </button>
            )}
            {recoveryError && <span>{recoveryError}</span>}
          </div>
        )}
        {presenter && steppedOutOf !== presenter.clientId && (
          <div className="banner banner--info" role="status" data-testid="presenting-banner">
            <span>{presenter.user.name} is presenting: you are following their view.</span>
            <button type="button" className="button" onClick={() => setSteppedOutOf(presenter.clientId)}>Step out</button>
          </div>
        )}
        {presenter && steppedOutOf === presenter.clientId && (
          <div className="banner banner--info" role="status">
            <span>{presenter.user.name} is presenting.</span>
            <button type="button" className="button" onClick={() => setSteppedOutOf(null)}>Follow again</button>
          </div>
        )}
        {!presenter && target && (
          <div className="banner banner--info" role="status" data-testid="following-banner">
            <span>Following {target.user.name}’s view.</span>
            <button type="button" className="button" onClick={() => setFollowing(null)}>Stop following</button>
          </div>
        )}
        <div className="workspace__body">
          <div className="workspace__canvas">
            <MapCanvas doc={session.doc} store={store} author={author} readOnly={readOnly} onCreated={onCreated} presence={presence} onUserMoved={onUserMoved} />
          </div>
          <aside className="workspace__side">
            <SelectionPanel
              doc={session.doc}
              author={author}
              readOnly={readOnly}
              factor={factor}
              link={link}
              labelOf={(id) => labels.get(id) ?? '?'}
              focusLabelKey={focusLabelKey}
              onEditing={onEditing}
            />
            <PeopleList presence={presence} following={followTarget} onFollow={(id) => { setFollowing(id); if (id === null && presenter) setSteppedOutOf(presenter.clientId); }} onRename={() => setAskName(true)} />
            <p className="workspace__counts" data-testid="map-counts">
              {snapshot.nodes.length} factors · {snapshot.edges.length} links
            </p>
          </aside>
        </div>
        {askName && (
          <JoinDialog
            initial={me?.user.name === 'Guest' ? '' : (me?.user.name ?? '')}
            onJoin={(name) => {
              presence.setName(storeDisplayName(name));
              setAskName(false);
            }}
          />
        )}
      </div>
    </PresenceContext.Provider>
  );
}
