import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../server/app';
import { DEFAULT_LIMITS, type Limits } from '../../server/config';
import { DEFAULT_CHECKPOINTS, type CheckpointOptions } from '../../server/snapshots';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function tempDataDir(prefix = 'causeway-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
}

/** The real server, in this process, on a free port with a temporary DATA_DIR. */
export async function startTestServer(options: {
  dataDir?: string; limits?: Partial<Limits>; staticDir?: string | null; log?: (line: string) => void; checkpoints?: CheckpointOptions;
} = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    staticDir: options.staticDir ?? null,
    publicUrl: null,
    trustProxy: false,
    checkpoints: options.checkpoints ?? DEFAULT_CHECKPOINTS,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    log: options.log ?? (() => {}),
  });
  return { ...server, dataDir, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws` };
}

export interface ServerProcess {
  url: string;
  wsUrl: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real server as a separate process (`server/main.ts` through tsx), for
 * tests that kill it. Resolves once it prints that it is running.
 */
export async function spawnServer(options: { dataDir: string; port?: number; env?: Record<string, string>; staticDir?: string }): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      STATIC_DIR: options.staticDir ?? path.join(options.dataDir, 'no-static'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const onData = () => {
      const match = /running at (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${out}`));
    });
  });
  const port = Number(new URL(url).port);
  return { url, wsUrl: `${url.replace(/^http/, 'ws')}/ws`, port, child, output: () => out, exited };
}

export interface CreatedMap {
  id: string;
  title: string;
  tokens: { facilitator: string; editor: string; viewer: string };
  links: { facilitator: string; editor: string; viewer: string };
}

export async function createMap(baseUrl: string, body: Record<string, unknown> = {}): Promise<CreatedMap> {
  const res = await fetch(`${baseUrl}/api/maps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create map: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedMap;
}
