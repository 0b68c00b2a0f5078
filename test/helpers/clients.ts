import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/**
 * A stock y-websocket client, as any other tool would connect. BroadcastChannel
 * is off: in one Node process it would let clients sync without the server.
 */
export function connectClient(wsUrl: string, mapId: string, token: string, options: { client?: string; connect?: boolean } = {}) {
  const doc = new Y.Doc();
  const params: Record<string, string> = { token };
  if (options.client) params.client = options.client;
  const provider = new WebsocketProvider(wsUrl, mapId, doc, {
    params,
    disableBc: true,
    connect: options.connect ?? true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  return { doc, provider, destroy: () => { provider.destroy(); doc.destroy(); } };
}
export type Client = ReturnType<typeof connectClient>;

/** Polls `check` until it is true, failing with `what` after `timeoutMs`. Bounded: never spins forever. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitSynced(client: Client, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => client.provider.synced, 'client to sync', timeoutMs);
}

/** Resolves with the close code when the provider's socket closes (first close only). */
export function nextCloseCode(client: Client, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no close within timeout')), timeoutMs);
    const handler = (event: { code: number } | null) => {
      clearTimeout(timer);
      client.provider.off('connection-close', handler);
      resolve(event?.code ?? -1);
    };
    client.provider.on('connection-close', handler);
  });
}
