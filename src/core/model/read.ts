import * as Y from 'yjs';
import {
  EDGE_FIELDS, META_FIELDS, NODE_FIELDS, SCHEMA_VERSION, SECTION_FIELDS,
  edgesMap, metaMap, nodesMap, sectionsMap,
} from './schema';
import {
  CONFIDENCES, EVIDENCE_TYPES, POLARITIES, STRENGTHS,
  type Confidence, type Evidence, type Leverage, type MapEdge, type MapMeta, type MapNode, type MapSection,
  type MapSnapshot, type Polarity, type Strength,
} from './types';

/**
 * Reading a document is defensive: any client (or an older or newer version)
 * may have written it. Wrong types fall back to safe defaults, unknown keys
 * are kept in `extra`, and nothing read here can throw.
 */

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function toPlain(value: unknown): unknown {
  if (value instanceof Y.AbstractType) return value.toJSON();
  return value;
}

function extras(entry: Y.Map<unknown>, known: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entry.entries()) {
    if (!known.includes(key)) out[key] = toPlain(value);
  }
  return out;
}

/** Tags are a Y.Map used as a set (tag → true), so concurrent additions both survive. */
export function readTags(value: unknown): string[] {
  let tags: string[] = [];
  if (value instanceof Y.Map) tags = [...value.keys()];
  else if (Array.isArray(value)) tags = value.filter((t): t is string => typeof t === 'string');
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort();
}

export function readLeverage(value: unknown): Leverage | null {
  const plain = toPlain(value);
  if (!plain || typeof plain !== 'object') return null;
  const record = plain as Record<string, unknown>;
  const level = record.level;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 12) return null;
  const leverage: Leverage = { level, rationale: str(record.rationale) };
  if (typeof record.setBy === 'string') leverage.setBy = record.setBy;
  if (typeof record.setAt === 'number') leverage.setAt = record.setAt;
  return leverage;
}

export function readEvidence(entry: Y.Map<unknown>): Evidence {
  const type = entry.get('evidenceType');
  return {
    text: str(entry.get('evidence')),
    source: str(entry.get('evidenceSource')),
    type: (EVIDENCE_TYPES as readonly unknown[]).includes(type) ? (type as Evidence['type']) : null,
  };
}

function readStrength(value: unknown): Strength | null {
  return (STRENGTHS as readonly unknown[]).includes(value) ? (value as Strength) : null;
}

function readConfidence(value: unknown): Confidence | null {
  return (CONFIDENCES as readonly unknown[]).includes(value) ? (value as Confidence) : null;
}

export function readPolarity(value: unknown): Polarity {
  return (POLARITIES as readonly unknown[]).includes(value) ? (value as Polarity) : '?';
}

export function readNode(id: string, entry: Y.Map<unknown>): MapNode {
  return {
    id,
    label: str(entry.get('label')),
    kind: str(entry.get('kind'), 'factor') || 'factor',
    x: num(entry.get('x')),
    y: num(entry.get('y')),
    note: str(entry.get('note')),
    tags: readTags(entry.get('tags')),
    leverage: readLeverage(entry.get('leverage')),
    evidence: readEvidence(entry),
    createdBy: str(entry.get('createdBy')),
    createdAt: num(entry.get('createdAt')),
    extra: extras(entry, NODE_FIELDS),
  };
}

export function readEdge(id: string, entry: Y.Map<unknown>): MapEdge {
  return {
    id,
    source: str(entry.get('source')),
    target: str(entry.get('target')),
    polarity: readPolarity(entry.get('polarity')),
    delay: entry.get('delay') === true,
    note: str(entry.get('note')),
    tags: readTags(entry.get('tags')),
    leverage: readLeverage(entry.get('leverage')),
    evidence: readEvidence(entry),
    strength: readStrength(entry.get('strength')),
    confidence: readConfidence(entry.get('confidence')),
    createdBy: str(entry.get('createdBy')),
    createdAt: num(entry.get('createdAt')),
    extra: extras(entry, EDGE_FIELDS),
  };
}

export function readMeta(doc: Y.Doc): MapMeta {
  const meta = metaMap(doc);
  return {
    title: str(meta.get('title')),
    schemaVersion: num(meta.get('schemaVersion'), SCHEMA_VERSION),
    mapId: str(meta.get('mapId')),
    createdAt: num(meta.get('createdAt')),
    extra: extras(meta, META_FIELDS),
  };
}

/** By id: a Y.Map iterates in each replica's own arrival order, and readers must agree. */
function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every node whose entry is a Y.Map (a foreign client could write anything), in id order. */
export function readNodes(doc: Y.Doc): MapNode[] {
  const out: MapNode[] = [];
  for (const [id, entry] of nodesMap(doc).entries()) {
    if (entry instanceof Y.Map) out.push(readNode(id, entry));
  }
  return out.sort(byId);
}

/**
 * Every edge whose ends both exist. A link can outlive its factor when one
 * person deletes a factor while another connects to it; such a link is
 * invisible rather than dangling.
 */
export function readEdges(doc: Y.Doc, nodeIds?: ReadonlySet<string>): MapEdge[] {
  const ids = nodeIds ?? new Set(nodesMap(doc).keys());
  const out: MapEdge[] = [];
  for (const [id, entry] of edgesMap(doc).entries()) {
    if (!(entry instanceof Y.Map)) continue;
    const edge = readEdge(id, entry);
    if (ids.has(edge.source) && ids.has(edge.target)) out.push(edge);
  }
  return out.sort(byId);
}

export function readSection(id: string, entry: Y.Map<unknown>): MapSection {
  return {
    id,
    title: str(entry.get('title')),
    colour: str(entry.get('colour'), '#e5e7eb') || '#e5e7eb',
    x: num(entry.get('x')),
    y: num(entry.get('y')),
    width: Math.max(40, num(entry.get('width'), 400)),
    height: Math.max(40, num(entry.get('height'), 300)),
    extra: extras(entry, SECTION_FIELDS),
  };
}

export function readSections(doc: Y.Doc): MapSection[] {
  const out: MapSection[] = [];
  for (const [id, entry] of sectionsMap(doc).entries()) {
    if (entry instanceof Y.Map) out.push(readSection(id, entry));
  }
  return out.sort(byId);
}

export function readMap(doc: Y.Doc): MapSnapshot {
  const nodes = readNodes(doc);
  const edges = readEdges(doc, new Set(nodes.map((n) => n.id)));
  return { meta: readMeta(doc), nodes, edges, sections: readSections(doc) };
}
