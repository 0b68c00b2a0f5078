import type { LayoutInput, LayoutResult } from './layout-graph';

let worker: Worker | null = null;
let serial = 0;
const pending = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();

function layoutWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'causeway-layout' });
  worker.onmessage = (event: MessageEvent<{ id: number; result?: LayoutResult; error?: string }>) => {
    const job = pending.get(event.data.id);
    if (!job) return;
    pending.delete(event.data.id);
    if (event.data.result) job.resolve(event.data.result);
    else job.reject(new Error(`The automatic layout did not work: ${event.data.error ?? 'unknown problem'}.`));
  };
  worker.onerror = () => {
    for (const job of pending.values()) job.reject(new Error('The automatic layout stopped unexpectedly. Try again.'));
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

/** Lays the map out with ELK in a Web Worker (off the main thread). */
export function computeLayout(input: LayoutInput): Promise<LayoutResult> {
  const id = ++serial;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, input });
  });
}
