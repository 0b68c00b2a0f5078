import * as Y from 'yjs';
import { z } from 'zod';
import {
  CONFIDENCES, EDGE_FIELDS, EVIDENCE_TYPES, LIMITS, NODE_FIELDS, NODE_KINDS, POLARITIES,
  edgesMap, loopNamesMap, metaMap, nodesMap, readShownMap, sectionsMap,
  type MapEdge, type MapNode, type MapSection,
} from '../model';
import type { ExportInput } from './types';

/**
 * The research format (DESIGN.md, "Export JSON"): `format: "causeway-map"`,
 * `version: 1`. Importing an export restores the map exactly: ids, labels,
 * kinds, positions, tags, leverage, provenance, loop names and unknown keys.
 */

export const JSON_FORMAT = 'causeway-map';
export const JSON_VERSION = 1;

export const IMPORT_LIMITS = {
  nodes: 20_000,
  edges: 50_000,
} as const;

export interface ExportedLoop {
  id: string;
  name?: string;
  polarity: 'R' | 'B' | '?';
  delayed: boolean;
  length: number;
  nodeIds: string[];
  edgeIds: string[];
}

export interface LoopExport {
  loops: ExportedLoop[];
  complete: boolean;
}

export type ExportedNode = Omit<MapNode, 'extra'> & Record<string, unknown>;
export type ExportedEdge = Omit<MapEdge, 'extra'> & Record<string, unknown>;
export type ExportedSection = Omit<MapSection, 'extra'> & Record<string, unknown>;

export interface CausewayJson {
  format: typeof JSON_FORMAT;
  version: typeof JSON_VERSION;
  mapId: string;
  title: string;
  createdAt: number;
  exportedAt: string;
  nodes: ExportedNode[];
  edges: ExportedEdge[];
  sections: ExportedSection[];
  loopNames: Record<string, { title?: string; note?: string }>;
  loops: ExportedLoop[];
  loopsComplete: boolean;
  /** Counts, and caveats a reader of the file should know. */
  summary: { nodes: number; edges: number; loops: number };
}

function flatten<T extends { extra: Record<string, unknown> }>(element: T): Omit<T, 'extra'> & Record<string, unknown> {
  const { extra, ...known } = element;
  // Known fields win over an unknown key of the same name (cannot happen from our reader).
  return { ...extra, ...known };
}

function readLoopNames(doc: Y.Doc): Record<string, { title?: string; note?: string }> {
  const out: Record<string, { title?: string; note?: string }> = {};
  for (const [signature, entry] of loopNamesMap(doc).entries()) {
    if (!(entry instanceof Y.Map)) continue;
    const title = entry.get('title');
    const note = entry.get('note');
    const name: { title?: string; note?: string } = {};
    if (typeof title === 'string') name.title = title;
    if (typeof note === 'string') name.note = note;
    out[signature] = name;
  }
  return out;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Everything an exporter needs from a document. `loops` come from the
 * analysis engine; without them the export says the loop list is not
 * complete rather than claiming a map has no loops.
 */
export function exportInputFromDoc(doc: Y.Doc, loops?: LoopExport, now?: Date, alsoLeaveOut?: ReadonlySet<string>): ExportInput {
  // Exports hold what participants see: nothing hidden by the facilitator or withdrawn by its author.
  const map = readShownMap(doc, alsoLeaveOut);
  const input: ExportInput = {
    title: map.meta.title,
    nodes: map.nodes,
    edges: map.edges,
    loops: loops?.loops ?? [],
    loopsComplete: loops?.complete ?? false,
    loopNames: readLoopNames(doc),
    sections: map.sections,
    mapId: map.meta.mapId,
    createdAt: map.meta.createdAt,
  };
  if (now) input.now = now;
  return input;
}

/** The research format from an export input; loops carry the names given to them. */
export function toCausewayJson(input: ExportInput): CausewayJson {
  const loopNames = input.loopNames ?? {};
  const loops = input.loops.map((loop) => {
    const title = loopNames[loop.id]?.title;
    return title && !loop.name ? { ...loop, name: title } : loop;
  });
  const nodes = [...input.nodes].sort(byId).map(flatten);
  const edges = [...input.edges].sort(byId).map(flatten);
  const sections = [...(input.sections ?? [])].sort(byId).map(flatten);
  return {
    format: JSON_FORMAT,
    version: JSON_VERSION,
    mapId: input.mapId ?? '',
    title: input.title,
    createdAt: input.createdAt ?? 0,
    exportedAt: (input.now ?? new Date()).toISOString(),
    nodes,
    edges,
    sections,
    loopNames,
    loops,
    loopsComplete: input.loopsComplete,
    summary: { nodes: nodes.length, edges: edges.length, loops: loops.length },
  };
}

export function exportMapJson(doc: Y.Doc, options: { loops?: LoopExport; now?: Date } = {}): CausewayJson {
  return toCausewayJson(exportInputFromDoc(doc, options.loops, options.now));
}

const leverageSchema = z.object({
  level: z.number().int().min(1).max(12),
  rationale: z.string().max(LIMITS.rationale).default(''),
  setBy: z.string().max(200).optional(),
  setAt: z.number().finite().optional(),
}).nullable().default(null);

const idSchema = z.string().min(1).max(64);
const tagsSchema = z.array(z.string().trim().min(1).max(LIMITS.tag)).max(LIMITS.tagsPerElement).default([]);
const provenance = {
  createdBy: z.string().max(200).default(''),
  createdAt: z.number().finite().default(0),
};
const evidenceSchema = z.object({
  text: z.string().max(LIMITS.note).default(''),
  source: z.string().max(LIMITS.evidenceSource).default(''),
  type: z.enum(EVIDENCE_TYPES).nullable().default(null),
}).default({ text: '', source: '', type: null });

const nodeSchema = z.looseObject({
  id: idSchema,
  label: z.string().max(LIMITS.label),
  // Unknown kinds are kept (a newer client may have written them).
  kind: z.string().min(1).max(40).default('factor'),
  x: z.number().finite().default(0),
  y: z.number().finite().default(0),
  note: z.string().max(LIMITS.note).default(''),
  tags: tagsSchema,
  leverage: leverageSchema,
  evidence: evidenceSchema,
  ...provenance,
});

const edgeSchema = z.looseObject({
  id: idSchema,
  source: idSchema,
  target: idSchema,
  polarity: z.enum(POLARITIES),
  delay: z.boolean().default(false),
  note: z.string().max(LIMITS.note).default(''),
  tags: tagsSchema,
  leverage: leverageSchema,
  evidence: evidenceSchema,
  strength: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable().default(null),
  confidence: z.enum(CONFIDENCES).nullable().default(null),
  ...provenance,
});

const sectionSchema = z.looseObject({
  id: idSchema,
  title: z.string().max(LIMITS.title).default(''),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#e5e7eb'),
  x: z.number().finite().default(0),
  y: z.number().finite().default(0),
  width: z.number().finite().min(40).max(LIMITS.sectionSize).default(400),
  height: z.number().finite().min(40).max(LIMITS.sectionSize).default(300),
});

export const causewayJsonSchema = z.looseObject({
  format: z.literal(JSON_FORMAT, { message: 'This is not a Causeway map file (format must be "causeway-map").' }),
  version: z.literal(JSON_VERSION, { message: 'This Causeway map file has a version this server cannot read.' }),
  title: z.string().max(LIMITS.title).default(''),
  nodes: z.array(nodeSchema).max(IMPORT_LIMITS.nodes),
  edges: z.array(edgeSchema).max(IMPORT_LIMITS.edges),
  sections: z.array(sectionSchema).max(1_000).default([]),
  loopNames: z.record(z.string().max(2_000), z.object({
    title: z.string().max(LIMITS.title).optional(),
    note: z.string().max(LIMITS.note).optional(),
  })).default({}),
});
export type CausewayJsonInput = z.input<typeof causewayJsonSchema>;

export class ImportError extends Error {
  override name = 'ImportError';
}

/** Parses and checks a causeway-map file; errors name the field at fault. */
export function parseMapJson(input: unknown): z.output<typeof causewayJsonSchema> {
  const result = causewayJsonSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length ? ` (at ${issue.path.join('.')})` : '';
    throw new ImportError(`${issue?.message ?? 'The file is not valid.'}${where}`);
  }
  const data = result.data;
  const ids = new Set<string>();
  for (const node of data.nodes) {
    if (ids.has(node.id)) throw new ImportError(`Two factors share the id "${node.id}".`);
    ids.add(node.id);
  }
  const edgeIds = new Set<string>();
  for (const edge of data.edges) {
    if (edgeIds.has(edge.id) || ids.has(edge.id)) throw new ImportError(`The id "${edge.id}" is used twice.`);
    edgeIds.add(edge.id);
    if (!ids.has(edge.source)) throw new ImportError(`Link "${edge.id}" starts at a factor that is not in the file ("${edge.source}").`);
    if (!ids.has(edge.target)) throw new ImportError(`Link "${edge.id}" ends at a factor that is not in the file ("${edge.target}").`);
  }
  return data;
}

function writeElement(entry: Y.Map<unknown>, element: Record<string, unknown>, known: readonly string[]): void {
  for (const [key, value] of Object.entries(element)) {
    if (key === 'id' || value === undefined) continue;
    if (key === 'tags') {
      const set = new Y.Map<boolean>();
      for (const tag of value as string[]) set.set(tag.trim(), true);
      entry.set('tags', set);
    } else if (key === 'evidence' && typeof value === 'object' && value !== null) {
      // Stored flat (see EVIDENCE_FIELDS); empty parts are not written.
      const evidence = value as { text?: string; source?: string; type?: string | null };
      if (evidence.text) entry.set('evidence', evidence.text);
      if (evidence.source) entry.set('evidenceSource', evidence.source);
      if (evidence.type) entry.set('evidenceType', evidence.type);
    } else if ((key === 'strength' || key === 'confidence') && value === null) {
      continue;
    } else if (key === 'leverage') {
      if (value === null) continue;
      const leverage = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) leverage.set(k, v);
      entry.set('leverage', leverage);
    } else if (known.includes(key) || isJsonValue(value)) {
      entry.set(key, value);
    }
  }
}

function isJsonValue(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value) || typeof value === 'object';
}

/**
 * Writes a parsed file's content into `doc` (the map's identity and title are
 * the caller's business: an import always makes a new map). Node kinds this
 * version does not know are kept as written.
 */
export function applyMapJson(
  doc: Y.Doc,
  data: z.output<typeof causewayJsonSchema>,
  origin: unknown = 'import',
): void {
  doc.transact(() => {
    const nodes = nodesMap(doc);
    for (const node of data.nodes) {
      const entry = new Y.Map<unknown>();
      nodes.set(node.id, entry);
      writeElement(entry, node, NODE_FIELDS);
    }
    const edges = edgesMap(doc);
    for (const edge of data.edges) {
      const entry = new Y.Map<unknown>();
      edges.set(edge.id, entry);
      writeElement(entry, edge, EDGE_FIELDS);
    }
    const sections = sectionsMap(doc);
    for (const section of data.sections) {
      const entry = new Y.Map<unknown>();
      sections.set(section.id, entry);
      writeElement(entry, section, []);
    }
    const names = loopNamesMap(doc);
    for (const [signature, name] of Object.entries(data.loopNames)) {
      const entry = new Y.Map<unknown>();
      names.set(signature, entry);
      if (name.title !== undefined) entry.set('title', name.title);
      if (name.note !== undefined) entry.set('note', name.note);
    }
    if (!metaMap(doc).get('title') && data.title) metaMap(doc).set('title', data.title);
  }, origin);
}

/** Kinds the product draws; anything else is drawn as a plain factor. */
export function isKnownKind(kind: string): boolean {
  return (NODE_KINDS as readonly string[]).includes(kind);
}
