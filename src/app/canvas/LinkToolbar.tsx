import { useStore, useStoreApi } from '@xyflow/react';
import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import { useEditor } from '../editor/context';
import { POLARITY_GLYPH, POLARITY_NAMES } from '../editor/describe';
import type { Box, LinkGeometry } from '../editor/edge-geometry';
import { viewRect } from './culling';
import type { CausalEdge } from './flow-store';
import { containsPoint } from '../../core/geometry/rect';
import { toolbarObstacles, toolbarSpot } from './toolbar-spot';

const stop = (event: PointerEvent) => event.stopPropagation();

/** Screen pixels between the link's middle and the toolbar. */
const GAP = 18;

/**
 * One-click polarity and delay for the selected link, beside its middle where it covers no factor
 * (toolbar-spot.ts). Shown only when that link is the whole selection and the person may edit
 * (LinkLayer decides), and while its middle is in view; drawn at the same size at any zoom, so its
 * buttons stay big enough to hit. The spot is worked out when the link, the factors or the zoom
 * change, not on every frame of a pan: moving it would repaint the whole view each frame.
 */
interface Props {
  edge: CausalEdge;
  geometry: LinkGeometry;
  factors: ReadonlyMap<string, Box>;
  /** Where every link is drawn (this one included): the toolbar keeps off the others' lines too. */
  routes: ReadonlyMap<string, LinkGeometry>;
}

export function LinkToolbar({ edge, geometry, factors, routes }: Props) {
  const editor = useEditor();
  const zoom = useStore((s) => s.transform[2]);
  const reactFlowStore = useStoreApi();
  const element = useRef<HTMLDivElement>(null);
  // Its size on screen, known after the first drawing; a close guess until then.
  const [size, setSize] = useState({ width: 250, height: 48 });
  useLayoutEffect(() => {
    const el = element.current;
    if (el && (el.offsetWidth !== size.width || el.offsetHeight !== size.height)) setSize({ width: el.offsetWidth, height: el.offsetHeight });
  });
  const link = edge.data!.link;
  // Drawn again when the link's middle comes into view or leaves it (a pan to a link found by
  // Find), but not on every frame of a pan.
  useStore((s) => {
    const [tx, ty, k] = s.transform;
    return containsPoint(viewRect({ x: tx, y: ty, zoom: k }, s), geometry.middle);
  });
  const { transform: [x, y], width, height } = reactFlowStore.getState();
  const view = viewRect({ x, y, zoom }, { width, height });
  // Off factors, signs, the zoom buttons and the overview map, and other links' lines where it can.
  const { obstacles, otherLines } = toolbarObstacles(edge.id, routes, factors.values(), editor.viewport.coveredAreas(), zoom);
  const spot = toolbarSpot(geometry.middle, { width: size.width / zoom, height: size.height / zoom }, GAP / zoom, view, obstacles, geometry.along, otherLines);
  if (!spot) return null;
  return (
    <div
      ref={element}
      className="edge-toolbar nodrag nopan"
      style={{ transform: `translate(${spot.x}px, ${spot.y}px) scale(${1 / zoom})`, transformOrigin: '0 0' }}
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
          aria-pressed={link.polarity === p}
          aria-label={POLARITY_NAMES[p]}
          title={`${POLARITY_NAMES[p]} (key ${p === '-' ? '−' : p})`}
          onClick={() => editor.setPolarity([edge.id], p)}
        >
          {POLARITY_GLYPH[p]}
        </button>
      ))}
      <button
        type="button"
        className="edge-toolbar__button edge-toolbar__button--wide"
        aria-pressed={link.delay}
        title="Delay: the effect takes a long time (key D)"
        onClick={() => editor.toggleDelay([edge.id])}
        data-testid="edge-toolbar-delay"
      >
        ‖ Delay
      </button>
    </div>
  );
}
