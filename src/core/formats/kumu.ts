/**
 * Kumu JSON (import only). Two shapes are read:
 * - Kumu's import format: `{ elements: [{ label, type, description, tags }],
 *   connections: [{ from, to, type, direction }] }`, ends named by label;
 * - Kumu's project export (blueprint): elements and connections with `_id`
 *   and their fields under `attributes` ("element type", "connection type",
 *   description, tags), and positions in `maps[].elements[].position`.
 * An element type that is one of our kinds (factor, barrier, outcome,
 * innovation) sets the kind; any other type becomes a tag. Connections:
 * "directed" (default) is one link; "undirected" and "mutual" are a link each
 * way. Polarity comes from the first of polarity / sign / effect / influence /
 * connection type / type whose value is + - ? positive negative same opposite
 * s o (anything else is "?"), a delay from a yes/true "delay" attribute.
 */
import { z } from 'zod';
import {
  ImportError, IMPORT_LIMITS, MapDraft, decodeImport, parseBooleanWord, parseKindWord, parsePolarityWord, splitTags,
  type ImportInput, type ParsedMap,
} from './types';

type Json = Record<string, unknown>;

const kumuSchema = z.looseObject({
  elements: z.array(z.looseObject({})).max(IMPORT_LIMITS.nodes),
  connections: z.array(z.looseObject({})).max(IMPORT_LIMITS.edges).default([]),
  maps: z.array(z.looseObject({})).max(1_000).optional(),
  defaultMap: z.string().optional(),
  name: z.string().optional(),
});

/** Parses JSON, reporting where it breaks. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportError(`The ${what} file is not valid JSON: ${(error as Error).message}`);
  }
}

export function zodIssue(error: z.ZodError, what: string): ImportError {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
  return new ImportError(`This is not a ${what} file: ${issue?.message ?? 'unexpected content'}${where}.`);
}

/** A field from the element itself or its `attributes`, matched without regard to case. */
function field(record: Json, ...names: string[]): unknown {
  const attributes = record.attributes && typeof record.attributes === 'object' ? (record.attributes as Json) : {};
  for (const source of [attributes, record]) {
    const lower = new Map(Object.entries(source).map(([k, v]) => [k.trim().toLowerCase(), v]));
    for (const name of names) {
      const value = lower.get(name);
      if (value !== undefined && value !== null && value !== '') return value;
    }
  }
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(', ');
  return undefined;
}

export function importKumu(input: ImportInput): ParsedMap {
  const raw = parseJsonText(decodeImport(input), 'Kumu');
  const parsed = kumuSchema.safeParse(raw);
  if (!parsed.success) throw zodIssue(parsed.error, 'Kumu JSON');
  const data = parsed.data;

  // Positions from the default map (or the first one).
  const positions = new Map<string, { x: number; y: number }>();
  const map = data.maps?.find((m) => m._id === data.defaultMap) ?? data.maps?.[0];
  const mapElements = map && Array.isArray(map.elements) ? (map.elements as unknown[]) : [];
  for (const entry of mapElements) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Json;
    const position = e.position as Json | undefined;
    if (typeof e.element === 'string' && position && typeof position.x === 'number' && typeof position.y === 'number') {
      positions.set(e.element, { x: position.x, y: position.y });
    }
  }

  const draft = new MapDraft();
  const byId = new Map<string, string>();
  const byLabel = new Map<string, string>();
  const byLowerLabel = new Map<string, string>();
  data.elements.forEach((element, index) => {
    const where = `Kumu element ${index + 1}`;
    const sourceId = asText(element._id ?? element.id);
    const label = asText(field(element, 'label', 'name'))?.trim() || sourceId;
    if (!label) throw new ImportError(`${where}: the element has neither a label nor an id.`);
    const type = asText(field(element, 'element type', 'type'))?.trim();
    const kind = type ? parseKindWord(type) : 'factor';
    const tags = splitTags(field(element, 'tags'));
    if (type && !kind) tags.push(type);
    const position = sourceId !== undefined ? positions.get(sourceId) : undefined;
    const id = draft.addNode({
      id: sourceId,
      label,
      kind: kind ?? 'factor',
      x: position?.x,
      y: position?.y,
      note: asText(field(element, 'description', 'note')) ?? '',
      tags,
    }, where);
    if (sourceId !== undefined) byId.set(sourceId, id);
    if (!byLabel.has(label)) byLabel.set(label, id);
    if (!byLowerLabel.has(label.toLowerCase())) byLowerLabel.set(label.toLowerCase(), id);
  });

  const resolve = (value: unknown, where: string, end: string): string => {
    const key = asText(value)?.trim();
    if (!key) throw new ImportError(`${where}: the connection has no "${end}".`);
    const id = byId.get(key) ?? byLabel.get(key) ?? byLowerLabel.get(key.toLowerCase());
    if (!id) throw new ImportError(`${where}: "${end}" names "${key}", which is not an element of the file.`);
    return id;
  };

  data.connections.forEach((connection, index) => {
    const where = `Kumu connection ${index + 1}`;
    const source = resolve(connection.from, where, 'from');
    const target = resolve(connection.to, where, 'to');
    let polarity: '+' | '-' | '?' = '?';
    for (const name of ['polarity', 'sign', 'effect', 'influence', 'connection type', 'type']) {
      const value = field(connection, name);
      if (value === undefined) continue;
      polarity = parsePolarityWord(typeof value === 'number' ? value : asText(value)) ?? '?';
      if (polarity !== '?') break;
    }
    const direction = (asText(field(connection, 'direction')) ?? 'directed').trim().toLowerCase();
    if (!['directed', 'undirected', 'mutual', ''].includes(direction)) {
      throw new ImportError(`${where}: unknown direction "${direction}" (directed, undirected or mutual).`);
    }
    const base = {
      polarity,
      delay: parseBooleanWord(field(connection, 'delay')) ?? false,
      note: asText(field(connection, 'description', 'note')) ?? '',
      tags: splitTags(field(connection, 'tags')),
    };
    const sourceId = asText(connection._id ?? connection.id);
    draft.addEdge({ id: sourceId, source, target, ...base }, where);
    if ((direction === 'undirected' || direction === 'mutual') && source !== target) {
      draft.addEdge({ source: target, target: source, ...base }, where);
    }
  });
  return draft.finish(asText(map?.name) ?? data.name ?? '');
}
