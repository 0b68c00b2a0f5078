import { useStore } from '@xyflow/react';
import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const Layer = createContext<HTMLElement | null>(null);

/**
 * Finds React Flow's edge-label layer once. React Flow's own
 * EdgeLabelRenderer looks it up with querySelector in a store selector, for
 * every edge on every store change: with 2,000 links that was 2,000 DOM
 * queries per frame of a drag. Must sit under ReactFlowProvider.
 */
export function EdgeLabelLayer({ children }: { children: ReactNode }) {
  const domNode = useStore((s) => s.domNode);
  const [layer, setLayer] = useState<HTMLElement | null>(null);
  useLayoutEffect(() => {
    setLayer(domNode?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null);
  }, [domNode]);
  return <Layer.Provider value={layer}>{children}</Layer.Provider>;
}

/** Draws an edge's HTML labels in the label layer (above the SVG edges, in flow coordinates). */
export function EdgeLabel({ children }: { children: ReactNode }) {
  const layer = useContext(Layer);
  return layer ? createPortal(children, layer) : null;
}
