// Builds the browser app (Vite) and the server bundle (esbuild) into dist/.
// `node scripts/build.mjs` builds only when sources are newer than the last
// build; `--force` always builds. Used by `npm start`, `npm test` and `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist/.build-stamp');
const inputs = ['src', 'server', 'public', 'index.html', 'vite.config.ts', 'package-lock.json', 'scripts/build.mjs'];

function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function isBuildCurrent() {
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(root, 'dist/server/main.js')) || !fs.existsSync(path.join(root, 'dist/client/index.html'))) return false;
  const built = fs.statSync(stamp).mtimeMs;
  return inputs.every((input) => newestMtime(path.join(root, input)) <= built);
}

export async function build({ force = false, quiet = false } = {}) {
  if (!force && isBuildCurrent()) return false;
  const log = quiet ? () => {} : (line) => console.log(line);
  log('Building the Causeway app…');
  const started = Date.now();
  const vite = await import('vite');
  await vite.build({ root, logLevel: quiet ? 'error' : 'warn', configFile: path.join(root, 'vite.config.ts') });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'server/main.ts')],
    outfile: path.join(root, 'dist/server/main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  fs.writeFileSync(stamp, new Date().toISOString() + '\n');
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build({ force: process.argv.includes('--force') }).catch((error) => {
    console.error(error?.message ?? error);
    process.exit(1);
  });
}
