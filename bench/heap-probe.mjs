// Preloaded into the server process by the memory benchmark (NODE_OPTIONS=--import).
// On SIGUSR2 it writes process.memoryUsage() before and after a full GC to
// BENCH_PROBE_FILE. It changes nothing else in the server.
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    gc();
    const after = process.memoryUsage();
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ before, after }));
    fs.renameSync(`${file}.tmp`, file);
  });
}
