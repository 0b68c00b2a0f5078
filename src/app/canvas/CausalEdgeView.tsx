import { BaseEdge, useStore, type EdgeProps, type InternalNode, type ReactFlowState } from '@xyflow/react';
import { memo, useCallback, useSyncExternalStore, type MouseEvent } from 'react';
import type { Polarity } from '../../core/model/types';
import { useEditor } from '../editor/context';
import { POLARITY_GLYPH, POLARITY_NAMES } from '../editor/describe';
import { linkGeometry, type Box } from '../editor/edge-geometry';
import { useRemoteMarks } from '../presence/context';
import { EdgeLabel } from './edge-label-layer';
import type { CausalEdge } from './flow-store';
import { NEW_FACTOR_SIZE } from './placement';

const CLASS: Record<Polarity, string> = { '+': 'pos', '-': 'neg', '?': 'unknown' };

function boxOf(node: InternalNode | undefined): Box | null {
  if (!node) return null;
  const { x, y } = node.internals.positionAbsolute;
  return {
    x, y,
    width: node.measured.width ?? NEW_FACTOR_SIZE.width,
    height: node.measured.height ?? NEW_FACTOR_SIZE.height,
  };
}

type Ends = readonly [InternalNode | undefined, InternalNode | undefined];
const sameEnds = (a: Ends, b: Ends) => a[0] === b[0] && a[1] === b[1];

/**
 * Both ends of a link in one store subscription (React Flow runs every subscription's selector on
 * every store change, so with thousands of links each one counts). React Flow replaces a node's
 * internal object whenever it moves or is measured, so identity says when to redraw.
 */
function useEnds(source: string, target: string): Ends {
  const select = useCallback((s: ReactFlowState): Ends => [s.nodeLookup.get(source), s.nodeLookup.get(target)], [source, target]);
  return useStore(select, sameEnds);
}

const stop = (event: MouseEvent) => event.stopPropagation();

/** One-click polarity and delay for the selected link, shown only when it is the whole selection. */
function EdgeToolbar({ id, polarity, delay, x, y }: { id: string; polarity: Polarity; delay: boolean; x: number; y: number }) {
  const editor = useEditor();
  const alone = useSyncExternalStore(editor.store.subscribe, () => editor.store.selectionSize() === 1);
  // Drawn at the same size at any zoom: its buttons stay big enough to hit.
  const zoom = useStore((s) => s.transform[2]);
  if (!alone) return null;
  return (
    <div
      className="edge-toolbar nodrag nopan"
      style={{ transform: `translate(${x}px, ${y + 18 / zoom}px) scale(${1 / zoom}) translate(-50%, 0)`, transformOrigin: '0 0' }}
      role="toolbar"
      aria-label="Link polarity and delay"
      onPointerDown={stop}
      data-testid="edge-toolbar"
    >
      {(['+', '-', '?'] as const).map((p) => (
        <button
          key={p}
          type="button"
          className="edge-toolbar__button"
          aria-pressed={polarity === p}
          aria-label={POLARITY_NAMES[p]}
          title={`${POLARITY_NAMES[p]} (key ${p === '-' ? '−' : p})`}
          onClick={() => editor.setPolarity([id], p)}
        >
          {POLARITY_GLYPH[p]}
        </button>
      ))}
      <button
        type="button"
        className="edge-toolbar__button edge-toolbar__button--wide"
        aria-pressed={delay}
        title="Delay: the effect takes a long time (key D)"
        onClick={() => editor.toggleDelay([id])}
        data-testid="edge-toolbar-delay"
      >
        ‖ Delay
      </button>
    </div>
  );
}

/**
 * A causal link: a curve from factor to factor (computed here, not from the
 * handles, so links leave each factor on the side facing where they go),
 * the polarity as text beside the arrowhead, and a delay mark ‖ across the
 * middle. The text is in the DOM, so it prints, exports and is read aloud.
 */
function CausalEdgeView({ id, source, target, data, selected, markerEnd }: EdgeProps<CausalEdge>) {
  const editor = useEditor();
  const [sourceNode, targetNode] = useEnds(source, target);
  const from = boxOf(sourceNode);
  const to = boxOf(targetNode);
  const { selectedBy } = useRemoteMarks(id);
  const link = data?.link;
  if (!link || !from || !to) return null;
  const geometry = linkGeometry(from, to, data?.lane ?? 0);
  const kind = CLASS[link.polarity];
  const canEdit = editor.canEdit;
  const remote = selectedBy[0]?.user.colour;
  return (
    <>
      {remote && <path d={geometry.path} className="causal-edge__remote" style={{ stroke: remote }} aria-hidden="true" />}
      <BaseEdge id={id} path={geometry.path} markerEnd={markerEnd} interactionWidth={24} className={`causal-edge causal-edge--${kind}${selected ? ' is-selected' : ''}`} />
      <EdgeLabel>
        <button
          type="button"
          className={`edge-polarity edge-polarity--${kind} nodrag nopan${selected ? ' is-selected' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${geometry.label.x}px, ${geometry.label.y}px)` }}
          aria-label={`Polarity ${POLARITY_NAMES[link.polarity]}${canEdit ? '. Click to change' : ''}`}
          title={canEdit ? `${POLARITY_NAMES[link.polarity]} — click to change` : POLARITY_NAMES[link.polarity]}
          tabIndex={-1}
          onPointerDown={stop}
          onClick={(event) => {
            event.stopPropagation();
            if (canEdit) editor.cyclePolarity(id);
            editor.store.selectOnly(id);
          }}
          data-testid="edge-polarity"
        >
          {POLARITY_GLYPH[link.polarity]}
        </button>
        {link.delay && (
          <span
            className="edge-delay"
            style={{ transform: `translate(-50%, -50%) translate(${geometry.middle.x}px, ${geometry.middle.y}px) rotate(${geometry.angle}deg)` }}
            title="Delay: the effect takes a long time"
            data-testid="edge-delay"
          >
            ‖
          </span>
        )}
        {selected && canEdit && <EdgeToolbar id={id} polarity={link.polarity} delay={link.delay} x={geometry.middle.x} y={geometry.middle.y} />}
      </EdgeLabel>
    </>
  );
}

export default memo(CausalEdgeView);
