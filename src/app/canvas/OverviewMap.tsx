import { Panel, useReactFlow, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type WheelEvent as ReactWheelEvent } from 'react';
import { useEditor } from '../editor/context';
import { useUi, type UiState } from '../editor/ui-state';
import type { CanvasNode } from './flow-store';
import { kindInfo } from './kinds';
import { boundsOf, nodeBox, viewRect, type Rect } from './culling';
import { containsRect } from '../../core/geometry/rect';

const WIDTH = 200;
const HEIGHT = 150;
const COLOUR: Record<string, string> = { factor: '#6366f1', barrier: '#dc2626', outcome: '#16a34a', innovation: '#d97706' };
const SECTION_STROKE = '#9ca3af';
const MASK = 'rgba(240, 240, 240, 0.6)';
const VIEW_STROKE = '#64748b';


/** What the person sees, in flow coordinates. */
function viewOf(s: ReactFlowState): Rect {
  return viewRect({ x: s.transform[0], y: s.transform[1], zoom: s.transform[2] }, s);
}

/** How the overview maps flow coordinates to its pixels: everything and the view fit, centred. */
function layoutOf(bounds: Rect | null, view: Rect): { scale: number; x: number; y: number } {
  const x0 = Math.min(view.x, bounds?.x ?? view.x);
  const y0 = Math.min(view.y, bounds?.y ?? view.y);
  const x1 = Math.max(view.x + view.width, bounds ? bounds.x + bounds.width : -Infinity);
  const y1 = Math.max(view.y + view.height, bounds ? bounds.y + bounds.height : -Infinity);
  // Flow units per overview pixel, with a margin.
  const scale = Math.max((x1 - x0) / WIDTH, (y1 - y0) / HEIGHT, 1e-6) * 1.1;
  return { scale, x: (x0 + x1) / 2 - (WIDTH / 2) * scale, y: (y0 + y1) / 2 - (HEIGHT / 2) * scale };
}

/**
 * The overview in the corner, drawn on one <canvas>. React Flow's own MiniMap draws each node as an
 * SVG element that subscribes to its store: on a map of 1,000 factors that was 1,000 more selectors
 * to run on every store change (each pointer move of a drag or pan) and 1,000 SVG rectangles laid out
 * again on every frame of a pan. This draws once per frame at most, outside React.
 * Drag on it to move the view; scroll on it to zoom.
 */
export const OverviewMap = memo(function OverviewMap({ nodes, handMove }: {
  nodes: readonly CanvasNode[];
  /** Whether the view's current move is the person's (MapCanvas): the app's own moves do not bring the overview. */
  handMove: { readonly current: boolean };
}) {
  // Until the person folds it away or unfolds it (each browser remembers, EditorUi), it appears
  // once this person's view leaves part of the map out: over a map that is all in view it only
  // repeated the view and covered factors (newcomers' tests). Once there it stays: coming and going
  // with each move of the view, it covered one factor and then another (the sixth round).
  const { ui } = useEditor();
  const choice = useUi(ui, selectShown);
  const bounds = useMemo(() => boundsOf(nodes), [nodes]);
  const movedOut = useViewLeavesOut(bounds, handMove);
  // It stays once part of the map has stayed out of view a moment: a zoom in and straight out again did not ask for it.
  const stays = useUi(ui, selectStays);
  useEffect(() => {
    if (!movedOut || stays) return;
    const timer = setTimeout(() => ui.set({ overviewStays: true }), STAY_AFTER_MS);
    return () => clearTimeout(timer);
  }, [ui, movedOut, stays]);
  const shown = choice ?? (movedOut || stays);
  const toggle = useCallback(() => ui.set({ overviewShown: !shown }), [ui, shown]);
  return (
    <Panel position="bottom-right" className="react-flow__minimap overview-map">
      {/* Shown, the button sits in the overview's own corner: above it, it covered a factor the
          overview did not (the newcomers' third round). */}
      <button
        type="button"
        className={`overview-map__toggle${shown ? ' overview-map__toggle--inside' : ''}`}
        aria-expanded={shown}
        aria-label={shown ? 'Hide overview' : undefined}
        title={shown ? 'Hide overview' : undefined}
        onClick={toggle}
        data-testid="overview-toggle"
      >
        {shown ? <span aria-hidden="true">Hide</span> : 'Show overview'}
      </button>
      {shown && <OverviewCanvas nodes={nodes} bounds={bounds} />}
    </Panel>
  );
});

const selectShown = (s: UiState) => s.overviewShown;

/**
 * Whether part of the map is out of view, as of this person's last move of the view by hand (a pan,
 * a zoom, a fit, a resize of the window); not changed by the map changing under a still view, nor
 * by the app moving the view (quick entry or Find showing what they made or found). A factor
 * someone else added at the edge of the view made the overview appear over it; and newcomers saw
 * it pop up uninvited over their work as quick entry moved the view (the ninth and tenth rounds).
 */
function useViewLeavesOut(bounds: Rect | null, handMove: { readonly current: boolean }): boolean {
  const store = useStoreApi();
  const boundsNow = useRef(bounds);
  useLayoutEffect(() => {
    boundsNow.current = bounds;
  }, [bounds]);
  const leavesOut = (s: ReactFlowState) => boundsNow.current !== null && !containsRect(viewOf(s), boundsNow.current);
  // Nothing counts until a move by hand: a map opens out of view until it is fitted, and slowly
  // on a busy machine, and the overview came and stayed.
  const [out, setOut] = useState(false);
  // leavesOut reads the bounds through the ref, so subscribing once is enough.
  useEffect(() => store.subscribe((s, before) => {
    // A window made smaller is the person's doing too; the canvas first taking its size is not.
    const resized = before.width > 0 && before.height > 0 && (s.width !== before.width || s.height !== before.height);
    if (!resized && (s.transform === before.transform || !handMove.current)) return;
    setOut(leavesOut(s));
  }), [store, handMove]);
  return out;
}
const selectStays = (s: UiState) => s.overviewStays;

/** How long part of the map must stay out of view before the overview stays for good. */
const STAY_AFTER_MS = 1_000;

/**
 * The factors' layer is drawn again at most this often while they keep changing (every pointer
 * move of a drag): drawing a thousand factors on each frame made every fifth frame of a drag slow.
 * Between times the overview shows them as they were a moment ago; the view box is always current.
 */
const FACTORS_REDRAW_MS = 200;

/** The factors as drawn on the overview, kept between frames, and what they were drawn for. */
interface FactorsLayer {
  canvas: HTMLCanvasElement;
  nodes: readonly CanvasNode[] | null;
  layout: { scale: number; x: number; y: number } | null;
  drawnAt: number;
}

/** Gives a canvas the overview's size in device pixels (setting it clears the canvas, so only when it differs). */
function fitPixels(canvas: HTMLCanvasElement, ratio: number): void {
  if (canvas.width === WIDTH * ratio) return;
  canvas.width = WIDTH * ratio;
  canvas.height = HEIGHT * ratio;
}

function drawFactors(layer: FactorsLayer, nodes: readonly CanvasNode[], layout: { scale: number; x: number; y: number }, ratio: number): void {
  const { canvas } = layer;
  fitPixels(canvas, ratio);
  const context = canvas.getContext('2d');
  if (!context) return;
  const { scale, x, y } = layout;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.setTransform(ratio / scale, 0, 0, ratio / scale, (-x * ratio) / scale, (-y * ratio) / scale);
  context.lineWidth = scale;
  for (const node of nodes) {
    if (node.hidden) continue;
    const { width, height } = nodeBox(node);
    if (node.type === 'section') {
      context.strokeStyle = SECTION_STROKE;
      context.strokeRect(node.position.x, node.position.y, width, height);
    } else {
      context.fillStyle = COLOUR[kindInfo(node.data.factor.kind).id] ?? COLOUR.factor!;
      context.fillRect(node.position.x, node.position.y, width, height);
    }
  }
  layer.nodes = nodes;
  layer.layout = layout;
  layer.drawnAt = performance.now();
}

const sameLayout = (a: { scale: number; x: number; y: number } | null, b: { scale: number; x: number; y: number }) =>
  a !== null && a.scale === b.scale && a.x === b.x && a.y === b.y;

/** `bounds`: the nodes' bounds, worked out once by the overview for both (on each move of a drag). */
const OverviewCanvas = memo(function OverviewCanvas({ nodes, bounds }: { nodes: readonly CanvasNode[]; bounds: Rect | null }) {
  const store = useStoreApi();
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useRef({ nodes, bounds });
  latest.current = { nodes, bounds };
  const frame = useRef(0);
  const later = useRef<ReturnType<typeof setTimeout> | null>(null);
  const layer = useRef<FactorsLayer | null>(null);

  const draw = useCallback(() => {
    frame.current = 0;
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const ratio = window.devicePixelRatio || 1;
    fitPixels(element, ratio);
    const state = store.getState();
    const view = viewOf(state);
    const { nodes, bounds } = latest.current;
    const layout = layoutOf(bounds, view);
    const factors = (layer.current ??= { canvas: document.createElement('canvas'), nodes: null, layout: null, drawnAt: -Infinity });
    // A new scale or place must be drawn at once (the old picture would be in the wrong place);
    // moved factors can wait a moment while they keep moving.
    if (!sameLayout(factors.layout, layout)) drawFactors(factors, nodes, layout, ratio);
    else if (factors.nodes !== nodes) {
      const wait = factors.drawnAt + FACTORS_REDRAW_MS - performance.now();
      if (wait <= 0) drawFactors(factors, nodes, layout, ratio);
      else later.current ??= setTimeout(() => {
        later.current = null;
        frame.current ||= requestAnimationFrame(draw);
      }, wait);
    }
    // Whether the factors shown are the latest, for tests and anyone inspecting the page.
    const current = String(factors.nodes === nodes);
    if (element.dataset.current !== current) element.dataset.current = current;
    const { scale, x, y } = layout;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, element.width, element.height);
    context.drawImage(factors.canvas, 0, 0);
    context.setTransform(ratio / scale, 0, 0, ratio / scale, (-x * ratio) / scale, (-y * ratio) / scale);
    context.lineWidth = scale;
    // Shade everything but the view.
    context.beginPath();
    context.rect(x, y, WIDTH * scale, HEIGHT * scale);
    context.rect(view.x, view.y, view.width, view.height);
    context.fillStyle = MASK;
    context.fill('evenodd');
    context.strokeStyle = VIEW_STROKE;
    context.strokeRect(view.x, view.y, view.width, view.height);
  }, [store]);

  const schedule = useCallback(() => {
    frame.current ||= requestAnimationFrame(draw);
  }, [draw]);

  useEffect(schedule, [nodes, schedule]);
  useEffect(() => {
    // Only the view matters here: a cheap check on every store change, a redraw on the next frame.
    const unsubscribe = store.subscribe((s, previous) => {
      if (s.transform !== previous.transform || s.width !== previous.width || s.height !== previous.height) schedule();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      if (later.current) clearTimeout(later.current);
      later.current = null;
    };
  }, [store, schedule]);

  const dragging = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = useCallback((event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    dragging.current = { x: event.clientX, y: event.clientY };
  }, []);
  const onPointerMove = useCallback((event: ReactPointerEvent<HTMLCanvasElement>) => {
    const from = dragging.current;
    if (!from) return;
    dragging.current = { x: event.clientX, y: event.clientY };
    const state = store.getState();
    const { scale } = layoutOf(latest.current.bounds, viewOf(state));
    const [tx, ty, zoom] = state.transform;
    // The view follows the pointer: moving it right by d overview pixels shows what is d × scale further right.
    void flow.setViewport({ x: tx - (event.clientX - from.x) * scale * zoom, y: ty - (event.clientY - from.y) * scale * zoom, zoom });
  }, [store, flow]);
  const onPointerUp = useCallback(() => {
    dragging.current = null;
  }, []);
  const onWheel = useCallback((event: ReactWheelEvent<HTMLCanvasElement>) => {
    const step = event.deltaMode === 1 ? 0.05 : event.deltaMode ? 1 : 0.002;
    void flow.zoomTo(flow.getZoom() * Math.pow(2, -event.deltaY * step * 10));
  }, [flow]);

  return (
    <canvas
        ref={canvas}
        style={{ width: WIDTH, height: HEIGHT, display: 'block', cursor: 'grab', touchAction: 'none' }}
        role="img"
        aria-label="Overview of the whole map"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      onWheel={onWheel}
    />
  );
});
