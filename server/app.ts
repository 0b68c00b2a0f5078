import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config';
import { handleApi } from './http/api';
import { RateLimiter } from './http/rate-limit';
import { SECURITY_HEADERS, sendError } from './http/respond';
import { staticHandler } from './http/static';
import { watchForCheckpoints } from './snapshots';
import { SqliteStore } from './store/sqlite';
import type { Store } from './store/types';
import { SyncEndpoint } from './sync/connection';
import { CLOSE } from './sync/protocol';
import { Rooms } from './sync/rooms';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  store: Store;
  rooms: Rooms;
  /** Flushes every map, closes sockets and the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts HTTP, API, static app and sync on one port. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const store = SqliteStore.open(config.dataDir);
  const rooms = new Rooms(store, config.limits, config.log, (room) =>
    watchForCheckpoints(store, room.mapId, room.doc, config.checkpoints, config.log));
  const sync = new SyncEndpoint(store, rooms, config.limits, config.log, config.trustProxy);
  const serveStatic = staticHandler(config.staticDir);
  const createLimiter = new RateLimiter(config.limits.createsPer10Min, 10 * 60_000);

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 400, 'The address is not valid.');
    }
    handleApi({ config, store, rooms, createLimiter }, req, res, url)
      .then((handled) => {
        if (handled) return;
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET.');
        serveStatic(req, res);
      })
      .catch((error: unknown) => {
        config.log(`http: ${(error as Error).stack ?? String(error)}`);
        sendError(res, 500, 'Something went wrong on the server.');
      });
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (!sync.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      sync.closeAll(CLOSE.shuttingDown, 'The server is restarting.');
      server.closeIdleConnections();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await rooms.closeAll();
      await store.close();
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };

  return { url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, port, store, rooms, close };
}
