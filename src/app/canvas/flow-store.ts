import { MarkerType, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import * as Y from 'yjs';
import { updateFactor } from '../../core/model/ops';
import { readEdge, readNode } from '../../core/model/read';
import { edgesMap, nodesMap } from '../../core/model/schema';
import type { MapEdge, MapNode } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';

export type FactorNode = Node<{ factor: MapNode }, 'factor'>;
export type CausalEdge = Edge<{ link: MapEdge }, 'causal'>;

export interface FlowSnapshot {
  nodes: FactorNode[];
  edges: CausalEdge[];
}

/** What only this tab knows about a node: never written to the document. */
interface LocalNodeState {
  selected?: boolean;
  measured?: { width: number; height: number };
  /** Position while this person drags; wins over the document until the drop. */
  dragPosition?: { x: number; y: number };
}

/** How often a drag writes its position to the document (the drop always writes). */
const DRAG_WRITE_MS = 80;

/**
 * Keeps React Flow's nodes and edges in step with the Y.Doc. Only the ids a
 * Yjs event touched are rebuilt, and unchanged nodes keep their object
 * identity, so memoised node components do not re-render on remote edits
 * elsewhere. Read with useSyncExternalStore.
 */
export class FlowStore {
  private readonly factors = new Map<string, MapNode>();
  private readonly links = new Map<string, MapEdge>();
  private readonly local = new Map<string, LocalNodeState>();
  private readonly selectedEdges = new Set<string>();
  private readonly nodeCache = new Map<string, FactorNode>();
  private readonly edgeCache = new Map<string, CausalEdge>();
  private snapshot: FlowSnapshot = { nodes: [], edges: [] };
  private readonly listeners = new Set<() => void>();
  private readonly pendingDragWrites = new Map<string, { x: number; y: number }>();
  private dragTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly doc: Y.Doc, private readonly author: string, private readonly readOnly: () => boolean) {
    for (const [id, entry] of nodesMap(doc).entries()) if (entry instanceof Y.Map) this.factors.set(id, readNode(id, entry));
    for (const [id, entry] of edgesMap(doc).entries()) if (entry instanceof Y.Map) this.links.set(id, readEdge(id, entry));
    nodesMap(doc).observeDeep(this.onNodeEvents);
    edgesMap(doc).observeDeep(this.onEdgeEvents);
    this.rebuild(new Set(this.factors.keys()), new Set(this.links.keys()));
  }

  destroy(): void {
    nodesMap(this.doc).unobserveDeep(this.onNodeEvents);
    edgesMap(this.doc).unobserveDeep(this.onEdgeEvents);
    this.flushDragWrites();
    this.listeners.clear();
  }

  getSnapshot = (): FlowSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private static touchedIds(events: Y.YEvent<Y.AbstractType<unknown>>[], root: Y.AbstractType<unknown>): Set<string> {
    const ids = new Set<string>();
    for (const event of events) {
      if (event.target === root) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
      else if (typeof event.path[0] === 'string') ids.add(event.path[0]);
    }
    return ids;
  }

  private readonly onNodeEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const ids = FlowStore.touchedIds(events, nodesMap(this.doc) as Y.AbstractType<unknown>);
    let membershipChanged = false;
    for (const id of ids) {
      const entry = nodesMap(this.doc).get(id);
      if (entry instanceof Y.Map) {
        if (!this.factors.has(id)) membershipChanged = true;
        this.factors.set(id, readNode(id, entry));
      } else {
        if (this.factors.delete(id)) membershipChanged = true;
        this.local.delete(id);
      }
    }
    // A factor appearing or going changes which links can be drawn.
    this.rebuild(ids, membershipChanged ? new Set(this.links.keys()) : new Set());
  };

  private readonly onEdgeEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const ids = FlowStore.touchedIds(events, edgesMap(this.doc) as Y.AbstractType<unknown>);
    for (const id of ids) {
      const entry = edgesMap(this.doc).get(id);
      if (entry instanceof Y.Map) this.links.set(id, readEdge(id, entry));
      else {
        this.links.delete(id);
        this.selectedEdges.delete(id);
      }
    }
    this.rebuild(new Set(), ids);
  };

  private buildNode(factor: MapNode): FactorNode {
    const state = this.local.get(factor.id);
    const node: FactorNode = {
      id: factor.id,
      type: 'factor',
      position: state?.dragPosition ?? { x: factor.x, y: factor.y },
      data: { factor },
      selected: state?.selected ?? false,
      draggable: !this.readOnly(),
      connectable: !this.readOnly(),
      deletable: !this.readOnly(),
      // A label is typed by people: show it as text in an accessible name too.
      ariaLabel: `${factor.label || 'Untitled factor'} (${factor.kind})`,
    };
    if (state?.measured) node.measured = state.measured;
    return node;
  }

  private buildEdge(link: MapEdge): CausalEdge {
    return {
      id: link.id,
      type: 'causal',
      source: link.source,
      target: link.target,
      data: { link },
      markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      selected: this.selectedEdges.has(link.id),
      deletable: !this.readOnly(),
      ariaLabel: `Link, ${link.polarity === '+' ? 'increases' : link.polarity === '-' ? 'decreases' : 'affects (not agreed)'}${link.delay ? ', after a delay' : ''}`,
    };
  }

  /** Rebuilds the given ids and republishes; every other object keeps its identity. */
  private rebuild(nodeIds: Set<string>, edgeIds: Set<string>): void {
    for (const id of nodeIds) {
      const factor = this.factors.get(id);
      if (factor) this.nodeCache.set(id, this.buildNode(factor));
      else this.nodeCache.delete(id);
    }
    for (const id of edgeIds) {
      const link = this.links.get(id);
      // A link whose factor is gone (concurrent delete and connect) is not drawn.
      if (link && this.factors.has(link.source) && this.factors.has(link.target)) this.edgeCache.set(id, this.buildEdge(link));
      else this.edgeCache.delete(id);
    }
    if (nodeIds.size === 0 && edgeIds.size === 0) return;
    this.snapshot = { nodes: [...this.nodeCache.values()], edges: [...this.edgeCache.values()] };
    for (const listener of this.listeners) listener();
  }

  /** Refreshes every node and edge (after the role changes, for example). */
  refreshAll(): void {
    this.rebuild(new Set(this.factors.keys()), new Set(this.links.keys()));
  }

  /** React Flow's local changes: selection, measurement and drag stay here; drags reach the document throttled. */
  applyNodeChanges = (changes: NodeChange<FactorNode>[]): void => {
    const touched = new Set<string>();
    for (const change of changes) {
      if (change.type === 'select') {
        this.localState(change.id).selected = change.selected;
        touched.add(change.id);
      } else if (change.type === 'dimensions' && change.dimensions) {
        this.localState(change.id).measured = { width: change.dimensions.width, height: change.dimensions.height };
        touched.add(change.id);
      } else if (change.type === 'position' && change.position && !this.readOnly()) {
        const state = this.localState(change.id);
        if (change.dragging) {
          state.dragPosition = change.position;
          this.queueDragWrite(change.id, change.position);
        } else {
          const final = change.position ?? state.dragPosition;
          delete state.dragPosition;
          this.pendingDragWrites.delete(change.id);
          if (final) this.writePosition(change.id, final);
        }
        touched.add(change.id);
      }
    }
    if (touched.size > 0) this.rebuild(touched, new Set());
  };

  applyEdgeChanges = (changes: EdgeChange<CausalEdge>[]): void => {
    const touched = new Set<string>();
    for (const change of changes) {
      if (change.type === 'select') {
        if (change.selected) this.selectedEdges.add(change.id);
        else this.selectedEdges.delete(change.id);
        touched.add(change.id);
      }
    }
    if (touched.size > 0) this.rebuild(new Set(), touched);
  };

  /** Ends a drag that React Flow reports as stopped (the drop writes once more). */
  endDrag(ids: readonly string[]): void {
    const touched = new Set<string>();
    for (const id of ids) {
      const state = this.local.get(id);
      if (state?.dragPosition) {
        this.writePosition(id, state.dragPosition);
        delete state.dragPosition;
        this.pendingDragWrites.delete(id);
        touched.add(id);
      }
    }
    if (touched.size > 0) this.rebuild(touched, new Set());
  }

  /** Selects one factor and nothing else (after creating it, for example). */
  selectOnly(id: string): void {
    const touched = new Set<string>([id]);
    for (const [other, state] of this.local) {
      if (state.selected && other !== id) {
        state.selected = false;
        touched.add(other);
      }
    }
    const edges = new Set(this.selectedEdges);
    this.selectedEdges.clear();
    this.localState(id).selected = true;
    this.rebuild(touched, edges);
  }

  selectedNodeIds(): string[] {
    return [...this.local.entries()].filter(([id, s]) => s.selected && this.factors.has(id)).map(([id]) => id);
  }

  selectedEdgeIds(): string[] {
    return [...this.selectedEdges].filter((id) => this.links.has(id));
  }

  private localState(id: string): LocalNodeState {
    let state = this.local.get(id);
    if (!state) {
      state = {};
      this.local.set(id, state);
    }
    return state;
  }

  private queueDragWrite(id: string, position: { x: number; y: number }): void {
    this.pendingDragWrites.set(id, position);
    this.dragTimer ??= setTimeout(() => this.flushDragWrites(), DRAG_WRITE_MS);
  }

  private flushDragWrites(): void {
    if (this.dragTimer) clearTimeout(this.dragTimer);
    this.dragTimer = null;
    const writes = [...this.pendingDragWrites];
    this.pendingDragWrites.clear();
    if (writes.length === 0) return;
    this.doc.transact(() => {
      for (const [id, position] of writes) this.writePosition(id, position);
    }, LOCAL_ORIGIN);
  }

  private writePosition(id: string, position: { x: number; y: number }): void {
    if (!this.factors.has(id)) return;
    updateFactor(this.doc, id, { x: Math.round(position.x), y: Math.round(position.y) }, { origin: LOCAL_ORIGIN, author: this.author });
  }
}
