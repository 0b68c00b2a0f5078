import type * as Y from 'yjs';
import {
  addFactor, addLink, addSection, removeFactor, removeLink, removeSection, reverseLink, updateFactor, updateLink, updateSection,
} from '../../core/model/ops';
import { edgesMap, nodesMap, sectionsMap } from '../../core/model/schema';
import type { MapEdge, NodeKind, Polarity } from '../../core/model/types';
import { LOCAL_ORIGIN } from '../../sync/origin';
import type { FlowStore } from '../canvas/flow-store';
import { boundsOfBoxes, centreOf, containsRect, type Rect } from '../../core/geometry/rect';
import { NEW_FACTOR_SIZE, estimatedFactorSize, freeSpot, type SpotPreferences } from '../canvas/placement';
import {
  makePayload, pastePayload, payloadFromHtml, payloadToHtml, payloadToText, type ClipboardPayload,
} from './clipboard';
import { POLARITY_GLYPH, POLARITY_NAMES, labelText, linkSentence, nextPolarity } from './describe';
import { LabelIndex } from './fuzzy';
import { asOneStep, type History } from './history';
import { computeLayout } from './layout';
import { firstInReadingOrder, nearestInDirection, type Direction } from './navigation';
import { describePlan, parseQuickEntry, planQuickEntry, type Plan } from './quick-entry';
import { SECTION_COLOURS, sectionAround, sectionMembers } from './sections';
import type { EditorUi } from './ui-state';

export interface Point { x: number; y: number }

/**
 * Map units kept between a factor placed at a point and the edges of the view (wholeInView); more
 * above, where a link to a factor beside it bulges, its sign about 60 above the factors' tops.
 */
const EDGE_ROOM = { side: 40, top: 64 } as const;

export interface RevealOptions { keep?: boolean; signsOnly?: boolean }

/** What the editor needs from the canvas's viewport (React Flow), kept behind an interface. */
export interface Viewport {
  /** The centre of what is visible, in map coordinates. */
  centre(): Point;
  centreOn(point: Point): void;
  /** The part of the map in view, in map coordinates. */
  visibleArea(): Rect;
  /** What lies over the canvas (the overview map, the zoom buttons), in map coordinates. */
  coveredAreas(): Rect[];
  /**
   * Moves the view, zooming out only if it must, so that the whole of `area` is in it, and of these
   * links' lines and signs. With `keep`, what is in sight
   * now stays in sight too if a little less zoom allows it (quick entry on a full view). With
   * `signsOnly`, only the links' signs are brought into sight, not the area or the curves.
   */
  reveal(area: Rect, links?: readonly string[], options?: RevealOptions): void;
  fit(): void;
  /** Gives keyboard focus to a factor's or link's element on the canvas, if drawn. */
  focusElement(id: string): void;
}

const NO_VIEWPORT: Viewport = { centre: () => ({ x: 0, y: 0 }), centreOn: () => {}, visibleArea: () => ({ x: 0, y: 0, width: 0, height: 0 }), coveredAreas: () => [], reveal: () => {}, fit: () => {}, focusElement: () => {} };

/** Text typed before a name field could take focus; `selected` when Ctrl/Cmd+A was pressed over it. */
export interface PendingText {
  text: string;
  selected: boolean;
}

/**
 * Everything a person can do to the map, in one place, so that the mouse,
 * the keyboard, the context menu, the command bar and the text view all do
 * exactly the same thing. Every write goes through the typed ops with this
 * person's origin (so undo is theirs alone); an action made of several ops
 * is one transaction, hence one undo step.
 */
export class Editor {
  viewport: Viewport = NO_VIEWPORT;
  /** Where the canvas was last looking, so that coming back from the text view finds it there. */
  lastView: { x: number; y: number; zoom: number } | null = null;

  /** No canvas on screen (the simple view, the text view on a phone): places new factors by the map, not the origin. */
  detachViewport(): void {
    this.viewport = NO_VIEWPORT;
  }

  /** The centre of the view, or without a canvas the middle of the map's factors. */
  private viewCentre(): Point {
    if (this.viewport !== NO_VIEWPORT) return this.viewport.centre();
    const all = boundsOfBoxes(this.boxes());
    return all ? centreOf(all) : { x: 0, y: 0 };
  }

  constructor(
    readonly doc: Y.Doc,
    readonly author: string,
    readonly store: FlowStore,
    readonly history: History,
    readonly ui: EditorUi,
    /** Why this person may not change the map now (a view-only link, a lock, a phase), or null when they may. */
    private readonly whyReadOnly: () => string | null,
    /** Tells others which factor this person is typing a label in. */
    private readonly onEditing: (id: string | null) => void = () => {},
  ) {}

  get ctx(): { origin: symbol; author: string } {
    return { origin: LOCAL_ORIGIN, author: this.author };
  }

  get canEdit(): boolean {
    return !this.readOnly();
  }

  canEditElement(id: string): boolean {
    return this.canEdit && !this.store.isLockedForMe(id);
  }

  /** `ids` without the ones locked against this person, saying so when any were left out. */
  private unlocked(ids: readonly string[]): string[] {
    const free = ids.filter((id) => !this.store.isLockedForMe(id));
    if (free.length < ids.length) this.ui.refuse('The facilitator has locked that: you can comment on it, not change it.');
    return free;
  }

  get readOnlyReason(): string {
    return this.whyReadOnly() ?? '';
  }

  private readOnly(): boolean {
    return this.whyReadOnly() !== null;
  }

  /** Says so, and returns false, when this person may not change the map. */
  private mayEdit(): boolean {
    if (!this.readOnly()) return true;
    this.ui.refuse(this.readOnlyReason);
    return false;
  }

  /** Runs an edit as its own undo step, turning a refused edit into a sentence on screen. */
  private edit<T>(fn: () => T): T | null {
    if (this.readOnly()) {
      this.ui.refuse(this.readOnlyReason);
      return null;
    }
    try {
      this.history.startStep();
      let result!: T;
      asOneStep(this.doc, () => {
        result = fn();
      });
      this.ui.set({ error: null });
      return result;
    } catch (error) {
      this.ui.fail(error);
      return null;
    }
  }

  // ---- factors ------------------------------------------------------------

  private boxes() {
    return this.store.allFactors().map((f) => this.store.boxOf(f.id)!);
  }

  /**
   * Where new factors may go: not on a factor, nor under what covers the canvas (the overview
   * map, the zoom buttons); better in view (when there is a canvas) and off the links.
   */
  private placement(): { obstacles: Rect[]; prefer: SpotPreferences } {
    const canvas = this.viewport !== NO_VIEWPORT;
    const within = canvas ? this.viewport.visibleArea() : null;
    const links = this.store.visibleLinks().flatMap((l) => {
      const [a, b] = [this.store.boxOf(l.source), this.store.boxOf(l.target)];
      return a && b ? [{ from: centreOf(a), to: centreOf(b) }] : [];
    });
    return { obstacles: [...this.boxes(), ...(canvas ? this.viewport.coveredAreas() : [])], prefer: { within, links } };
  }

  /** A free spot near `wanted` for a new factor with this label (see placement). */
  private freeSpotNear(wanted: Point, label: string): Point {
    const { obstacles, prefer } = this.placement();
    return freeSpot(wanted, obstacles, { ...prefer, size: estimatedFactorSize(label) });
  }

  /**
   * A factor's top-left corner moved as little as needed for all of it to be in view, a little in
   * from the edges: double-clicked near the top of the canvas, a newcomer's first factor sat
   * against the toolbar, and its first link's arc and sign rose out of view (sixth and eleventh
   * rounds). Unchanged where the view is too small for it, or with no canvas.
   */
  private wholeInView(spot: Point, size: { width: number; height: number }): Point {
    if (this.viewport === NO_VIEWPORT) return spot;
    const view = this.viewport.visibleArea();
    const within = (at: number, length: number, start: number, span: number, before: number, after: number) =>
      span < length + before + after ? at : Math.min(Math.max(at, start + before), start + span - after - length);
    return {
      x: within(spot.x, size.width, view.x, view.width, EDGE_ROOM.side, EDGE_ROOM.side),
      y: within(spot.y, size.height, view.y, view.height, EDGE_ROOM.top, EDGE_ROOM.side),
    };
  }

  /** Adds a factor centred near `at` (the view's centre by default) in a free spot, and starts editing its label. */
  addFactor(options: { at?: Point; label?: string; kind?: NodeKind; edit?: boolean } = {}): string | null {
    const at = options.at ?? this.viewCentre();
    const wanted = { x: at.x - NEW_FACTOR_SIZE.width / 2, y: at.y - NEW_FACTOR_SIZE.height / 2 };
    const spot = options.at ? this.wholeInView(wanted, estimatedFactorSize(options.label ?? 'New factor')) : this.freeSpotNear(wanted, options.label ?? 'New factor');
    const id = this.edit(() => addFactor(this.doc, {
      label: options.label ?? 'New factor', kind: options.kind ?? 'factor', x: Math.round(spot.x), y: Math.round(spot.y),
    }, this.ctx));
    if (id) {
      this.store.selectOnly(id);
      this.justCreated = { id, step: this.history.latestStep() };
      if (options.edit !== false) this.startEditing(id);
      this.ui.announce(`Added factor ${options.label ?? 'New factor'}. Type its name and press Enter.`);
    }
    return id;
  }

  /** The factor this person has just added, and its undo step, so that naming it joins that step. */
  private justCreated: { id: string; step: unknown } | null = null;

  /**
   * Keys typed after "add factor" or Enter but before the name field could take focus (it appears
   * a frame or more later). `selected` is a Ctrl/Cmd+A over what was typed so far.
   */
  private pending: PendingText | null = null;

  /** Keeps a key typed while a name field is on its way; returns whether it was kept. */
  bufferKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
    const id = this.ui.get().editingId;
    if (!id || event.altKey) return false;
    if (event.ctrlKey || event.metaKey) {
      // Meant for the name field, not the map: Ctrl+A must not select every factor, nor Ctrl+Z
      // undo the factor being named. The field selects its whole text when it opens anyway.
      if (event.key.toLowerCase() === 'a' && this.pending) this.pending = { ...this.pending, selected: true };
      return event.key.length === 1;
    }
    const typed = this.pending?.selected ? '' : this.pending?.text ?? '';
    if (event.key.length === 1) this.pending = { text: typed + event.key, selected: false };
    else if (event.key === 'Backspace') this.pending = { text: typed.slice(0, -1), selected: false };
    else if (event.key === 'Enter') this.finishEditing(id, this.takePendingText()?.text ?? this.store.factor(id)?.label ?? null);
    else if (event.key === 'Escape') this.finishEditing(id, null);
    else return false;
    return true;
  }

  /** What was typed before the name field took focus, once; null when nothing was. */
  takePendingText(): PendingText | null {
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  startEditing(id: string): void {
    if (this.readOnly() || !this.store.factor(id)) return;
    if (this.store.isLockedForMe(id)) {
      this.ui.refuse('The facilitator has locked this factor: you can comment on it, not change it.');
      return;
    }
    this.pending = null;
    this.ui.set({ editingId: id, editingSectionId: null });
    this.onEditing(id);
  }

  /**
   * Keeps a factor whose name is being typed in view as its box grows a line at a time (`size`,
   * map units): a long name typed near the bottom of the view ran off its edge (round 14).
   */
  keepEditingInView(id: string, size: { width: number; height: number }): void {
    const box = this.store.boxOf(id);
    if (box) this.viewport.reveal({ x: box.x, y: box.y, ...size });
  }

  /** Ends in-place editing; `label` null cancels. Enter and Escape return focus to the factor; a click elsewhere does not. */
  finishEditing(id: string, label: string | null, refocus = true): void {
    if (this.ui.get().editingId === id) this.ui.set({ editingId: null });
    this.onEditing(null);
    const factor = this.store.factor(id);
    if (label !== null && factor && !this.readOnly()) {
      const clean = label.trim();
      if (clean && clean !== factor.label) {
        const created = this.justCreated?.id === id ? this.justCreated.step : null;
        try {
          this.history.joinIfLatest(created, () => updateFactor(this.doc, id, { label: clean }, this.ctx));
        } catch (error) {
          this.ui.fail(error);
        }
      } else if (!clean) this.ui.announce('A factor needs a name: the old name is kept.');
    }
    this.justCreated = null;
    this.pending = null;
    if (refocus) this.viewport.focusElement(id);
  }

  rename(id: string, label: string): void {
    const clean = label.trim();
    if (!clean || clean === this.store.factor(id)?.label || this.unlocked([id]).length === 0) return;
    this.edit(() => updateFactor(this.doc, id, { label: clean }, this.ctx));
  }

  setKind(ids: readonly string[], kind: NodeKind): void {
    const free = this.unlocked(ids);
    this.edit(() => {
      for (const id of free) if (this.store.factor(id)) updateFactor(this.doc, id, { kind }, this.ctx);
    });
  }

  // ---- links ---------------------------------------------------------------

  connect(source: string, target: string, polarity: Polarity = '+', delay = false): string | null {
    if (!this.store.factor(source) || !this.store.factor(target)) return null;
    const id = this.edit(() => addLink(this.doc, { source, target, polarity, delay }, this.ctx));
    if (id) {
      this.store.selectOnly(id);
      this.ui.announce(`Linked: ${linkSentence({ polarity, delay }, this.store.labelOf(source), this.store.labelOf(target))}. Press minus for opposite direction, D for a delay.`);
    }
    return id;
  }

  /** Brings these links, their factors (and `factorIds`) into view, line and sign included. */
  revealLinks(linkIds: readonly string[], factorIds: readonly string[] = [], options?: RevealOptions): void {
    const ends = linkIds.flatMap((id) => {
      const link = this.store.link(id);
      return link ? [link.source, link.target] : [];
    });
    const area = boundsOfBoxes([...factorIds, ...ends].flatMap((id) => this.store.boxOf(id) ?? []));
    if (area) this.viewport.reveal(area, linkIds, options);
  }

  setPolarity(ids: readonly string[], polarity: Polarity): void {
    if (!this.mayEdit()) return;
    const links = this.unlocked(ids).filter((id) => this.store.link(id));
    if (links.length === 0) return;
    this.edit(() => {
      for (const id of links) updateLink(this.doc, id, { polarity }, this.ctx);
    });
    this.ui.announce(`Polarity ${POLARITY_GLYPH[polarity]}: ${POLARITY_NAMES[polarity]}.`);
  }

  cyclePolarity(id: string): void {
    const link = this.store.link(id);
    if (link) this.setPolarity([id], nextPolarity(link.polarity));
  }

  toggleDelay(ids: readonly string[]): void {
    if (!this.mayEdit()) return;
    const links = this.unlocked(ids).map((id) => this.store.link(id)).filter((l) => l !== undefined);
    if (links.length === 0) return;
    const delay = !links.every((l) => l.delay);
    this.edit(() => {
      for (const link of links) updateLink(this.doc, link.id, { delay }, this.ctx);
    });
    this.ui.announce(delay ? 'Delay on: the effect takes a long time.' : 'Delay off.');
  }

  /** Turns the selected links round, for a link drawn the wrong way. */
  reverseLinks(ids: readonly string[]): void {
    if (!this.mayEdit()) return;
    const links = this.unlocked(ids).map((id) => this.store.link(id)).filter((l): l is MapEdge => l !== undefined && l.source !== l.target);
    if (links.length === 0) return;
    this.edit(() => {
      for (const link of links) reverseLink(this.doc, link.id, this.ctx);
    });
    const only = links.length === 1 ? this.store.link(links[0]!.id) : undefined;
    this.ui.announce(only
      ? `Reversed: ${linkSentence(only, this.store.labelOf(only.source), this.store.labelOf(only.target))}.`
      : `Reversed ${links.length} links.`);
  }

  // ---- selection -----------------------------------------------------------

  selection(): { factors: string[]; links: string[]; sections: string[] } {
    return { factors: this.store.selectedNodeIds(), links: this.store.selectedEdgeIds(), sections: this.store.selectedSectionIds() };
  }

  /** Deletes what is selected: a factor takes its links; a section leaves its factors where they are. */
  deleteSelection(): void {
    if (!this.mayEdit()) return;
    const selection = this.selection();
    const factors = this.unlocked(selection.factors);
    const links = this.unlocked(selection.links);
    const { sections } = selection;
    const count = factors.length + links.length + sections.length;
    if (count === 0) return;
    this.edit(() => {
      for (const id of links) if (edgesMap(this.doc).has(id)) removeLink(this.doc, id, this.ctx);
      for (const id of factors) if (nodesMap(this.doc).has(id)) removeFactor(this.doc, id, this.ctx);
      for (const id of sections) if (sectionsMap(this.doc).has(id)) removeSection(this.doc, id, this.ctx);
    });
    const parts = [
      factors.length ? `${factors.length} ${factors.length === 1 ? 'factor' : 'factors'}` : '',
      links.length ? `${links.length} ${links.length === 1 ? 'link' : 'links'}` : '',
      sections.length ? `${sections.length} ${sections.length === 1 ? 'section' : 'sections'}` : '',
    ].filter(Boolean);
    this.ui.announce(`Deleted ${parts.join(', ')}. Press ${navigator.platform.startsWith('Mac') ? 'Cmd' : 'Ctrl'}+Z to undo.`);
  }

  /** Moves factors and sections (with what is inside them) by a distance: one undo step. */
  moveBy(movedIds: readonly string[], dx: number, dy: number): void {
    if (!this.mayEdit()) return;
    const ids = this.unlocked(movedIds);
    if (ids.length === 0) return;
    const moving = new Set(ids);
    const centres = this.store.allFactors().map((f) => ({ id: f.id, centre: this.centreOfFactor(f.id) }));
    const rects = this.store.allSectionRects();
    for (const id of ids) {
      const rect = this.store.sectionRect(id);
      if (!rect) continue;
      const members = sectionMembers(rect, centres, rects);
      for (const m of [...members.factorIds, ...members.sectionIds]) moving.add(m);
    }
    this.edit(() => {
      for (const id of moving) {
        const f = this.store.factor(id);
        if (f) updateFactor(this.doc, id, { x: Math.round(f.x + dx), y: Math.round(f.y + dy) }, this.ctx);
        const s = this.store.section(id);
        if (s) updateSection(this.doc, id, { x: Math.round(s.x + dx), y: Math.round(s.y + dy) }, this.ctx);
      }
    });
  }

  // ---- clipboard -----------------------------------------------------------

  /** The selection as a clipboard payload: selected factors (and the links among them), selected sections with what is in them. */
  selectionPayload(): ClipboardPayload | null {
    const { factors, links, sections } = this.selection();
    const ids = new Set(factors);
    // Copying a link alone brings its two factors along: a link cannot exist without them.
    for (const id of links) {
      const link = this.store.link(id);
      if (link) {
        ids.add(link.source);
        ids.add(link.target);
      }
    }
    const chosenSections = sections.map((id) => this.store.section(id)).filter((s) => s !== undefined);
    if (ids.size === 0 && chosenSections.length === 0) return null;
    const factorList = [...ids].map((id) => this.store.factor(id)).filter((f) => f !== undefined);
    return makePayload(factorList, this.store.visibleLinks().filter((l) => ids.has(l.source) && ids.has(l.target)), chosenSections);
  }

  clipboardData(): { text: string; html: string; count: number } | null {
    const payload = this.selectionPayload();
    if (!payload) return null;
    return { text: payloadToText(payload), html: payloadToHtml(payload), count: payload.factors.length };
  }

  cutSelection(): void {
    this.deleteSelection();
  }

  /** Pastes clipboard contents: a Causeway selection (full), else lines of quick-entry text. */
  paste(data: { html?: string; text?: string }, at?: Point): boolean {
    if (this.readOnly()) return false;
    const payload = data.html ? payloadFromHtml(data.html) : null;
    if (payload) {
      this.pasteAt(payload, at);
      return true;
    }
    const text = data.text?.trim();
    if (!text) return false;
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 500);
    const created = new Set<string>();
    const ok = this.edit(() => {
      for (const line of lines) {
        // Pasted text is matched exactly only: fuzzy matching is for a person watching the preview.
        const plan = planQuickEntry(parseQuickEntry(line), new LabelIndex(this.store.allFactors()), { fuzzy: false });
        for (const id of this.applyPlanInTransaction(plan, at).ids) created.add(id);
      }
      return true;
    });
    if (ok) {
      this.store.select(created);
      this.ui.announce(`Pasted ${lines.length} ${lines.length === 1 ? 'line' : 'lines'} of text.`);
    }
    return ok === true;
  }

  private pasteAt(payload: ClipboardPayload, at?: Point): void {
    if (payload.factors.length === 0 && payload.sections.length === 0) return;
    let target = at;
    if (!target) {
      // Without a place to paste, keep the copied layout and step it down-right of the original, so a copy is visible.
      const xs = [...payload.factors.map((f) => f.x), ...payload.sections.map((s) => s.x)];
      const ys = [...payload.factors.map((f) => f.y), ...payload.sections.map((s) => s.y)];
      const left = Math.min(...xs);
      const top = Math.min(...ys);
      const centre = this.viewCentre();
      const visible = Math.abs(left - centre.x) < 2000 && Math.abs(top - centre.y) < 2000;
      target = visible ? { x: left + 40, y: top + 40 } : { x: centre.x - 100, y: centre.y - 40 };
    }
    try {
      if (this.readOnly()) return;
      this.history.startStep();
      const result = pastePayload(this.doc, payload, target, this.ctx);
      this.store.select([...result.factorIds, ...result.linkIds, ...result.sectionIds]);
      this.ui.announce(`Pasted ${result.factorIds.length} ${result.factorIds.length === 1 ? 'factor' : 'factors'} and ${result.linkIds.length} ${result.linkIds.length === 1 ? 'link' : 'links'}.`);
    } catch (error) {
      this.ui.fail(error);
    }
  }

  duplicateSelection(): void {
    if (!this.mayEdit()) return;
    const payload = this.selectionPayload();
    if (payload) this.pasteAt(payload);
  }

  // ---- quick entry -----------------------------------------------------------

  previewQuickEntry(line: string): { plan: Plan; text: string } | { error: string } {
    try {
      const plan = planQuickEntry(parseQuickEntry(line), new LabelIndex(this.store.allFactors()));
      return { plan, text: describePlan(plan) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  /** Creates what a quick-entry line says; returns the sentence describing it, or null if it failed. */
  quickEntry(line: string): string | null {
    const preview = this.previewQuickEntry(line);
    if ('error' in preview) {
      this.ui.fail(new Error(preview.error));
      return null;
    }
    const made = this.edit(() => this.applyPlanInTransaction(preview.plan));
    if (!made) return null;
    // The link it made is selected, with its sentence in the panel and its toolbar at hand; a
    // mixed selection of factors and links showed a panel for changing them all at once.
    const links = made.ids.filter((id) => this.store.link(id));
    this.store.select(links.length > 0 ? links : made.ids);
    // Every factor the line named in view, and the link with its sign, so the person sees what
    // they made and where.
    this.revealLinks(links, made.factorIds, { keep: true });
    this.ui.announce(`Done: ${preview.text}`);
    return preview.text;
  }

  /**
   * Where each new factor of a quick-entry plan goes. A chain reads left to right: new factors after
   * a factor already on the map go to its right, one after another; new factors before it go to its
   * left, so that every arrow of the line points rightwards (a newcomer's "Cause -> + Existing" had
   * its cause put right of the effect). Each is placed where its link to the factor beside it runs
   * past other factors, not through them. A line of new factors only is placed as one row, where
   * the whole row fits: placed one by one, the first took the free spot nearest the middle of the
   * view and the next one was left to go wherever there was room, its link crossing the map (the
   * newcomers' eighth round).
   */
  private planSpots(plan: Plan, at?: Point): Map<number, Point> {
    const { obstacles: boxes, prefer } = at ? { obstacles: this.boxes(), prefer: {} } : this.placement();
    const spots = new Map<number, Point>();
    const sizes = plan.factors.map((f) => estimatedFactorSize(f.label));
    const GAP_BETWEEN = 100;
    const boxOfPlanned = (i: number): Rect | null => {
      const existing = plan.factors[i]!.existingId;
      return existing ? this.store.boxOf(existing) ?? null : spots.has(i) ? { ...spots.get(i)!, ...sizes[i]! } : null;
    };
    const keep = (i: number, spot: Point): Point => {
      boxes.push({ ...spot, ...sizes[i]! });
      spots.set(i, spot);
      return spot;
    };
    /** Places factor i near `wanted`, where its link to factor `beside` (if any) runs clear and can be seen. */
    const place = (i: number, wanted: Point, beside?: number): Point => {
      const anchor = beside === undefined ? null : boxOfPlanned(beside);
      return keep(i, freeSpot(wanted, boxes, { ...prefer, size: sizes[i], anchors: anchor ? [anchor] : [] }));
    };
    const first = plan.factors.findIndex((f) => f.existingId);
    if (first < 0) {
      // Only new factors: one row, centred in the view (or starting at `at`, where text is pasted),
      // searched on a finer grid than a factor's size, so it fits into a gap.
      const rowWidth = sizes.reduce((sum, size) => sum + size.width, 0) + GAP_BETWEEN * (sizes.length - 1);
      const rowHeight = Math.max(...sizes.map((size) => size.height));
      const centre = this.viewCentre();
      const wanted = at ?? { x: centre.x - rowWidth / 2, y: centre.y - rowHeight / 2 };
      const rowSize = { width: rowWidth, height: rowHeight };
      const row = freeSpot(wanted, boxes, { ...prefer, size: rowSize, step: { x: NEW_FACTOR_SIZE.width / 2, y: NEW_FACTOR_SIZE.height / 2 } });
      if (!prefer.within || containsRect(prefer.within, { ...row, ...rowSize })) {
        let x = row.x;
        sizes.forEach((size, i) => {
          keep(i, { x, y: row.y + (rowHeight - size.height) / 2 });
          x += size.width + GAP_BETWEEN;
        });
        return spots;
      }
      // No room in view for the row: one by one, each beside the one before, rather than the view
      // moving away from what was drawn before (the newcomers' ninth round).
      let next = { x: centre.x - sizes[0]!.width / 2, y: centre.y - sizes[0]!.height / 2 };
      sizes.forEach((size, i) => {
        const spot = place(i, next, i > 0 ? i - 1 : undefined);
        next = { x: spot.x + size.width + GAP_BETWEEN, y: spot.y };
      });
      return spots;
    }
    const firstBox = this.store.boxOf(plan.factors[first]!.existingId!)!;
    let rightEdge = firstBox.x - GAP_BETWEEN;
    for (let i = first - 1; i >= 0; i--) rightEdge = place(i, { x: rightEdge - sizes[i]!.width, y: firstBox.y }, i + 1).x - GAP_BETWEEN;
    let next: Point = { x: firstBox.x + firstBox.width + GAP_BETWEEN, y: firstBox.y };
    plan.factors.forEach((f, i) => {
      const box = f.existingId ? this.store.boxOf(f.existingId) : null;
      if (box) next = { x: box.x + box.width + GAP_BETWEEN, y: box.y };
      else if (!f.existingId && !spots.has(i)) {
        const spot = place(i, next, i - 1);
        next = { x: spot.x + sizes[i]!.width + GAP_BETWEEN, y: spot.y };
      }
    });
    return spots;
  }

  /** Factors and links of a plan, inside the caller's transaction. Returns ids to select, and the ids of every factor the plan names. */
  private applyPlanInTransaction(plan: Plan, at?: Point): { ids: string[]; factorIds: string[] } {
    const ids: string[] = [];
    const factorIds: string[] = [];
    const spots = this.planSpots(plan, at);
    for (const [i, f] of plan.factors.entries()) {
      if (f.existingId) {
        factorIds.push(f.existingId);
        continue;
      }
      const spot = spots.get(i)!;
      const id = addFactor(this.doc, { label: f.label, x: Math.round(spot.x), y: Math.round(spot.y) }, this.ctx);
      factorIds.push(id);
      ids.push(id);
    }
    for (const link of plan.links) {
      const source = factorIds[link.from]!;
      const target = factorIds[link.to]!;
      const same = this.store.visibleLinks().find((l) => l.source === source && l.target === target && l.polarity === link.polarity);
      if (same) {
        // Already drawn: only a newly stated delay changes it.
        if (link.delay && !same.delay) updateLink(this.doc, same.id, { delay: true }, this.ctx);
        ids.push(same.id);
      } else {
        ids.push(addLink(this.doc, { source, target, polarity: link.polarity, delay: link.delay }, this.ctx));
      }
    }
    if (ids.length === 0) ids.push(...factorIds);
    return { ids, factorIds };
  }

  // ---- sections ---------------------------------------------------------------

  /** A new section: around the selected factors if any, else in the middle of the view. */
  addSection(title = 'New section', at?: Point): string | null {
    const selected = this.store.selectedNodeIds().map((id) => this.store.boxOf(id)!).filter(Boolean);
    const around = sectionAround(selected);
    const centre = at ?? this.viewCentre();
    const rect = around ?? { x: Math.round(centre.x - 240), y: Math.round(centre.y - 160), width: 480, height: 320 };
    const colour = SECTION_COLOURS[this.store.allSections().length % SECTION_COLOURS.length]!.value;
    const id = this.edit(() => addSection(this.doc, { title, colour, ...rect }, this.ctx));
    if (id) {
      this.store.selectOnly(id);
      this.ui.set({ editingSectionId: id, editingId: null });
      this.ui.announce('Added a section. Type its name and press Enter.');
    }
    return id;
  }

  renameSection(id: string, title: string): void {
    if (title.trim() === this.store.section(id)?.title) return;
    this.edit(() => updateSection(this.doc, id, { title: title.trim() }, this.ctx));
  }

  // ---- history ---------------------------------------------------------------

  undo(): void {
    if (this.history.undo()) this.ui.announce('Undone.');
    else this.ui.announce('Nothing of yours to undo.');
  }

  redo(): void {
    if (this.history.redo()) this.ui.announce('Redone.');
    else this.ui.announce('Nothing to redo.');
  }

  // ---- layout ---------------------------------------------------------------

  /** The view's width ÷ height, when there is a canvas. */
  private viewAspect(): number | undefined {
    const view = this.viewport === NO_VIEWPORT ? null : this.viewport.visibleArea();
    return view && view.height > 0 ? view.width / view.height : undefined;
  }

  /** Tidies the map with ELK in a worker; the result is one undo step. */
  async autoLayout(): Promise<void> {
    if (this.readOnly() || this.ui.get().layoutBusy) return;
    const factors = this.store.allFactors().map((f) => ({ id: f.id, ...this.store.boxOf(f.id)! }));
    if (factors.length === 0) return;
    this.ui.set({ layoutBusy: true });
    this.ui.announce('Tidying the layout…');
    try {
      const result = await computeLayout({
        factors,
        links: this.store.visibleLinks().map((l) => ({ id: l.id, source: l.source, target: l.target })),
        sections: this.store.allSectionRects(),
        aspect: this.viewAspect(),
      });
      this.edit(() => {
        for (const [id, p] of Object.entries(result.factors)) if (this.store.factor(id)) updateFactor(this.doc, id, p, this.ctx);
        for (const [id, s] of Object.entries(result.sections)) if (this.store.section(id)) updateSection(this.doc, id, s, this.ctx);
      });
      this.viewport.fit();
      this.ui.announce('Layout tidied. Undo puts everything back.');
    } catch (error) {
      this.ui.fail(error);
    } finally {
      this.ui.set({ layoutBusy: false });
    }
  }

  // ---- finding your way ----------------------------------------------------------

  centreOfFactor(id: string): Point {
    const box = this.store.boxOf(id);
    return box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : this.viewCentre();
  }

  /** Selects a factor or link, brings it into view and gives it keyboard focus. */
  goTo(id: string, options: { centre?: boolean } = {}): void {
    // Picked (again) by name or by key: a link's toolbar put away by a Fit comes back.
    this.ui.set({ linkToolbarAway: null });
    this.store.selectOnly(id);
    const link = this.store.link(id);
    if (options.centre !== false) {
      if (link) {
        const a = this.centreOfFactor(link.source);
        const b = this.centreOfFactor(link.target);
        this.viewport.centreOn({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
      } else if (this.store.factor(id)) this.viewport.centreOn(this.centreOfFactor(id));
    }
    this.viewport.focusElement(id);
  }

  private placed() {
    return this.store.allFactors().map((f) => ({ id: f.id, ...this.centreOfFactor(f.id) }));
  }

  /** Arrow keys: focus the nearest factor that way (or the first factor, when nothing is focused). */
  moveFocus(from: string | null, direction: Direction): void {
    const all = this.placed();
    const origin = from && this.store.factor(from) ? { id: from, ...this.centreOfFactor(from) } : null;
    const next = origin ? nearestInDirection(origin, all, direction) : firstInReadingOrder(all);
    if (next) {
      this.goTo(next, { centre: false });
      this.ui.announce(this.describeFactor(next));
    } else if (origin) this.ui.announce(`No factor further ${direction}.`);
  }

  /** The factor and direction of the last ]/[ from a factor: arrow keys on a link step through its siblings. */
  private linkTrail: { from: string; forward: boolean } | null = null;

  private linksOf(factorId: string, forward: boolean): string[] {
    return this.store.visibleLinks()
      .filter((l) => (forward ? l.source === factorId : l.target === factorId))
      .sort((a, b) => this.store.labelOf(forward ? a.target : a.source).localeCompare(this.store.labelOf(forward ? b.target : b.source)))
      .map((l) => l.id);
  }

  private announceLink(id: string, ids: readonly string[], forward: boolean): void {
    const link = this.store.link(id)!;
    this.ui.announce(`Link ${ids.indexOf(id) + 1} of ${ids.length} ${forward ? 'going out' : 'coming in'}: ${linkSentence(link, this.store.labelOf(link.source), this.store.labelOf(link.target))}. Press ${forward ? ']' : '['} to follow it; arrow keys for the other links.`);
  }

  /**
   * ] and [: from a factor, to its first link out (or in); from a link, on to
   * its target (or back to its source).
   */
  followLinks(from: string | null, forward: boolean): void {
    if (!from) return;
    const link = this.store.link(from);
    if (link) {
      const next = forward ? link.target : link.source;
      this.linkTrail = null;
      this.goTo(next);
      this.ui.announce(this.describeFactor(next));
      return;
    }
    if (!this.store.factor(from)) return;
    const ids = this.linksOf(from, forward);
    if (ids.length === 0) {
      this.ui.announce(forward ? 'No links go out of this factor.' : 'No links come into this factor.');
      return;
    }
    this.linkTrail = { from, forward };
    this.goTo(ids[0]!);
    this.announceLink(ids[0]!, ids, forward);
  }

  /** Arrow keys on a focused link: the next (or previous) link of the factor it was reached from. */
  stepLinks(current: string, step: 1 | -1): void {
    const link = this.store.link(current);
    if (!link) return;
    const trail = this.linkTrail && (link.source === this.linkTrail.from || link.target === this.linkTrail.from)
      ? this.linkTrail
      : { from: link.source, forward: true };
    const ids = this.linksOf(trail.from, trail.forward);
    const at = ids.indexOf(current);
    const next = ids[(at + step + ids.length) % ids.length] ?? current;
    this.linkTrail = trail;
    this.goTo(next, { centre: false });
    this.announceLink(next, ids, trail.forward);
  }

  describeFactor(id: string): string {
    const factor = this.store.factor(id);
    if (!factor) return '';
    const outgoing = this.store.visibleLinks().filter((l) => l.source === id).length;
    const incoming = this.store.visibleLinks().filter((l) => l.target === id).length;
    return `${labelText(factor.label)}, ${factor.kind}. ${outgoing} out, ${incoming} in.`;
  }
}


