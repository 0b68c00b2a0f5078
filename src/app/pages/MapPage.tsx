import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { addFactor } from '../../core/model/ops';
import { metaMap } from '../../core/model/schema';
import { browserClientId } from '../../sync/identity';
import { localDb } from '../../sync/local-db';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { MapSession, type SessionStatus } from '../../sync/session';
import { FlowStore } from '../canvas/flow-store';
import { MapCanvas } from '../canvas/MapCanvas';
import { NEW_FACTOR_SIZE, freeSpot } from '../canvas/placement';
import { SelectionPanel } from '../canvas/SelectionPanel';

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

const CONNECTION_TEXT: Record<SessionStatus['connection'], string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline — your changes are kept on this device',
  rejected: 'Not connected',
};

function MapWorkspace({ session }: { session: MapSession }) {
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  const author = useMemo(() => browserClientId(), []);
  const readOnly = status.role === 'viewer' || status.connection === 'rejected';
  // The store reads the latest value without being rebuilt when it changes.
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const store = useMemo(() => new FlowStore(session.doc, author, () => readOnlyRef.current), [session, author, readOnlyRef]);
  useEffect(() => () => store.destroy(), [store]);
  useEffect(() => store.refreshAll(), [store, readOnly]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const title = useSyncExternalStore(
    (cb) => {
      metaMap(session.doc).observe(cb);
      return () => metaMap(session.doc).unobserve(cb);
    },
    () => metaMap(session.doc).get('title'),
  );
  const flow = useReactFlow();
  const [focusLabelKey, setFocusLabelKey] = useState(0);

  useEffect(() => {
    document.title = `${typeof title === 'string' && title ? title : 'Map'} · Causeway`;
  }, [title]);

  const selectedNodes = snapshot.nodes.filter((n) => n.selected);
  const selectedEdges = snapshot.edges.filter((e) => e.selected);
  const factor = selectedNodes.length === 1 && selectedEdges.length === 0 ? selectedNodes[0]!.data.factor : null;
  const link = selectedEdges.length === 1 && selectedNodes.length === 0 ? selectedEdges[0]!.data!.link : null;
  const labels = new Map(snapshot.nodes.map((n) => [n.id, n.data.factor.label]));

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

  return (
    <div className="workspace">
      <header className="topbar">
        <a href="/" className="topbar__home" aria-label="Causeway home">Causeway</a>
        <h1 className="topbar__title">{typeof title === 'string' && title ? title : 'Untitled map'}</h1>
        <span className={`pill pill--${status.connection}`} role="status" data-testid="connection-state" data-state={status.connection}>
          {CONNECTION_TEXT[status.connection]}
        </span>
        {status.role && <span className="pill pill--role">{status.role === 'viewer' ? 'View only' : status.role === 'facilitator' ? 'Facilitator' : 'Editor'}</span>}
        <div className="topbar__actions">
          {!readOnly && (
            <button type="button" className="button button--primary" onClick={addAtCentre} data-testid="add-factor">
              Add factor
            </button>
          )}
        </div>
      </header>
      {status.problem && <p className="banner banner--error" role="alert">{status.problem}</p>}
      <div className="workspace__body">
        <div className="workspace__canvas">
          <MapCanvas doc={session.doc} store={store} author={author} readOnly={readOnly} onCreated={onCreated} />
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
          />
          <p className="workspace__counts" data-testid="map-counts">
            {snapshot.nodes.length} factors · {snapshot.edges.length} links
          </p>
        </aside>
      </div>
    </div>
  );
}
