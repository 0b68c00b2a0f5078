/**
 * The transaction origin of this browser's own edits. Y.UndoManager tracks
 * only this origin, so undo never removes somebody else's edit.
 */
export const LOCAL_ORIGIN = Symbol('causeway-local');
