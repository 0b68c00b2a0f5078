import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built app. Unknown paths fall back to index.html (the app
 * routes /map/:id itself); sirv resolves paths inside `dir` only.
 */
export function staticHandler(dir: string | null): Handler {
  if (!dir || !fs.existsSync(`${dir}/index.html`)) {
    return (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The Causeway app has not been built. Run "npm run build", then start the server again.\n');
    };
  }
  const serve = sirv(dir, {
    single: true,
    etag: true,
    gzip: false,
    brotli: false,
    setHeaders(res, pathname) {
      // Vite puts a content hash in every file under /assets/.
      if (pathname.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  return (req, res) => serve(req, res, () => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found.\n');
  });
}
