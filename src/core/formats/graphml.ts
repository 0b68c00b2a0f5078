/**
 * GraphML (yEd, Gephi, networkx, igraph, R). Written by hand (graphology's
 * GraphML package only parses); read with the safe XML reader.
 *
 * Export: one directed graph; factors are <node id> with data keys label,
 * kind, note, tags (joined with "; "), x, y, leverage_level,
 * leverage_rationale, evidence, evidence_source, evidence_type, created_by,
 * created_at; links are <edge id source target> with polarity (+ - ?), sign
 * (1, -1, 0 for ?), delay (boolean), strength, confidence, note, tags,
 * evidence…, leverage_level, leverage_rationale. Parallel links and
 * self-links are kept.
 *
 * Import: the keys above by attr.name (any case), yEd's <y:NodeLabel> and
 * <y:Geometry> for labels and positions, and a polarity from an edge key
 * named polarity / sign / effect, or a weight of exactly 1 / -1.
 */
import {
  ImportError, MapDraft, decodeImport, liveEdges, parseBooleanWord, parseConfidenceWord, parseEvidenceTypeWord,
  parseKindWord, parsePolarityWord, parseStrengthWord, sortedById, splitTags,
  type DraftEvidence, type ExportInput, type ImportInput, type ParsedMap,
} from './types';
import type { Confidence, Strength } from '../model';
import { attr, child, children, escapeXml, parseXml, textOf, type XmlNode } from './xml';

interface KeySpec {
  id: string;
  for: 'node' | 'edge' | 'graph';
  name: string;
  type: 'string' | 'double' | 'int' | 'long' | 'boolean';
}

const KEYS: KeySpec[] = [
  { id: 'title', for: 'graph', name: 'title', type: 'string' },
  { id: 'loops_complete', for: 'graph', name: 'loops_complete', type: 'boolean' },
  { id: 'label', for: 'node', name: 'label', type: 'string' },
  { id: 'kind', for: 'node', name: 'kind', type: 'string' },
  { id: 'note', for: 'node', name: 'note', type: 'string' },
  { id: 'tags', for: 'node', name: 'tags', type: 'string' },
  { id: 'x', for: 'node', name: 'x', type: 'double' },
  { id: 'y', for: 'node', name: 'y', type: 'double' },
  { id: 'leverage_level', for: 'node', name: 'leverage_level', type: 'int' },
  { id: 'leverage_rationale', for: 'node', name: 'leverage_rationale', type: 'string' },
  { id: 'evidence', for: 'node', name: 'evidence', type: 'string' },
  { id: 'evidence_source', for: 'node', name: 'evidence_source', type: 'string' },
  { id: 'evidence_type', for: 'node', name: 'evidence_type', type: 'string' },
  { id: 'created_by', for: 'node', name: 'created_by', type: 'string' },
  { id: 'created_at', for: 'node', name: 'created_at', type: 'double' },
  { id: 'e_polarity', for: 'edge', name: 'polarity', type: 'string' },
  { id: 'e_sign', for: 'edge', name: 'sign', type: 'int' },
  { id: 'e_delay', for: 'edge', name: 'delay', type: 'boolean' },
  { id: 'e_strength', for: 'edge', name: 'strength', type: 'int' },
  { id: 'e_confidence', for: 'edge', name: 'confidence', type: 'string' },
  { id: 'e_evidence', for: 'edge', name: 'evidence', type: 'string' },
  { id: 'e_evidence_source', for: 'edge', name: 'evidence_source', type: 'string' },
  { id: 'e_evidence_type', for: 'edge', name: 'evidence_type', type: 'string' },
  { id: 'e_note', for: 'edge', name: 'note', type: 'string' },
  { id: 'e_tags', for: 'edge', name: 'tags', type: 'string' },
  { id: 'e_leverage_level', for: 'edge', name: 'leverage_level', type: 'int' },
  { id: 'e_leverage_rationale', for: 'edge', name: 'leverage_rationale', type: 'string' },
  { id: 'e_created_by', for: 'edge', name: 'created_by', type: 'string' },
  { id: 'e_created_at', for: 'edge', name: 'created_at', type: 'double' },
];

function data(key: string, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  return `      <data key="${key}">${escapeXml(String(value))}</data>\n`;
}

export function exportGraphml(input: ExportInput): string {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ';
  out += 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n';
  for (const key of KEYS) {
    out += `  <key id="${key.id}" for="${key.for}" attr.name="${key.name}" attr.type="${key.type}"/>\n`;
  }
  out += '  <graph id="G" edgedefault="directed">\n';
  out += data('title', input.title).replace(/^ {6}/, '    ');
  out += data('loops_complete', input.loopsComplete).replace(/^ {6}/, '    ');
  for (const n of sortedById(input.nodes)) {
    out += `    <node id="${escapeXml(n.id)}">\n`;
    out += data('label', n.label) + data('kind', n.kind) + data('note', n.note) + data('tags', n.tags.join('; '));
    out += data('x', n.x) + data('y', n.y);
    out += data('leverage_level', n.leverage?.level) + data('leverage_rationale', n.leverage?.rationale);
    out += data('evidence', n.evidence?.text) + data('evidence_source', n.evidence?.source) + data('evidence_type', n.evidence?.type);
    out += data('created_by', n.createdBy) + data('created_at', n.createdAt || undefined);
    out += '    </node>\n';
  }
  for (const e of liveEdges(input)) {
    out += `    <edge id="${escapeXml(e.id)}" source="${escapeXml(e.source)}" target="${escapeXml(e.target)}">\n`;
    out += data('e_polarity', e.polarity) + data('e_sign', e.polarity === '+' ? 1 : e.polarity === '-' ? -1 : 0);
    out += data('e_delay', e.delay) + data('e_strength', e.strength) + data('e_confidence', e.confidence);
    out += data('e_note', e.note) + data('e_tags', e.tags.join('; '));
    out += data('e_evidence', e.evidence?.text) + data('e_evidence_source', e.evidence?.source) + data('e_evidence_type', e.evidence?.type);
    out += data('e_leverage_level', e.leverage?.level) + data('e_leverage_rationale', e.leverage?.rationale);
    out += data('e_created_by', e.createdBy) + data('e_created_at', e.createdAt || undefined);
    out += '    </edge>\n';
  }
  out += '  </graph>\n</graphml>\n';
  return out;
}

// ---------------------------------------------------------------------------
// Import

interface KeyInfo {
  name: string;
  defaultValue?: string;
}

function readKeys(root: XmlNode): Map<string, KeyInfo> {
  const keys = new Map<string, KeyInfo>();
  for (const key of children(root, 'key')) {
    const id = attr(key, 'id');
    if (!id) continue;
    const name = (attr(key, 'attr.name') ?? attr(key, 'yfiles.type') ?? id).trim().toLowerCase();
    const def = child(key, 'default');
    keys.set(id, { name, defaultValue: def ? textOf(def) : undefined });
  }
  return keys;
}

/** data values of an element by key name (lower case), defaults filled in. */
function readData(element: XmlNode, keys: Map<string, KeyInfo>, scope: 'node' | 'edge', keyFor: Map<string, string>): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [id, info] of keys) {
    const target = keyFor.get(id);
    if (info.defaultValue !== undefined && (target === scope || target === 'all')) values.set(info.name, info.defaultValue);
  }
  for (const d of children(element, 'data')) {
    const id = attr(d, 'key');
    if (!id) continue;
    const info = keys.get(id);
    const name = info?.name ?? id.toLowerCase();
    // yEd nests its graphics inside <data>: keep the node for inspection.
    const nested = Object.keys(d).some((k) => !k.startsWith('@_') && k !== '#text');
    values.set(name, nested ? d : textOf(d));
  }
  return values;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown, where: string, name: string): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ImportError(`${where}: ${name} "${value}" is not a number.`);
  return n;
}

/** yEd: <data><y:ShapeNode><y:Geometry x y w h/><y:NodeLabel>text</y:NodeLabel></y:ShapeNode></data>. */
function yedGraphics(values: Map<string, unknown>): { label?: string; x?: number; y?: number } {
  for (const value of values.values()) {
    if (!value || typeof value !== 'object') continue;
    for (const [key, shape] of Object.entries(value as XmlNode)) {
      if (key.startsWith('@_') || !shape || typeof shape !== 'object') continue;
      const s = (Array.isArray(shape) ? shape[0] : shape) as XmlNode;
      const geometry = child(s, 'Geometry');
      const label = children(s, 'NodeLabel').map(textOf).find((t) => t.trim());
      if (!geometry && label === undefined) continue;
      const x = Number(attr(geometry, 'x'));
      const y = Number(attr(geometry, 'y'));
      return { label, x: Number.isFinite(x) ? x : undefined, y: Number.isFinite(y) ? y : undefined };
    }
  }
  return {};
}

export function importGraphml(input: ImportInput): ParsedMap {
  const text = decodeImport(input);
  const doc = parseXml(text, ['key', 'graph', 'node', 'edge', 'data', 'hyperedge'], 'GraphML');
  const root = child(doc, 'graphml');
  if (!root) throw new ImportError('This is not a GraphML file (no <graphml> element).');
  const keys = readKeys(root);
  const keyFor = new Map(children(root, 'key').map((k) => [attr(k, 'id') ?? '', attr(k, 'for') ?? 'all']));
  const graph = child(root, 'graph');
  if (!graph) throw new ImportError('The GraphML file has no <graph> element.');
  const undirectedDefault = attr(graph, 'edgedefault') === 'undirected';
  if (children(graph, 'hyperedge').length) throw new ImportError('GraphML hyperedges are not supported.');

  const draft = new MapDraft();
  const ids = new Map<string, string>();
  let title = '';
  for (const d of children(graph, 'data')) {
    const info = keys.get(attr(d, 'key') ?? '');
    if (info && ['title', 'name', 'label'].includes(info.name)) title = textOf(d);
  }

  children(graph, 'node').forEach((node, index) => {
    const sourceId = attr(node, 'id');
    const where = `GraphML node ${sourceId ? `"${sourceId}"` : `#${index + 1}`}`;
    if (!sourceId) throw new ImportError(`${where}: a node needs an id.`);
    if (ids.has(sourceId)) throw new ImportError(`${where}: the id is used twice.`);
    if (child(node, 'graph')) throw new ImportError(`${where}: nested graphs are not supported.`);
    const values = readData(node, keys, 'node', keyFor);
    const yed = yedGraphics(values);
    const label = str(values.get('label')) ?? str(values.get('name')) ?? yed.label ?? sourceId;
    const kindWord = str(values.get('kind'));
    const level = num(values.get('leverage_level'), where, 'leverage_level');
    ids.set(sourceId, draft.addNode({
      id: sourceId,
      label,
      kind: (kindWord !== undefined ? parseKindWord(kindWord) : null) ?? (kindWord?.trim() ? kindWord.trim() : 'factor'),
      x: num(values.get('x'), where, 'x') ?? yed.x,
      y: num(values.get('y'), where, 'y') ?? yed.y,
      note: str(values.get('note')) ?? str(values.get('description')) ?? '',
      tags: splitTags(str(values.get('tags'))),
      leverage: level !== undefined ? { level, rationale: str(values.get('leverage_rationale')) ?? '' } : null,
      evidence: readEvidence(values, where),
      createdBy: str(values.get('created_by')),
      createdAt: num(values.get('created_at'), where, 'created_at'),
    }, where));
  });

  children(graph, 'edge').forEach((edge, index) => {
    const sourceId = attr(edge, 'id');
    const where = `GraphML edge ${sourceId ? `"${sourceId}"` : `#${index + 1}`}`;
    const source = ids.get(attr(edge, 'source') ?? '');
    const target = ids.get(attr(edge, 'target') ?? '');
    if (!source) throw new ImportError(`${where}: source "${attr(edge, 'source') ?? ''}" is not a node of the graph.`);
    if (!target) throw new ImportError(`${where}: target "${attr(edge, 'target') ?? ''}" is not a node of the graph.`);
    const values = readData(edge, keys, 'edge', keyFor);
    const polarity = edgePolarity(values, where);
    const delay = parseBooleanWord(values.get('delay') ?? '');
    if (delay === null) throw new ImportError(`${where}: delay "${String(values.get('delay'))}" is not true or false.`);
    const level = num(values.get('leverage_level'), where, 'leverage_level');
    const directedAttr = attr(edge, 'directed');
    const undirected = directedAttr === undefined ? undirectedDefault : directedAttr === 'false';
    const base = {
      polarity,
      delay,
      ...readLinkQualities(values, where),
      evidence: readEvidence(values, where),
      note: str(values.get('note')) ?? str(values.get('description')) ?? '',
      tags: splitTags(str(values.get('tags'))),
      leverage: level !== undefined ? { level, rationale: str(values.get('leverage_rationale')) ?? '' } : null,
      createdBy: str(values.get('created_by')),
      createdAt: num(values.get('created_at'), where, 'created_at'),
    };
    draft.addEdge({ id: sourceId, source, target, ...base }, where);
    // An undirected edge is an influence both ways.
    if (undirected && source !== target) draft.addEdge({ source: target, target: source, ...base }, where);
  });
  return draft.finish(title);
}

/** evidence / evidence_source / evidence_type values (GraphML data or GEXF attributes). */
export function readEvidence(values: Map<string, unknown>, where: string): DraftEvidence {
  const typeWord = values.get('evidence_type');
  const type = parseEvidenceTypeWord(typeWord);
  if (type === undefined) throw new ImportError(`${where}: evidence_type "${String(typeWord)}" is not stated or implied.`);
  return { text: str(values.get('evidence')) ?? '', source: str(values.get('evidence_source')) ?? '', type };
}

/** strength (1–3) and confidence (low/medium/high) of a link. */
export function readLinkQualities(values: Map<string, unknown>, where: string): { strength: Strength | null; confidence: Confidence | null } {
  const strength = parseStrengthWord(values.get('strength'));
  if (strength === undefined) throw new ImportError(`${where}: strength "${String(values.get('strength'))}" is not 1, 2 or 3.`);
  const confidence = parseConfidenceWord(values.get('confidence'));
  if (confidence === undefined) throw new ImportError(`${where}: confidence "${String(values.get('confidence'))}" is not low, medium or high.`);
  return { strength, confidence };
}

/** Polarity from polarity / sign / effect / weight, in that order. */
export function edgePolarity(values: Map<string, unknown>, where: string): '+' | '-' | '?' {
  for (const name of ['polarity', 'sign', 'effect']) {
    const value = values.get(name);
    if (typeof value !== 'string') continue;
    const polarity = parsePolarityWord(value);
    if (polarity === null) throw new ImportError(`${where}: unknown ${name} "${value}" (use +, -, ?).`);
    return polarity;
  }
  const weight = values.get('weight');
  if (typeof weight === 'string' && weight.trim() !== '') {
    const n = Number(weight);
    // Only a signed weight of exactly ±1 is read as a polarity; other weights are strengths.
    if (n === -1) return '-';
    if (n === 1) return '+';
  }
  return '?';
}
