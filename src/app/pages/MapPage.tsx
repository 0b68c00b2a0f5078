import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { metaMap } from '../../core/model/schema';
import { browserClientId } from '../../sync/identity';
import { localDb } from '../../sync/local-db';
import { Presence, storeDisplayName, storedDisplayName } from '../../sync/presence';
import { MapSession, type SessionStatus } from '../../sync/session';
import { ContextMenu } from '../canvas/ContextMenu';
import { FlowStore } from '../canvas/flow-store';
import { MapCanvas } from '../canvas/MapCanvas';
import { CommandBar } from '../editor/CommandBar';
import { EditorContext } from '../editor/context';
import { Editor } from '../editor/editor';
import { FindBar } from '../editor/FindBar';
import { History } from '../editor/history';
import { useEditorKeys, type KeyHandlers } from '../editor/keyboard';
import { LinkPicker } from '../editor/LinkPicker';
import { TextView } from '../editor/TextView';
import { Announcer, ShortcutsDialog, Toolbar } from '../editor/Toolbar';
import { EditorUi, useUi, type UiState } from '../editor/ui-state';
import { PresenceContext } from '../presence/context';
import { JoinDialog } from '../presence/JoinDialog';
import { allowedNow, type SessionState } from '../../core/model/workshop';
import { useLoopAnalysis } from '../analysis/useLoopAnalysis';
import { useSession, useWorkshopOverlay } from '../workshop/hooks';
import { BreakoutsDialog } from '../workshop/BreakoutsDialog';
import { ShareDialog } from '../workshop/ShareDialog';
import { WorkshopBar } from '../workshop/WorkshopBar';
import { SimpleMode } from '../workshop/SimpleMode';
import { useSimplePreference } from '../workshop/simple-preference';
import { SidePanels } from './SidePanels';

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

interface Workspace {
  history: History;
  store: FlowStore;
  ui: EditorUi;
  editor: Editor;
  presence: Presence;
}

/**
 * The editor's objects for one open map. Made in an effect (not useMemo) so
 * that React's StrictMode, which mounts twice in development, gets a fresh
 * set after disposing the first rather than a disposed one.
 */
function useWorkspace(session: MapSession, author: string, readOnly: string | null, role: SessionStatus['role']): Workspace | null {
  // Read through a ref: the objects live as long as the session, not as long as a role.
  // `readOnly` is why this person may not change the map now, or null when they may.
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  useEffect(() => {
    const history = new History(session.doc);
    const store = new FlowStore(session.doc, author, () => readOnlyRef.current !== null, history);
    const ui = new EditorUi();
    const presence = new Presence(session.awareness, { id: author, name: storedDisplayName() ?? 'Guest', role: null });
    const editor = new Editor(session.doc, author, store, history, ui, () => readOnlyRef.current, (id) => presence.setEditing(id));
    setWorkspace({ history, store, ui, editor, presence });
    return () => {
      store.destroy();
      history.destroy();
      presence.destroy();
    };
  }, [session, author]);
  useEffect(() => workspace?.store.refreshAll(), [workspace, readOnly]);
  useEffect(() => workspace?.presence.setRole(role), [workspace, role]);
  const presence = workspace?.presence;
  useEffect(() => {
    if (!presence) return;
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
  return workspace;
}

/**
 * Whether this person may change the map's structure now. The server enforces
 * the same rules (src/core/model/policy.ts); here they grey out what would be
 * refused, so nobody's edit silently springs back.
 */
function readOnlyReason(status: SessionStatus, state: SessionState): string {
  if (status.role === 'viewer') return 'This link lets you view the map, not change it.';
  if (status.connection === 'rejected') return 'You are not connected to this map, so changes cannot be made here.';
  if (state.locked) return 'The facilitator has locked the map: you can still vote and comment.';
  return 'In this phase the map cannot be changed; the facilitator will open it again.';
}

function structureReadOnly(status: SessionStatus, state: SessionState): boolean {
  if (status.role === 'viewer' || status.connection === 'rejected') return true;
  if (status.role === 'facilitator') return false;
  const allowed = allowedNow(state);
  return state.locked || (!allowed.has('add') && !allowed.has('edit'));
}

function MapWorkspace({ session }: { session: MapSession }) {
  const status = useSyncExternalStore(session.subscribe, session.getStatus);
  const sessionState = useSession(session.doc);
  const author = useMemo(() => browserClientId(), []);
  const readOnly = structureReadOnly(status, sessionState) ? readOnlyReason(status, sessionState) : null;
  const workspace = useWorkspace(session, author, readOnly, status.role);
  if (!workspace) return <p className="centre" role="status">Opening the map…</p>;
  return (
    <EditorContext.Provider value={workspace.editor}>
      <PresenceContext.Provider value={workspace.presence}>
        <WorkspaceView session={session} status={status} workspace={workspace} sessionState={sessionState} author={author} />
      </PresenceContext.Provider>
    </EditorContext.Provider>
  );
}

const selectView = (s: UiState) => s.view;
const selectFind = (s: UiState) => s.findOpen;
const selectLinking = (s: UiState) => s.linkingFrom;

function WorkspaceView({ session, status, workspace, sessionState, author }: {
  session: MapSession; status: SessionStatus; workspace: Workspace; sessionState: SessionState; author: string;
}) {
  const { editor, presence, store, ui } = workspace;
  const [sharing, setSharing] = useState(false);
  const [breakouts, setBreakouts] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const onLoopsClosed = useCallback((sentence: string) => {
    setToast(sentence);
    ui.announce(sentence);
  }, [ui]);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 6_000);
    return () => clearTimeout(timer);
  }, [toast]);
  const analysis = useLoopAnalysis(session.doc, onLoopsClosed);
  const readOnly = !editor.canEdit;
  const people = useSyncExternalStore(presence.subscribe, presence.getPeople);
  const view = useUi(ui, selectView);
  const findOpen = useUi(ui, selectFind);
  const linkingFrom = useUi(ui, selectLinking);
  const title = useSyncExternalStore(
    (cb) => {
      metaMap(session.doc).observe(cb);
      return () => metaMap(session.doc).unobserve(cb);
    },
    () => metaMap(session.doc).get('title'),
  );
  const flow = useReactFlow();
  const commandInput = useRef<HTMLInputElement>(null);
  const [askName, setAskName] = useState(() => storedDisplayName() === null);
  const [following, setFollowing] = useState<number | null>(null);
  const [steppedOutOf, setSteppedOutOf] = useState<number | null>(null);
  const [recoveryError, setRecoveryError] = useState<string | null>(null);
  const [simple, setSimple] = useSimplePreference();
  useWorkshopOverlay(session.doc, store, sessionState, status.role === 'facilitator');
  const hideNames = sessionState.anonymous && status.role !== 'facilitator';
  useEffect(() => presence.setAnonymous(hideNames), [presence, hideNames]);

  useEffect(() => {
    document.title = `${typeof title === 'string' && title ? title : 'Map'} · Causeway`;
  }, [title]);


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

  const keyHandlers = useMemo<KeyHandlers>(() => ({
    openFind: () => ui.set({ findOpen: true, menu: null }),
    openQuickEntry: () => {
      ui.set({ view: 'diagram' });
      requestAnimationFrame(() => commandInput.current?.focus());
    },
    openLinkPicker: (from) => ui.set({ linkingFrom: from, menu: null }),
    openMenuFor: (id) => {
      const element = id ? document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"], .react-flow__edge[data-id="${CSS.escape(id)}"]`) : null;
      const rect = (element ?? document.querySelector('.react-flow'))?.getBoundingClientRect();
      if (!rect) return;
      const x = rect.left + Math.min(rect.width / 2, 120);
      const y = rect.top + Math.min(rect.height / 2, 60);
      const kind = id && store.factor(id) ? 'factor' : id && store.link(id) ? 'link' : id && store.section(id) ? 'section' : 'pane';
      ui.set({
        menu: {
          x, y, at: flow.screenToFlowPosition({ x, y }),
          target: kind === 'pane' || !id ? { kind: 'pane' } : { kind, id },
        },
      });
    },
    closeAll: () => {
      const state = ui.get();
      if (state.menu || state.findOpen || state.linkingFrom || state.shortcutsOpen) {
        ui.set({ menu: null, findOpen: false, linkingFrom: null, shortcutsOpen: false });
        return true;
      }
      return false;
    },
  }), [ui, store, flow]);
  useEditorKeys(editor, keyHandlers);

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
    <div className="workspace">
      <header className="topbar">
        <a href="/" className="topbar__home" aria-label="Causeway home">Causeway</a>
        <h1 className="topbar__title">{typeof title === 'string' && title ? title : 'Untitled map'}</h1>
        <span className={`pill pill--${status.connection}`} role="status" data-testid="connection-state" data-state={status.connection} data-unsent={status.unsent}>
          {connectionText(status)}
        </span>
        {status.role && <span className="pill pill--role">{status.role === 'viewer' ? 'View only' : status.role === 'facilitator' ? 'Facilitator' : 'Editor'}</span>}
        <div className="topbar__actions">
          <button type="button" className="button" aria-pressed={simple} onClick={() => setSimple(!simple)} data-testid="simple-toggle"
            title={simple ? 'Show the diagram and all the tools' : 'Big buttons and the map in words, for phones and first-timers'}>
            {simple ? 'Full editor' : 'Simple view'}
          </button>
          {status.role === 'facilitator' && (
            <button type="button" className="button" aria-pressed={presenting} onClick={() => presence.setPresenting(!presenting)} data-testid="present">
              {presenting ? 'Stop presenting' : 'Bring everyone to my view'}
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
      <WorkshopBar doc={session.doc} session={sessionState} facilitator={status.role === 'facilitator'} author={author} onShare={() => setSharing(true)} onBreakouts={() => setBreakouts(true)} />
      {sharing && <ShareDialog mapId={session.mapId} token={session.token} onClose={() => setSharing(false)} />}
      {breakouts && <BreakoutsDialog mapId={session.mapId} token={session.token} mapTitle={typeof title === 'string' ? title : ''} onClose={() => setBreakouts(false)} />}
      <Announcer />
      <ShareSelection store={store} presence={presence} />
      {simple ? (
        <main className="workspace__simple" aria-label="Map">
          <SimpleMode doc={session.doc} session={sessionState} analysis={analysis} author={author} canEdit={!readOnly}
            canVote={status.role === 'editor' || status.role === 'facilitator'} canContribute={status.role === 'editor' || status.role === 'facilitator'} />
        </main>
      ) : (
        <>
          <Toolbar onFind={keyHandlers.openFind} />
          <div className="workspace__body">
            <main className="workspace__canvas" aria-label="Map">
              {toast && <p className="toast" role="status" data-testid="loop-toast">{toast}</p>}
              {findOpen && <FindBar />}
              {linkingFrom && store.factor(linkingFrom) && <LinkPicker key={linkingFrom} from={linkingFrom} />}
              {view === 'text' ? (
                <TextView />
              ) : (
                <MapCanvas presence={presence} onUserMoved={onUserMoved} />
              )}
              {!readOnly && view === 'diagram' && <CommandBar inputRef={commandInput} />}
            </main>
            <SidePanels
              mapId={session.mapId} token={session.token} doc={session.doc} store={store} presence={presence} analysis={analysis} session={sessionState} role={status.role}
              author={author} readOnly={readOnly} onEditing={onEditing} following={followTarget}
              onFollow={(id) => { setFollowing(id); if (id === null && presenter) setSteppedOutOf(presenter.clientId); }}
              onRename={() => setAskName(true)}
            />
          </div>
        </>
      )}
      <ContextMenu />
      <ShortcutsDialog />
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
  );
}

/**
 * Shares what this person has selected (ids only) with the others. Its own component, so that a
 * click on the canvas does not render the whole page again.
 */
function ShareSelection({ store, presence }: { store: FlowStore; presence: Presence }) {
  const selectionKey = useSyncExternalStore(store.subscribe, store.getSelectionKey);
  useEffect(() => presence.setSelection(selectionKey ? selectionKey.split(',') : []), [presence, selectionKey]);
  return null;
}
