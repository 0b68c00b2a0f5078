import type { Awareness } from 'y-protocols/awareness';
import type { Role } from './local-db';

/** What each person shares with the room. Kept small: awareness is re-sent whole on every change. */
export interface PresenceState {
  user: { id: string; name: string; colour: string; role: Role | null };
  /** Pointer in flow coordinates (zoom-independent), or null when off the canvas. */
  cursor: { x: number; y: number } | null;
  /** Selected factor and link ids (at most MAX_SHARED_SELECTION). */
  selection: string[];
  /** Factor whose label this person is typing in, if any. */
  editing: string | null;
  /** Centre of this person's view in flow coordinates, and zoom: what followers copy. */
  view: { x: number; y: number; zoom: number } | null;
  idle: boolean;
  /** Set by a facilitator to bring everyone to their view; the server drops it from anyone else. */
  presenting?: boolean;
}

export interface Person extends PresenceState {
  clientId: number;
  isSelf: boolean;
}

export interface RemoteMarks {
  selectedBy: Person[];
  editingBy: Person[];
}

export const PALETTE = ['#c2185b', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#ad1457', '#558b2f', '#d84315', '#283593'] as const;
const MAX_SHARED_SELECTION = 50;
const CURSOR_INTERVAL_MS = 50; // about 20 Hz
const VIEW_INTERVAL_MS = 100;
const IDLE_AFTER_MS = 60_000;
const NAME_KEY = 'causeway.displayName';
const COLOUR_KEY = 'causeway.colour';
export const MAX_NAME_LENGTH = 40;
export const ANONYMOUS_NAME = 'A participant';
const NO_MARKS: RemoteMarks = { selectedBy: [], editingBy: [] };

export function storedDisplayName(): string | null {
  try {
    const name = localStorage.getItem(NAME_KEY)?.trim();
    return name ? name.slice(0, MAX_NAME_LENGTH) : null;
  } catch {
    return null;
  }
}

export function storeDisplayName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
  try {
    localStorage.setItem(NAME_KEY, clean);
  } catch {
    // Storage blocked: the name lasts for this page only.
  }
  return clean;
}

function isPresenceState(value: unknown): value is PresenceState {
  if (typeof value !== 'object' || value === null) return false;
  const user = (value as { user?: unknown }).user;
  return typeof user === 'object' && user !== null && typeof (user as { name?: unknown }).name === 'string';
}

/**
 * This tab's presence in a map, over the provider's awareness: who is here,
 * where their pointers are, what they select and edit, and what they look at.
 * Read with useSyncExternalStore (subscribe/getPeople, marksFor).
 */
export class Presence {
  private people: Person[] = [];
  private readonly listeners = new Set<() => void>();
  private marks = new Map<string, { key: string; marks: RemoteMarks }>();
  private pendingCursor: { x: number; y: number } | null | undefined;
  private cursorTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingView: PresenceState['view'] | undefined;
  private viewTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly awareness: Awareness, user: { id: string; name: string; role: Role | null }) {
    const state: PresenceState = {
      user: { ...user, colour: this.pickColour(user.id) },
      cursor: null,
      selection: [],
      editing: null,
      view: null,
      idle: false,
    };
    awareness.setLocalState(state);
    awareness.on('change', this.onChange);
    this.onChange();
    this.activity();
  }

  destroy(): void {
    this.awareness.off('change', this.onChange);
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    if (this.viewTimer) clearTimeout(this.viewTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.listeners.clear();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getPeople = (): Person[] => this.people;

  /** Remote people selecting or editing an element; the same object until that changes. */
  marksFor = (elementId: string): RemoteMarks => this.marks.get(elementId)?.marks ?? NO_MARKS;

  get self(): PresenceState {
    return this.awareness.getLocalState() as PresenceState;
  }

  private pickColour(seed: string): string {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(COLOUR_KEY);
    } catch {
      // ignore
    }
    const taken = new Set<string>();
    for (const [id, state] of this.awareness.getStates()) {
      if (id !== this.awareness.clientID && isPresenceState(state)) taken.add(state.user.colour);
    }
    if (stored && (PALETTE as readonly string[]).includes(stored) && !taken.has(stored)) return stored;
    let hash = 0;
    for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    for (let i = 0; i < PALETTE.length; i++) {
      const colour = PALETTE[(hash + i) % PALETTE.length]!;
      if (!taken.has(colour)) {
        try {
          localStorage.setItem(COLOUR_KEY, colour);
        } catch {
          // ignore
        }
        return colour;
      }
    }
    return PALETTE[hash % PALETTE.length]!;
  }

  private patch(change: Partial<PresenceState>): void {
    const current = this.self;
    if (!current) return;
    this.awareness.setLocalState({ ...current, ...change });
  }

  setName(name: string): void {
    this.patch({ user: { ...this.self.user, name } });
  }

  setRole(role: Role | null): void {
    if (this.self.user.role !== role) this.patch({ user: { ...this.self.user, role } });
  }

  /** Pointer moves are coalesced to about 20 per second. */
  setCursor(cursor: { x: number; y: number } | null): void {
    this.pendingCursor = cursor ? { x: Math.round(cursor.x), y: Math.round(cursor.y) } : null;
    if (cursor) this.activity();
    this.cursorTimer ??= setTimeout(() => {
      this.cursorTimer = null;
      if (this.pendingCursor !== undefined) this.patch({ cursor: this.pendingCursor });
      this.pendingCursor = undefined;
    }, CURSOR_INTERVAL_MS);
  }

  setSelection(ids: readonly string[]): void {
    const selection = ids.slice(0, MAX_SHARED_SELECTION);
    const current = this.self.selection;
    if (current.length === selection.length && current.every((id, i) => id === selection[i])) return;
    this.patch({ selection });
  }

  setEditing(id: string | null): void {
    if (this.self.editing !== id) this.patch({ editing: id });
  }

  /** The view is shared at most ten times a second (a pan fires every frame). */
  setView(view: { x: number; y: number; zoom: number }): void {
    this.pendingView = { x: Math.round(view.x), y: Math.round(view.y), zoom: Math.round(view.zoom * 1000) / 1000 };
    this.viewTimer ??= setTimeout(() => {
      this.viewTimer = null;
      const next = this.pendingView;
      this.pendingView = undefined;
      const current = this.self?.view;
      if (!next || (current && current.x === next.x && current.y === next.y && current.zoom === next.zoom)) return;
      this.patch({ view: next });
    }, VIEW_INTERVAL_MS);
  }

  setPresenting(presenting: boolean): void {
    this.patch({ presenting });
  }

  /** While the facilitator hides names, other participants read as "A participant" everywhere (list, pointers, marks). */
  private anonymous = false;

  setAnonymous(anonymous: boolean): void {
    if (anonymous === this.anonymous) return;
    this.anonymous = anonymous;
    this.onChange();
  }

  /** Any input from this person: not idle, and idle again after a minute without. */
  activity = (): void => {
    if (this.self?.idle) this.patch({ idle: false });
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.patch({ idle: true, cursor: null }), IDLE_AFTER_MS);
  };

  /** The tab was hidden: idle at once (and the pointer is not on our canvas). */
  hidden(): void {
    this.patch({ idle: true, cursor: null });
  }

  private readonly onChange = (changes?: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (changes && this.onlyOwnPointerMoved(changes)) return;
    const people: Person[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (!isPresenceState(state)) continue;
      const isSelf = clientId === this.awareness.clientID;
      const hideName = this.anonymous && !isSelf && state.user.role !== 'facilitator';
      people.push({ ...state, ...(hideName ? { user: { ...state.user, name: ANONYMOUS_NAME } } : {}), clientId, isSelf });
    }
    // You first, then others by name, so the list does not jump about.
    people.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
    this.people = people;
    this.rebuildMarks();
    for (const listener of this.listeners) listener();
  };

  /**
   * This person's own pointer and view change 20–30 times a second; nothing on this page shows
   * them (others see them through the awareness protocol), so the people list and everything
   * that reads it are left alone rather than re-rendered for each.
   */
  private onlyOwnPointerMoved(changes: { added: number[]; updated: number[]; removed: number[] }): boolean {
    const selfId = this.awareness.clientID;
    if (changes.added.length > 0 || changes.removed.length > 0 || changes.updated.length !== 1 || changes.updated[0] !== selfId) return false;
    const before = this.people.find((p) => p.isSelf);
    const now = this.awareness.getLocalState() as PresenceState | null;
    if (!before || !now) return false;
    for (const key of Object.keys(now) as (keyof PresenceState)[]) {
      if (key !== 'cursor' && key !== 'view' && now[key] !== before[key]) return false;
    }
    return Object.keys(now).length === Object.keys(before).length - 2; // Person adds clientId and isSelf
  }

  private rebuildMarks(): void {
    const byElement = new Map<string, RemoteMarks>();
    const entry = (id: string) => {
      let marks = byElement.get(id);
      if (!marks) byElement.set(id, (marks = { selectedBy: [], editingBy: [] }));
      return marks;
    };
    for (const person of this.people) {
      if (person.isSelf) continue;
      for (const id of person.selection ?? []) entry(id).selectedBy.push(person);
      if (person.editing) entry(person.editing).editingBy.push(person);
    }
    const next = new Map<string, { key: string; marks: RemoteMarks }>();
    for (const [id, marks] of byElement) {
      const key = [...marks.selectedBy.map((p) => `s${p.clientId}${p.user.colour}${p.user.name}`), ...marks.editingBy.map((p) => `e${p.clientId}${p.user.name}`)].join('|');
      const previous = this.marks.get(id);
      next.set(id, previous && previous.key === key ? previous : { key, marks });
    }
    this.marks = next;
  }
}
