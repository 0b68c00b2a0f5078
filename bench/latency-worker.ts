/**
 * Worker thread holding one ClientGroup (latency-clients.ts). Started by
 * latency.ts through worker-boot.mjs; answers { id, method, args } messages
 * with { id, value } or { id, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ClientGroup, type GroupConfig } from './latency-clients';

type Method = 'connect' | 'waitAllFactors' | 'steady' | 'burst' | 'report' | 'destroy';

const { config, counters } = workerData as { config: GroupConfig; counters: SharedArrayBuffer };
const group = new ClientGroup(config, new Int32Array(counters));
// Every stock WebsocketProvider adds a process 'exit' listener.
process.setMaxListeners(0);

parentPort!.on('message', (message: { id: number; method: Method; args: number[] }) => {
  const { id, method, args } = message;
  Promise.resolve()
    .then(() => {
      switch (method) {
        case 'connect':
          return group.connect();
        case 'waitAllFactors':
          return group.waitAllFactors();
        case 'steady':
          return group.steady(args[0]!, args[1]!, args[2]!);
        case 'burst':
          return group.burst();
        case 'report':
          return group.report();
        case 'destroy':
          return group.destroy();
      }
    })
    .then(
      (value) => parentPort!.postMessage({ id, value }),
      (error: unknown) => parentPort!.postMessage({ id, error: (error as Error).message ?? String(error) }),
    );
});
parentPort!.postMessage({ id: 0, value: 'ready' });
