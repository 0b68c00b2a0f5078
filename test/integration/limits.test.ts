import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createMap, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

function closeCodeOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no close')), 5_000);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', () => {});
  });
}

describe('rate limits', () => {
  it('map creation and import per address: the next one gets 429 with Retry-After and a sentence', async () => {
    server = await startTestServer({ limits: { createsPer10Min: 3 } });
    await createMap(server.url);
    await createMap(server.url);
    const imported = await fetch(`${server.url}/api/maps/import?format=json`, {
      method: 'POST',
      body: JSON.stringify({ format: 'causeway-map', version: 1, nodes: [], edges: [] }),
    });
    expect(imported.status).toBe(201);
    const refused = await fetch(`${server.url}/api/maps`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toMatch(/Too many maps/);
  });

  it('websocket connection attempts per address: over the rate, 1013 (clients back off and retry)', async () => {
    server = await startTestServer({ limits: { connectionsPerMin: 4 } });
    const map = await createMap(server.url);
    const url = `${server.wsUrl}/${map.id}?token=wrong`;
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push(await closeCodeOf(url));
    expect(codes.slice(0, 4)).toEqual([4401, 4401, 4401, 4401]);
    expect(codes.slice(4)).toEqual([1013, 1013]);
  });
});

describe('static files and headers', () => {
  it('never serves a file outside the app folder, whatever the path says', async () => {
    const dataDir = tempDataDir();
    const app = path.join(dataDir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><title>app</title>');
    fs.writeFileSync(path.join(dataDir, 'secret.txt'), 'top secret');
    server = await startTestServer({ dataDir, staticDir: app });
    const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/../../secret.txt', '/..\\secret.txt'];
    for (const attempt of attempts) {
      const res = await fetch(`${server.url}${attempt}`);
      const body = await res.text();
      expect(body, attempt).not.toContain('top secret');
    }
    const index = await fetch(`${server.url}/map/anything`);
    expect(await index.text()).toContain('<title>app</title>');
  });

  it('answers every kind of request with the security headers', async () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(path.join(dataDir, 'app'));
    fs.writeFileSync(path.join(dataDir, 'app', 'index.html'), '<!doctype html>');
    server = await startTestServer({ dataDir, staticDir: path.join(dataDir, 'app') });
    for (const url of ['/', '/healthz', '/api/maps/nope', '/api/nothing']) {
      const res = await fetch(`${server.url}${url}`);
      expect(res.headers.get('content-security-policy'), url).toMatch(/default-src 'self'/);
      expect(res.headers.get('content-security-policy'), url).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
    }
  });
});
