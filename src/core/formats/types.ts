/**
 * Shared shapes and helpers of the import/export formats (issue 7).
 *
 * Every exporter takes an `ExportInput`; every importer turns its file into
 * the causeway-map JSON object and returns what `parseMapJson` returns, so the
 * server does one thing with every format. Importers are pure functions of
 * the file: they never see, let alone change, an existing map.
 */
import { IMPORT_LIMITS, ImportError, parseMapJson, type ExportedLoop } from './json';
import {
  CONFIDENCES, EVIDENCE_TYPES, LIMITS, NODE_KINDS,
  type Confidence, type EvidenceType, type MapEdge, type MapNode, type MapSection, type Polarity, type Strength,
} from '../model';

export { ImportError };
export type { ExportedLoop };

/** What a parsed import looks like: the output of `parseMapJson`. */
export type ParsedMap = ReturnType<typeof parseMapJson>;

export interface ExportInput {
  title: string;
  nodes: MapNode[];
  edges: MapEdge[];
  /** Loops from the analysis engine, shortest first. */
  loops: ExportedLoop[];
  /** False when the loop search hit a cap: the list is then not every loop. */
  loopsComplete: boolean;
  /** Loop names keyed by loop signature (= `ExportedLoop.id`). */
  loopNames?: Record<string, { title?: string; note?: string }>;
  /** Sections (system levels) of the canvas: drawn in the SVG/PNG, carried by JSON. */
  sections?: MapSection[];
  /** Only the JSON export uses these three. */
  mapId?: string;
  createdAt?: number;
  now?: Date;
}

/**
 * Every import is refused before parsing when the file is larger than this
 * (5 MiB). Counts are capped too: `IMPORT_LIMITS` (20,000 factors, 50,000 links).
 */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export { IMPORT_LIMITS };

export type ImportInput = Uint8Array | ArrayBuffer | string;

function byteLength(input: ImportInput): number {
  if (typeof input === 'string') {
    // A string with more UTF-16 units than the cap has at least as many UTF-8 bytes.
    if (input.length > IMPORT_MAX_BYTES) return input.length;
    return new TextEncoder().encode(input).byteLength;
  }
  return input.byteLength;
}

/**
 * Refuses an over-size file, then decodes it as UTF-8 text (a BOM is
 * dropped). With `legacy`, bytes that are not UTF-8 are read as Windows-1252
 * (older Vensim and spreadsheet files) instead of being refused.
 */
export function decodeImport(input: ImportInput, options: { legacy?: boolean } = {}): string {
  const size = byteLength(input);
  if (size > IMPORT_MAX_BYTES) {
    throw new ImportError(`The file is too large (${formatBytes(size)}); the limit is ${formatBytes(IMPORT_MAX_BYTES)}.`);
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input instanceof Uint8Array ? input : new Uint8Array(input));
    } catch {
      if (!options.legacy) throw new ImportError('The file is not UTF-8 text.');
      text = new TextDecoder('windows-1252').decode(input instanceof Uint8Array ? input : new Uint8Array(input));
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Polarity words other tools use: + / - / ?, positive / negative, same /
 * opposite, s / o (Vensim), increase / decrease, reinforcing / balancing are
 * NOT accepted here (they describe loops, not links). Returns null for a word
 * it does not know; an empty cell is '?'.
 */
export function parsePolarityWord(value: unknown): Polarity | null {
  if (typeof value === 'number') return value > 0 ? '+' : value < 0 ? '-' : '?';
  if (typeof value !== 'string') return value == null ? '?' : null;
  const word = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (word === '') return '?';
  if (POSITIVE.has(word)) return '+';
  if (NEGATIVE.has(word)) return '-';
  if (UNKNOWN.has(word)) return '?';
  return null;
}
const POSITIVE = new Set(['+', 'plus', 'positive', 'pos', 'same', 's', '1', '+1', 'increase', 'increases', 'positive influence', 'positive link']);
const NEGATIVE = new Set(['-', '−', '–', 'minus', 'negative', 'neg', 'opposite', 'o', '-1', 'decrease', 'decreases', 'negative influence', 'negative link']);
const UNKNOWN = new Set(['?', 'unknown', 'undetermined', 'unclear', 'not agreed', 'none', '0', 'ambiguous']);

/** yes/no words; null when the word is neither. */
export function parseBooleanWord(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return value == null ? false : null;
  const word = value.trim().toLowerCase();
  if (['', 'false', 'no', 'n', '0', 'f'].includes(word)) return false;
  if (['true', 'yes', 'y', '1', 't', 'delay', 'delayed', '‖', '||'].includes(word)) return true;
  return null;
}

/** Maps a kind word from another tool onto ours; unknown words give null. */
export function parseKindWord(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const word = value.trim().toLowerCase();
  if ((NODE_KINDS as readonly string[]).includes(word)) return word;
  if (word === 'variable' || word === 'factor' || word === '') return 'factor';
  return null;
}

/** 1 / 2 / 3 or weak / moderate / strong; empty is null; anything else is an error (undefined). */
export function parseStrengthWord(value: unknown): Strength | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  const word = String(value).trim().toLowerCase();
  if (word === '') return null;
  const map: Record<string, Strength> = { '1': 1, '2': 2, '3': 3, weak: 1, moderate: 2, medium: 2, strong: 3 };
  return map[word];
}

/** low / medium / high; empty is null; anything else is an error (undefined). */
export function parseConfidenceWord(value: unknown): Confidence | null | undefined {
  if (value === undefined || value === null) return null;
  const word = String(value).trim().toLowerCase();
  if (word === '') return null;
  return (CONFIDENCES as readonly string[]).includes(word) ? (word as Confidence) : undefined;
}

/** stated / implied; empty is null; anything else is an error (undefined). */
export function parseEvidenceTypeWord(value: unknown): EvidenceType | null | undefined {
  if (value === undefined || value === null) return null;
  const word = String(value).trim().toLowerCase();
  if (word === '') return null;
  return (EVIDENCE_TYPES as readonly string[]).includes(word) ? (word as EvidenceType) : undefined;
}

export interface DraftEvidence {
  text?: string;
  source?: string;
  type?: EvidenceType | null;
}

/** Splits a tag cell: `a; b`, `a|b` or `a, b`. */
export function splitTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((t) => t.trim()).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value.split(/[;|]/).map((t) => t.trim()).filter(Boolean);
}

export interface DraftNode {
  /** The id in the source file, kept when it is a valid, unique id. */
  id?: string;
  label: string;
  kind?: string;
  x?: number;
  y?: number;
  note?: string;
  tags?: string[];
  leverage?: { level: number; rationale: string } | null;
  evidence?: DraftEvidence;
  createdBy?: string;
  createdAt?: number;
}

export interface DraftEdge {
  id?: string;
  source: string;
  target: string;
  polarity: Polarity;
  delay?: boolean;
  note?: string;
  tags?: string[];
  leverage?: { level: number; rationale: string } | null;
  evidence?: DraftEvidence;
  strength?: Strength | null;
  confidence?: Confidence | null;
  createdBy?: string;
  createdAt?: number;
}

const ID_RE = /^[^\s\u0000-\u001f]{1,64}$/;

/**
 * Collects factors and links from a foreign file, checking each against the
 * model's limits as it comes, so an error names the line or element at
 * fault rather than an index in a generated object. Keeps the source ids
 * when they are valid and unique; otherwise assigns `n1`, `e1` … .
 */
export class MapDraft {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly edges: Record<string, unknown>[] = [];
  private readonly used = new Set<string>();
  private nodeCounter = 0;
  private edgeCounter = 0;

  get nodeCount(): number {
    return this.nodes.length;
  }

  get edgeCount(): number {
    return this.edges.length;
  }

  private allocate(wanted: string | undefined, prefix: string, counter: () => number): string {
    if (wanted !== undefined && ID_RE.test(wanted) && !this.used.has(wanted)) {
      this.used.add(wanted);
      return wanted;
    }
    let id: string;
    do id = `${prefix}${counter()}`;
    while (this.used.has(id));
    this.used.add(id);
    return id;
  }

  /** Returns the id the factor got. `where` names it in errors ("line 4", "node n3"). */
  addNode(node: DraftNode, where: string): string {
    if (this.nodes.length >= IMPORT_LIMITS.nodes) throw new ImportError(`The file has more than ${IMPORT_LIMITS.nodes.toLocaleString('en')} factors.`);
    const label = cleanText(node.label).trim();
    if (!label) throw new ImportError(`${where}: a factor needs a label.`);
    if (label.length > LIMITS.label) throw new ImportError(`${where}: the label is longer than ${LIMITS.label} characters.`);
    const note = cleanText(node.note ?? '');
    if (note.length > LIMITS.note) throw new ImportError(`${where}: the note is longer than ${LIMITS.note.toLocaleString('en')} characters.`);
    const kind = node.kind && node.kind.length <= 40 ? node.kind : 'factor';
    const id = this.allocate(node.id, 'n', () => ++this.nodeCounter);
    const entry: Record<string, unknown> = {
      id,
      label,
      kind,
      x: finiteCoordinate(node.x),
      y: finiteCoordinate(node.y),
      note,
      tags: checkTags(node.tags ?? [], where),
      leverage: checkLeverage(node.leverage ?? null, where),
      evidence: checkEvidence(node.evidence, where),
    };
    if (node.createdBy !== undefined) entry.createdBy = node.createdBy.slice(0, 200);
    if (node.createdAt !== undefined && Number.isFinite(node.createdAt)) entry.createdAt = node.createdAt;
    this.nodes.push(entry);
    return id;
  }

  addEdge(edge: DraftEdge, where: string): string {
    if (this.edges.length >= IMPORT_LIMITS.edges) throw new ImportError(`The file has more than ${IMPORT_LIMITS.edges.toLocaleString('en')} links.`);
    const note = cleanText(edge.note ?? '');
    if (note.length > LIMITS.note) throw new ImportError(`${where}: the note is longer than ${LIMITS.note.toLocaleString('en')} characters.`);
    const id = this.allocate(edge.id, 'e', () => ++this.edgeCounter);
    const entry: Record<string, unknown> = {
      id,
      source: edge.source,
      target: edge.target,
      polarity: edge.polarity,
      delay: edge.delay ?? false,
      note,
      tags: checkTags(edge.tags ?? [], where),
      leverage: checkLeverage(edge.leverage ?? null, where),
      evidence: checkEvidence(edge.evidence, where),
      strength: edge.strength ?? null,
      confidence: edge.confidence ?? null,
    };
    if (edge.createdBy !== undefined) entry.createdBy = edge.createdBy.slice(0, 200);
    if (edge.createdAt !== undefined && Number.isFinite(edge.createdAt)) entry.createdAt = edge.createdAt;
    this.edges.push(entry);
    return id;
  }

  /** Reserves an id (e.g. a node id read before its links) so links cannot take it. */
  hasId(id: string): boolean {
    return this.used.has(id);
  }

  /** The causeway-map object, checked by `parseMapJson`. */
  finish(title: string): ParsedMap {
    return parseMapJson({
      format: 'causeway-map',
      version: 1,
      title: cleanText(title).trim().slice(0, LIMITS.title),
      nodes: this.nodes,
      edges: this.edges,
    });
  }
}

function finiteCoordinate(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return 0;
  return Math.max(-LIMITS.coordinate, Math.min(LIMITS.coordinate, value));
}

function checkTags(tags: string[], where: string): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const tag = cleanText(raw).trim();
    if (!tag) continue;
    if (tag.length > LIMITS.tag) throw new ImportError(`${where}: the tag "${tag.slice(0, 20)}…" is longer than ${LIMITS.tag} characters.`);
    out.add(tag);
  }
  if (out.size > LIMITS.tagsPerElement) throw new ImportError(`${where}: more than ${LIMITS.tagsPerElement} tags.`);
  return [...out].sort();
}

function checkLeverage(leverage: { level: number; rationale: string } | null, where: string): { level: number; rationale: string } | null {
  if (!leverage) return null;
  if (!Number.isInteger(leverage.level) || leverage.level < 1 || leverage.level > 12) {
    throw new ImportError(`${where}: the leverage level must be a whole number from 1 to 12.`);
  }
  const rationale = cleanText(leverage.rationale);
  if (rationale.length > LIMITS.rationale) throw new ImportError(`${where}: the leverage rationale is too long.`);
  return { level: leverage.level, rationale };
}

function checkEvidence(evidence: DraftEvidence | undefined, where: string): { text: string; source: string; type: EvidenceType | null } {
  const text = cleanText(evidence?.text ?? '');
  const source = cleanText(evidence?.source ?? '');
  if (text.length > LIMITS.note) throw new ImportError(`${where}: the evidence is longer than ${LIMITS.note.toLocaleString('en')} characters.`);
  if (source.length > LIMITS.evidenceSource) throw new ImportError(`${where}: the evidence source is longer than ${LIMITS.evidenceSource} characters.`);
  return { text, source, type: evidence?.type ?? null };
}

/** Drops NUL and other C0 control characters except tab and newline. */
export function cleanText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/**
 * Loop labels as the domain uses them: R1, R2 … for reinforcing loops,
 * B1 … for balancing ones, ?1 … for undetermined ones, numbered in list
 * order (shortest first).
 */
export function loopLabels(loops: readonly ExportedLoop[]): Map<string, string> {
  const counters = { R: 0, B: 0, '?': 0 };
  const out = new Map<string, string>();
  for (const loop of loops) {
    counters[loop.polarity] += 1;
    out.set(loop.id, `${loop.polarity}${counters[loop.polarity]}`);
  }
  return out;
}

/** The loop's display name: `name` on the loop, else the document's loop name. */
export function loopName(loop: ExportedLoop, input: Pick<ExportInput, 'loopNames'>): string {
  return loop.name ?? input.loopNames?.[loop.id]?.title ?? '';
}

/** Nodes and edges sorted by id, so every export is deterministic. */
export function sortedById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Only links whose two ends are factors of the export (a concurrent delete may leave others). */
export function liveEdges(input: Pick<ExportInput, 'nodes' | 'edges'>): MapEdge[] {
  const ids = new Set(input.nodes.map((n) => n.id));
  return sortedById(input.edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
}
