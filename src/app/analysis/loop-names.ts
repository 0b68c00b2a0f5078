import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Loop } from '../../core/analysis/loops';
import { loopLabels } from '../../core/analysis/structure';
import { loopNamesMap } from '../../core/model/schema';

export type LoopNames = Record<string, { title?: string; note?: string }>;

/** The names and notes the group gave loops, keyed by loop signature; live. */
export function useLoopNames(doc: Y.Doc): LoopNames {
  const names = loopNamesMap(doc);
  const read = () => JSON.stringify(names.toJSON());
  const json = useSyncExternalStore(
    (cb) => {
      names.observeDeep(cb);
      return () => names.unobserveDeep(cb);
    },
    read,
  );
  return useMemo(() => JSON.parse(json) as LoopNames, [json]);
}

/** Loops as people choose between them (a vote, say): "R1 · The dual-diagnosis trap", or "R1" when unnamed. */
export function useLoopChoices(doc: Y.Doc, loops: readonly Loop[]): { signature: string; label: string }[] {
  const names = useLoopNames(doc);
  return useMemo(() => {
    const labels = loopLabels(loops);
    return loops.map((l) => {
      const short = labels.get(l.signature) ?? l.signature;
      const title = names[l.signature]?.title?.trim();
      return { signature: l.signature, label: title ? `${short} · ${title}` : short };
    });
  }, [loops, names]);
}
