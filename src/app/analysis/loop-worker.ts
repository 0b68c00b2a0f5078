/// <reference lib="webworker" />
import { enumerateLoops, type LoopEnumerationSummary } from '../../core/analysis/loops';
import type { FromWorker, ToWorker } from './loop-protocol';

/**
 * Runs the loop engine off the main thread. It works in slices of a few
 * milliseconds and yields between them, so a newer request (the map changed)
 * cancels an older one straight away, and results stream to the page.
 */
const SLICE_MS = 8;
let current = 0;

function post(message: FromWorker): void {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  current = message.runId;
  if (message.type === 'cancel') return;
  const runId = message.runId;
  let generator: Generator<import('../../core/analysis/loops').Loop, LoopEnumerationSummary, undefined>;
  try {
    generator = enumerateLoops(message.graph, message.caps);
  } catch (error) {
    post({ type: 'error', runId, message: (error as Error).message });
    return;
  }
  const slice = () => {
    if (current !== runId) return;
    const started = performance.now();
    const batch = [];
    try {
      for (;;) {
        const step = generator.next();
        if (step.done) {
          if (batch.length > 0) post({ type: 'batch', runId, loops: batch });
          const summary = step.value;
          const done: FromWorker = { type: 'done', runId, complete: summary.complete, count: summary.loopCount, elapsedMs: summary.elapsedMs };
          if (summary.stoppedBy) done.stoppedBy = summary.stoppedBy;
          post(done);
          return;
        }
        batch.push(step.value);
        if (performance.now() - started > SLICE_MS) break;
      }
    } catch (error) {
      post({ type: 'error', runId, message: (error as Error).message });
      return;
    }
    post({ type: 'batch', runId, loops: batch });
    setTimeout(slice, 0);
  };
  slice();
};
