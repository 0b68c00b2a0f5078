/**
 * The registry of import and export formats: what the server's
 * `GET /api/maps/:id/export?format=…` and `POST /api/maps/import?format=…`
 * do, in one place. docs/formats.md says what each format carries and loses.
 *
 * - `exportMap(format, input)` → `{ filename, contentType, body }` (PNG is
 *   bytes, the rest text). CSV is three files: `exportMap('csv', …)` gives
 *   links.csv unless `{ csvFile: 'factors.csv' | 'loops.csv' }` says
 *   otherwise; `exportMapFiles('csv', …)` gives all three.
 * - `importFile(format, bytes)` → what `parseMapJson` returns, or throws an
 *   `ImportError` naming the line, field or element at fault. Files over
 *   `IMPORT_MAX_BYTES` are refused before they are read.
 */
import { exportInputFromDoc, parseMapJson, toCausewayJson } from './json';
import { CSV_FILES, exportCsv, importCsv, type CsvFileName } from './csv';
import { exportDot } from './dot';
import { exportGexf, importGexf } from './gexf';
import { exportGraphml, importGraphml } from './graphml';
import { importKumu, parseJsonText } from './kumu';
import { importLoopy } from './loopy';
import { exportMdl, importMdl } from './mdl';
import { exportPng } from './png';
import { importPrsm } from './prsm';
import { exportSvg } from './svg';
import { ImportError, IMPORT_MAX_BYTES, decodeImport, type ExportInput, type ImportInput, type ParsedMap } from './types';

export { ImportError, IMPORT_MAX_BYTES, exportInputFromDoc, toCausewayJson };
export type { ExportInput, ImportInput, ParsedMap };

export interface FormatInfo {
  /** Shown in menus. */
  label: string;
  extension: string;
  contentType: string;
}

export const EXPORT_FORMATS = {
  json: { label: 'Causeway JSON (research format)', extension: 'json', contentType: 'application/json; charset=utf-8' },
  csv: { label: 'CSV (factors, links, loops)', extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  graphml: { label: 'GraphML (yEd, networkx, igraph)', extension: 'graphml', contentType: 'application/graphml+xml; charset=utf-8' },
  gexf: { label: 'GEXF 1.3 (Gephi)', extension: 'gexf', contentType: 'application/gexf+xml; charset=utf-8' },
  dot: { label: 'Graphviz DOT', extension: 'dot', contentType: 'text/vnd.graphviz; charset=utf-8' },
  mdl: { label: 'Vensim sketch (.mdl)', extension: 'mdl', contentType: 'text/plain; charset=utf-8' },
  svg: { label: 'SVG picture', extension: 'svg', contentType: 'image/svg+xml; charset=utf-8' },
  png: { label: 'PNG picture', extension: 'png', contentType: 'image/png' },
} as const satisfies Record<string, FormatInfo>;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export const IMPORT_FORMATS = {
  json: { label: 'Causeway JSON', extension: 'json', contentType: 'application/json' },
  csv: { label: 'CSV link list (source, target, polarity)', extension: 'csv', contentType: 'text/csv' },
  graphml: { label: 'GraphML', extension: 'graphml', contentType: 'application/graphml+xml' },
  gexf: { label: 'GEXF (Gephi)', extension: 'gexf', contentType: 'application/gexf+xml' },
  mdl: { label: 'Vensim model (.mdl)', extension: 'mdl', contentType: 'text/plain' },
  kumu: { label: 'Kumu JSON', extension: 'json', contentType: 'application/json' },
  prsm: { label: 'PRSM map (.prsm)', extension: 'prsm', contentType: 'application/octet-stream' },
  loopy: { label: 'LOOPY link or data', extension: 'txt', contentType: 'text/plain' },
} as const satisfies Record<string, FormatInfo>;
export type ImportFormat = keyof typeof IMPORT_FORMATS;

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && Object.hasOwn(EXPORT_FORMATS, value);
}

export function isImportFormat(value: unknown): value is ImportFormat {
  return typeof value === 'string' && Object.hasOwn(IMPORT_FORMATS, value);
}

/** The format a file name suggests (`map.gexf` → gexf); `.json` is Causeway JSON. */
export function importFormatFromFilename(name: string): ImportFormat | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const byExt: Record<string, ImportFormat> = { json: 'json', csv: 'csv', graphml: 'graphml', gexf: 'gexf', mdl: 'mdl', prsm: 'prsm', txt: 'loopy' };
  return byExt[ext] ?? null;
}

/** The export's input from a map document and the loop analysis. */
export interface ExportResult {
  filename: string;
  contentType: string;
  body: string | Uint8Array;
}

function baseName(title: string): string {
  const slug = title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_-]+/g, '-').toLowerCase().slice(0, 60);
  return slug || 'map';
}

export async function exportMap(format: ExportFormat, input: ExportInput, options: { csvFile?: CsvFileName } = {}): Promise<ExportResult> {
  const info = EXPORT_FORMATS[format];
  const name = baseName(input.title);
  const result = (body: string | Uint8Array, filename = `${name}.${info.extension}`): ExportResult => ({ filename, contentType: info.contentType, body });
  switch (format) {
    case 'json': return result(`${JSON.stringify(toCausewayJson(input), null, 2)}\n`);
    case 'csv': {
      const file = options.csvFile ?? 'links.csv';
      if (!CSV_FILES.includes(file)) throw new Error(`Unknown CSV file "${String(file)}".`);
      return result(exportCsv(input).files[file], `${name}-${file}`);
    }
    case 'graphml': return result(exportGraphml(input));
    case 'gexf': return result(exportGexf(input));
    case 'dot': return result(exportDot(input));
    case 'mdl': return result(exportMdl(input));
    case 'svg': return result(exportSvg(input));
    case 'png': return result(await exportPng(input));
    default: {
      const never: never = format;
      throw new Error(`Unknown export format "${String(never)}".`);
    }
  }
}

/** Every file of an export: three for CSV, one for the rest. */
export async function exportMapFiles(format: ExportFormat, input: ExportInput): Promise<ExportResult[]> {
  if (format !== 'csv') return [await exportMap(format, input)];
  return Promise.all(CSV_FILES.map((file) => exportMap('csv', input, { csvFile: file })));
}

/** Reads a file of the given format into a checked causeway-map object. Never touches a map. */
export function importFile(format: ImportFormat, bytes: ImportInput): ParsedMap {
  switch (format) {
    case 'json': return parseMapJson(parseJsonText(decodeImport(bytes), 'Causeway JSON'));
    case 'csv': return importCsv(bytes);
    case 'graphml': return importGraphml(bytes);
    case 'gexf': return importGexf(bytes);
    case 'mdl': return importMdl(bytes);
    case 'kumu': return importKumu(bytes);
    case 'prsm': return importPrsm(bytes);
    case 'loopy': return importLoopy(bytes);
    default: {
      const never: never = format;
      throw new ImportError(`Unknown import format "${String(never)}".`);
    }
  }
}

export { exportCsv, exportDot, exportGexf, exportGraphml, exportMdl, exportPng, exportSvg };
export { importCsv, importGexf, importGraphml, importKumu, importLoopy, importMdl, importPrsm };
export { exportCsvFactors, exportCsvLinks, exportCsvLoops, importCsvFiles, neutraliseCell, CSV_FILES } from './csv';
