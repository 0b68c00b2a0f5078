import { useStore } from '@xyflow/react';
import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';

interface Layers {
  /** Inside the moving view, under the factors and over the sections: LinkLayer draws the links here. */
  labels: HTMLElement | null;
  /** Inside the moving view, over everything: other people's pointers. */
  top: HTMLElement | null;
}

const NONE: Layers = { labels: null, top: null };
const LayersContext = createContext<Layers>(NONE);

/**
 * Finds React Flow's two layers inside the moving view once. Its own EdgeLabelRenderer and
 * ViewportPortal look theirs up with querySelector in a store selector, which runs again on every
 * store change (every frame of a pan or drag). Must sit under ReactFlowProvider.
 */
export function EdgeLabelLayer({ children }: { children: ReactNode }) {
  const domNode = useStore((s) => s.domNode);
  const [layers, setLayers] = useState<Layers>(NONE);
  useLayoutEffect(() => {
    setLayers({
      labels: domNode?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null,
      top: domNode?.querySelector<HTMLElement>('.react-flow__viewport-portal') ?? null,
    });
  }, [domNode]);
  return <LayersContext.Provider value={layers}>{children}</LayersContext.Provider>;
}

/** The label layer's element, once React Flow has drawn it. */
export function useLabelLayer(): HTMLElement | null {
  return useContext(LayersContext).labels;
}

/** The top layer inside the view, once React Flow has drawn it. */
export function useTopLayer(): HTMLElement | null {
  return useContext(LayersContext).top;
}
