// `npm test`: type-check, build the app for the browser tests, run every test
// (unit, integration, end-to-end) with Vitest, and end with one line
// "N passed, N failed". Extra arguments go to Vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
let passed = 0;
let failed = 0;

console.log('Type-checking…');
const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status === 0) passed++;
else {
  console.error('Type-check failed (see above).');
  failed++;
}

try {
  await build({ quiet: true });
} catch (error) {
  console.error(`The app could not be built, so the browser tests cannot run: ${error?.message ?? error}`);
  failed++;
}

const report = path.join(root, 'test-results/vitest.json');
fs.rmSync(report, { force: true });
fs.mkdirSync(path.dirname(report), { recursive: true });
const vitest = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
});
if (fs.existsSync(report)) {
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  failed += result.numFailedTests ?? 0;
  // A file that failed outside its tests (load error, failing beforeAll) is a failure too.
  failed += (result.testResults ?? []).filter((file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')).length;
  if ((result.numTotalTests ?? 0) === 0) {
    console.error('No tests ran.');
    failed++;
  }
} else {
  console.error(`Vitest wrote no report (exit ${vitest.status}).`);
  failed++;
}
if (vitest.status !== 0 && failed === 0) failed++;

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
