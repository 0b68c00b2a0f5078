import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MAP_ID_PATTERN, roleForToken, type Role } from '../auth';
import type { Limits } from '../config';
import { RateLimiter, clientAddress } from '../http/rate-limit';
import type { Store } from '../store/types';
import { CLOSE, MalformedMessageError, decodeClientMessage, encodeAwareness, encodeAwarenessEntries } from './protocol';

/** An awareness update with no entries: changes nothing, but tells a quiet client the line is alive. */
const KEEPALIVE = encodeAwareness(encodeAwarenessEntries([]));
import type { Peer } from './room';
import type { Rooms } from './rooms';

const AUTHOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const WS_MESSAGE_TOO_BIG = 1009;

/**
 * ws refuses a frame over its maxPayload with close code 1009 before our code
 * sees it; the contract promises 4413 for every message over the cap.
 */
class CausewaySocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === WS_MESSAGE_TOO_BIG) super.close(CLOSE.tooLarge, 'Message too large.');
    else super.close(code, data);
  }
}
const HEARTBEAT_MS = 30_000;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The `/ws/:mapId?token=…` endpoint. The socket is always accepted first and
 * then closed with a contract code when the map or token is wrong, because
 * browsers cannot read an HTTP status from a refused upgrade.
 */
export class SyncEndpoint {
  private readonly wss: WebSocketServer;
  private nextPeerId = 1;
  /** Open sockets, each with whether it answered the last ping. */
  private readonly sockets = new Map<WebSocket, { alive: boolean; joined: boolean }>();
  private readonly keepalive: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly connectLimiter: RateLimiter;

  constructor(
    private readonly store: Store,
    private readonly rooms: Rooms,
    private readonly limits: Limits,
    private readonly log: (line: string) => void,
    private readonly trustProxy = false,
  ) {
    this.connectLimiter = new RateLimiter(limits.connectionsPerMin, 60_000);
    // ws closes with 1009 above maxPayload without telling us; keep its cap above
    // ours so that the contract's 4413 is what clients see for oversize messages.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 4, WebSocket: CausewaySocket });
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.keepalive = setInterval(() => {
      for (const [ws, health] of this.sockets) if (health.joined && ws.readyState === ws.OPEN) ws.send(KEEPALIVE, { binary: true });
    }, limits.keepaliveMs);
    this.keepalive.unref();
  }

  /** True when the request is for this endpoint (and now handled). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const match = /^\/ws\/([^/]+)\/?$/.exec(url.pathname);
    if (!match) return false;
    let mapId: string;
    try {
      mapId = decodeURIComponent(match[1] ?? '');
    } catch {
      // A broken %-escape names no map.
      mapId = '';
    }
    const allowed = this.connectLimiter.take(clientAddress(request, this.trustProxy));
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // 1013 "try again later": y-websocket backs off and retries, as it should for a busy server.
      if (!allowed) ws.close(CLOSE.tryAgainLater, 'Too many connection attempts from this address; retrying shortly.');
      else void this.accept(ws, mapId, url.searchParams);
    });
    return true;
  }

  private async accept(ws: WebSocket, mapId: string, params: URLSearchParams): Promise<void> {
    const health = { alive: true, joined: false };
    this.sockets.set(ws, health);
    ws.on('pong', () => {
      health.alive = true;
    });
    // Messages can arrive while the map loads: queue them, in order.
    const queue: RawData[] = [];
    let deliver: ((data: RawData) => void) | null = null;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return ws.close(CLOSE.malformed, 'Expected a binary message.');
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      if (size > this.limits.maxMessageBytes) return ws.close(CLOSE.tooLarge, 'Message too large.');
      if (deliver) deliver(data);
      else queue.push(data);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.sockets.delete(ws));

    let role: Role | null = null;
    try {
      const record = MAP_ID_PATTERN.test(mapId) ? await this.store.getMap(mapId) : null;
      if (!record) return ws.close(CLOSE.unknownMap, 'There is no such map.');
      role = roleForToken(params.get('token'), record.tokenHashes);
      if (!role) return ws.close(CLOSE.badToken, 'This link is not valid (wrong or replaced token).');
    } catch (error) {
      this.log(`ws: auth failed for map ${mapId}: ${(error as Error).message}`);
      return ws.close(CLOSE.storeFailure, 'The server could not read the map.');
    }
    if (ws.readyState !== ws.OPEN) return;

    const requested = params.get('client') ?? '';
    const peerId = this.nextPeerId++;
    const peer: Peer = {
      id: peerId,
      role,
      author: AUTHOR_PATTERN.test(requested) ? requested : `anon-${peerId}`,
      send: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(message, { binary: true });
      },
      close: (code, reason) => ws.close(code, reason),
    };

    let room;
    try {
      room = await this.rooms.open(mapId);
    } catch (error) {
      this.log(`ws: could not load map ${mapId}: ${(error as Error).message}`);
      return ws.close(CLOSE.storeFailure, 'The server could not load the map.');
    }
    if (ws.readyState !== ws.OPEN) {
      this.rooms.released(room);
      return;
    }
    room.join(peer);
    health.joined = true;
    ws.on('close', () => {
      room.leave(peer);
      this.rooms.released(room);
    });
    deliver = (data) => {
      try {
        room.handle(peer, decodeClientMessage(toBytes(data)));
      } catch (error) {
        if (error instanceof MalformedMessageError) {
          ws.close(CLOSE.malformed, 'Malformed message.');
        } else {
          this.log(`ws: map ${mapId}: ${(error as Error).stack ?? String(error)}`);
          ws.close(CLOSE.malformed, 'Message could not be applied.');
        }
      }
    };
    for (const data of queue.splice(0)) {
      if (ws.readyState !== ws.OPEN) break;
      deliver(data);
    }
  }

  private ping(): void {
    // A socket that missed a whole interval is dead (venue Wi-Fi): free its presence.
    for (const [ws, health] of this.sockets) {
      if (!health.alive) ws.terminate();
      else if (ws.readyState === ws.OPEN) {
        health.alive = false;
        ws.ping();
      }
    }
  }

  /** Closes every socket (shutdown): clients reconnect to the next server. */
  closeAll(code: number, reason: string): void {
    clearInterval(this.heartbeat);
    clearInterval(this.keepalive);
    for (const ws of this.sockets.keys()) ws.close(code, reason);
    this.wss.close();
  }

  get connectionCount(): number {
    return this.sockets.size;
  }
}
