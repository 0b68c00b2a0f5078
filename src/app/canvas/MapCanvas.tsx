import {
  Background, ConnectionMode, ControlButton, Controls, ReactFlow, getViewportForBounds, useReactFlow, useStore, useStoreApi,
  type Connection, type FinalConnectionState, type NodeChange, type NodeTypes, type OnNodeDrag, type Viewport,
} from '@xyflow/react';
import { memo, startTransition, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type FocusEvent, type MouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useLongPress, LongPressEventType } from 'use-long-press';
import type { Presence } from '../../sync/presence';
import { useEditor } from '../editor/context';
import { useUi, type MenuTarget, type UiState } from '../editor/ui-state';
import { Cursors } from '../presence/Cursors';
import FactorNodeView, { FarZoomContext } from './FactorNodeView';
import { boundsOfBoxes, containsRect } from '../../core/geometry/rect';
import { CULL_ABOVE, areaAround, boundsWithLinks, linksReach, needsNewArea, nodeBox, nodesInArea, viewRect, type Rect } from './culling';
import type { CanvasNode, CausalEdge } from './flow-store';
import { EdgeLabelLayer } from './edge-label-layer';
import { LinkLayer } from './LinkLayer';
import { OverviewMap } from './OverviewMap';
import { useGestureHitRegions } from './hit-regions';
import { DropReach, useFactorInReach } from './DropReach';
import { panToShow, zoomOutToKeepClear } from './reveal-view';
import SectionNodeView from './SectionNodeView';
import './canvas-gesture.css';

const nodeTypes: NodeTypes = { factor: FactorNodeView, section: SectionNodeView };
export const GRID = 24;
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 3;
const FIT_PADDING = 0.15;

interface Props {
  presence: Presence;
  /** The person panned or zoomed by hand (not a programmatic move): following stops. */
  onUserMoved: () => void;
}

/*
 * Every prop below that React Flow tracks (see its StoreUpdater) must keep its identity between
 * renders: a new array, object or function is written into React Flow's store, and every store
 * write re-runs the selectors of every drawn factor and link (thousands on a large map).
 */
const SNAP_GRID: [number, number] = [GRID, GRID];
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const PAN_BUTTONS_WHEN_BOX_SELECTING = [1, 2];
const PRO_OPTIONS = { hideAttribution: false };
const ARIA_LABELS = {
  'node.a11yDescription.default': 'Arrow keys move between factors. Enter renames. L links to another factor. ] and [ follow links. Delete removes.',
  'edge.a11yDescription.default': 'Plus, minus or question mark set the polarity. D sets a delay. ] goes to the target, [ to the source.',
};
const isValidConnection = (c: { source: string; target: string }) => c.source !== c.target;

/**
 * Below this zoom a polarity sign or a delay mark is a speck nobody can read (a link's colour and
 * its accessible name still tell its polarity), yet each is an element the browser lays out and
 * paints on every frame of a pan: thousands on a large map seen whole. They go while zoomed out.
 */
const FAR_ZOOM = 0.2;
/**
 * Screen pixels that something revealed is kept from the edge of the view. Small: at 40 the view
 * moved after nearly every link a newcomer drew, a few dozen pixels each time, and they had to
 * find their factors again before the next one.
 */
const REVEAL_MARGIN = 16;
/** Frames to wait for a factor or link just made to be drawn, to put focus on it. */
const FOCUS_WAIT_FRAMES = 60;
/** A link drawn by pointer: only its sign need come into view. */
const SIGN_ONLY = { signsOnly: true } as const;
/**
 * The least zoom quick entry zooms out to, to keep what was in sight while showing what it made:
 * labels are still readable there. Below it, the view moves instead.
 */
const KEEP_IN_SIGHT_ZOOM = 0.75;
/** How long a reveal's move of the view takes (ms). */
const REVEAL_MS = 200;
/** Frames of a reveal can come a little after its duration on a busy machine. */

const selectSnap = (s: UiState) => s.snapToGrid;
const selectBox = (s: UiState) => s.boxSelect;

/**
 * After a long press opens the menu, lifting the finger makes the browser send
 * mouse events (mousedown, click, even dblclick) to what is under it: they would move focus
 * away and close the menu at once, or press the menu item under the finger. They are
 * swallowed until the next press begins. Not for a time after the lift: the browser sends them
 * only once the page has handled the lift, and on a busy phone (or a busy test machine) that
 * came after 600 ms, and the lift pressed "Rename" (an e2e failed so).
 */
function swallowLiftingFinger(x: number, y: number): void {
  const types = ['mousedown', 'mouseup', 'click', 'dblclick'] as const;
  // Only where the finger was: the menu opens beside that point, so a tap on the menu still counts.
  const swallow = (event: Event) => {
    const { clientX, clientY } = event as globalThis.MouseEvent;
    if (Math.hypot(clientX - x, clientY - y) > 10) return;
    event.preventDefault();
    event.stopPropagation();
  };
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    for (const type of types) window.removeEventListener(type, swallow, true);
    window.removeEventListener('pointerup', lifted, true);
    window.removeEventListener('pointercancel', lifted, true);
    window.removeEventListener('pointerdown', stop, true);
  };
  // A press after the lift is a new one (a real tap or click comes with its own pointerdown,
  // a lifting finger's mouse events without): from then on, mouse events are the person's.
  const lifted = () => {
    window.removeEventListener('pointerup', lifted, true);
    window.removeEventListener('pointercancel', lifted, true);
    window.addEventListener('pointerdown', stop, true);
  };
  for (const type of types) window.addEventListener(type, swallow, true);
  window.addEventListener('pointerup', lifted, true);
  window.addEventListener('pointercancel', lifted, true);
  // Never longer than this, whatever happens.
  setTimeout(stop, 10_000);
}

/** What a pointer event landed on: a factor, a link, a section or the empty canvas. */
function targetAt(element: Element | null): MenuTarget {
  const node = element?.closest('.react-flow__node');
  const id = node?.getAttribute('data-id');
  if (node && id) return node.classList.contains('react-flow__node-section') ? { kind: 'section', id } : { kind: 'factor', id };
  const edge = element?.closest('.react-flow__edge');
  const edgeId = edge?.getAttribute('data-id');
  if (edgeId) return { kind: 'link', id: edgeId };
  return { kind: 'pane' };
}

/** The React Flow canvas bound to the map document through the editor's FlowStore. */
export const MapCanvas = memo(function MapCanvas({ presence, onUserMoved }: Props) {
  const editor = useEditor();
  const { store } = editor;
  // Every change, each pointer move of a drag included (the page around hears of moves less often).
  const snapshot = useSyncExternalStore(store.subscribeCanvas, store.getSnapshot);
  const flow = useReactFlow<CanvasNode, CausalEdge>();
  const atMaxZoom = useStore((s) => s.transform[2] >= s.maxZoom);
  const atMinZoom = useStore((s) => s.transform[2] <= s.minZoom);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const snap = useUi(editor.ui, selectSnap);
  const boxSelect = useUi(editor.ui, selectBox);
  const readOnly = !editor.canEdit;
  const size = useRef({ width, height });
  const container = useRef<HTMLDivElement>(null);
  const factorInReach = useFactorInReach();
  // Hit regions the browser would otherwise rebuild on every frame of a gesture (hit-regions.ts).
  const { pause: pauseWheelUntilGestureEnds, resume: resumeWheel, onPointerDownCapture } = useGestureHitRegions(container);
  size.current = { width, height };
  const userMoved = useRef(onUserMoved);
  userMoved.current = onUserMoved;

  const culling = snapshot.factors.length > CULL_ABOVE;
  const cullingNow = useRef(culling);
  cullingNow.current = culling;
  const [area, setArea] = useState<Rect | null>(null);
  const areaNow = useRef(area);
  /** The area around the view has to move (culling.ts): React Flow is given the factors in the new one. */
  const followView = useCallback((viewport: Viewport) => {
    const { width, height } = size.current;
    if (!cullingNow.current || !width || !height) return;
    const view = viewRect(viewport, { width, height });
    if (!needsNewArea(areaNow.current, view)) return;
    areaNow.current = areaAround(view);
    setArea(areaNow.current);
  }, []);

  /**
   * Whether the view's current move is the person's: a pan, wheel or pinch (React Flow gives those
   * their event), or a zoom button. Not the app's own moves (opening, a reveal, Find, following):
   * they come without an event. The overview map waits for a move by hand (OverviewMap). A time
   * window after each app move was tried first; on a busy machine the move outlasted it.
   */
  const handMove = useRef(false);
  /** Set just before a button moves the view for the person; the move's start takes it. */
  const personMoves = useRef(false);
  const onMoveStart = useCallback((event: unknown) => {
    handMove.current = event !== null || personMoves.current;
    personMoves.current = false;
  }, []);
  const zoomByHand = useCallback((zoomIn: boolean) => {
    personMoves.current = true;
    void (zoomIn ? flow.zoomIn() : flow.zoomOut());
    // A move that never starts (already at the limit) must not lend its mark to the next one.
    personMoves.current = false;
  }, [flow]);
  const zoomInByHand = useCallback(() => zoomByHand(true), [zoomByHand]);
  const zoomOutByHand = useCallback(() => zoomByHand(false), [zoomByHand]);
  /**
   * The whole map in view, from the store's factors: React Flow's own fitView knows only the
   * factors it was given, which on a large map are those around the view.
   */
  const fitAll = useCallback((duration = 0, byHand = false) => {
    const { width, height } = size.current;
    const { nodes, edges } = store.getSnapshot();
    const bounds = boundsWithLinks(nodes, edges, store.router);
    if (!bounds || !width || !height) return;
    const viewport = getViewportForBounds(bounds, width, height, MIN_ZOOM, 1, FIT_PADDING);
    followView(viewport);
    personMoves.current = byHand;
    void flow.setViewport(viewport, { duration });
  }, [store, flow, followView]);

  /**
   * The person turned to the whole map (Fit, or back from the text view): a selected link keeps its
   * selection but not its toolbar, which would sit over the map they meant to see.
   */
  const putLinkToolbarAway = useCallback(() => {
    const links = store.selectedEdgeIds();
    editor.ui.set({ linkToolbarAway: links.length === 1 ? links[0]! : null });
  }, [editor, store]);

  /** Fit asked for by the person (the toolbar, Shift+1, the menu, the ⤢ button): their move, and the toolbar put away. */
  const fitByHand = useCallback(() => {
    putLinkToolbarAway();
    fitAll(200, true);
  }, [fitAll, putLinkToolbarAway]);

  /** The view a canvas opens with: where it was before the text view, else the whole map. */
  const openingView = useCallback(() => {
    putLinkToolbarAway();
    if (!editor.lastView) return fitAll();
    followView(editor.lastView);
    void flow.setViewport(editor.lastView);
  }, [editor, fitAll, followView, flow, putLinkToolbarAway]);

  // A map opens fitted to its factors once they are drawn (a first visit gets them from the server
  // after the canvas is up). Not when the only factors are ones this person has just added to an
  // empty map: the view would jump and the first factor leave the spot where it was double-clicked.
  // (Whether they are drawn is read from the store's measured sizes: React Flow's
  // useNodesInitialized re-ran over every node, and re-rendered this canvas, on each move of a drag.)
  const opening = useRef({ fitted: false, since: Date.now() });
  /** Where a reveal is moving the view, until when. */
  const revealing = useRef<{ view: Viewport; until: number } | null>(null);
  /** What the overview map and the zoom buttons cover of the canvas, in its pixels. */
  const coveredPixels = useCallback((): Rect[] => {
    const canvas = container.current;
    if (!canvas) return [];
    const origin = (canvas.querySelector('.react-flow') ?? canvas).getBoundingClientRect();
    return [...canvas.querySelectorAll('.overview-map, .react-flow__controls')].map((element) => {
      const r = element.getBoundingClientRect();
      return { x: r.left - origin.left, y: r.top - origin.top, width: r.width, height: r.height };
    });
  }, []);
  /** What they cover of the map, with the view at `viewport`. */
  const coveredAt = useCallback((viewport: Viewport): Rect[] => coveredPixels().map((r) => ({
    x: (r.x - viewport.x) / viewport.zoom,
    y: (r.y - viewport.y) / viewport.zoom,
    width: r.width / viewport.zoom,
    height: r.height / viewport.zoom,
  })), [coveredPixels]);
  useEffect(() => {
    const open = opening.current;
    if (open.fitted || culling || snapshot.factors.length === 0) return;
    if (!snapshot.factors.every((n) => n.hidden || n.measured)) return;
    open.fitted = true;
    const addedHereJustNow = snapshot.factors.every((n) => n.data.factor.createdBy === store.author && n.data.factor.createdAt >= open.since);
    if (!addedHereJustNow) openingView();
  }, [culling, snapshot.factors, store, openingView]);

  // A large map opens fitted like a small one (React Flow's fitView would fit only what it was given).
  // A map that grows past the threshold while open keeps its view.
  const shownUnculled = useRef(false);
  if (!culling && snapshot.factors.length > 0) shownUnculled.current = true;
  useEffect(() => {
    if (!culling || area || !width || !height) return;
    if (shownUnculled.current) followView(flow.getViewport());
    else openingView();
  }, [culling, area, width, height, openingView, followView, flow]);

  /*
   * Zoomed out past FAR_ZOOM: signs and the → knob are hidden by a class (set at once, on the
   * element), and factors leave out their link handles (FarZoomContext), which re-renders every
   * factor: in a transition, so that a zoom crossing the line does not stall on it.
   */
  const [far, setFar] = useState(false);
  const farNow = useRef(far);
  const markFar = useCallback((zoom: number) => {
    const isFar = zoom < FAR_ZOOM;
    container.current?.classList.toggle('is-far', isFar);
    if (isFar === farNow.current) return;
    farNow.current = isFar;
    startTransition(() => setFar(isFar));
  }, []);

  const flowNodes = useMemo(() => {
    if (!culling) return snapshot.nodes;
    return nodesInArea(snapshot.nodes, area ?? { x: 0, y: 0, width: 0, height: 0 });
  }, [culling, area, snapshot.nodes]);

  // The editor reaches the viewport through this adapter (centre, fit, focus).
  useEffect(() => {
    /**
     * When the least move to show `area` would lose factors now in sight, a view a little further
     * out that keeps them (zoomOutToKeepClear); else null.
     */
    const keepInSight = (now: Viewport, nearest: Viewport | null, area: Rect, covered: readonly Rect[]): Viewport | null => {
      const sight = viewRect(now, size.current);
      const seen = boundsOfBoxes(store.getSnapshot().nodes.filter((n) => n.type === 'factor' && !n.hidden).map(nodeBox).filter((box) => containsRect(sight, box)));
      if (!seen || (nearest && containsRect(viewRect(nearest, size.current), seen))) return null;
      return zoomOutToKeepClear(now, size.current, area, seen, REVEAL_MARGIN, Math.min(now.zoom, KEEP_IN_SIGHT_ZOOM), covered);
    };
    editor.viewport = {
      centre: () => {
        const { x, y, zoom } = flow.getViewport();
        return { x: (size.current.width / 2 - x) / zoom, y: (size.current.height / 2 - y) / zoom };
      },
      centreOn: (p) => {
        void flow.setCenter(p.x, p.y, { zoom: Math.max(flow.getZoom(), 0.75), duration: REVEAL_MS });
      },
      visibleArea: () => viewRect(flow.getViewport(), size.current),
      coveredAreas: () => coveredAt(flow.getViewport()),
      reveal: (factors, links = [], options = {}) => {
        const { nodes: all, edges } = store.getSnapshot();
        const reach = links.length > 0 ? linksReach(all, edges, new Set(links), store.router, options.signsOnly) : [];
        const area = (options.signsOnly ? boundsOfBoxes(reach) : boundsOfBoxes([factors, ...reach])) ?? factors;
        // While an earlier reveal is still moving the view, work from where it is heading, not from
        // a frame of the way there: quick entry typed fast otherwise lost the line before from view,
        // or not, depending on timing.
        const heading = revealing.current;
        const now = heading && performance.now() < heading.until ? heading.view : flow.getViewport();
        // Only as far as needed, at the same zoom; when it cannot fit at that zoom, zoom out as
        // far as needed and centre it. In view but under the overview or the zoom buttons is not in view.
        const covered = coveredPixels();
        // A sign need only be in sight; anything more is kept a little from the edge.
        const margin = options.signsOnly ? 0 : REVEAL_MARGIN;
        const nearest = panToShow(now, size.current, area, margin, covered);
        if (nearest && nearest.x === now.x && nearest.y === now.y) return;
        const next = (options.keep ? keepInSight(now, nearest, area, covered) : null)
          ?? nearest ?? getViewportForBounds(area, size.current.width, size.current.height, MIN_ZOOM, now.zoom, FIT_PADDING);
        followView(next);
        revealing.current = { view: next, until: performance.now() + REVEAL_MS };
        void flow.setViewport(next, { duration: REVEAL_MS });
      },
      fit: fitByHand,
      focusElement: (id) => {
        const selector = `.react-flow__node[data-id="${CSS.escape(id)}"], .react-flow__edge[data-id="${CSS.escape(id)}"]`;
        const element = () => document.querySelector<HTMLElement | SVGElement>(selector);
        // At once when it can be: a key pressed in the meantime would find nothing in focus and go
        // nowhere. A factor or link just made is drawn a frame or more later, hidden until React
        // Flow has measured it (and a hidden element takes no focus): on a busy machine focus
        // stayed on the factor before, and the next keys went to that one (a keyboard e2e failed
        // so). Tried each frame for a while, unless the person has put focus somewhere else.
        const focus = () => {
          const target = element();
          target?.focus({ preventScroll: true });
          return target !== null && document.activeElement === target;
        };
        if (focus()) return;
        let frames = 0;
        const tryAgain = () => {
          const active = document.activeElement;
          const elsewhere = active && active !== document.body && !container.current?.contains(active);
          if (!elsewhere && !focus() && ++frames < FOCUS_WAIT_FRAMES) requestAnimationFrame(tryAgain);
        };
        requestAnimationFrame(tryAgain);
      },
    };
  }, [editor, flow, fitByHand, followView, coveredAt, coveredPixels]);

  const shareView = useCallback((viewport: Viewport) => {
    const { width, height } = size.current;
    if (!width || !height) return;
    presence.setView({ x: (width / 2 - viewport.x) / viewport.zoom, y: (height / 2 - viewport.y) / viewport.zoom, zoom: viewport.zoom });
  }, [presence]);
  const onMove = useCallback((event: unknown, viewport: Viewport) => {
    shareView(viewport);
    followView(viewport);
    markFar(viewport.zoom);
    // A pan by hand has begun to move: now the drawing need not be hit-tested (canvas-gesture.css).
    // Not on the press itself, or the click that selects a factor would land on the cover instead.
    if (event) container.current?.classList.add('is-panning');
    // A pan by pointer, not by wheel: no wheel is needed until it ends (hit-regions.ts).
    if (event && (event as Event).type !== 'wheel') pauseWheelUntilGestureEnds();
    // Only a move by hand (a programmatic one has no event) ends following, and only once the
    // view really moves: a press on the canvas, or a click on a factor, leaves it following.
    if (event && !movedByHand.current) {
      movedByHand.current = true;
      userMoved.current();
    }
    if (viewport.zoom !== lastZoom.current) container.current?.classList.add('is-zooming');
    lastZoom.current = viewport.zoom;
  }, [shareView, followView, markFar, pauseWheelUntilGestureEnds]);
  const lastZoom = useRef(0);
  const movedByHand = useRef(false);
  const onMoveEnd = useCallback((_event: unknown, viewport: Viewport) => {
    resumeWheel();
    container.current?.classList.remove('is-panning');
    container.current?.classList.remove('is-zooming');
    movedByHand.current = false;
    editor.lastView = viewport;
  }, [editor, resumeWheel]);
  const onInit = useCallback((instance: { getViewport: () => Viewport }) => {
    const viewport = instance.getViewport();
    shareView(viewport);
    markFar(viewport.zoom);
    lastZoom.current = viewport.zoom;
  }, [shareView, markFar]);
  const onMouseLeave = useCallback(() => presence.setCursor(null), [presence]);

  const onPointerMove = useCallback((event: MouseEvent) => {
    presence.setCursor(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  }, [presence, flow]);

  const onConnect = useCallback((connection: Connection) => {
    if (readOnly || !connection.source || !connection.target || connection.source === connection.target) return;
    const id = editor.connect(connection.source, connection.target);
    // Its sign in view: a link between factors side by side bulges past both, and its sign went off
    // the top of the view. Only the sign: the person drew the link where they were looking, and
    // bringing the whole arc in moved the view a few pixels under their pointer (newcomers' eighth
    // and tenth rounds).
    if (id) editor.revealLinks([id], [], SIGN_ONLY);
  }, [editor, readOnly]);

  /** A link dropped on empty canvas makes a new factor there, linked from where the drag began. */
  const onConnectEnd = useCallback((event: globalThis.MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (readOnly || state.isValid || !state.fromNode) return;
    const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
    const at = flow.screenToFlowPosition({ x: point.clientX, y: point.clientY });
    const from = state.fromNode.id;
    // Let go just beside a factor: the link is for that factor (DropReach showed it).
    const near = factorInReach(at, from);
    if (near) {
      const link = editor.connect(from, near);
      if (link) editor.revealLinks([link], [], SIGN_ONLY);
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    if (!target?.classList.contains('react-flow__pane')) return;
    const id = editor.addFactor({ at, edit: false });
    if (id) {
      const link = editor.connect(from, id);
      editor.store.selectOnly(id);
      editor.startEditing(id);
      if (link) editor.revealLinks([link]);
    }
  }, [editor, flow, readOnly, factorInReach]);

  const onPaneDoubleClick = useCallback((event: MouseEvent) => {
    // Only on empty canvas (or inside a section's empty space): a double-click on a factor is for that factor.
    if (readOnly || !(event.target instanceof Element) || !event.target.classList.contains('react-flow__pane')) return;
    editor.addFactor({ at: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }) });
  }, [editor, readOnly, flow]);

  /** A plain click on one of several selected factors selects just that one (a drag still moves them all). */
  const onNodeClick = useCallback((event: MouseEvent, node: CanvasNode) => {
    if (event.shiftKey || event.metaKey || event.ctrlKey) return;
    if (store.selectionSize() > 1) store.selectOnly(node.id);
  }, [store]);

  const onNodeDoubleClick = useCallback((_event: MouseEvent, node: CanvasNode) => {
    if (node.type === 'factor') editor.startEditing(node.id);
  }, [editor]);

  // While factors are dragged the rest of the canvas is not hit-tested (canvas-gesture.css); set on the element, not through React.
  const onSelectionDragStart = useCallback((_event: unknown, nodes: CanvasNode[]) => {
    container.current?.classList.add('is-dragging-nodes');
    pauseWheelUntilGestureEnds();
    store.startDrag(nodes.map((n) => n.id));
  }, [store, pauseWheelUntilGestureEnds]);
  const onSelectionDragStop = useCallback((_event: unknown, nodes: CanvasNode[]) => {
    container.current?.classList.remove('is-dragging-nodes');
    resumeWheel();
    store.endDrag(nodes.map((n) => n.id));
  }, [store, resumeWheel]);
  /*
   * Links are not React Flow's (LinkLayer), so it no longer drops them from the selection when a
   * click, a drag or a box selects factors, or when the empty canvas is clicked: that is done here,
   * the same way (a multi-selection key keeps them). A box also takes the links inside it.
   */
  const reactFlowStore = useStoreApi<CanvasNode, CausalEdge>();
  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    store.applyNodeChanges(changes);
    if (!reactFlowStore.getState().multiSelectionActive && changes.some((c) => c.type === 'select' && c.selected)) store.deselectLinks();
  }, [store, reactFlowStore]);
  const onPaneClick = useCallback(() => store.deselectLinks(), [store]);
  // "Select area" is for one box: left on, the next drag on the canvas drew another box instead of
  // moving the view, which a newcomer took for the canvas being stuck.
  const onSelectionEnd = useCallback(() => {
    store.selectLinksAmongSelected();
    if (editor.ui.get().boxSelect) editor.ui.set({ boxSelect: false });
  }, [store, editor]);
  const onDragStart: OnNodeDrag<CanvasNode> = useCallback((event, _node, nodes) => onSelectionDragStart(event, nodes), [onSelectionDragStart]);
  const onDragStop: OnNodeDrag<CanvasNode> = useCallback((event, _node, nodes) => onSelectionDragStop(event, nodes), [onSelectionDragStop]);

  const openMenu = useCallback((clientX: number, clientY: number, target: MenuTarget, byTouch = false) => {
    if (target.kind !== 'pane' && !store.selectedNodeIds().concat(store.selectedEdgeIds(), store.selectedSectionIds()).includes(target.id)) {
      store.selectOnly(target.id);
    }
    editor.ui.set({ menu: { x: clientX, y: clientY, at: flow.screenToFlowPosition({ x: clientX, y: clientY }), target, byTouch, openedAt: Date.now() } });
  }, [editor, store, flow]);

  const onContextMenu = useCallback((event: MouseEvent) => {
    event.preventDefault();
    openMenu(event.clientX, event.clientY, targetAt(event.target instanceof Element ? event.target : null));
  }, [openMenu]);

  // A long press opens the same menu on touch screens (iOS has no contextmenu event).
  const longPress = useLongPress((event) => {
    const { clientX, clientY } = event as ReactPointerEvent;
    swallowLiftingFinger(clientX, clientY);
    openMenu(clientX + 12, clientY + 12, targetAt(document.elementFromPoint(clientX, clientY)), true);
  }, {
    threshold: 550,
    cancelOnMovement: 12,
    detect: LongPressEventType.Pointer,
    // Mouse users have the right button; this is for fingers and pens.
    filterEvents: (event) => (event as ReactPointerEvent).pointerType !== 'mouse',
  });

  /** Keyboard focus on a factor or link selects it, so the inspector follows the focus. */
  const onFocus = useCallback((event: FocusEvent) => {
    const element = event.target;
    if (!(element instanceof Element) || !element.matches(':focus-visible')) return;
    const target = targetAt(element);
    if (target.kind === 'pane' || (element !== element.closest('.react-flow__node, .react-flow__edge'))) return;
    const selected = [...store.selectedNodeIds(), ...store.selectedEdgeIds(), ...store.selectedSectionIds()];
    if (!selected.includes(target.id)) store.selectOnly(target.id);
  }, [store]);

  return (
    <div className="canvas" ref={container} onContextMenu={onContextMenu} onFocus={onFocus} onPointerDownCapture={onPointerDownCapture} {...longPress()}>
      <FarZoomContext.Provider value={far}>
      <EdgeLabelLayer>
      <ReactFlow<CanvasNode, CausalEdge>
        nodes={flowNodes}
        // Links are drawn by LinkLayer, not by React Flow (see there why).
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onPaneClick={onPaneClick}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onDragStop}
        onSelectionDragStart={onSelectionDragStart}
        onSelectionDragStop={onSelectionDragStop}
        onSelectionEnd={onSelectionEnd}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onDoubleClick={onPaneDoubleClick}
        onMouseMove={onPointerMove}
        onMouseLeave={onMouseLeave}
        onMoveStart={onMoveStart}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        onInit={onInit}
        zoomOnDoubleClick={false}
        connectionMode={ConnectionMode.Loose}
        connectionRadius={48}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        // Delete, arrows and Enter are the editor's (see keyboard.ts), so that they work the same everywhere.
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionOnDrag={boxSelect}
        panOnDrag={boxSelect ? PAN_BUTTONS_WHEN_BOX_SELECTING : true}
        snapToGrid={snap}
        snapGrid={SNAP_GRID}
        zIndexMode="manual"
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        ariaLabelConfig={ARIA_LABELS}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={GRID} />
        <LinkLayer factors={snapshot.factors} edges={snapshot.edges} />
        <OverviewMap nodes={snapshot.nodes} handMove={handMove} />
        {/* Zoom buttons of our own, to mark their moves as the person's (React Flow's mark them too late). */}
        <Controls showInteractive={false} showFitView={false} showZoom={false}>
          <ControlButton onClick={zoomInByHand} className="react-flow__controls-zoomin" title="Zoom in" aria-label="Zoom in" disabled={atMaxZoom}>
            <span className="controls-glyph" aria-hidden="true">+</span>
          </ControlButton>
          <ControlButton onClick={zoomOutByHand} className="react-flow__controls-zoomout" title="Zoom out" aria-label="Zoom out" disabled={atMinZoom}>
            <span className="controls-glyph" aria-hidden="true">−</span>
          </ControlButton>
          <ControlButton onClick={fitByHand} title="Zoom to fit the whole map (Shift+1)" aria-label="Zoom to fit">
            <span aria-hidden="true">⤢</span>
          </ControlButton>
        </Controls>
        <Cursors presence={presence} />
        {!readOnly && <DropReach />}
      </ReactFlow>
      </EdgeLabelLayer>
      </FarZoomContext.Provider>
    </div>
  );
});
