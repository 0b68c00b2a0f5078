import { useStore } from '@xyflow/react';
import type { PointerEvent } from 'react';
import { useEditor } from '../editor/context';
import { POLARITY_GLYPH, POLARITY_NAMES } from '../editor/describe';
import { linkGeometry, type Box } from '../editor/edge-geometry';
import type { CausalEdge } from './flow-store';

const stop = (event: PointerEvent) => event.stopPropagation();

/**
 * One-click polarity and delay for the selected link, below its middle. Shown only when that link
 * is the whole selection and the person may edit (LinkLayer decides); drawn at the same size at
 * any zoom, so its buttons stay big enough to hit.
 */
export function LinkToolbar({ edge, from, to }: { edge: CausalEdge; from: Box; to: Box }) {
  const editor = useEditor();
  const zoom = useStore((s) => s.transform[2]);
  const link = edge.data!.link;
  const { x, y } = linkGeometry(from, to, edge.data!.lane).middle;
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
