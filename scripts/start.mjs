// `npm start`: build what is missing or out of date, then serve app, API and sync on one port.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
try {
  await build();
} catch (error) {
  console.error(`The app could not be built: ${error?.message ?? error}`);
  process.exit(1);
}
await import(pathToFileURL(path.join(root, 'dist/server/main.js')).href);
