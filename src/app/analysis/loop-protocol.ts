import type { Loop, LoopCaps, LoopGraph, LoopStopReason } from '../../core/analysis/loops';

/** Messages between the page and the loop worker. A new `run` cancels the one before. */
export type ToWorker = { type: 'run'; runId: number; graph: LoopGraph; caps: LoopCaps } | { type: 'cancel'; runId: number };

export type FromWorker =
  | { type: 'batch'; runId: number; loops: Loop[] }
  | { type: 'done'; runId: number; complete: boolean; stoppedBy?: LoopStopReason; count: number; elapsedMs: number }
  | { type: 'error'; runId: number; message: string };
