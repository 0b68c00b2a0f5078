import path from 'node:path';
import { z } from 'zod';
import { IMPORT_MAX_BYTES } from '../src/core/formats/types';
import { DEFAULT_CHECKPOINTS, type CheckpointOptions } from './snapshots';

/** Sizes and times the server enforces. Documented in README.md ("Limits"). */
export interface Limits {
  /** A websocket message larger than this closes the connection with 4413. */
  maxMessageBytes: number;
  /** JSON bodies of API requests. */
  maxBodyBytes: number;
  /** Files sent to POST /api/maps/import. */
  maxImportBytes: number;
  /** Unload a map this long after its last connection closed. */
  idleUnloadMs: number;
  /** Write a merged checkpoint after this many logged updates. */
  compactEvery: number;
  /**
   * Maps created (or imported) per client address per 10 minutes. A whole
   * venue can share one address, so these are generous; 0 turns a limit off.
   */
  createsPer10Min: number;
  /** Websocket connection attempts per client address per minute. */
  connectionsPerMin: number;
  /**
   * How often a connected peer gets a message even when nothing happens:
   * y-websocket clients reconnect after 30 s of silence (ws pings do not count).
   */
  keepaliveMs: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Built browser app to serve; null serves the API and sync only. */
  staticDir: string | null;
  /** Origin used in share links when set (e.g. behind a reverse proxy); otherwise taken from the request. */
  publicUrl: string | null;
  limits: Limits;
  /** When automatic checkpoints (snapshots) are taken. */
  checkpoints: CheckpointOptions;
  /** Use X-Forwarded-For for the client address (only behind a reverse proxy you run). */
  trustProxy: boolean;
  /** Log lines go here; tests pass a no-op. */
  log: (line: string) => void;
}

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxImportBytes: IMPORT_MAX_BYTES,
  idleUnloadMs: 30_000,
  compactEvery: 500,
  createsPer10Min: 60,
  connectionsPerMin: 600,
  keepaliveMs: 10_000,
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url().optional(),
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).optional(),
  IDLE_UNLOAD_MS: z.coerce.number().int().min(0).optional(),
  CREATES_PER_10_MIN: z.coerce.number().int().min(0).optional(),
  CONNECTIONS_PER_MIN: z.coerce.number().int().min(0).optional(),
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment; a bad value stops start-up with a sentence naming it. */
export function configFromEnv(env: NodeJS.ProcessEnv, staticDir: string | null): ServerConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`The setting ${issue?.path.join('.') ?? '?'} is not valid: ${issue?.message ?? ''}.`);
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    staticDir,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    limits: {
      ...DEFAULT_LIMITS,
      ...(e.MAX_MESSAGE_BYTES !== undefined ? { maxMessageBytes: e.MAX_MESSAGE_BYTES } : {}),
      ...(e.IDLE_UNLOAD_MS !== undefined ? { idleUnloadMs: e.IDLE_UNLOAD_MS } : {}),
      ...(e.CREATES_PER_10_MIN !== undefined ? { createsPer10Min: e.CREATES_PER_10_MIN } : {}),
      ...(e.CONNECTIONS_PER_MIN !== undefined ? { connectionsPerMin: e.CONNECTIONS_PER_MIN } : {}),
    },
    trustProxy: e.TRUST_PROXY === '1' || e.TRUST_PROXY === 'true',
    checkpoints: DEFAULT_CHECKPOINTS,
    log: (line) => console.log(line),
  };
}
