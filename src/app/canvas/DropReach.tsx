import { useConnection, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect } from 'react';
import { useEditor } from '../editor/context';
import { nodeBox } from './culling';
import { DROP_REACH_PX, factorNear } from './drop-target';
import type { CanvasNode, CausalEdge, FactorNode } from './flow-store';

/** The factor a link being drawn would reach if let go now, beside rather than on a factor. */
export function useFactorInReach(): (at: { x: number; y: number }, from: string) => string | null {
  const { store } = useEditor();
  const flow = useReactFlow<CanvasNode, CausalEdge>();
  // One function for the canvas's life: MapCanvas hands it on to React Flow in onConnectEnd.
  return useCallback((at, from) => factorNear(at, shownBoxes(store.getSnapshot().factors), DROP_REACH_PX / flow.getZoom(), from), [store, flow]);
}

/** Each shown factor's id and box, made as they are asked for (this runs on every move of a link being drawn). */
function* shownBoxes(factors: readonly FactorNode[]): Iterable<readonly [string, ReturnType<typeof nodeBox>]> {
  for (const node of factors) if (!node.hidden) yield [node.id, nodeBox(node)];
}

/**
 * While a link is drawn, marks the factor it would reach if let go beside it (drop-target.ts),
 * as pointing at a factor marks it: the person sees where the link will go before letting go.
 * Through the editor's interface state, which the factor draws from: a class set by hand on React
 * Flow's node element was lost whenever React Flow drew that element again mid-drag.
 */
export function DropReach() {
  // React Flow's own pick (a handle within connectionRadius) when it has one, else ours.
  // `pointer` is in pixels from the canvas's corner, not in map units.
  const connection = useConnection((c) => (c.inProgress ? { pointer: c.pointer, from: c.fromNode.id, picked: c.isValid && c.toNode ? c.toNode.id : null } : null));
  const flow = useReactFlow<CanvasNode, CausalEdge>();
  const { ui } = useEditor();
  const inReach = useFactorInReach();
  let near: string | null = null;
  if (connection?.picked) near = connection.picked;
  else if (connection) {
    const { x, y, zoom } = flow.getViewport();
    near = inReach({ x: (connection.pointer.x - x) / zoom, y: (connection.pointer.y - y) / zoom }, connection.from);
  }
  useEffect(() => {
    ui.set({ dropNear: near });
  }, [ui, near]);
  useEffect(() => () => ui.set({ dropNear: null }), [ui]);
  return null;
}
