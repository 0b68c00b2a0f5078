import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { CausalEdge } from './flow-store';

const GLYPH = { '+': '+', '-': '−', '?': '?' } as const;

/**
 * A causal link: polarity as text at the arrowhead and a delay mark (‖)
 * across the middle. The text is in the DOM, so it prints, exports and is
 * read by screen readers.
 */
function CausalEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd }: EdgeProps<CausalEdge>) {
  const [path, midX, midY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const link = data?.link;
  if (!link) return null;
  // Near the arrowhead: most of the way from the middle of the curve to its end.
  const polX = midX + (targetX - midX) * 0.72;
  const polY = midY + (targetY - midY) * 0.72 - 12;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`causal-edge causal-edge--${link.polarity === '-' ? 'neg' : link.polarity === '?' ? 'unknown' : 'pos'}${selected ? ' is-selected' : ''}`} />
      <EdgeLabelRenderer>
        <span
          className={`edge-polarity edge-polarity--${link.polarity === '-' ? 'neg' : link.polarity === '?' ? 'unknown' : 'pos'}`}
          style={{ transform: `translate(-50%, -50%) translate(${polX}px, ${polY}px)` }}
          data-testid="edge-polarity"
        >
          {GLYPH[link.polarity]}
        </span>
        {link.delay && (
          <span className="edge-delay" style={{ transform: `translate(-50%, -50%) translate(${midX}px, ${midY}px)` }} title="Delay" data-testid="edge-delay">
            ‖
          </span>
        )}
      </EdgeLabelRenderer>
    </>
  );
}

export default memo(CausalEdgeView);
