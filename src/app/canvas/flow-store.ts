import type { Edge, Node, NodeChange } from '@xyflow/react';
import type { CSSProperties } from 'react';
import * as Y from 'yjs';
import { updateFactor, updateSection } from '../../core/model/ops';
import { readEdge, readNode, readSection } from '../../core/model/read';
import { edgesMap, nodesMap, sectionsMap } from '../../core/model/schema';
import type { MapEdge, MapNode, MapSection } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { labelText, linkSentence } from '../editor/describe';
import type { History } from '../editor/history';
import { sectionMembers, type SectionRect } from '../editor/sections';
import { LinkRouter } from './link-routes';
import { estimatedFactorSize } from './placement';

/** `locked`: the facilitator has locked this factor (shown to everyone; only participants are held to it). */
export interface WorkshopOverlay {
  votes: ReadonlyMap<string, number>;
  hidden: ReadonlySet<string>;
  showHidden: boolean;
  /** Factors and links the facilitator has locked. */
  locked: ReadonlySet<string>;
  /** Whether the locks hold this person (a participant) or only label things (the facilitator). */
  lockBinds: boolean;
}

export type FactorNode = Node<{ factor: MapNode; locked?: boolean }, 'factor'>;
export type SectionNode = Node<{ section: MapSection }, 'section'>;
export type CanvasNode = FactorNode | SectionNode;
/** `lane`: how many links of the same direction between the same pair come before this one (they fan out). */
export type CausalEdge = Edge<{ link: MapEdge; lane: number }, 'causal'>;

export interface FlowSnapshot {
  /** Sections first, so that they are drawn under the factors. */
  nodes: CanvasNode[];
  /** Factors only (what most of the editor works with). */
  factors: FactorNode[];
  sections: SectionNode[];
  edges: CausalEdge[];
}

/** What only this tab knows about a node: never written to the document. */
interface LocalNodeState {
  selected?: boolean;
  measured?: { width: number; height: number };
  /** Position while this person drags or resizes; wins over the document until the drop. */
  dragPosition?: { x: number; y: number };
  /** Size while this person resizes a section. */
  resizeSize?: { width: number; height: number };
}

/** How often a drag writes its position to the document (the drop always writes). */
export const DRAG_WRITE_MS = 80;

/**
 * How long the panels may go without hearing of moves (a drag, a remote move, a measured size):
 * the canvas hears of every change at once (subscribeCanvas), the rest of the page at most this
 * often for moves, and at once for anything else (subscribe).
 */
export const MOVE_NOTICE_MS = 250;

/** Which document fields a node or edge object may carry to React Flow; the rest is local. */
const Z_SECTION = -1;

/**
 * Where a node's box goes, as left and top instead of React Flow's transform: a transform gives
 * each factor its own paint chunk, and with a thousand of them Chromium spends most of every frame
 * of a pan deciding how to layer them. React Flow spreads `style` after its own, so this wins.
 */
function placedAt(position: { x: number; y: number }, extra?: Record<string, string>): CSSProperties {
  return { transform: 'none', left: position.x, top: position.y, ...extra };
}
/** Arrowheads in the polarity's colour (the same values as --pos, --neg, --unknown in styles.css). */
const Z_FACTOR = 1;
const Z_FACTOR_SELECTED = 2;

interface SectionDrag {
  start: { x: number; y: number };
  members: Map<string, { x: number; y: number }>;
}

/**
 * Keeps React Flow's nodes and edges in step with the Y.Doc. Only the ids a
 * Yjs event touched are rebuilt, and unchanged nodes keep their object
 * identity, so memoised node components do not re-render on remote edits
 * elsewhere. Read with useSyncExternalStore.
 *
 * Only durable fields reach the document (position, size); selection,
 * measured sizes and in-flight drag positions stay here. A drag writes at
 * most every DRAG_WRITE_MS and once on drop, all in one undo step.
 *
 * Two ways to listen: `subscribeCanvas` hears of every change (React Flow
 * needs each pointer move of a drag); `subscribe` hears of changes to what
 * is on the map, what is selected and what is highlighted at once, but of
 * moves and measured sizes only every MOVE_NOTICE_MS, so that panels do not
 * re-render 60 times a second while someone drags. `getSnapshot` is always
 * the newest state either way.
 */
function sameSets(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export class FlowStore {
  /**
   * Where the links are drawn, remembered between calls: one router for the canvas's drawing and for
   * the reveals and fits that need to know where links reach, so that each routes a map only once.
   */
  readonly router = new LinkRouter();
  private readonly factors = new Map<string, MapNode>();
  private readonly links = new Map<string, MapEdge>();
  private readonly sections = new Map<string, MapSection>();
  private readonly local = new Map<string, LocalNodeState>();
  private readonly selectedEdges = new Set<string>();
  private readonly nodeCache = new Map<string, FactorNode>();
  private readonly sectionCache = new Map<string, SectionNode>();
  private readonly edgeCache = new Map<string, CausalEdge>();
  /** Factor id → ids of links touching it, to refresh their spoken labels on rename. */
  private readonly linksByFactor = new Map<string, Set<string>>();
  private snapshot: FlowSnapshot = { nodes: [], factors: [], sections: [], edges: [] };
  private readonly listeners = new Set<() => void>();
  private readonly canvasListeners = new Set<() => void>();
  /** Moves not yet told to `subscribe` listeners (see MOVE_NOTICE_MS). */
  private moveNotice: ReturnType<typeof setTimeout> | null = null;
  private selectionKeyOf: { snapshot: FlowSnapshot; key: string } | null = null;
  private readonly pendingWrites = new Map<string, { x: number; y: number }>();
  private writeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sections being dragged, with what moves along with each. */
  private readonly sectionDrags = new Map<string, SectionDrag>();
  private dragging = false;
  private readonly resizing = new Set<string>();
  private selectedCount = 0;
  /** What analysis asks to show: a loop or a neighbourhood stands out, the rest is dimmed. */
  private emphasis: { nodes: Set<string>; edges: Set<string> } | null = null;
  /** A structural measure per factor (0–1), drawn as a halo. */
  private measure: ReadonlyMap<string, number> | null = null;
  /** Workshop state drawn on the canvas: dots per element, and moderated (hidden) elements. */
  private overlay: WorkshopOverlay = { votes: new Map(), hidden: new Set(), showHidden: false, locked: new Set(), lockBinds: false };

  constructor(
    private readonly doc: Y.Doc,
    readonly author: string,
    private readonly readOnly: () => boolean,
    private readonly history: History | null = null,
  ) {
    for (const [id, entry] of nodesMap(doc).entries()) if (entry instanceof Y.Map) this.factors.set(id, readNode(id, entry));
    for (const [id, entry] of edgesMap(doc).entries()) if (entry instanceof Y.Map) this.setLink(id, readEdge(id, entry));
    for (const [id, entry] of sectionsMap(doc).entries()) if (entry instanceof Y.Map) this.sections.set(id, readSection(id, entry));
    nodesMap(doc).observeDeep(this.onNodeEvents);
    edgesMap(doc).observeDeep(this.onEdgeEvents);
    sectionsMap(doc).observeDeep(this.onSectionEvents);
    this.rebuild(new Set(this.factors.keys()), new Set(this.links.keys()), new Set(this.sections.keys()));
  }

  destroy(): void {
    nodesMap(this.doc).unobserveDeep(this.onNodeEvents);
    edgesMap(this.doc).unobserveDeep(this.onEdgeEvents);
    sectionsMap(this.doc).unobserveDeep(this.onSectionEvents);
    this.flushWrites();
    if (this.moveNotice) clearTimeout(this.moveNotice);
    this.moveNotice = null;
    this.listeners.clear();
    this.canvasListeners.clear();
  }

  getSnapshot = (): FlowSnapshot => this.snapshot;

  /** Changes to what is on the map, selected or highlighted at once; moves at most every MOVE_NOTICE_MS. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every change, moves included, at once: for the canvas. */
  subscribeCanvas = (listener: () => void): (() => void) => {
    this.canvasListeners.add(listener);
    return () => this.canvasListeners.delete(listener);
  };

  /**
   * The selected factors and links as one string of ids (factors first), to share with others.
   * A string, so that a subscriber re-renders only when the selection itself changes.
   */
  getSelectionKey = (): string => {
    const snapshot = this.snapshot;
    if (this.selectionKeyOf?.snapshot !== snapshot) {
      const key = [
        ...snapshot.factors.filter((n) => n.selected).map((n) => n.id),
        ...snapshot.edges.filter((e) => e.selected).map((e) => e.id),
      ].join(',');
      this.selectionKeyOf = { snapshot, key };
    }
    return this.selectionKeyOf.key;
  };

  // ---- reading ---------------------------------------------------------

  factor(id: string): MapNode | undefined {
    return this.factors.get(id);
  }

  link(id: string): MapEdge | undefined {
    return this.links.get(id);
  }

  section(id: string): MapSection | undefined {
    return this.sections.get(id);
  }

  /** Links whose ends both exist (a concurrent delete and connect can leave one dangling: it is not shown). */
  visibleLinks(): MapEdge[] {
    return [...this.links.values()].filter((l) => this.factors.has(l.source) && this.factors.has(l.target));
  }

  allFactors(): MapNode[] {
    return [...this.factors.values()];
  }

  allSections(): MapSection[] {
    return [...this.sections.values()];
  }

  labelOf = (id: string): string => labelText(this.factors.get(id)?.label ?? '');

  /** Where a factor is drawn now (its drag position while dragged) and its size. */
  boxOf(id: string): { x: number; y: number; width: number; height: number } | null {
    const factor = this.factors.get(id);
    if (!factor) return null;
    const state = this.local.get(id);
    const position = state?.dragPosition ?? { x: factor.x, y: factor.y };
    // Before it is drawn, the size its label will about take: a factor just made by quick entry
    // was revealed as if 80 high and its last lines were left below the view (the tenth round).
    const size = state?.measured ?? estimatedFactorSize(factor.label);
    return { ...position, width: size.width, height: size.height };
  }

  sectionRect(id: string): SectionRect | null {
    const section = this.sections.get(id);
    if (!section) return null;
    const state = this.local.get(id);
    const position = state?.dragPosition ?? { x: section.x, y: section.y };
    const size = state?.resizeSize ?? { width: section.width, height: section.height };
    return { id, ...position, ...size };
  }

  allSectionRects(): SectionRect[] {
    return [...this.sections.keys()].map((id) => this.sectionRect(id)!).filter(Boolean);
  }

  // ---- document events -------------------------------------------------

  private static touchedIds(events: Y.YEvent<Y.AbstractType<unknown>>[], root: Y.AbstractType<unknown>): Set<string> {
    const ids = new Set<string>();
    for (const event of events) {
      if (event.target === root) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
      else if (typeof event.path[0] === 'string') ids.add(event.path[0]);
    }
    return ids;
  }

  /** Whether these events did nothing but change the x or y of existing elements: a move, not an edit. */
  private static movedOnly(events: Y.YEvent<Y.AbstractType<unknown>>[], root: Y.AbstractType<unknown>, touched: Set<string>): boolean {
    for (const event of events) {
      if (event.target === root || event.path.length !== 1) return false;
      for (const key of (event as Y.YMapEvent<unknown>).keysChanged) if (key !== 'x' && key !== 'y') return false;
    }
    return touched.size > 0;
  }

  private readonly onNodeEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const ids = FlowStore.touchedIds(events, nodesMap(this.doc) as Y.AbstractType<unknown>);
    const moved = FlowStore.movedOnly(events, nodesMap(this.doc) as Y.AbstractType<unknown>, ids);
    let membershipChanged = false;
    const edgeIds = new Set<string>();
    for (const id of ids) {
      const entry = nodesMap(this.doc).get(id);
      const before = this.factors.get(id);
      if (entry instanceof Y.Map) {
        if (!before) membershipChanged = true;
        const after = readNode(id, entry);
        this.factors.set(id, after);
        // A renamed factor changes what its links say to a screen reader.
        if (before && before.label !== after.label) for (const e of this.linksByFactor.get(id) ?? []) edgeIds.add(e);
      } else {
        if (this.factors.delete(id)) membershipChanged = true;
        this.local.delete(id);
      }
    }
    // Moves of factors this person is dragging (their own drag's writes coming back, or someone
    // else moving the same factor): the canvas draws the drag's position until the drop, which
    // rebuilds them, so nothing drawn changed. Rebuilding here re-rendered the whole canvas a
    // second time for every write of a drag.
    if (moved && !membershipChanged && [...ids].every((id) => this.local.get(id)?.dragPosition)) return;
    // A factor appearing or going changes which links can be drawn.
    this.rebuild(ids, membershipChanged ? new Set(this.links.keys()) : edgeIds, new Set(), moved && !membershipChanged && edgeIds.size === 0);
  };

  private readonly onEdgeEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const ids = FlowStore.touchedIds(events, edgesMap(this.doc) as Y.AbstractType<unknown>);
    const affected = new Set<string>(ids);
    for (const id of ids) {
      // Links between the same pair fan out by lane: a change to one can move its siblings.
      const old = this.links.get(id);
      if (old) for (const sibling of this.siblings(old)) affected.add(sibling);
      const entry = edgesMap(this.doc).get(id);
      if (entry instanceof Y.Map) this.setLink(id, readEdge(id, entry));
      else {
        this.deleteLink(id);
        this.selectedEdges.delete(id);
      }
      const now = this.links.get(id);
      if (now) for (const sibling of this.siblings(now)) affected.add(sibling);
    }
    this.rebuild(new Set(), affected, new Set());
  };

  private readonly onSectionEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const ids = FlowStore.touchedIds(events, sectionsMap(this.doc) as Y.AbstractType<unknown>);
    const moved = FlowStore.movedOnly(events, sectionsMap(this.doc) as Y.AbstractType<unknown>, ids);
    for (const id of ids) {
      const entry = sectionsMap(this.doc).get(id);
      if (entry instanceof Y.Map) this.sections.set(id, readSection(id, entry));
      else {
        this.sections.delete(id);
        this.local.delete(id);
      }
    }
    this.rebuild(new Set(), new Set(), ids, moved);
  };

  private setLink(id: string, link: MapEdge): void {
    const old = this.links.get(id);
    if (old) {
      this.linksByFactor.get(old.source)?.delete(id);
      this.linksByFactor.get(old.target)?.delete(id);
    }
    this.links.set(id, link);
    for (const end of [link.source, link.target]) {
      let set = this.linksByFactor.get(end);
      if (!set) this.linksByFactor.set(end, (set = new Set()));
      set.add(id);
    }
  }

  private deleteLink(id: string): void {
    const old = this.links.get(id);
    if (!old) return;
    this.linksByFactor.get(old.source)?.delete(id);
    this.linksByFactor.get(old.target)?.delete(id);
    this.links.delete(id);
  }

  /** Links between the same two factors, either way round (including `link`). */
  private siblings(link: MapEdge): string[] {
    const out: string[] = [];
    for (const id of this.linksByFactor.get(link.source) ?? []) {
      const other = this.links.get(id);
      if (!other) continue;
      const samePair = (other.source === link.source && other.target === link.target) || (other.source === link.target && other.target === link.source);
      if (samePair) out.push(id);
    }
    return out;
  }

  private laneOf(link: MapEdge): number {
    let lane = 0;
    for (const id of this.linksByFactor.get(link.source) ?? []) {
      const other = this.links.get(id);
      if (other && id < link.id && other.source === link.source && other.target === link.target) lane++;
    }
    return lane;
  }

  // ---- building React Flow objects ---------------------------------------

  /** Highlights these factors and links and dims the rest; null shows everything plainly. */
  setEmphasis(emphasis: { nodes: Iterable<string>; edges: Iterable<string> } | null): void {
    const next = emphasis ? { nodes: new Set(emphasis.nodes), edges: new Set(emphasis.edges) } : null;
    // Unchanged emphasis must not rebuild: panels re-derive it on every render.
    if (sameSets(next?.nodes, this.emphasis?.nodes) && sameSets(next?.edges, this.emphasis?.edges)) return;
    this.emphasis = next;
    this.refreshAll();
  }

  /** Draws a measure (0–1 per factor) as a halo; null removes it. */
  setMeasure(measure: ReadonlyMap<string, number> | null): void {
    if (measure === null && this.measure === null) return;
    if (measure && this.measure && measure.size === this.measure.size && [...measure].every(([id, v]) => this.measure!.get(id) === v)) return;
    this.measure = measure;
    this.rebuild(new Set(this.factors.keys()), new Set(), new Set());
  }

  /** Vote totals as badges; hidden elements vanish for participants and fade for the facilitator; locked factors say so. */
  setOverlay(overlay: WorkshopOverlay): void {
    const changed = new Set<string>();
    for (const id of new Set([...this.overlay.locked, ...overlay.locked])) if (this.overlay.locked.has(id) !== overlay.locked.has(id)) changed.add(id);
    for (const id of new Set([...this.overlay.votes.keys(), ...overlay.votes.keys()])) if (this.overlay.votes.get(id) !== overlay.votes.get(id)) changed.add(id);
    for (const id of new Set([...this.overlay.hidden, ...overlay.hidden])) if (this.overlay.hidden.has(id) !== overlay.hidden.has(id)) changed.add(id);
    const modeChanged = this.overlay.showHidden !== overlay.showHidden || this.overlay.lockBinds !== overlay.lockBinds;
    this.overlay = overlay;
    if (modeChanged) this.refreshAll();
    else if (changed.size > 0) this.rebuildIds([...changed].filter((id) => this.factors.has(id) || this.sections.has(id)), [...changed].filter((id) => this.links.has(id)));
  }

  /** Whether the facilitator has locked this factor or link against this person's changes (the server refuses them). */
  isLockedForMe(id: string): boolean {
    return this.overlay.lockBinds && this.overlay.locked.has(id);
  }

  private emphasisClass(id: string, kind: 'nodes' | 'edges'): string | undefined {
    const classes: string[] = [];
    if (this.emphasis) classes.push(this.emphasis[kind].has(id) ? 'is-emphasised' : 'is-dimmed');
    if (this.overlay.hidden.has(id)) classes.push('is-moderated');
    return classes.length > 0 ? classes.join(' ') : undefined;
  }

  private buildNode(factor: MapNode): FactorNode {
    const state = this.local.get(factor.id);
    const selected = state?.selected ?? false;
    const votes = this.overlay.votes.get(factor.id);
    const locked = this.overlay.locked.has(factor.id);
    // A factor locked against this person is not dragged at all, rather than springing back when the server refuses.
    const fixed = this.readOnly() || this.isLockedForMe(factor.id);
    const node: FactorNode = {
      id: factor.id,
      type: 'factor',
      position: state?.dragPosition ?? { x: factor.x, y: factor.y },
      // The badge reads extra.votes; vote results are shown, not written into the factor.
      data: { factor: votes === undefined ? factor : { ...factor, extra: { ...factor.extra, votes } }, ...(locked ? { locked } : {}) },
      selected,
      zIndex: selected ? Z_FACTOR_SELECTED : Z_FACTOR,
      draggable: !fixed,
      connectable: !this.readOnly(),
      deletable: !fixed,
      // A label is typed by people: React puts it in an attribute as text, never as markup.
      ariaLabel: `${labelText(factor.label)}, ${factor.kind}${votes ? `, ${votes} ${votes === 1 ? 'dot' : 'dots'}` : ''}${locked ? ', locked' : ''}`,
    };
    const className = this.emphasisClass(factor.id, 'nodes');
    const measure = this.measure?.get(factor.id);
    if (className || measure !== undefined) node.className = [className, measure !== undefined ? 'has-measure' : ''].filter(Boolean).join(' ');
    node.style = placedAt(node.position, measure === undefined ? undefined : { '--measure': measure.toFixed(3) });
    if (this.overlay.hidden.has(factor.id) && !this.overlay.showHidden) node.hidden = true;
    if (state?.measured) node.measured = state.measured;
    return node;
  }

  private buildSection(section: MapSection): SectionNode {
    const state = this.local.get(section.id);
    const selected = state?.selected ?? false;
    const size = state?.resizeSize ?? { width: section.width, height: section.height };
    const node: SectionNode = {
      id: section.id,
      type: 'section',
      position: state?.dragPosition ?? { x: section.x, y: section.y },
      data: { section },
      selected,
      width: size.width,
      height: size.height,
      zIndex: Z_SECTION,
      // Only the title bar drags a section, so the empty space inside it still pans and box-selects.
      dragHandle: '.section__title',
      draggable: !this.readOnly(),
      connectable: false,
      deletable: !this.readOnly(),
      ariaLabel: `Section ${section.title || 'untitled'}`,
    };
    node.style = placedAt(node.position);
    if (state?.measured) node.measured = state.measured;
    return node;
  }

  private buildEdge(link: MapEdge): CausalEdge {
    const className = this.emphasisClass(link.id, 'edges');
    const hidden = !this.overlay.showHidden && (this.overlay.hidden.has(link.id) || this.overlay.hidden.has(link.source) || this.overlay.hidden.has(link.target));
    return {
      ...(className ? { className } : {}),
      ...(hidden ? { hidden } : {}),
      id: link.id,
      type: 'causal',
      source: link.source,
      target: link.target,
      data: { link, lane: this.laneOf(link) },
      selected: this.selectedEdges.has(link.id),
      ariaLabel: `Link: ${linkSentence(link, this.labelOf(link.source), this.labelOf(link.target))}`,
    };
  }

  /**
   * Rebuilds the given ids and republishes; every other object keeps its identity.
   * `moveOnly`: nothing changed but where things are drawn or how big (see MOVE_NOTICE_MS).
   */
  private rebuild(nodeIds: Set<string>, edgeIds: Set<string>, sectionIds: Set<string>, moveOnly = false): void {
    for (const id of nodeIds) {
      const factor = this.factors.get(id);
      if (factor) this.nodeCache.set(id, this.buildNode(factor));
      else this.nodeCache.delete(id);
    }
    for (const id of sectionIds) {
      const section = this.sections.get(id);
      if (section) this.sectionCache.set(id, this.buildSection(section));
      else this.sectionCache.delete(id);
    }
    for (const id of edgeIds) {
      const link = this.links.get(id);
      // A link whose factor is gone (concurrent delete and connect) is not drawn.
      if (link && this.factors.has(link.source) && this.factors.has(link.target)) this.edgeCache.set(id, this.buildEdge(link));
      else this.edgeCache.delete(id);
    }
    if (nodeIds.size === 0 && edgeIds.size === 0 && sectionIds.size === 0) return;
    if (!moveOnly) this.selectedCount = this.countSelected();
    const factors = nodeIds.size > 0 ? [...this.nodeCache.values()] : this.snapshot.factors;
    const sections = sectionIds.size > 0 ? [...this.sectionCache.values()] : this.snapshot.sections;
    this.snapshot = {
      nodes: nodeIds.size > 0 || sectionIds.size > 0 ? [...sections, ...factors] : this.snapshot.nodes,
      factors,
      sections,
      edges: edgeIds.size > 0 ? [...this.edgeCache.values()] : this.snapshot.edges,
    };
    for (const listener of this.canvasListeners) listener();
    if (!moveOnly) this.tellListeners();
    else this.moveNotice ??= setTimeout(this.tellListeners, MOVE_NOTICE_MS);
  }

  private readonly tellListeners = (): void => {
    if (this.moveNotice) clearTimeout(this.moveNotice);
    this.moveNotice = null;
    for (const listener of this.listeners) listener();
  };

  private rebuildIds(ids: Iterable<string>, edgeIds: Iterable<string> = [], moveOnly = false): void {
    const nodes = new Set<string>();
    const sections = new Set<string>();
    for (const id of ids) (this.sections.has(id) ? sections : nodes).add(id);
    this.rebuild(nodes, new Set(edgeIds), sections, moveOnly);
  }

  /** Refreshes every node and edge (after the role changes, for example). */
  refreshAll(): void {
    this.rebuild(new Set(this.factors.keys()), new Set(this.links.keys()), new Set(this.sections.keys()));
  }

  // ---- React Flow's local changes ---------------------------------------

  /** Selection, measurement and drag stay here; drags reach the document throttled, in one undo step. */
  applyNodeChanges = (changes: NodeChange<CanvasNode>[]): void => {
    const touched = new Set<string>();
    const dropped: string[] = [];
    // Measured sizes and drag positions are for the canvas; the panels hear of them later (MOVE_NOTICE_MS).
    let moveOnly = true;
    for (const change of changes) {
      if (change.type === 'select') {
        this.localState(change.id).selected = change.selected;
        moveOnly = false;
        touched.add(change.id);
      } else if (change.type === 'dimensions' && change.dimensions) {
        const state = this.localState(change.id);
        if (change.resizing !== undefined && this.sections.has(change.id) && !this.readOnly()) {
          this.onResize(change.id, change.dimensions, change.resizing);
        } else {
          const { width, height } = change.dimensions;
          // A factor scrolled back into view is measured again at the same size: nothing to redraw.
          if (state.measured?.width === width && state.measured.height === height) continue;
          state.measured = { width, height };
        }
        touched.add(change.id);
      } else if (change.type === 'position' && change.position && !this.readOnly()) {
        const state = this.localState(change.id);
        if (this.resizing.has(change.id)) {
          // Resizing from the top or left edge moves the section too; written with its size at the end.
          state.dragPosition = change.position;
        } else if (change.dragging || this.dragging) {
          // During a drag, and its drop (the one change with dragging false): all one undo step.
          this.beginDrag();
          state.dragPosition = change.position;
          this.queueWrite(change.id, change.position);
          for (const moved of this.moveMembers(change.id, change.position)) touched.add(moved);
          if (!change.dragging) dropped.push(change.id);
        } else {
          // A move that is not a drag (React Flow's own): one write, one step.
          delete state.dragPosition;
          this.pendingWrites.delete(change.id);
          this.history?.startStep();
          this.doc.transact(() => this.writePosition(change.id, change.position!), LOCAL_ORIGIN);
        }
        touched.add(change.id);
      }
    }
    if (dropped.length > 0) this.endDrag(dropped);
    else if (touched.size > 0) this.rebuildIds(touched, [], moveOnly);
  };

  /**
   * A drag begins: it will be one undo step. Sections being dragged take the
   * factors (and smaller sections) inside them along; membership is fixed at
   * the start, so a section does not pick factors up as it passes over them.
   */
  startDrag(ids: readonly string[]): void {
    this.beginDrag();
    const dragged = new Set(ids);
    const centres = [...this.factors.keys()].map((id) => {
      const box = this.boxOf(id)!;
      return { id, centre: { x: box.x + box.width / 2, y: box.y + box.height / 2 } };
    });
    const rects = this.allSectionRects();
    for (const id of ids) {
      const rect = this.sectionRect(id);
      if (!rect) continue;
      const { factorIds, sectionIds } = sectionMembers(rect, centres, rects);
      const members = new Map<string, { x: number; y: number }>();
      for (const member of [...factorIds, ...sectionIds]) {
        if (dragged.has(member)) continue;
        const box = this.boxOf(member) ?? this.sectionRect(member);
        if (box) members.set(member, { x: box.x, y: box.y });
      }
      this.sectionDrags.set(id, { start: { x: rect.x, y: rect.y }, members });
    }
  }

  /** Factors and sections this person is dragging now (drawn where the drag has them, not where the document has them). */
  draggedIds(): Set<string> {
    const ids = new Set<string>();
    for (const [id, state] of this.local) if (state.dragPosition) ids.add(id);
    return ids;
  }

  /** Idempotent: the first call of a drag opens its undo step. */
  private beginDrag(): void {
    if (this.dragging) return;
    this.dragging = true;
    // One drag, one undo step (STACK.md): nothing before it joins it.
    this.history?.startStep();
  }

  private moveMembers(sectionId: string, position: { x: number; y: number }): string[] {
    const drag = this.sectionDrags.get(sectionId);
    if (!drag) return [];
    const dx = position.x - drag.start.x;
    const dy = position.y - drag.start.y;
    for (const [member, start] of drag.members) {
      const moved = { x: start.x + dx, y: start.y + dy };
      this.localState(member).dragPosition = moved;
      this.queueWrite(member, moved);
    }
    return [...drag.members.keys()];
  }

  /** Ends a drag (on its drop): the last positions are written, in the same step. Safe to call twice. */
  endDrag(ids: readonly string[]): void {
    if (!this.dragging) return;
    const touched = new Set<string>(ids);
    for (const [id, state] of this.local) {
      if (!state.dragPosition || this.resizing.has(id)) continue;
      this.pendingWrites.set(id, state.dragPosition);
      touched.add(id);
    }
    this.flushWrites();
    for (const id of touched) {
      const state = this.local.get(id);
      if (state && !this.resizing.has(id)) delete state.dragPosition;
    }
    this.sectionDrags.clear();
    this.dragging = false;
    this.rebuildIds(touched, [], true);
  }

  private onResize(id: string, size: { width: number; height: number }, resizing: boolean): void {
    const state = this.localState(id);
    state.resizeSize = { width: Math.round(size.width), height: Math.round(size.height) };
    if (resizing) {
      this.resizing.add(id);
      return;
    }
    this.resizing.delete(id);
    const position = state.dragPosition;
    const finalSize = state.resizeSize;
    delete state.dragPosition;
    delete state.resizeSize;
    this.history?.startStep();
    updateSection(this.doc, id, {
      ...finalSize,
      ...(position ? { x: Math.round(position.x), y: Math.round(position.y) } : {}),
    }, { origin: LOCAL_ORIGIN, author: this.author });
  }

  // ---- selection ----------------------------------------------------------

  /** Selects exactly these factors, sections and links. */
  select(ids: Iterable<string>): void {
    const wanted = new Set(ids);
    const touchedNodes = new Set<string>();
    for (const [id, state] of this.local) {
      if (state.selected && !wanted.has(id)) {
        state.selected = false;
        touchedNodes.add(id);
      }
    }
    const touchedEdges = new Set(this.selectedEdges);
    this.selectedEdges.clear();
    for (const id of wanted) {
      if (this.links.has(id)) {
        this.selectedEdges.add(id);
        touchedEdges.add(id);
      } else if (this.factors.has(id) || this.sections.has(id)) {
        const state = this.localState(id);
        if (!state.selected) {
          state.selected = true;
          touchedNodes.add(id);
        }
      }
    }
    this.rebuildIds(touchedNodes, touchedEdges);
  }

  selectOnly(id: string): void {
    this.select([id]);
  }

  selectAll(): void {
    this.select([...this.factors.keys(), ...this.visibleLinks().map((l) => l.id)]);
  }

  /**
   * After a box selection: the links between the factors it took in join the selection, so that
   * copying or deleting it keeps the picture whole (links are not in React Flow, which used to add them).
   */
  selectLinksAmongSelected(): void {
    const factors = new Set(this.selectedNodeIds());
    const links = this.visibleLinks().filter((l) => factors.has(l.source) && factors.has(l.target) && !this.selectedEdges.has(l.id));
    if (links.length === 0) return;
    for (const link of links) this.selectedEdges.add(link.id);
    this.rebuild(new Set(), new Set(links.map((l) => l.id)), new Set());
  }

  /** Links leave the selection; factors and sections stay as they are. */
  deselectLinks(): void {
    if (this.selectedEdges.size === 0) return;
    const touched = new Set(this.selectedEdges);
    this.selectedEdges.clear();
    this.rebuild(new Set(), touched, new Set());
  }

  clearSelection(): void {
    this.select([]);
  }

  /** How many factors, sections and links are selected (cheap: counted when selection changes). */
  selectionSize(): number {
    return this.selectedCount;
  }

  selectedNodeIds(): string[] {
    return [...this.local.entries()].filter(([id, s]) => s.selected && this.factors.has(id)).map(([id]) => id);
  }

  selectedSectionIds(): string[] {
    return [...this.local.entries()].filter(([id, s]) => s.selected && this.sections.has(id)).map(([id]) => id);
  }

  selectedEdgeIds(): string[] {
    return [...this.selectedEdges].filter((id) => this.links.has(id));
  }

  // ---- writing positions ------------------------------------------------

  private countSelected(): number {
    let count = 0;
    for (const [id, state] of this.local) if (state.selected && (this.factors.has(id) || this.sections.has(id))) count++;
    for (const id of this.selectedEdges) if (this.links.has(id)) count++;
    return count;
  }

  private localState(id: string): LocalNodeState {
    let state = this.local.get(id);
    if (!state) {
      state = {};
      this.local.set(id, state);
    }
    return state;
  }

  private queueWrite(id: string, position: { x: number; y: number }): void {
    this.pendingWrites.set(id, position);
    this.writeTimer ??= setTimeout(() => this.flushWrites(), DRAG_WRITE_MS);
  }

  private flushWrites(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    const writes = [...this.pendingWrites];
    this.pendingWrites.clear();
    if (writes.length === 0) return;
    const write = () => {
      for (const [id, position] of writes) this.writePosition(id, position);
    };
    // Every write of a drag joins the step its start opened.
    if (this.history) this.history.continueStep(write);
    else this.doc.transact(write, LOCAL_ORIGIN);
  }

  private writePosition(id: string, position: { x: number; y: number }): void {
    const ctx = { origin: LOCAL_ORIGIN, author: this.author };
    const at = { x: Math.round(position.x), y: Math.round(position.y) };
    if (this.factors.has(id)) {
      const f = this.factors.get(id)!;
      if (f.x !== at.x || f.y !== at.y) updateFactor(this.doc, id, at, ctx);
    } else if (this.sections.has(id)) {
      const s = this.sections.get(id)!;
      if (s.x !== at.x || s.y !== at.y) updateSection(this.doc, id, at, ctx);
    }
  }
}
