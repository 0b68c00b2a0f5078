/**
 * CSV: three files for spreadsheets, R and pandas — factors.csv, links.csv,
 * loops.csv — and an importer for a link list (optionally with a factor list).
 *
 * Formula injection: a spreadsheet runs a cell that begins with = + - @ (or a
 * tab / carriage return) as a formula. Every text cell the export writes that
 * begins with one of those is prefixed with an apostrophe ('), which
 * spreadsheets show as text. Numbers (x, y) and the fixed polarity values
 * + - ? are written as they are. The importer removes that apostrophe again
 * when it precedes one of those characters, so an export imports unchanged.
 */
import Papa from 'papaparse';
import { NODE_KINDS, type MapEdge, type MapNode } from '../model';
import {
  ImportError, MapDraft, decodeImport, liveEdges, loopLabels, loopName, parseBooleanWord, parseConfidenceWord,
  parseEvidenceTypeWord, parseKindWord, parsePolarityWord, parseStrengthWord, sortedById, splitTags,
  type DraftEvidence, type ExportInput, type ImportInput, type ParsedMap,
} from './types';

export const CSV_FILES = ['factors.csv', 'links.csv', 'loops.csv'] as const;
export type CsvFileName = (typeof CSV_FILES)[number];

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a text cell that a spreadsheet would run as a formula. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes `neutraliseCell` on import. */
function restoreCell(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

function text(value: string): string {
  return neutraliseCell(value.replace(/\r\n?/g, '\n'));
}

function numberCell(value: number): string {
  return Number.isFinite(value) ? String(value) : '';
}

function timeCell(ms: number): string {
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

function toCsv(header: readonly string[], rows: string[][]): string {
  // quotes only where needed; CRLF as RFC 4180 says; a trailing newline.
  return `${Papa.unparse({ fields: [...header], data: rows }, { quotes: false, newline: '\r\n', escapeFormulae: false })}\r\n`;
}

export const FACTOR_COLUMNS = [
  'id', 'label', 'kind', 'x', 'y', 'tags', 'note', 'evidence', 'evidence_source', 'evidence_type',
  'leverage_level', 'leverage_rationale', 'created_by', 'created_at',
] as const;
export const LINK_COLUMNS = [
  'id', 'source', 'target', 'source_label', 'target_label', 'polarity', 'delay', 'strength', 'confidence', 'note', 'tags',
  'evidence', 'evidence_source', 'evidence_type', 'leverage_level', 'leverage_rationale', 'created_by', 'created_at',
] as const;
export const LOOP_COLUMNS = ['id', 'label', 'name', 'polarity', 'delayed', 'length', 'factor_ids', 'factor_labels', 'link_ids', 'list_complete'] as const;

export function exportCsvFactors(input: Pick<ExportInput, 'nodes'>): string {
  const rows = sortedById(input.nodes).map((n: MapNode) => [
    text(n.id), text(n.label), text(n.kind), numberCell(n.x), numberCell(n.y), text(n.tags.join('; ')), text(n.note),
    text(n.evidence?.text ?? ''), text(n.evidence?.source ?? ''), n.evidence?.type ?? '',
    n.leverage ? String(n.leverage.level) : '', text(n.leverage?.rationale ?? ''), text(n.createdBy), timeCell(n.createdAt),
  ]);
  return toCsv(FACTOR_COLUMNS, rows);
}

export function exportCsvLinks(input: Pick<ExportInput, 'nodes' | 'edges'>): string {
  const labels = new Map(input.nodes.map((n) => [n.id, n.label]));
  const rows = liveEdges(input).map((e: MapEdge) => [
    text(e.id), text(e.source), text(e.target), text(labels.get(e.source) ?? ''), text(labels.get(e.target) ?? ''),
    e.polarity, e.delay ? 'true' : 'false', e.strength ? String(e.strength) : '', e.confidence ?? '', text(e.note), text(e.tags.join('; ')),
    text(e.evidence?.text ?? ''), text(e.evidence?.source ?? ''), e.evidence?.type ?? '',
    e.leverage ? String(e.leverage.level) : '', text(e.leverage?.rationale ?? ''), text(e.createdBy), timeCell(e.createdAt),
  ]);
  return toCsv(LINK_COLUMNS, rows);
}

export function exportCsvLoops(input: Pick<ExportInput, 'nodes' | 'loops' | 'loopsComplete' | 'loopNames'>): string {
  const labels = new Map(input.nodes.map((n) => [n.id, n.label]));
  const names = loopLabels(input.loops);
  const rows = input.loops.map((loop) => [
    text(loop.id), names.get(loop.id) ?? '', text(loopName(loop, input)), loop.polarity, loop.delayed ? 'true' : 'false', String(loop.length),
    text(loop.nodeIds.join(' ')), text(loop.nodeIds.map((id) => labels.get(id) ?? id).join(' → ')), text(loop.edgeIds.join(' ')),
    input.loopsComplete ? 'true' : 'false',
  ]);
  return toCsv(LOOP_COLUMNS, rows);
}

/** All three files, keyed by file name. */
export function exportCsv(input: ExportInput): { files: Record<CsvFileName, string> } {
  return {
    files: {
      'factors.csv': exportCsvFactors(input),
      'links.csv': exportCsvLinks(input),
      'loops.csv': exportCsvLoops(input),
    },
  };
}

// ---------------------------------------------------------------------------
// Import

interface CsvRow {
  line: number;
  cells: Map<string, string>;
}

/** `Source ID` → `source_id`; used to match headers whatever their case or spacing. */
function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s\-.]+/g, '_');
}

function readCsv(raw: string, file: string): { header: string[]; rows: CsvRow[] } {
  const source = raw.replace(/\r\n?/g, '\n');
  let header: string[] | null = null;
  const rows: CsvRow[] = [];
  let offset = 0;
  let line = 1;
  let failure: ImportError | null = null;
  Papa.parse<string[]>(source, {
    skipEmptyLines: false,
    step: (result, parser) => {
      const startLine = line;
      const end = result.meta.cursor;
      for (let i = offset; i < end && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
      offset = end;
      const error = result.errors.find((e) => e.code !== 'UndetectableDelimiter');
      if (error) {
        failure = new ImportError(`${file} line ${startLine}: ${error.message}.`);
        parser.abort();
        return;
      }
      const cells = result.data.map((c) => restoreCell(c));
      if (cells.every((c) => c.trim() === '')) return;
      if (!header) {
        header = cells.map(normaliseHeader);
        return;
      }
      const map = new Map<string, string>();
      header.forEach((name, i) => {
        if (name && !map.has(name)) map.set(name, cells[i] ?? '');
      });
      rows.push({ line: startLine, cells: map });
    },
  });
  if (failure) throw failure;
  if (!header) throw new ImportError(`${file} is empty: it needs a header row.`);
  return { header, rows };
}

function pick(row: CsvRow, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = row.cells.get(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function has(header: readonly string[], names: readonly string[]): boolean {
  return names.some((n) => header.includes(n));
}

const COL = {
  id: ['id'],
  source: ['source', 'from', 'source_id', 'cause'],
  target: ['target', 'to', 'target_id'],
  sourceLabel: ['source_label', 'from_label'],
  targetLabel: ['target_label', 'to_label'],
  polarity: ['polarity', 'sign', 'link_polarity', 'effect'],
  delay: ['delay', 'delayed'],
  note: ['note', 'notes', 'description', 'comment'],
  tags: ['tags', 'tag'],
  label: ['label', 'name', 'factor', 'title'],
  kind: ['kind', 'type'],
  x: ['x'],
  y: ['y'],
  level: ['leverage_level', 'leverage'],
  rationale: ['leverage_rationale'],
  createdBy: ['created_by'],
  createdAt: ['created_at'],
  evidence: ['evidence', 'evidence_text', 'quote'],
  evidenceSource: ['evidence_source', 'source_of_evidence'],
  evidenceType: ['evidence_type'],
  strength: ['strength'],
  confidence: ['confidence'],
} as const;

function parseNumber(value: string | undefined, where: string, column: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  if (!Number.isFinite(n)) throw new ImportError(`${where}: ${column} "${value}" is not a number.`);
  return n;
}

function parseLeverage(row: CsvRow, where: string): { level: number; rationale: string } | null {
  const level = parseNumber(pick(row, COL.level), where, 'leverage_level');
  if (level === undefined) return null;
  return { level, rationale: pick(row, COL.rationale) ?? '' };
}

function parseEvidence(row: CsvRow, where: string): DraftEvidence {
  const typeWord = pick(row, COL.evidenceType);
  const type = parseEvidenceTypeWord(typeWord);
  if (type === undefined) throw new ImportError(`${where}: evidence_type "${typeWord}" is not stated or implied.`);
  return { text: pick(row, COL.evidence) ?? '', source: pick(row, COL.evidenceSource) ?? '', type };
}

function parseTime(value: string | undefined): number | undefined {
  if (!value?.trim()) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

/** The columns factors and links share: note, tags, leverage, evidence and provenance. */
function sharedColumns(row: CsvRow, where: string) {
  return {
    note: pick(row, COL.note),
    tags: splitTags(pick(row, COL.tags)),
    leverage: parseLeverage(row, where),
    evidence: parseEvidence(row, where),
    createdBy: pick(row, COL.createdBy),
    createdAt: parseTime(pick(row, COL.createdAt)),
  };
}

/**
 * Imports a link list (`source,target,polarity[,delay,note]`; headers in any
 * case, `from`/`to` accepted) and, optionally, a factor list
 * (`id,label,kind,tags,x,y[,note]`). Without a factor list, factors are made
 * from the names in the source and target columns (or, for a Causeway export,
 * from `source_label`/`target_label`). With one, link ends must name a factor
 * by id or, failing that, by label.
 */
export function importCsvFiles(files: { links: ImportInput; factors?: ImportInput }, title = ''): ParsedMap {
  const links = readCsv(decodeImport(files.links, { legacy: true }), 'links.csv');
  if (!has(links.header, COL.source) || !has(links.header, COL.target)) {
    throw new ImportError('links.csv needs a header row with "source" and "target" columns (or "from" and "to").');
  }
  const draft = new MapDraft();
  const byKey = new Map<string, string>();
  const byLabel = new Map<string, string>();
  const byLowerLabel = new Map<string, string>();

  if (files.factors !== undefined) {
    const factors = readCsv(decodeImport(files.factors, { legacy: true }), 'factors.csv');
    if (!has(factors.header, COL.label) && !has(factors.header, COL.id)) {
      throw new ImportError('factors.csv needs a header row with a "label" column (or "id").');
    }
    for (const row of factors.rows) {
      const where = `factors.csv line ${row.line}`;
      const sourceId = pick(row, COL.id)?.trim() || undefined;
      const label = pick(row, COL.label)?.trim() || sourceId || '';
      const kindWord = pick(row, COL.kind);
      const kind = kindWord === undefined || kindWord.trim() === '' ? 'factor' : parseKindWord(kindWord);
      if (kind === null) throw new ImportError(`${where}: unknown kind "${kindWord}" (use ${NODE_KINDS.join(', ')}).`);
      if (sourceId !== undefined && byKey.has(sourceId)) throw new ImportError(`${where}: the id "${sourceId}" is used twice.`);
      const id = draft.addNode({
        id: sourceId,
        label,
        kind,
        x: parseNumber(pick(row, COL.x), where, 'x'),
        y: parseNumber(pick(row, COL.y), where, 'y'),
        ...sharedColumns(row, where),
      }, where);
      if (sourceId !== undefined) byKey.set(sourceId, id);
      if (!byLabel.has(label)) byLabel.set(label, id);
      if (!byLowerLabel.has(label.toLowerCase())) byLowerLabel.set(label.toLowerCase(), id);
    }
  }

  const withFactors = files.factors !== undefined;
  const resolve = (value: string, label: string | undefined, where: string, end: string): string => {
    const key = value.trim();
    if (!key) throw new ImportError(`${where}: the ${end} is empty.`);
    if (withFactors) {
      const id = byKey.get(key) ?? byLabel.get(key) ?? byLowerLabel.get(key.toLowerCase());
      if (!id) throw new ImportError(`${where}: the ${end} "${key}" is not a factor in factors.csv.`);
      return id;
    }
    const existing = byKey.get(key);
    if (existing) return existing;
    // A Causeway export names ends by id and carries the label beside it.
    const id = draft.addNode({ id: label?.trim() ? key : undefined, label: label?.trim() || key }, where);
    byKey.set(key, id);
    return id;
  };

  for (const row of links.rows) {
    const where = `links.csv line ${row.line}`;
    const source = resolve(pick(row, COL.source) ?? '', pick(row, COL.sourceLabel), where, 'source');
    const target = resolve(pick(row, COL.target) ?? '', pick(row, COL.targetLabel), where, 'target');
    const polarityWord = pick(row, COL.polarity);
    const polarity = parsePolarityWord(polarityWord ?? '');
    if (polarity === null) throw new ImportError(`${where}: unknown polarity "${polarityWord}" (use +, -, ?, positive, negative, same, opposite, s or o).`);
    const delayWord = pick(row, COL.delay);
    const delay = parseBooleanWord(delayWord ?? '');
    if (delay === null) throw new ImportError(`${where}: delay "${delayWord}" is not yes/no (use true, false, yes, no, 1 or 0).`);
    const strengthWord = pick(row, COL.strength);
    const strength = parseStrengthWord(strengthWord);
    if (strength === undefined) throw new ImportError(`${where}: strength "${strengthWord}" is not 1, 2 or 3 (weak, moderate, strong).`);
    const confidenceWord = pick(row, COL.confidence);
    const confidence = parseConfidenceWord(confidenceWord);
    if (confidence === undefined) throw new ImportError(`${where}: confidence "${confidenceWord}" is not low, medium or high.`);
    draft.addEdge({
      id: pick(row, COL.id)?.trim() || undefined,
      source,
      target,
      polarity,
      delay,
      strength,
      confidence,
      ...sharedColumns(row, where),
    }, where);
  }
  return draft.finish(title);
}

/** A single CSV file: the link list. */
export function importCsv(input: ImportInput): ParsedMap {
  return importCsvFiles({ links: input });
}
