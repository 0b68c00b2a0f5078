import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { loopLabels, loopsClosedBy } from '../../core/analysis/structure';
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
    const stop = created.onDone((loops) => {
      if (drawn.size === 0) return;
      const labels = loopLabels(loops);
      const closed = [...new Set([...drawn].flatMap((id) => loopsClosedBy(id, loops, labels)))];
      drawn.clear();
      if (closed.length === 0) return;
      const list = closed.length === 1 ? closed[0]! : `${closed.slice(0, -1).join(', ')} and ${closed.at(-1)}`;
      onClosed(`This link closed ${closed.length === 1 ? 'loop' : 'loops'} ${list}.`);
    });
    return () => {
      stop();
      edgesMap(doc).unobserve(onEdges);
      created.destroy();
    };
  }, [doc, onClosed]);
  return analysis;
}
