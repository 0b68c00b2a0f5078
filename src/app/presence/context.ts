import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Presence, RemoteMarks } from '../../sync/presence';

export const PresenceContext = createContext<Presence | null>(null);

const NONE: RemoteMarks = { selectedBy: [], editingBy: [] };
const noop = () => () => {};

/** Who else has this factor or link selected or is editing it; re-renders only when that changes. */
export function useRemoteMarks(elementId: string): RemoteMarks {
  const presence = useContext(PresenceContext);
  return useSyncExternalStore(presence?.subscribe ?? noop, () => presence?.marksFor(elementId) ?? NONE);
}
