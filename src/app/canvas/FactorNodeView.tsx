import { Handle, Position, useConnection, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FactorNode } from './flow-store';
import { kindInfo } from './kinds';

/**
 * A factor on the canvas. Kind is shown by shape, colour *and* a text cue,
 * never colour alone. The label is rendered as text (React escapes it).
 */
function FactorNodeView({ id, data, selected }: NodeProps<FactorNode>) {
  const { factor } = data;
  // While someone draws a link, the whole of every other factor is a drop target, not a tiny handle.
  const dropTarget = useConnection((c) => c.inProgress && c.fromNode.id !== id);
  const kind = kindInfo(factor.kind);
  return (
    <div className={`factor factor--${kind.id}${selected ? ' is-selected' : ''}`} data-testid="factor" data-factor-id={factor.id}>
      <Handle type="target" position={Position.Left} className="factor__handle" />
      <span className="factor__kind" aria-hidden="true">
        <span className="factor__icon">{kind.icon}</span> {kind.label}
      </span>
      <span className="factor__label">{factor.label || 'Untitled factor'}</span>
      {factor.leverage && (
        <span className="factor__badge" title={`Leverage point, Meadows level ${factor.leverage.level}`}>
          Leverage {factor.leverage.level}
        </span>
      )}
      <Handle type="source" position={Position.Right} className="factor__handle" />
      {dropTarget && <Handle type="target" id="drop" position={Position.Left} className="factor__drop-target" />}
    </div>
  );
}

export default memo(FactorNodeView);
