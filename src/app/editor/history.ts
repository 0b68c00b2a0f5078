import * as Y from 'yjs';
import { trackedTypes } from '../../core/model/schema';
import { LOCAL_ORIGIN } from '../../sync/origin';

/** Transaction meta key: this transaction continues the current undo step (the rest of a drag). */
const CONTINUES = 'causeway:continues-step';

/**
 * Undo and redo of this person's own edits only.
 *
 * Steps are made explicit rather than by time: every local transaction is
 * its own undo step, except those marked as continuing one (the throttled
 * writes of a drag after its first). Yjs would otherwise merge any two
 * edits made within half a second, so "add a factor, then quickly link it"
 * would undo as one, and a drag held still for a moment would split in two.
 *
 * Y.UndoManager only tracks transactions whose origin is LOCAL_ORIGIN, so an
 * undo can never remove somebody else's edit.
 */
export class History {
  readonly manager: Y.UndoManager;
  private readonly listeners = new Set<() => void>();
  private state = { canUndo: false, canRedo: false };

  constructor(private readonly doc: Y.Doc) {
    this.manager = new Y.UndoManager(trackedTypes(doc), {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      // Merging is decided by `continues`, never by the clock (see above).
      captureTimeout: Number.MAX_SAFE_INTEGER,
    });
    // Registered after the UndoManager's own handler, so it runs after the step is recorded.
    doc.on('afterTransaction', this.afterTransaction);
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared', 'stack-item-updated'] as const) {
      this.manager.on(event, this.publish);
    }
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.afterTransaction);
    this.manager.destroy();
    this.listeners.clear();
  }

  private readonly afterTransaction = (transaction: Y.Transaction): void => {
    if (transaction.origin !== LOCAL_ORIGIN) return;
    if (transaction.meta.get(CONTINUES) !== true) this.manager.stopCapturing();
  };

  private readonly publish = (): void => {
    const next = { canUndo: this.manager.canUndo(), canRedo: this.manager.canRedo() };
    if (next.canUndo === this.state.canUndo && next.canRedo === this.state.canRedo) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): { canUndo: boolean; canRedo: boolean } => this.state;

  /** Starts a new step: the next local transaction will not join the previous one. */
  startStep(): void {
    this.manager.stopCapturing();
  }

  /** Runs `fn` as one local transaction that joins the current undo step (a drag's later writes). */
  continueStep(fn: () => void): void {
    this.doc.transact((transaction) => {
      transaction.meta.set(CONTINUES, true);
      fn();
    }, LOCAL_ORIGIN);
  }

  /** The newest undo step, to join later if nothing else has happened since (see joinIfLatest). */
  latestStep(): unknown {
    return this.manager.undoStack[this.manager.undoStack.length - 1] ?? null;
  }

  /**
   * Runs `fn` as part of the step `mark` if that is still this person's
   * newest step, else as a step of its own. Naming a factor just created
   * joins its creation, so one undo removes it rather than renaming it back
   * to "New factor".
   */
  joinIfLatest(mark: unknown, fn: () => void): void {
    if (mark !== null && mark === this.latestStep()) {
      // Yjs appends to the newest step while lastChange is set and within captureTimeout (which is unbounded here).
      this.manager.lastChange = Date.now();
      this.continueStep(fn);
    } else {
      this.startStep();
      this.doc.transact(fn, LOCAL_ORIGIN);
    }
  }

  undo(): boolean {
    return this.manager.undo() !== null;
  }

  redo(): boolean {
    return this.manager.redo() !== null;
  }
}

/** Runs several typed ops as one local transaction, so they are one undo step and one update. */
export function asOneStep(doc: Y.Doc, fn: () => void): void {
  doc.transact(fn, LOCAL_ORIGIN);
}
