import { useCallback, useSyncExternalStore } from 'react';

/** What the context menu was opened on. */
export type MenuTarget =
  | { kind: 'factor'; id: string }
  | { kind: 'link'; id: string }
  | { kind: 'section'; id: string }
  | { kind: 'pane' };

export interface MenuState {
  /** Screen position for the menu. */
  x: number;
  y: number;
  /** Where on the map it was opened (for "Add factor here"). */
  at: { x: number; y: number };
  target: MenuTarget;
  /** Opened by a long press: lifting that finger must not close it. */
  byTouch?: boolean;
  openedAt?: number;
}

/** Local, per-tab state of the editor's interface. Never in the document. */
export interface UiState {
  /** Factor whose label is being edited in place on the canvas. */
  editingId: string | null;
  /** Section whose title is being edited in place. */
  editingSectionId: string | null;
  /** Factor a keyboard link is being drawn from (the "link to…" picker is open). */
  linkingFrom: string | null;
  menu: MenuState | null;
  findOpen: boolean;
  view: 'diagram' | 'text';
  snapToGrid: boolean;
  /**
   * The overview map in the canvas corner: unfolded, folded away, or (null, until the person
   * chooses) shown only while part of the map is out of view.
   */
  overviewShown: boolean | null;
  /**
   * Part of the map stayed out of view for a moment, so the overview (while overviewShown is null)
   * stays from now on. Kept here rather than in the overview, which unmounts with the diagram: a
   * trip to the text view folded it again (the newcomers' eighth round). Not remembered across loads.
   */
  overviewStays: boolean;
  /** The factor a link being drawn would reach if let go now beside it (DropReach), shown outlined. */
  dropNear: string | null;
  /**
   * The link whose toolbar this person put away by looking elsewhere (Fit, a trip to the text
   * view): it stays selected, but its toolbar comes back only when they pick it again. Left up, it
   * sat over the whole map's factors after a Fit (the newcomers' eleventh and twelfth rounds).
   */
  linkToolbarAway: string | null;
  /** Dragging on empty canvas draws a selection box instead of panning. */
  boxSelect: boolean;
  layoutBusy: boolean;
  /** The last thing said to screen readers (and shown briefly). */
  announcement: { text: string; serial: number };
  /** A plain sentence about something that went wrong. */
  error: string | null;
  /** Why an action was not allowed just now (shown for a few seconds, and said to screen readers). */
  notice: { text: string; serial: number } | null;
  shortcutsOpen: boolean;
}

/** Choices each browser remembers, with the key each is kept under. */
const STORED = { snapToGrid: 'causeway.snapToGrid', overviewShown: 'causeway.overviewShown' } as const;
type StoredChoice = keyof typeof STORED;

/** What this browser remembers of a choice, or null when it was never made. */
function stored(choice: StoredChoice): boolean | null {
  try {
    const value = localStorage.getItem(STORED[choice]);
    return value === null ? null : value === '1';
  } catch {
    return null;
  }
}

export class EditorUi {
  private state: UiState = {
    editingId: null,
    editingSectionId: null,
    linkingFrom: null,
    menu: null,
    findOpen: false,
    view: 'diagram',
    snapToGrid: stored('snapToGrid') ?? false,
    overviewShown: stored('overviewShown'),
    overviewStays: false,
    dropNear: null,
    linkToolbarAway: null,
    boxSelect: false,
    layoutBusy: false,
    announcement: { text: '', serial: 0 },
    error: null,
    notice: null,
    shortcutsOpen: false,
  };
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): UiState => this.state;

  set(patch: Partial<UiState>): void {
    const next = { ...this.state, ...patch };
    if ((Object.keys(patch) as (keyof UiState)[]).every((k) => next[k] === this.state[k])) return;
    this.state = next;
    for (const choice of Object.keys(STORED) as StoredChoice[]) {
      if (!(choice in patch)) continue;
      try {
        localStorage.setItem(STORED[choice], next[choice] ? '1' : '0');
      } catch {
        // Storage blocked: the choice lasts for this page.
      }
    }
    for (const listener of this.listeners) listener();
  }

  announce(text: string): void {
    this.set({ announcement: { text, serial: this.state.announcement.serial + 1 } });
  }

  /** Something this person may not do now: said aloud and shown briefly, without a banner to dismiss. */
  refuse(text: string): void {
    this.set({ notice: { text, serial: (this.state.notice?.serial ?? 0) + 1 } });
    this.announce(text);
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.set({ error: message });
    this.announce(message);
  }
}

/** Reads one value of the editor's interface state; re-renders only when that value changes. */
export function useUi<T>(ui: EditorUi, select: (state: UiState) => T): T {
  const get = useCallback(() => select(ui.get()), [ui, select]);
  return useSyncExternalStore(ui.subscribe, get);
}
