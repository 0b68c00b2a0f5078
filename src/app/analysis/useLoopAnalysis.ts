import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { loopLabels, loopsClosedBy } from '../../core/analysis/structure';
import type { Loop } from '../../core/analysis/loops';
import { edgesMap } from '../../core/model/schema';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { LoopAnalysis } from './loop-analysis';

/**
 * The map's loop analysis for as long as the page shows it, and a sentence
 * for the person who just drew a link that closed loops ("This link closed B3
 * and R7.").
 */
export function useLoopAnalysis(doc: Y.Doc, onClosed: (sentence: string) => void): LoopAnalysis | null {
  const [analysis, setAnalysis] = useState<LoopAnalysis | null>(null);
  useEffect(() => {
    const created = new LoopAnalysis(doc);
    setAnalysis(created);
    // Links this person drew since the last finished search.
    const drawn = new Set<string>();
    const onEdges = (event: Y.YMapEvent<Y.Map<unknown>>, transaction: Y.Transaction) => {
      if (transaction.origin !== LOCAL_ORIGIN) return;
      for (const [key, change] of event.changes.keys) if (change.action === 'add') drawn.add(key);
    };
    edgesMap(doc).observe(onEdges);
    const stop = created.onDone((loops, searched) => {
      // Links since deleted will never be searched.
      for (const id of drawn) if (!edgesMap(doc).has(id)) drawn.delete(id);
      const sentence = loopsClosedSentence(drawn, loops, searched);
      if (sentence) onClosed(sentence);
    });
    return () => {
      stop();
      edgesMap(doc).unobserve(onEdges);
      created.destroy();
    };
  }, [doc, onClosed]);
  return analysis;
}

/**
 * The sentence for the loops that links this person drew (`drawn`) closed, as a finished search
 * found them; null when they closed none. Only links that search was given are looked at, and
 * taken out of `drawn`: one drawn while it ran waits for the next search. (Two links drawn in quick
 * succession on a busy machine: the first search ended, took both as looked at, and the loop the
 * second one closed was never told.)
 */
export function loopsClosedSentence(drawn: Set<string>, loops: readonly Loop[], searched: ReadonlySet<string>): string | null {
  const looked = [...drawn].filter((id) => searched.has(id));
  if (looked.length === 0) return null;
  for (const id of looked) drawn.delete(id);
  const labels = loopLabels(loops);
  const closed = [...new Set(looked.flatMap((id) => loopsClosedBy(id, loops, labels)))];
  if (closed.length === 0) return null;
  const list = closed.length === 1 ? closed[0]! : `${closed.slice(0, -1).join(', ')} and ${closed.at(-1)}`;
  return `This link closed ${closed.length === 1 ? 'loop' : 'loops'} ${list}.`;
}
