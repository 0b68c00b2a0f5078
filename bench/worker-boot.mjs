// Starts a TypeScript worker thread: registers tsx's loader in this thread, then
// imports the module named in workerData.entry (a file URL). Used by bench/latency.ts.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
