/// <reference lib="webworker" />
import ELK from 'elkjs/lib/elk.bundled.js';
import { bestLayout, type LayoutInput } from './layout-graph';

/** Runs ELK off the main thread: a large map's layout must never freeze the page. */
const elk = new ELK();
const scope = self as unknown as DedicatedWorkerGlobalScope;

// Assigned after the import on purpose: elk.bundled.js claims `self.onmessage` when loaded in a worker.
scope.onmessage = async (event: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const { id, input } = event.data;
  try {
    scope.postMessage({ id, result: await bestLayout((graph) => elk.layout(graph), input) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
