import { useStore } from '@xyflow/react';
import { createPortal } from 'react-dom';
import { memo, useCallback, useId, useMemo, useRef, type KeyboardEvent, type MouseEvent, type PointerEvent, type ReactNode } from 'react';
import type { Polarity } from '../../core/model/types';
import { useEditor } from '../editor/context';
import { POLARITY_GLYPH, POLARITY_NAMES } from '../editor/describe';
import type { Box, LinkGeometry } from '../editor/edge-geometry';
import { useUi, type UiState } from '../editor/ui-state';
import { useRemoteMarks } from '../presence/context';
import { CULL_ABOVE, nodeBox } from './culling';
import { useLabelLayer } from './edge-label-layer';
import type { CausalEdge, FactorNode } from './flow-store';
import { LinkToolbar } from './LinkToolbar';

const CLASS: Record<Polarity, string> = { '+': 'pos', '-': 'neg', '?': 'unknown' };
const POLARITIES: readonly Polarity[] = ['+', '-', '?'];
/** React Flow's description of what keys do on a link (MapCanvas's ariaLabelConfig), by its id. */
const DESCRIPTION_KEY = 'react-flow__edge-desc';
/** The width of a link's invisible hit area, in map units: a 2 px line is hard to click. */
const HIT_WIDTH = 24;
/** Keys that select a focused link, as React Flow's own links did. */
const SELECT_KEYS = ['Enter', ' '];
/** Half the length of a delay bar, and half the space between the two bars (map units). */
const DELAY_HALF = 10;
const DELAY_GAP = 3.5;

/** Each factor's box, kept per node object: React Flow-style nodes keep their identity until they change. */
const boxes = new WeakMap<FactorNode, Box>();
function boxOf(node: FactorNode): Box {
  let box = boxes.get(node);
  if (!box) boxes.set(node, (box = nodeBox(node)));
  return box;
}

/**
 * The delay mark: two short bars across the line at its middle (‖). Drawn as one path in map
 * coordinates rather than a rotated glyph: a transform per mark would make each its own paint
 * chunk, and thousands of them slow every frame.
 */
function delayMark(middle: { x: number; y: number }, angle: number): string {
  const rad = (angle * Math.PI) / 180;
  const along = { x: Math.cos(rad), y: Math.sin(rad) };
  const across = { x: -along.y, y: along.x };
  const r = (v: number) => Math.round(v * 10) / 10;
  return [-1, 1].map((side) => {
    const cx = middle.x + along.x * side * DELAY_GAP;
    const cy = middle.y + along.y * side * DELAY_GAP;
    return `M ${r(cx - across.x * DELAY_HALF)} ${r(cy - across.y * DELAY_HALF)} L ${r(cx + across.x * DELAY_HALF)} ${r(cy + across.y * DELAY_HALF)}`;
  }).join(' ');
}

interface LinkProps {
  edge: CausalEdge;
  /** Where it is drawn (link-routes.ts). */
  geometry: LinkGeometry;
  canEdit: boolean;
  markerPrefix: string;
  describedBy: string;
  onSelect: (id: string, additive: boolean) => void;
  onSign: (id: string) => void;
}

const stop = (event: PointerEvent) => event.stopPropagation();

/**
 * One causal link: a curve from factor to factor leaving each on the side facing the other, the
 * polarity as text beside the arrowhead and a delay mark ‖ across the middle. All are SVG in the
 * one link layer; the text is in the DOM, so it prints, exports and is read aloud.
 */
const LinkView = memo(function LinkView({ edge, geometry, canEdit, markerPrefix, describedBy, onSelect, onSign }: LinkProps) {
  const { selectedBy } = useRemoteMarks(edge.id);
  const link = edge.data!.link;
  const { label } = geometry;
  const kind = CLASS[link.polarity];
  const selected = edge.selected === true;
  const remote = selectedBy[0]?.user.colour;
  const onClick = (event: MouseEvent) => onSelect(edge.id, event.shiftKey || event.metaKey || event.ctrlKey);
  const onKeyDown = (event: KeyboardEvent) => {
    if (SELECT_KEYS.includes(event.key) && event.target === event.currentTarget) {
      event.preventDefault();
      onSelect(edge.id, false);
    }
  };
  return (
    <g
      className={`react-flow__edge react-flow__edge-causal selectable${selected ? ' selected' : ''}${edge.className ? ` ${edge.className}` : ''}`}
      data-id={edge.id}
      data-testid={`rf__edge-${edge.id}`}
      tabIndex={0}
      role="group"
      aria-roledescription="link"
      aria-label={edge.ariaLabel}
      aria-describedby={describedBy}
      onClick={onClick}
      onKeyDown={onKeyDown}
    >
      {remote && <path d={geometry.path} className="causal-edge__remote" style={{ stroke: remote }} aria-hidden="true" />}
      {selected && <path d={geometry.path} className="causal-edge__halo" aria-hidden="true" />}
      <path
        d={geometry.path}
        className={`react-flow__edge-path causal-edge causal-edge--${kind}${selected ? ' is-selected' : ''}`}
        markerEnd={`url(#${markerPrefix}-${kind})`}
      />
      <path d={geometry.path} className="react-flow__edge-interaction" strokeWidth={HIT_WIDTH} />
      <g
        className="edge-sign nopan"
        onPointerDown={stop}
        onClick={(event) => {
          event.stopPropagation();
          onSign(edge.id);
        }}
      >
        <title>{canEdit ? `${POLARITY_NAMES[link.polarity]} — click to change` : POLARITY_NAMES[link.polarity]}</title>
        <g className={`edge-polarity edge-polarity--${kind}${selected ? ' is-selected' : ''}`} data-testid="edge-polarity" aria-hidden="true">
          <circle className="edge-polarity__hit" cx={label.x} cy={label.y} r={22} />
          <circle className="edge-polarity__disc" cx={label.x} cy={label.y} r={13} />
          <text className="edge-polarity__glyph" x={label.x} y={label.y} textAnchor="middle" dominantBaseline="central">{POLARITY_GLYPH[link.polarity]}</text>
        </g>
      </g>
      {link.delay && <path className="edge-delay" d={delayMark(geometry.middle, geometry.angle)} data-testid="edge-delay" aria-hidden="true" />}
    </g>
  );
});

/**
 * The drawing of the links a drag does not move, kept for the length of the drag: rebuilding it
 * would mean comparing thousands of links on every pointer move only to find them unchanged.
 * Reused while the links and every factor that is not dragged are the very same objects.
 */
class StillLinks {
  private edges: readonly CausalEdge[] | null = null;
  private nodes = new Map<string, FactorNode>();
  private dragged = new Set<string>();
  private canEdit = false;
  private drawing: ReactNode = null;

  reuse(edges: readonly CausalEdge[], factors: readonly FactorNode[], dragged: Set<string>, canEdit: boolean): ReactNode | null {
    if (edges !== this.edges || canEdit !== this.canEdit || dragged.size !== this.dragged.size || factors.length !== this.nodes.size) return null;
    for (const id of dragged) if (!this.dragged.has(id)) return null;
    for (const node of factors) if (!dragged.has(node.id) && this.nodes.get(node.id) !== node) return null;
    return this.drawing;
  }

  keep(edges: readonly CausalEdge[], factors: readonly FactorNode[], dragged: Set<string>, canEdit: boolean, drawing: ReactNode): ReactNode {
    this.edges = edges;
    this.nodes = new Map(factors.map((node) => [node.id, node]));
    this.dragged = dragged;
    this.canEdit = canEdit;
    this.drawing = drawing;
    return drawing;
  }
}

const toolbarAwayOf = (s: UiState) => s.linkToolbarAway;

interface LayerProps {
  factors: readonly FactorNode[];
  edges: readonly CausalEdge[];
}

/**
 * Every link of the map in one SVG, in React Flow's label layer: under the factors, over the
 * sections, moving with the view. React Flow would draw each link as its own <svg> with its own
 * store subscriptions (thousands on a large map, each re-run on every frame of a pan or drag, each
 * its own paint layer); here a pan costs nothing and a drag redraws only the links it moves.
 * Links are not culled: a pan then never mounts or unmounts anything.
 */
export const LinkLayer = memo(function LinkLayer({ factors, edges }: LayerProps) {
  const editor = useEditor();
  const { store } = editor;
  const layer = useLabelLayer();
  const rfId = useStore((s) => s.rfId);
  const markerPrefix = `link-arrow-${useId().replace(/:/g, '')}`;
  const canEdit = editor.canEdit;

  const boxById = useMemo(() => {
    const map = new Map<string, Box>();
    for (const node of factors) if (!node.hidden) map.set(node.id, boxOf(node));
    return map;
  }, [factors]);

  const { router } = store;
  const stillCache = useRef(new StillLinks()).current;

  // Picking a link (again) brings back a toolbar put away by a Fit.
  const toolbarAway = useUi(editor.ui, toolbarAwayOf);
  const onSelect = useCallback((id: string, additive: boolean) => {
    editor.ui.set({ linkToolbarAway: null });
    if (!additive) return store.selectOnly(id);
    const current = [...store.selectedNodeIds(), ...store.selectedSectionIds(), ...store.selectedEdgeIds()];
    store.select(current.includes(id) ? current.filter((other) => other !== id) : [...current, id]);
  }, [editor, store]);
  const onSign = useCallback((id: string) => {
    if (editor.canEdit) editor.cyclePolarity(id);
    editor.ui.set({ linkToolbarAway: null });
    store.selectOnly(id);
  }, [editor, store]);

  if (!layer) return null;
  const dragged = store.draggedIds();
  // Links keep out of factors' and each other's way on maps that are not large. That makes every
  // link depend on every factor, fine for a few hundred; a large map draws each link its plain way.
  const routes = router.route(edges, boxById, { dragged, avoid: factors.length <= CULL_ABOVE });
  const describedBy = `${DESCRIPTION_KEY}-${rfId}`;
  let alone: { edge: CausalEdge; geometry: LinkGeometry } | null = null;
  let selectedCount = 0;
  const still: CausalEdge[] = [];
  const moving: CausalEdge[] = [];
  for (const edge of edges) {
    const geometry = routes.get(edge.id);
    if (edge.hidden || !edge.data || !geometry) continue;
    if (edge.selected) {
      selectedCount++;
      alone = { edge, geometry };
    }
    (dragged.has(edge.source) || dragged.has(edge.target) ? moving : still).push(edge);
  }
  const draw = (list: CausalEdge[]) => list.map((edge) => (
    <LinkView
      key={edge.id}
      edge={edge}
      geometry={routes.get(edge.id)!}
      canEdit={canEdit}
      markerPrefix={markerPrefix}
      describedBy={describedBy}
      onSelect={onSelect}
      onSign={onSign}
    />
  ));
  const stillLinks = stillCache.reuse(edges, factors, dragged, canEdit) ?? stillCache.keep(edges, factors, dragged, canEdit, draw(still));
  const toolbarFor = selectedCount === 1 && alone && canEdit && alone.edge.id !== toolbarAway ? alone : null;
  return createPortal(
    <>
      {/* First, so under the other links: see .link-layer--moving in styles.css for why. */}
      {moving.length > 0 && (
        <svg className="link-layer link-layer--moving" aria-hidden="true">
          {draw(moving)}
        </svg>
      )}
      <svg className="link-layer" aria-label="Links" role="group">
        <defs>
          {POLARITIES.map((polarity) => (
            <marker
              key={polarity}
              id={`${markerPrefix}-${CLASS[polarity]}`}
              className={`link-arrow link-arrow--${CLASS[polarity]}`}
              viewBox="-10 -10 20 20"
              markerUnits="strokeWidth"
              markerWidth={16}
              markerHeight={16}
              refX={0}
              refY={0}
              orient="auto-start-reverse"
            >
              <polyline points="-5,-4 0,0 -5,4 -5,-4" strokeLinecap="round" strokeLinejoin="round" />
            </marker>
          ))}
        </defs>
        {stillLinks}
      </svg>
      {toolbarFor && <LinkToolbar edge={toolbarFor.edge} geometry={toolbarFor.geometry} factors={boxById} routes={routes} />}
    </>,
    layer,
  );
});
