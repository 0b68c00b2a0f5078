import { Handle, Position, useConnection, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useRemoteMarks } from '../presence/context';
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
  const { selectedBy, editingBy } = useRemoteMarks(id);
  const kind = kindInfo(factor.kind);
  // Other people's selections: an outline in each one's colour (stacked rings for several).
  const outline = selectedBy.length
    ? { boxShadow: selectedBy.map((p, i) => `0 0 0 ${3 + i * 3}px ${p.user.colour}`).join(', ') }
    : undefined;
  return (
    <div className={`factor factor--${kind.id}${selected ? ' is-selected' : ''}`} data-testid="factor" data-factor-id={factor.id} style={outline}>
      {selectedBy.length > 0 && (
        <span className="factor__selectors" data-testid="remote-selection">
          {selectedBy.map((p) => p.user.name).join(', ')}
        </span>
      )}
      {editingBy.length > 0 && (
        <span className="factor__editing" role="status" data-testid="remote-editing">
          {editingBy[0]!.user.name} is editing this label
        </span>
      )}
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
