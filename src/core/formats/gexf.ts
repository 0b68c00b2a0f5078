/**
 * GEXF 1.3 (Gephi, networkx). Written with graphology-gexf (`version: '1.3'`:
 * its 1.2 writer emits a broken viz namespace); read with the safe XML reader.
 *
 * Export: a directed multigraph. Factors: label, viz:position (x, and y
 * negated, because Gephi's y axis points up while the canvas's points down),
 * attributes kind, note, tags ("a|b"), leverage_level, leverage_rationale,
 * evidence, evidence_source, evidence_type, created_by, created_at. Links:
 * label (the polarity sign), attributes polarity (+ - ?), sign (1 / -1 / 0),
 * delay (boolean), strength, confidence, note, tags, evidence…,
 * leverage_level, leverage_rationale.
 *
 * Import: nodes, edges (undirected and mutual edges become a link each way),
 * attribute values by attribute title, viz:position (y negated back), and a
 * polarity from an attribute titled polarity / sign / effect or an edge
 * weight of exactly 1 / -1.
 */
import { MultiDirectedGraph } from 'graphology';
import type { write as GexfWrite } from 'graphology-gexf';
// The writer alone (the package entry also loads an XML DOM parser we do not need); typed from the entry.
// @ts-expect-error -- the deep path has no type declarations of its own
import gexfWriter from 'graphology-gexf/common/writer.js';

const writeGexfFile = gexfWriter as typeof GexfWrite;
import { edgePolarity, readEvidence, readLinkQualities } from './graphml';
import {
  ImportError, MapDraft, decodeImport, liveEdges, parseBooleanWord, parseKindWord, sortedById, splitTags,
  type ExportInput, type ImportInput, type ParsedMap,
} from './types';
import { attr, child, children, parseXml, textOf, xmlSafe, type XmlNode } from './xml';

type Attrs = Record<string, string | number | boolean | undefined>;

function clean<T extends Attrs>(attrs: T): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === '') continue;
    out[k] = typeof v === 'string' ? xmlSafe(v) : v;
  }
  return out;
}

export function exportGexf(input: ExportInput): string {
  const graph = new MultiDirectedGraph({ allowSelfLoops: true });
  graph.replaceAttributes({ creator: 'Causeway', description: xmlSafe(input.title) });
  for (const n of sortedById(input.nodes)) {
    graph.addNode(n.id, {
      label: xmlSafe(n.label),
      x: n.x,
      // Gephi's y axis points up.
      y: n.y === 0 ? 0 : -n.y,
      kind: n.kind,
      note: n.note,
      tags: n.tags.join('|'),
      leverage_level: n.leverage?.level,
      leverage_rationale: n.leverage?.rationale,
      evidence: n.evidence?.text,
      evidence_source: n.evidence?.source,
      evidence_type: n.evidence?.type ?? undefined,
      created_by: n.createdBy,
      created_at: n.createdAt || undefined,
    });
  }
  for (const e of liveEdges(input)) {
    graph.addDirectedEdgeWithKey(e.id, e.source, e.target, {
      polarity: e.polarity,
      sign: e.polarity === '+' ? 1 : e.polarity === '-' ? -1 : 0,
      delay: e.delay,
      strength: e.strength ?? undefined,
      confidence: e.confidence ?? undefined,
      note: e.note,
      evidence: e.evidence?.text,
      evidence_source: e.evidence?.source,
      evidence_type: e.evidence?.type ?? undefined,
      tags: e.tags.join('|'),
      leverage_level: e.leverage?.level,
      leverage_rationale: e.leverage?.rationale,
      created_by: e.createdBy,
      created_at: e.createdAt || undefined,
    });
  }
  return writeGexfFile(graph, {
    version: '1.3',
    formatNode: (_key, a) => {
      const { label, x, y, ...rest } = a as Attrs;
      return { label: String(label), viz: { x: Number(x), y: Number(y) }, attributes: clean(rest) };
    },
    formatEdge: (_key, a) => ({ label: String((a as Attrs).polarity), attributes: clean(a as Attrs) }),
  });
}

// ---------------------------------------------------------------------------
// Import

interface AttributeModel {
  title: string;
  defaultValue?: string;
}

function readModel(graph: XmlNode, cls: 'node' | 'edge'): Map<string, AttributeModel> {
  const model = new Map<string, AttributeModel>();
  for (const block of children(graph, 'attributes')) {
    if ((attr(block, 'class') ?? 'node') !== cls) continue;
    for (const a of children(block, 'attribute')) {
      const id = attr(a, 'id');
      if (id === undefined) continue;
      const def = child(a, 'default');
      model.set(id, { title: (attr(a, 'title') ?? id).trim().toLowerCase(), defaultValue: def ? textOf(def) : undefined });
    }
  }
  return model;
}

function readValues(element: XmlNode, model: Map<string, AttributeModel>): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const info of model.values()) if (info.defaultValue !== undefined) values.set(info.title, info.defaultValue);
  for (const block of children(element, 'attvalues')) {
    for (const v of children(block, 'attvalue')) {
      const key = attr(v, 'for') ?? attr(v, 'id');
      if (key === undefined) continue;
      values.set(model.get(key)?.title ?? key.toLowerCase(), attr(v, 'value') ?? '');
    }
  }
  return values;
}

function num(value: unknown, where: string, name: string): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ImportError(`${where}: ${name} "${value}" is not a number.`);
  return n;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** GEXF 1.3 writes list values as `[a, b]`; 1.2 as `a|b`. */
function listValue(value: string | undefined): string[] {
  if (!value) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    return trimmed.slice(1, -1).split(',').map((t) => t.trim().replace(/^(["'])(.*)\1$/, '$2')).filter(Boolean);
  }
  return splitTags(trimmed);
}

export function importGexf(input: ImportInput): ParsedMap {
  const text = decodeImport(input);
  const doc = parseXml(text, ['node', 'edge', 'attributes', 'attribute', 'attvalues', 'attvalue', 'graph'], 'GEXF');
  const root = child(doc, 'gexf');
  if (!root) throw new ImportError('This is not a GEXF file (no <gexf> element).');
  const graph = child(root, 'graph');
  if (!graph) throw new ImportError('The GEXF file has no <graph> element.');
  const meta = child(root, 'meta');
  const title = textOf(child(meta, 'title')) || textOf(child(meta, 'description'));
  const defaultType = attr(graph, 'defaultedgetype') ?? 'undirected';
  const nodeModel = readModel(graph, 'node');
  const edgeModel = readModel(graph, 'edge');

  const draft = new MapDraft();
  const ids = new Map<string, string>();
  children(child(graph, 'nodes'), 'node').forEach((node, index) => {
    const sourceId = attr(node, 'id');
    const where = `GEXF node ${sourceId !== undefined ? `"${sourceId}"` : `#${index + 1}`}`;
    if (sourceId === undefined) throw new ImportError(`${where}: a node needs an id.`);
    if (ids.has(sourceId)) throw new ImportError(`${where}: the id is used twice.`);
    if (child(node, 'nodes')) throw new ImportError(`${where}: nested nodes are not supported.`);
    const values = readValues(node, nodeModel);
    const position = child(node, 'position');
    const kindWord = str(values.get('kind'));
    const level = num(values.get('leverage_level'), where, 'leverage_level');
    const y = num(attr(position, 'y'), where, 'viz:position y');
    ids.set(sourceId, draft.addNode({
      id: sourceId,
      label: attr(node, 'label') ?? str(values.get('label')) ?? sourceId,
      kind: (kindWord !== undefined ? parseKindWord(kindWord) : null) ?? (kindWord?.trim() ? kindWord.trim() : 'factor'),
      x: num(attr(position, 'x'), where, 'viz:position x'),
      y: y === undefined || y === 0 ? y : -y,
      note: str(values.get('note')) ?? str(values.get('description')) ?? '',
      tags: listValue(str(values.get('tags'))),
      leverage: level !== undefined ? { level, rationale: str(values.get('leverage_rationale')) ?? '' } : null,
      evidence: readEvidence(values, where),
      createdBy: str(values.get('created_by')),
      createdAt: num(values.get('created_at'), where, 'created_at'),
    }, where));
  });

  children(child(graph, 'edges'), 'edge').forEach((edge, index) => {
    const sourceId = attr(edge, 'id');
    const where = `GEXF edge ${sourceId !== undefined ? `"${sourceId}"` : `#${index + 1}`}`;
    const source = ids.get(attr(edge, 'source') ?? '');
    const target = ids.get(attr(edge, 'target') ?? '');
    if (!source) throw new ImportError(`${where}: source "${attr(edge, 'source') ?? ''}" is not a node of the graph.`);
    if (!target) throw new ImportError(`${where}: target "${attr(edge, 'target') ?? ''}" is not a node of the graph.`);
    const values = readValues(edge, edgeModel);
    const weight = attr(edge, 'weight');
    if (weight !== undefined && !values.has('weight')) values.set('weight', weight);
    const polarity = edgePolarity(values, where);
    const delay = parseBooleanWord(values.get('delay') ?? '');
    if (delay === null) throw new ImportError(`${where}: delay "${String(values.get('delay'))}" is not true or false.`);
    const level = num(values.get('leverage_level'), where, 'leverage_level');
    const type = attr(edge, 'type') ?? defaultType;
    const base = {
      polarity,
      delay,
      ...readLinkQualities(values, where),
      evidence: readEvidence(values, where),
      note: str(values.get('note')) ?? '',
      tags: listValue(str(values.get('tags'))),
      leverage: level !== undefined ? { level, rationale: str(values.get('leverage_rationale')) ?? '' } : null,
      createdBy: str(values.get('created_by')),
      createdAt: num(values.get('created_at'), where, 'created_at'),
    };
    draft.addEdge({ id: sourceId, source, target, ...base }, where);
    if ((type === 'undirected' || type === 'mutual') && source !== target) draft.addEdge({ source: target, target: source, ...base }, where);
  });
  return draft.finish(title);
}
