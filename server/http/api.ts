import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { z } from 'zod';
import {
  CSV_FILES, EXPORT_FORMATS, IMPORT_FORMATS, ImportError, exportInputFromDoc, exportMap as renderExport, importFile,
  type ExportFormat, type ImportFormat,
} from '../../src/core/formats';
import { applyMapJson, exportMapJson, parseMapJson, type CausewayJson } from '../../src/core/formats/json';
import { diffMaps } from '../../src/core/analysis/compare';
import { historyCsv, readHistory, stateAt } from '../history';
import { applyMerge, createBreakout, mergePlan } from '../breakouts';
import { snapshotDoc, takeSnapshot } from '../snapshots';
import { initMap, moderatedIds, readShownMap, redactedIds, LIMITS } from '../../src/core/model';
import { MAP_ID_PATTERN, ROLES, hashToken, hashTokens, newMapId, newTokens, roleForToken, type Role, type Tokens } from '../auth';
import { randomBytes } from 'node:crypto';
import type { ServerConfig } from '../config';
import { analyseLoops } from '../loops';
import type { MapRecord, Store } from '../store/types';
import type { Rooms } from '../sync/rooms';
import { TEMPLATE_NAMES, seedTemplate, templateTitle } from '../templates';
import { CLOSE } from '../sync/protocol';
import { RateLimiter, clientAddress } from './rate-limit';
import { HttpError, readBody, readJsonBody, sendError, sendFile, sendJson } from './respond';

export interface ApiContext {
  config: ServerConfig;
  store: Store;
  rooms: Rooms;
  /** Map creation and import, per client address. */
  createLimiter: RateLimiter;
}

function limitCreation(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const address = clientAddress(req, ctx.config.trustProxy);
  if (!ctx.createLimiter.take(address)) {
    res.setHeader('Retry-After', String(ctx.createLimiter.retryAfterSeconds(address)));
    throw new HttpError(429, 'Too many maps were created from this address just now. Wait a few minutes and try again.');
  }
}

const createBody = z.object({
  title: z.string({ message: 'The title must be text.' }).trim().max(LIMITS.title, `A title can be at most ${LIMITS.title} characters.`).optional(),
  template: z.enum(TEMPLATE_NAMES, { message: `template must be one of: ${TEMPLATE_NAMES.join(', ')}.` }).default('blank'),
}).strict();

const exportFormats = Object.keys(EXPORT_FORMATS) as [ExportFormat, ...ExportFormat[]];
const exportQuery = z.object({
  format: z.enum(exportFormats, { message: `format must be one of: ${exportFormats.join(', ')}.` }).default('json'),
  /** CSV comes as three files; this picks one. */
  file: z.enum(CSV_FILES, { message: `file must be one of: ${CSV_FILES.join(', ')}.` }).optional(),
  /** inline=1 shows a picture (svg, png) in the browser instead of downloading it. */
  inline: z.literal('1', { message: 'inline can only be 1.' }).optional(),
  token: z.string().optional(),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The request is not valid.';
  if (issue.code === 'unrecognized_keys') return `Unknown field: ${issue.keys.join(', ')}.`;
  // The body itself is not an object (a list, a number…).
  if (issue.path.length === 0 && issue.code === 'invalid_type') return 'The request body must be a JSON object.';
  return issue.message;
}

function origin(config: ServerConfig, req: IncomingMessage): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : `${config.host}:${config.port}`;
  return `http://${host}`;
}

/** Share links carry the token in the fragment, which browsers never send to a server or in a Referer. */
export function shareLink(base: string, mapId: string, token: string): string {
  return `${base}/map/${encodeURIComponent(mapId)}#token=${encodeURIComponent(token)}`;
}

export function shareLinks(base: string, mapId: string, tokens: Tokens): Tokens {
  return {
    facilitator: shareLink(base, mapId, tokens.facilitator),
    editor: shareLink(base, mapId, tokens.editor),
    viewer: shareLink(base, mapId, tokens.viewer),
  };
}

function presentedToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? null;
  }
  return url.searchParams.get('token');
}

async function authorise(ctx: ApiContext, req: IncomingMessage, url: URL, mapId: string, allowed: readonly Role[]): Promise<{ map: MapRecord; role: Role }> {
  const map = MAP_ID_PATTERN.test(mapId) ? await ctx.store.getMap(mapId) : null;
  if (!map) {
    const deleted = MAP_ID_PATTERN.test(mapId) ? await ctx.store.deletedAt(mapId) : null;
    throw new HttpError(404, deleted ? 'This map was deleted by its facilitator.' : 'There is no map with that id.');
  }
  const token = presentedToken(req, url);
  if (!token) throw new HttpError(401, 'This request needs the map\'s link token (Authorization: Bearer <token>, or ?token=).');
  const role = roleForToken(token, map.tokenHashes);
  if (!role) throw new HttpError(401, 'That token is not valid for this map. Ask the facilitator for a fresh link.');
  if (!allowed.includes(role)) throw new HttpError(403, `A ${role} link cannot do this.`);
  return { map, role };
}

async function withDoc<T>(ctx: ApiContext, mapId: string, fn: (doc: Y.Doc) => T): Promise<T> {
  return withDocAsync(ctx, mapId, fn);
}

/** Runs `fn` on the map's live document (loading it if needed), then lets the room idle. */
async function withDocAsync<T>(ctx: ApiContext, mapId: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
  const room = await ctx.rooms.open(mapId);
  try {
    return await fn(room.doc);
  } finally {
    ctx.rooms.released(room);
  }
}

/** Makes a new map whose content `seed` writes; the only way maps come to exist. */
async function createMapWith(
  ctx: ApiContext, req: IncomingMessage, res: ServerResponse,
  options: { title: string; author: string; seed: (doc: Y.Doc) => void },
): Promise<void> {
  const id = newMapId();
  const tokens = newTokens();
  const now = Date.now();
  const doc = new Y.Doc();
  initMap(doc, { mapId: id, title: options.title, createdAt: now }, { origin: 'server' });
  options.seed(doc);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  await ctx.store.createMap(
    { id, title: options.title, createdAt: now, updatedAt: now, tokenHashes: hashTokens(tokens) },
    state,
    { at: now, author: options.author, role: 'server' },
  );
  sendJson(res, 201, { id, title: options.title, tokens, links: shareLinks(origin(ctx.config, req), id, tokens) });
}

async function createMap(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = createBody.safeParse(await readJsonBody(req, ctx.config.limits.maxBodyBytes));
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error));
  const { template } = parsed.data;
  await createMapWith(ctx, req, res, {
    title: parsed.data.title || templateTitle(template),
    author: `template:${template}`,
    seed: (doc) => seedTemplate(doc, template),
  });
}

const importFormats = Object.keys(IMPORT_FORMATS) as [ImportFormat, ...ImportFormat[]];
const importQuery = z.object({
  format: z.enum(importFormats, { message: `format must be one of: ${importFormats.join(', ')}.` }),
  title: z.string().trim().max(LIMITS.title, `A title can be at most ${LIMITS.title} characters.`).optional(),
}).strict();

/** A file becomes a new map; an import never changes an existing one. */
async function importMap(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = importQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  const bytes = await readBody(req, ctx.config.limits.maxImportBytes);
  let parsed;
  try {
    parsed = importFile(query.data.format, bytes);
  } catch (error) {
    if (error instanceof ImportError) throw new HttpError(400, error.message);
    throw error;
  }
  await createMapWith(ctx, req, res, {
    title: query.data.title || parsed.title || 'Imported map',
    author: `import:${query.data.format}`,
    seed: (doc) => applyMapJson(doc, parsed),
  });
}

async function deleteMap(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  await authorise(ctx, req, url, mapId, ['facilitator']);
  await ctx.rooms.evict(mapId, CLOSE.unknownMap, 'This map was deleted.');
  await ctx.store.deleteMap(mapId, Date.now());
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}

async function describeMap(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const { map, role } = await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const counts = await withDoc(ctx, mapId, (doc) => {
    const content = readShownMap(doc);
    const loops = analyseLoops(content);
    return { title: content.meta.title || map.title, nodes: content.nodes.length, edges: content.edges.length, loops: loops.loops.length, loopsComplete: loops.complete };
  });
  sendJson(res, 200, { id: map.id, title: counts.title, createdAt: map.createdAt, updatedAt: map.updatedAt, nodes: counts.nodes, edges: counts.edges, loops: counts.loops, loopsComplete: counts.loopsComplete, role });
}

/** Renders a document in any export format and sends it as a download. */
export async function sendExport(
  res: ServerResponse, doc: Y.Doc, format: ExportFormat, file: (typeof CSV_FILES)[number] | undefined, inline = false, alsoLeaveOut?: ReadonlySet<string>,
): Promise<void> {
  const input = exportInputFromDoc(doc, analyseLoops(readShownMap(doc, alsoLeaveOut)), undefined, alsoLeaveOut);
  const result = await renderExport(format, input, file ? { csvFile: file } : {});
  sendFile(res, result.body, result.contentType, result.filename, inline && (format === 'svg' || format === 'png'));
}

async function exportMap(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const query = exportQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const room = await ctx.rooms.open(mapId);
  try {
    await sendExport(res, room.doc, query.data.format, query.data.file, query.data.inline === '1');
  } finally {
    ctx.rooms.released(room);
  }
}

const snapshotBody = z.object({
  name: z.string({ message: 'A snapshot needs a name (text).' }).trim().min(1, 'A snapshot needs a name.').max(LIMITS.title, `A name can be at most ${LIMITS.title} characters.`),
}).strict();

async function createSnapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const parsed = snapshotBody.safeParse(await readJsonBody(req, ctx.config.limits.maxBodyBytes));
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error));
  await authorise(ctx, req, url, mapId, ['facilitator']);
  const room = await ctx.rooms.open(mapId);
  try {
    const record = await takeSnapshot(ctx.store, mapId, room.doc, parsed.data.name, 'facilitator');
    sendJson(res, 201, { id: record.id, name: record.name, createdAt: record.createdAt, sha256: record.sha256 });
  } finally {
    ctx.rooms.released(room);
  }
}

async function listSnapshots(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const list = await ctx.store.listSnapshots(mapId);
  sendJson(res, 200, list.map(({ id, name, createdAt, sha256, createdBy }) => ({ id, name, createdAt, sha256, automatic: createdBy === 'automatic' })));
}

async function loadSnapshot(ctx: ApiContext, mapId: string, snapshotId: string) {
  const snapshot = await ctx.store.getSnapshot(mapId, snapshotId);
  if (!snapshot) throw new HttpError(404, 'There is no snapshot with that id in this map.');
  return snapshot;
}

async function exportSnapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string, snapshotId: string): Promise<void> {
  const query = exportQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const snapshot = await loadSnapshot(ctx, mapId, snapshotId);
  if (query.data.format === 'json') {
    // The stored file, byte for byte: its hash can be checked.
    sendFile(res, snapshot.exportJson, 'application/json; charset=utf-8', `snapshot-${snapshot.id}.json`);
    return;
  }
  const doc = snapshotDoc(snapshot.state);
  try {
    await sendExport(res, doc, query.data.format, query.data.file, query.data.inline === '1');
  } finally {
    doc.destroy();
  }
}

async function forkSnapshot(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string, snapshotId: string): Promise<void> {
  const { map } = await authorise(ctx, req, url, mapId, ['facilitator']);
  const snapshot = await loadSnapshot(ctx, mapId, snapshotId);
  const parsed = parseMapJson(JSON.parse(snapshot.exportJson));
  await createMapWith(ctx, req, res, {
    title: `${map.title} (from ${snapshot.name})`.slice(0, LIMITS.title),
    author: `snapshot:${snapshot.id}`,
    seed: (doc) => applyMapJson(doc, parsed),
  });
}

const compareQuery = z.object({
  from: z.string().min(1, 'Say which snapshot to compare from (from=<snapshot id>).').max(64),
  to: z.string().min(1).max(64).default('now'),
  token: z.string().optional(),
}).strict();

async function compare(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const query = compareQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const version = async (id: string): Promise<CausewayJson> => {
    if (id !== 'now') return JSON.parse((await loadSnapshot(ctx, mapId, id)).exportJson) as CausewayJson;
    return withDoc(ctx, mapId, (doc) => exportMapJson(doc, { loops: analyseLoops(readShownMap(doc)) }));
  };
  const [before, after] = [await version(query.data.from), await version(query.data.to)];
  sendJson(res, 200, { from: query.data.from, to: query.data.to, ...diffMaps(before, after) });
}

const historyQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
  format: z.enum(['json', 'csv']).default('json'),
  token: z.string().optional(),
}).strict();

async function history(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const query = historyQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  // Withdrawn and hidden words stay out of the history too, though they were once on the map.
  const redacted = await withDoc(ctx, mapId, (doc) => redactedIds(doc));
  const page = await readHistory(ctx.store, mapId, query.data.after, query.data.limit, redacted);
  if (query.data.format === 'csv') sendFile(res, historyCsv(page.entries), 'text/csv; charset=utf-8', `history-${mapId}.csv`);
  else sendJson(res, 200, page);
}

const stateQuery = z.object({
  seq: z.coerce.number().int().min(0),
  format: z.enum(exportFormats).default('json'),
  file: z.enum(CSV_FILES).optional(),
  inline: z.literal('1').optional(),
  token: z.string().optional(),
}).strict();

async function historyState(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const query = stateQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator', 'editor', 'viewer']);
  const leaveOut = await withDoc(ctx, mapId, (live) => moderatedIds(live));
  const doc = await stateAt(ctx.store, mapId, query.data.seq);
  try {
    await sendExport(res, doc, query.data.format, query.data.file, query.data.inline === '1', leaveOut);
  } finally {
    doc.destroy();
  }
}

/**
 * Replaces one role's link (say, the editor link was forwarded too widely).
 * The old token stops working at once and everyone connected with it is
 * disconnected (4401: their client stops retrying and says the link is no
 * longer valid).
 */
async function replaceLink(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string, role: string): Promise<void> {
  if (!(ROLES as readonly string[]).includes(role)) throw new HttpError(404, `There is no ${role} link; the roles are ${ROLES.join(', ')}.`);
  await authorise(ctx, req, url, mapId, ['facilitator']);
  const token = randomBytes(32).toString('base64url');
  await ctx.store.replaceTokenHash(mapId, role as Role, hashToken(token), Date.now());
  const room = await ctx.rooms.loaded(mapId);
  const disconnected = room ? room.disconnectRole(role as Role, CLOSE.badToken, 'This link was replaced by the facilitator.') : 0;
  sendJson(res, 200, { role, token, link: shareLink(origin(ctx.config, req), mapId, token), disconnected });
}

const breakoutsBody = z.object({
  names: z.array(z.string({ message: 'Each breakout needs a name.' }).trim().min(1, 'Each breakout needs a name.').max(80, 'A breakout name can be at most 80 characters.'))
    .min(1, 'Name at least one breakout.').max(12, 'At most 12 breakouts at a time.'),
}).strict();

async function createBreakouts(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const parsed = breakoutsBody.safeParse(await readJsonBody(req, ctx.config.limits.maxBodyBytes));
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error));
  if (new Set(parsed.data.names.map((n) => n.toLowerCase())).size !== parsed.data.names.length) throw new HttpError(400, 'Give each breakout a different name.');
  const { map } = await authorise(ctx, req, url, mapId, ['facilitator']);
  const token = presentedToken(req, url)!;
  const base = origin(ctx.config, req);
  const created = await withDocAsync(ctx, mapId, async (doc) => {
    const out = [];
    for (const name of parsed.data.names) {
      const breakout = await createBreakout(ctx.store, map, doc, name, token);
      out.push({ id: breakout.id, name: breakout.name, links: shareLinks(base, breakout.id, breakout.tokens) });
    }
    return out;
  });
  sendJson(res, 201, created);
}

async function listBreakouts(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  await authorise(ctx, req, url, mapId, ['facilitator']);
  sendJson(res, 200, await ctx.store.listBreakouts(mapId));
}

/** Opens the breakouts named in `from` (ids of this map's breakouts) and runs `fn` with their documents. */
async function withBreakouts<T>(ctx: ApiContext, mapId: string, ids: readonly string[], fn: (breakouts: { name: string; doc: Y.Doc }[]) => Promise<T> | T): Promise<T> {
  const known = new Map((await ctx.store.listBreakouts(mapId)).map((b) => [b.id, b.name]));
  for (const id of ids) if (!known.has(id)) throw new HttpError(400, `Map ${id} is not a breakout of this map.`);
  const rooms = await Promise.all(ids.map((id) => ctx.rooms.open(id)));
  try {
    return await fn(rooms.map((room) => ({ name: known.get(room.mapId)!, doc: room.doc })));
  } finally {
    for (const room of rooms) ctx.rooms.released(room);
  }
}

const mergePreviewQuery = z.object({
  from: z.string().min(1, 'Say which breakouts to merge (from=<id>,<id>).').transform((v) => [...new Set(v.split(','))]),
  token: z.string().optional(),
}).strict();

async function previewMerge(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const query = mergePreviewQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, firstIssue(query.error));
  await authorise(ctx, req, url, mapId, ['facilitator']);
  const plan = await withBreakouts(ctx, mapId, query.data.from, (breakouts) => withDoc(ctx, mapId, (doc) => mergePlan(doc, breakouts).plan));
  sendJson(res, 200, plan);
}

const mergeBody = z.object({
  from: z.array(z.string().min(1).max(64)).min(1, 'Say which breakouts to merge.').max(12),
  decisions: z.record(z.string().max(200), z.string().max(200)).default({}),
}).strict();

async function merge(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, mapId: string): Promise<void> {
  const parsed = mergeBody.safeParse(await readJsonBody(req, ctx.config.limits.maxBodyBytes));
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error));
  await authorise(ctx, req, url, mapId, ['facilitator']);
  const result = await withBreakouts(ctx, mapId, [...new Set(parsed.data.from)], (breakouts) => withDoc(ctx, mapId, (doc) => {
    const { plan, contents } = mergePlan(doc, breakouts);
    return applyMerge(doc, contents, plan, parsed.data.decisions);
  }));
  sendJson(res, 200, result);
}

type Handler = (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL, ...params: string[]) => Promise<void>;

/** Routes under /api/maps/:id…; the first pattern group is always the map id. */
const MAP_ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)$/, handler: describeMap },
  { method: 'DELETE', pattern: /^\/api\/maps\/([^/]+)$/, handler: deleteMap },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/export$/, handler: exportMap },
  { method: 'POST', pattern: /^\/api\/maps\/([^/]+)\/snapshots$/, handler: createSnapshot },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/snapshots$/, handler: listSnapshots },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/snapshots\/([^/]+)\/export$/, handler: exportSnapshot },
  { method: 'POST', pattern: /^\/api\/maps\/([^/]+)\/snapshots\/([^/]+)\/fork$/, handler: forkSnapshot },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/compare$/, handler: compare },
  { method: 'POST', pattern: /^\/api\/maps\/([^/]+)\/links\/([^/]+)\/replace$/, handler: replaceLink },
  { method: 'POST', pattern: /^\/api\/maps\/([^/]+)\/breakouts$/, handler: createBreakouts },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/breakouts$/, handler: listBreakouts },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/merge$/, handler: previewMerge },
  { method: 'POST', pattern: /^\/api\/maps\/([^/]+)\/merge$/, handler: merge },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/history$/, handler: history },
  { method: 'GET', pattern: /^\/api\/maps\/([^/]+)\/history\/state$/, handler: historyState },
];

/** Handles /healthz and /api/*; returns false for anything else. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path !== '/healthz' && path !== '/api' && !path.startsWith('/api/')) return false;
  const method = req.method ?? 'GET';
  try {
    if (path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Use GET.');
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (path === '/api/maps') {
      if (method !== 'POST') throw new HttpError(405, 'Use POST to create a map.');
      limitCreation(ctx, req, res);
      await createMap(ctx, req, res);
      return true;
    }
    if (path === '/api/maps/import') {
      if (method !== 'POST') throw new HttpError(405, 'Use POST with the file as the body.');
      limitCreation(ctx, req, res);
      await importMap(ctx, req, res, url);
      return true;
    }
    const matching = MAP_ROUTES.map((route) => ({ route, match: route.pattern.exec(path) })).filter((m) => m.match);
    if (matching.length === 0) throw new HttpError(404, 'There is no such API route.');
    const found = matching.find((m) => m.route.method === method);
    if (!found) throw new HttpError(405, `Use ${[...new Set(matching.map((m) => m.route.method))].join(' or ')}.`);
    const params = found.match!.slice(1).map((p) => decodeURIComponent(p));
    await found.route.handler(ctx, req, res, url, ...params);
    return true;
  } catch (error) {
    if (error instanceof HttpError) sendError(res, error.status, error.message);
    else if (error instanceof URIError) sendError(res, 400, 'The address is not valid.');
    else {
      ctx.config.log(`api: ${req.method} ${path}: ${(error as Error).stack ?? String(error)}`);
      sendError(res, 500, 'Something went wrong on the server. Try again; if it keeps happening, tell the facilitator.');
    }
    return true;
  }
}
