import type * as Y from 'yjs';
import { afterEach, beforeEach } from 'vitest';
import { connectClient, waitSynced, type Client } from './clients';
import { createMap, startTestServer, type CreatedMap, type TestServer } from './server';

export interface MapRoom {
  readonly server: TestServer;
  readonly map: CreatedMap;
  /** A stock y-websocket client on the map with `token`, as pseudonymous author `author`; closed after the test. */
  client(token: string, author: string): Client;
  /** What the server holds, read through a fresh viewer connection. */
  serverView(): Promise<Y.Doc>;
}

/** A fresh server and one new map for every test of the file, with stock clients that are closed after each test. */
export function useMapRoom(title: string): MapRoom {
  let server: TestServer | null = null;
  let map: CreatedMap | null = null;
  const clients: Client[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    map = await createMap(server.url, { title });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.close();
  });
  const room: MapRoom = {
    get server() {
      if (!server) throw new Error('The room has not started yet (use it inside a test).');
      return server;
    },
    get map() {
      if (!map) throw new Error('The room has not started yet (use it inside a test).');
      return map;
    },
    client(token, author) {
      const c = connectClient(room.server.wsUrl, room.map.id, token, { client: author });
      clients.push(c);
      return c;
    },
    async serverView() {
      const fresh = room.client(room.map.tokens.viewer, `observer-${clients.length}`);
      await waitSynced(fresh);
      return fresh.doc;
    },
  };
  return room;
}
