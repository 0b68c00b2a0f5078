import { useStore } from '@xyflow/react';
import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';

const Layer = createContext<HTMLElement | null>(null);

/**
 * Finds React Flow's edge-label layer once: a layer inside the moving view, under the factors and
 * over the sections, where LinkLayer draws the links. Must sit under ReactFlowProvider.
 */
export function EdgeLabelLayer({ children }: { children: ReactNode }) {
  const domNode = useStore((s) => s.domNode);
  const [layer, setLayer] = useState<HTMLElement | null>(null);
  useLayoutEffect(() => {
    setLayer(domNode?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null);
  }, [domNode]);
  return <Layer.Provider value={layer}>{children}</Layer.Provider>;
}

/** The label layer's element, once React Flow has drawn it. */
export function useLabelLayer(): HTMLElement | null {
  return useContext(Layer);
}
