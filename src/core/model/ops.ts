import * as Y from 'yjs';
import { z } from 'zod';
import { newId } from './ids';
import { SCHEMA_VERSION, edgesMap, loopNamesMap, metaMap, nodesMap, sectionsMap } from './schema';
import { CONFIDENCES, EVIDENCE_TYPES, NODE_KINDS, POLARITIES } from './types';

/**
 * Typed write operations on a map document. Each runs in one transaction with
 * the caller's origin, so a Y.UndoManager tracking that origin undoes exactly
 * the caller's own changes, and observers see one consistent change.
 */

export interface OpContext {
  /** Transaction origin; the browser passes its LOCAL_ORIGIN so undo sees only local edits. */
  origin?: unknown;
  /** Pseudonymous author id recorded as provenance. */
  author?: string;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

export const LIMITS = {
  label: 300,
  note: 10_000,
  tag: 60,
  tagsPerElement: 50,
  title: 200,
  rationale: 2_000,
  evidenceSource: 500,
  coordinate: 1e7,
  sectionSize: 1e6,
} as const;

const label = z.string().trim().min(1, 'A factor needs a label.').max(LIMITS.label);
const coordinate = z.number().finite().min(-LIMITS.coordinate).max(LIMITS.coordinate);
const tag = z.string().trim().min(1).max(LIMITS.tag);
const id = z.string().min(1).max(64);

export const factorInput = z.object({
  id: id.optional(),
  label,
  kind: z.enum(NODE_KINDS).default('factor'),
  x: coordinate.default(0),
  y: coordinate.default(0),
  note: z.string().max(LIMITS.note).default(''),
  tags: z.array(tag).max(LIMITS.tagsPerElement).default([]),
});
export type FactorInput = z.input<typeof factorInput>;

/** Evidence fields, flat; `null` clears the evidence type. */
const evidencePatch = {
  evidence: z.string().max(LIMITS.note).optional(),
  evidenceSource: z.string().max(LIMITS.evidenceSource).optional(),
  evidenceType: z.enum(EVIDENCE_TYPES).nullable().optional(),
};

export const factorPatch = z.object({
  label: label.optional(),
  kind: z.enum(NODE_KINDS).optional(),
  x: coordinate.optional(),
  y: coordinate.optional(),
  note: z.string().max(LIMITS.note).optional(),
  ...evidencePatch,
}).strict();
export type FactorPatch = z.input<typeof factorPatch>;

export const linkInput = z.object({
  id: id.optional(),
  source: id,
  target: id,
  polarity: z.enum(POLARITIES).default('+'),
  delay: z.boolean().default(false),
  note: z.string().max(LIMITS.note).default(''),
  tags: z.array(tag).max(LIMITS.tagsPerElement).default([]),
});
export type LinkInput = z.input<typeof linkInput>;

export const linkPatch = z.object({
  polarity: z.enum(POLARITIES).optional(),
  delay: z.boolean().optional(),
  note: z.string().max(LIMITS.note).optional(),
  strength: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable().optional(),
  confidence: z.enum(CONFIDENCES).nullable().optional(),
  ...evidencePatch,
}).strict();
export type LinkPatch = z.input<typeof linkPatch>;

export const leverageInput = z.object({
  level: z.number().int().min(1).max(12),
  rationale: z.string().max(LIMITS.rationale).default(''),
});
export type LeverageInput = z.input<typeof leverageInput>;

export const metaPatch = z.object({
  title: z.string().trim().max(LIMITS.title).optional(),
}).strict();
export type MetaPatch = z.input<typeof metaPatch>;

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ModelError(`${where}${issue?.message ?? 'invalid input'}`);
  }
  return result.data;
}

function transact<T>(doc: Y.Doc, ctx: OpContext, fn: () => T): T {
  let result!: T;
  doc.transact(() => {
    result = fn();
  }, ctx.origin ?? null);
  return result;
}

function stamp(ctx: OpContext): { createdBy: string; createdAt: number } {
  return { createdBy: ctx.author ?? '', createdAt: (ctx.now ?? Date.now)() };
}

function tagSet(tags: readonly string[]): Y.Map<boolean> {
  const set = new Y.Map<boolean>();
  for (const t of tags) set.set(t, true);
  return set;
}

function requireNode(doc: Y.Doc, nodeId: string): Y.Map<unknown> {
  const entry = nodesMap(doc).get(nodeId);
  if (!(entry instanceof Y.Map)) throw new ModelError(`There is no factor with id "${nodeId}".`);
  return entry;
}

function requireEdge(doc: Y.Doc, edgeId: string): Y.Map<unknown> {
  const entry = edgesMap(doc).get(edgeId);
  if (!(entry instanceof Y.Map)) throw new ModelError(`There is no link with id "${edgeId}".`);
  return entry;
}

/** A factor or a link: tags and leverage may sit on either. */
function requireElement(doc: Y.Doc, elementId: string): Y.Map<unknown> {
  const entry = nodesMap(doc).get(elementId) ?? edgesMap(doc).get(elementId);
  if (!(entry instanceof Y.Map)) throw new ModelError(`There is no factor or link with id "${elementId}".`);
  return entry;
}

/** Sets identity and schema of a new map. Only the server calls this, once, at creation. */
export function initMap(doc: Y.Doc, init: { mapId: string; title: string; createdAt?: number }, ctx: OpContext = {}): void {
  const title = parse(z.string().trim().max(LIMITS.title), init.title);
  transact(doc, ctx, () => {
    const meta = metaMap(doc);
    meta.set('mapId', init.mapId);
    meta.set('title', title);
    meta.set('schemaVersion', SCHEMA_VERSION);
    meta.set('createdAt', init.createdAt ?? (ctx.now ?? Date.now)());
  });
}

export function setMeta(doc: Y.Doc, patch: MetaPatch, ctx: OpContext = {}): void {
  const values = parse(metaPatch, patch);
  transact(doc, ctx, () => {
    if (values.title !== undefined) metaMap(doc).set('title', values.title);
  });
}

export function addFactor(doc: Y.Doc, input: FactorInput, ctx: OpContext = {}): string {
  const values = parse(factorInput, input);
  const nodeId = values.id ?? newId();
  return transact(doc, ctx, () => {
    if (nodesMap(doc).has(nodeId)) throw new ModelError(`A factor with id "${nodeId}" already exists.`);
    const entry = new Y.Map<unknown>();
    entry.set('label', values.label);
    entry.set('kind', values.kind);
    entry.set('x', values.x);
    entry.set('y', values.y);
    entry.set('note', values.note);
    entry.set('tags', tagSet(values.tags));
    const { createdBy, createdAt } = stamp(ctx);
    entry.set('createdBy', createdBy);
    entry.set('createdAt', createdAt);
    nodesMap(doc).set(nodeId, entry);
    return nodeId;
  });
}

/** Writes only the keys given (null deletes), so concurrent edits of other fields survive. */
function writePatch(entry: Y.Map<unknown>, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (value === null) {
      if (entry.has(key)) entry.delete(key);
    } else if (entry.get(key) !== value) {
      entry.set(key, value);
    }
  }
}

export function updateFactor(doc: Y.Doc, nodeId: string, patch: FactorPatch, ctx: OpContext = {}): void {
  const values = parse(factorPatch, patch);
  transact(doc, ctx, () => writePatch(requireNode(doc, nodeId), values));
}

/** Removes a factor and every link to or from it, in one transaction. */
export function removeFactor(doc: Y.Doc, nodeId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    requireNode(doc, nodeId);
    const edges = edgesMap(doc);
    for (const [edgeId, entry] of [...edges.entries()]) {
      if (entry instanceof Y.Map && (entry.get('source') === nodeId || entry.get('target') === nodeId)) {
        edges.delete(edgeId);
      }
    }
    nodesMap(doc).delete(nodeId);
  });
}

export function addLink(doc: Y.Doc, input: LinkInput, ctx: OpContext = {}): string {
  const values = parse(linkInput, input);
  const edgeId = values.id ?? newId();
  return transact(doc, ctx, () => {
    requireNode(doc, values.source);
    requireNode(doc, values.target);
    if (edgesMap(doc).has(edgeId)) throw new ModelError(`A link with id "${edgeId}" already exists.`);
    const entry = new Y.Map<unknown>();
    entry.set('source', values.source);
    entry.set('target', values.target);
    entry.set('polarity', values.polarity);
    entry.set('delay', values.delay);
    entry.set('note', values.note);
    entry.set('tags', tagSet(values.tags));
    const { createdBy, createdAt } = stamp(ctx);
    entry.set('createdBy', createdBy);
    entry.set('createdAt', createdAt);
    edgesMap(doc).set(edgeId, entry);
    return edgeId;
  });
}

export function updateLink(doc: Y.Doc, edgeId: string, patch: LinkPatch, ctx: OpContext = {}): void {
  const values = parse(linkPatch, patch);
  transact(doc, ctx, () => writePatch(requireEdge(doc, edgeId), values));
}

/** Turns a link round (B → A instead of A → B), keeping its id, polarity, delay and evidence. */
export function reverseLink(doc: Y.Doc, edgeId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    const entry = requireEdge(doc, edgeId);
    const source = entry.get('source');
    const target = entry.get('target');
    if (source === target) return;
    entry.set('source', target);
    entry.set('target', source);
  });
}

export function removeLink(doc: Y.Doc, edgeId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    requireEdge(doc, edgeId);
    edgesMap(doc).delete(edgeId);
  });
}

function ensureTagSet(entry: Y.Map<unknown>): Y.Map<boolean> {
  const existing = entry.get('tags');
  if (existing instanceof Y.Map) return existing as Y.Map<boolean>;
  // Written by a foreign client as something else: keep its tags, as a set.
  const set = tagSet(Array.isArray(existing) ? existing.filter((t): t is string => typeof t === 'string') : []);
  entry.set('tags', set);
  return set;
}

export function addTag(doc: Y.Doc, elementId: string, tagText: string, ctx: OpContext = {}): void {
  const value = parse(tag, tagText);
  transact(doc, ctx, () => {
    const tags = ensureTagSet(requireElement(doc, elementId));
    if (!tags.has(value) && tags.size >= LIMITS.tagsPerElement) {
      throw new ModelError(`A factor or link can carry at most ${LIMITS.tagsPerElement} tags.`);
    }
    if (!tags.has(value)) tags.set(value, true);
  });
}

export function removeTag(doc: Y.Doc, elementId: string, tagText: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    const tags = ensureTagSet(requireElement(doc, elementId));
    tags.delete(tagText.trim());
  });
}

/** Marks a factor or link as a leverage point (Meadows level and rationale), or clears it with null. */
export function setLeverage(doc: Y.Doc, elementId: string, input: LeverageInput | null, ctx: OpContext = {}): void {
  const values = input === null ? null : parse(leverageInput, input);
  transact(doc, ctx, () => {
    const entry = requireElement(doc, elementId);
    if (values === null) {
      entry.delete('leverage');
      return;
    }
    // Changed in place, key by key, so that one person setting the level while another
    // writes the rationale keeps both.
    const existing = entry.get('leverage');
    const leverage = existing instanceof Y.Map ? (existing as Y.Map<unknown>) : new Y.Map<unknown>();
    if (leverage.get('level') !== values.level) leverage.set('level', values.level);
    if (leverage.get('rationale') !== values.rationale) leverage.set('rationale', values.rationale);
    leverage.set('setBy', ctx.author ?? '');
    leverage.set('setAt', (ctx.now ?? Date.now)());
    if (leverage !== existing) entry.set('leverage', leverage);
  });
}

export function setLoopName(
  doc: Y.Doc,
  signature: string,
  name: { title?: string; note?: string } | null,
  ctx: OpContext = {},
): void {
  const values = name === null ? null : parse(z.object({
    title: z.string().trim().max(LIMITS.title).optional(),
    note: z.string().max(LIMITS.note).optional(),
  }).strict(), name);
  transact(doc, ctx, () => {
    const names = loopNamesMap(doc);
    if (values === null) {
      names.delete(signature);
      return;
    }
    let entry = names.get(signature);
    if (!(entry instanceof Y.Map)) {
      entry = new Y.Map<unknown>();
      names.set(signature, entry);
    }
    if (values.title !== undefined) entry.set('title', values.title);
    if (values.note !== undefined) entry.set('note', values.note);
  });
}

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour is written like #a1b2c3.');
const sectionSize = z.number().finite().min(40).max(LIMITS.sectionSize);

export const sectionInput = z.object({
  id: id.optional(),
  title: z.string().trim().max(LIMITS.title).default(''),
  colour: colour.default('#e5e7eb'),
  x: coordinate.default(0),
  y: coordinate.default(0),
  width: sectionSize.default(400),
  height: sectionSize.default(300),
});
export type SectionInput = z.input<typeof sectionInput>;

export const sectionPatch = z.object({
  title: z.string().trim().max(LIMITS.title).optional(),
  colour: colour.optional(),
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: sectionSize.optional(),
  height: sectionSize.optional(),
}).strict();
export type SectionPatch = z.input<typeof sectionPatch>;

export function addSection(doc: Y.Doc, input: SectionInput, ctx: OpContext = {}): string {
  const values = parse(sectionInput, input);
  const sectionId = values.id ?? newId();
  return transact(doc, ctx, () => {
    if (sectionsMap(doc).has(sectionId)) throw new ModelError(`A section with id "${sectionId}" already exists.`);
    const entry = new Y.Map<unknown>();
    for (const key of ['title', 'colour', 'x', 'y', 'width', 'height'] as const) entry.set(key, values[key]);
    sectionsMap(doc).set(sectionId, entry);
    return sectionId;
  });
}

export function updateSection(doc: Y.Doc, sectionId: string, patch: SectionPatch, ctx: OpContext = {}): void {
  const values = parse(sectionPatch, patch);
  transact(doc, ctx, () => {
    const entry = sectionsMap(doc).get(sectionId);
    if (!(entry instanceof Y.Map)) throw new ModelError(`There is no section with id "${sectionId}".`);
    writePatch(entry, values);
  });
}

/** Removes a section; the factors in it stay where they are. */
export function removeSection(doc: Y.Doc, sectionId: string, ctx: OpContext = {}): void {
  transact(doc, ctx, () => {
    if (!sectionsMap(doc).has(sectionId)) throw new ModelError(`There is no section with id "${sectionId}".`);
    sectionsMap(doc).delete(sectionId);
  });
}
