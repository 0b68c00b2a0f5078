import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './server';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium to drive: CHROMIUM_PATH, else Debian's. Never skips: no browser is a failure that says how to fix it. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error('No Chromium found for the browser tests. Install one with `apt-get install chromium`, or set CHROMIUM_PATH=/path/to/chromium.');
  }
  return found;
}

/** Headless Chromium (Playwright gives it a fresh profile); one context per simulated person. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic',
    ],
  });
}

/** The built app that e2e tests serve (scripts/test.mjs builds it first). */
export function builtAppDir(): string {
  const dir = path.join(ROOT, 'dist/client');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error('The app is not built. Run the tests with `npm test` (it builds first) or run `npm run build`.');
  }
  return dir;
}
