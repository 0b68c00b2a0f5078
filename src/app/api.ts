/** Calls to the HTTP API; every failure becomes a sentence the user can act on. */

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
