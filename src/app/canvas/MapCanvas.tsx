import {
  Background, ConnectionMode, Controls, MiniMap, ReactFlow, useReactFlow, useStore,
  type Connection, type EdgeTypes, type NodeTypes, type OnNodeDrag, type Viewport,
} from '@xyflow/react';
import { useCallback, useSyncExternalStore, type MouseEvent } from 'react';
import type { Presence } from '../../sync/presence';
import { Cursors } from '../presence/Cursors';
import type * as Y from 'yjs';
import { addFactor, addLink, removeFactor, removeLink } from '../../core/model/ops';
import { LOCAL_ORIGIN } from '../../sync/origin';
import CausalEdgeView from './CausalEdgeView';
import FactorNodeView from './FactorNodeView';
import type { CausalEdge, FactorNode, FlowStore } from './flow-store';

const nodeTypes: NodeTypes = { factor: FactorNodeView };
const edgeTypes: EdgeTypes = { causal: CausalEdgeView };

interface Props {
  doc: Y.Doc;
  store: FlowStore;
  author: string;
  readOnly: boolean;
  onCreated: (nodeId: string) => void;
  presence: Presence;
  /** The person panned or zoomed by hand (not a programmatic move): following stops. */
  onUserMoved: () => void;
}

/** The React Flow canvas bound to the map document through a FlowStore. */
export function MapCanvas({ doc, store, author, readOnly, onCreated, presence, onUserMoved }: Props) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const flow = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);

  const shareView = useCallback((viewport: Viewport) => {
    if (!width || !height) return;
    presence.setView({ x: (width / 2 - viewport.x) / viewport.zoom, y: (height / 2 - viewport.y) / viewport.zoom, zoom: viewport.zoom });
  }, [presence, width, height]);

  const onPointerMove = useCallback((event: MouseEvent) => {
    presence.setCursor(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  }, [presence, flow]);

  const onConnect = useCallback((connection: Connection) => {
    if (readOnly || !connection.source || !connection.target) return;
    addLink(doc, { source: connection.source, target: connection.target, polarity: '+' }, { origin: LOCAL_ORIGIN, author });
  }, [doc, author, readOnly]);

  const onPaneDoubleClick = useCallback((event: MouseEvent) => {
    // Only on empty canvas: a double-click on a factor is for that factor.
    if (readOnly || !(event.target instanceof Element) || !event.target.classList.contains('react-flow__pane')) return;
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const id = addFactor(doc, { label: 'New factor', x: position.x - 80, y: position.y - 30 }, { origin: LOCAL_ORIGIN, author });
    onCreated(id);
  }, [doc, author, readOnly, flow, onCreated]);

  const onNodeDragStop: OnNodeDrag<FactorNode> = useCallback((_event, _node, nodes) => {
    store.endDrag(nodes.map((n) => n.id));
  }, [store]);

  const onDelete = useCallback(({ nodes, edges }: { nodes: { id: string }[]; edges: { id: string }[] }) => {
    if (readOnly) return;
    const ctx = { origin: LOCAL_ORIGIN, author };
    doc.transact(() => {
      for (const edge of edges) if (doc.getMap('edges').has(edge.id)) removeLink(doc, edge.id, ctx);
      for (const node of nodes) if (doc.getMap('nodes').has(node.id)) removeFactor(doc, node.id, ctx);
    }, LOCAL_ORIGIN);
  }, [doc, author, readOnly]);

  return (
    <ReactFlow<FactorNode, CausalEdge>
      nodes={snapshot.nodes}
      edges={snapshot.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={store.applyNodeChanges}
      onEdgesChange={store.applyEdgeChanges}
      onConnect={onConnect}
      onNodeDragStop={onNodeDragStop}
      onDelete={onDelete}
      onDoubleClick={onPaneDoubleClick}
      onMouseMove={onPointerMove}
      onMouseLeave={() => presence.setCursor(null)}
      onMove={(_event, viewport) => shareView(viewport)}
      onMoveStart={(event) => {
        if (event) onUserMoved();
      }}
      onInit={(instance) => shareView(instance.getViewport())}
      zoomOnDoubleClick={false}
      connectionMode={ConnectionMode.Loose}
      connectionRadius={48}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      elementsSelectable
      deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
      onlyRenderVisibleElements={snapshot.nodes.length > 300}
      fitView
      fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
      minZoom={0.1}
      maxZoom={3}
      proOptions={{ hideAttribution: false }}
    >
      <Background gap={24} />
      <MiniMap pannable zoomable ariaLabel="Overview of the whole map" />
      <Controls showInteractive={false} />
      <Cursors presence={presence} />
    </ReactFlow>
  );
}
