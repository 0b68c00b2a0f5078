/** Calls to the HTTP API; every failure becomes a sentence the user can act on. */

import type { MatchDecisions, MergePlan, MergeResult } from '../core/model/merge';

export interface CreatedMap {
  id: string;
  title: string;
  tokens: { facilitator: string; editor: string; viewer: string };
  links: { facilitator: string; editor: string; viewer: string };
}

export class ApiError extends Error {
  override name = 'ApiError';
}

async function errorSentence(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: fall through.
  }
  return `The server answered ${res.status}. Try again in a moment.`;
}

export async function createMap(title: string, template: string): Promise<CreatedMap> {
  let res: Response;
  try {
    res = await fetch('/api/maps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: title.trim() || undefined, template }),
    });
  } catch {
    throw new ApiError('Cannot reach the Causeway server. Check your connection and try again.');
  }
  if (res.status !== 201) throw new ApiError(await errorSentence(res));
  return (await res.json()) as CreatedMap;
}

/** Sends a file to be imported as a new map; the format comes from the file name unless given. */
export async function importMap(file: File, format: string): Promise<CreatedMap> {
  let res: Response;
  try {
    res = await fetch(`/api/maps/import?format=${encodeURIComponent(format)}`, { method: 'POST', body: file });
  } catch {
    throw new ApiError('Cannot reach the Causeway server. Check your connection and try again.');
  }
  if (res.status !== 201) throw new ApiError(await errorSentence(res));
  return (await res.json()) as CreatedMap;
}

// ---------------------------------------------------------------------------
// Breakouts and merge (facilitator only). The token is the facilitator's.

export type { MergePlan };

export interface Breakout {
  id: string;
  name: string;
  createdAt: number;
}

export interface CreatedBreakout {
  id: string;
  name: string;
  links: { facilitator: string; editor: string; viewer: string };
}

/** One call to a map's API with its token; a failure becomes a sentence saying what to do. */
async function mapCall<T>(mapId: string, token: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/maps/${encodeURIComponent(mapId)}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError('Cannot reach the Causeway server. Check your connection and try again.');
  }
  if (!res.ok) {
    if (res.status === 401) throw new ApiError('Your facilitator link is no longer valid here. Open the map again from its current facilitator link.');
    if (res.status === 403) throw new ApiError('Only the facilitator can do this. Open the map from the facilitator link.');
    throw new ApiError(await errorSentence(res));
  }
  return (await res.json()) as T;
}

/** Makes breakout maps copied from this one, one per name. */
export function createBreakouts(mapId: string, token: string, names: readonly string[]): Promise<CreatedBreakout[]> {
  return mapCall(mapId, token, '/breakouts', { method: 'POST', body: { names } });
}

/** Every breakout of this map, oldest first. */
export function listBreakouts(mapId: string, token: string): Promise<Breakout[]> {
  return mapCall(mapId, token, '/breakouts');
}

/** What merging these breakouts would do: matches, near matches to confirm, polarity conflicts. */
export function fetchMergePlan(mapId: string, token: string, from: readonly string[]): Promise<MergePlan> {
  return mapCall(mapId, token, `/merge?from=${from.map(encodeURIComponent).join(',')}`);
}

/** Folds the breakouts into this map with the facilitator's decisions on near matches. */
export function mergeBreakouts(mapId: string, token: string, from: readonly string[], decisions: MatchDecisions): Promise<MergeResult> {
  return mapCall(mapId, token, '/merge', { method: 'POST', body: { from, decisions } });
}

/** A new link for one role of a map; the old one stops working at once. */
export async function replaceLink(mapId: string, token: string, role: 'facilitator' | 'editor' | 'viewer'): Promise<string> {
  const body = await mapCall<{ link: string }>(mapId, token, `/links/${role}/replace`, { method: 'POST' });
  return body.link;
}
