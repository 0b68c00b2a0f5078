/**
 * PRSM (Participatory System Mapper) `.prsm` files (import only).
 *
 * A .prsm file is JSON — `{ mapTitle, nodes: [{ id, label, note, grp, x, y }],
 * edges: [{ id, from, to, grp, label, note }], styles: { nodes: { group0:
 * { groupLabel } }, edges: { edge0: { groupLabel } } } }` — saved either plain
 * or compressed with lz-string's `compressToUTF16` (the default in PRSM).
 * Notes may be Quill documents (`{ ops: [{ insert }] }`); their text is kept.
 *
 * A link's polarity comes from the name of its link style (or, failing that,
 * its label): "Positive influence", "+", "same", "increases" … are "+",
 * "Negative influence", "-", "opposite", "decreases" … are "-", anything else
 * "?". A style or label mentioning "delay" marks a delay. A factor style named
 * barrier / outcome / innovation sets the kind. Lost: colours, shapes, fonts,
 * the background drawing, history and the styles themselves.
 *
 * The decompressor is written here (same algorithm as lz-string) so that it
 * can stop at a size cap: a small crafted file can otherwise expand to
 * gigabytes.
 */
import { z } from 'zod';
import { parseJsonText, zodIssue } from './kumu';
import {
  ImportError, IMPORT_LIMITS, IMPORT_MAX_BYTES, MapDraft, decodeImport, parseKindWord, parsePolarityWord,
  type ImportInput, type ParsedMap,
} from './types';

/** A compressed file may expand to at most this many characters. */
export const PRSM_MAX_EXPANDED_CHARS = 8 * IMPORT_MAX_BYTES;

/**
 * lz-string `decompressFromUTF16`, refusing to produce more than `limit`
 * characters. Returns null for a corrupt stream.
 */
export function decompressFromUtf16(compressed: string, limit = PRSM_MAX_EXPANDED_CHARS): string | null {
  if (compressed === '') return null;
  const length = compressed.length;
  const resetValue = 16384;
  const next = (index: number) => compressed.charCodeAt(index) - 32;
  let value = next(0);
  let position = resetValue;
  let index = 1;
  const readBits = (count: number): number => {
    let bits = 0;
    let power = 1;
    const maxPower = 2 ** count;
    while (power !== maxPower) {
      const bit = value & position;
      position >>= 1;
      if (position === 0) {
        position = resetValue;
        value = next(index++);
      }
      if (bit > 0) bits |= power;
      power <<= 1;
    }
    return bits;
  };

  const dictionary: string[] = ['0', '1', '2'];
  let enlargeIn = 4;
  let dictSize = 4;
  let numBits = 3;
  let total = 0;
  const result: string[] = [];
  const emit = (piece: string) => {
    total += piece.length;
    if (total > limit) throw new ImportError(`The compressed PRSM file expands to more than ${limit.toLocaleString('en')} characters.`);
    result.push(piece);
  };

  let c: string;
  switch (readBits(2)) {
    case 0: c = String.fromCharCode(readBits(8)); break;
    case 1: c = String.fromCharCode(readBits(16)); break;
    case 2: return '';
    default: return null;
  }
  dictionary[3] = c;
  let w = c;
  emit(c);
  for (;;) {
    if (index > length) return null;
    let code = readBits(numBits);
    switch (code) {
      case 0:
        dictionary[dictSize++] = String.fromCharCode(readBits(8));
        code = dictSize - 1;
        enlargeIn--;
        break;
      case 1:
        dictionary[dictSize++] = String.fromCharCode(readBits(16));
        code = dictSize - 1;
        enlargeIn--;
        break;
      case 2:
        return result.join('');
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: string;
    if (code < dictSize && dictionary[code] !== undefined && code > 2) entry = dictionary[code]!;
    else if (code === dictSize) entry = w + w.charAt(0);
    else return null;
    emit(entry);
    dictionary[dictSize++] = w + entry.charAt(0);
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}

const prsmSchema = z.looseObject({
  mapTitle: z.string().optional(),
  nodes: z.array(z.looseObject({})).max(IMPORT_LIMITS.nodes),
  edges: z.array(z.looseObject({})).max(IMPORT_LIMITS.edges).default([]),
  styles: z.looseObject({}).optional(),
  samples: z.looseObject({}).optional(),
});

type Json = Record<string, unknown>;

/** Text of a PRSM note: a string, or a Quill delta `{ ops: [{ insert }] }`. */
function noteText(note: unknown): string {
  if (typeof note === 'string') return note.replace(/<br>|<p>/g, '\n').replace(/<[^>]*>/g, '');
  if (note && typeof note === 'object' && Array.isArray((note as Json).ops)) {
    return ((note as Json).ops as unknown[])
      .map((op) => (op && typeof op === 'object' && typeof (op as Json).insert === 'string' ? ((op as Json).insert as string) : ''))
      .join('')
      .trim();
  }
  return '';
}

function styleLabel(styles: Json | undefined, kind: 'nodes' | 'edges', group: unknown): string {
  if (!styles || typeof group !== 'string') return '';
  const table = styles[kind];
  if (!table || typeof table !== 'object') return '';
  const style = (table as Json)[group];
  if (!style || typeof style !== 'object') return '';
  const label = (style as Json).groupLabel;
  return typeof label === 'string' ? label : '';
}

/** "Positive influence" → '+', "Negative link" → '-', else '?'. */
export function polarityFromStyleName(name: string): '+' | '-' | '?' {
  const exact = parsePolarityWord(name);
  if (exact && exact !== '?') return exact;
  const lower = name.toLowerCase();
  if (/(^|\W)(positive|same|increases?|reinforc\w*|\+)(\W|$)/.test(lower) || /^\s*\+/.test(lower)) return '+';
  if (/(^|\W)(negative|opposite|decreases?|reduces?|−|-)(\W|$)/.test(lower) || /^\s*[-−]/.test(lower)) return '-';
  return '?';
}

export function importPrsm(input: ImportInput): ParsedMap {
  let text = decodeImport(input).trim();
  if (!text.startsWith('{')) {
    const expanded = decompressFromUtf16(text);
    if (expanded === null || !expanded.trim().startsWith('{')) {
      throw new ImportError('This is not a PRSM file: it is neither JSON nor a compressed PRSM map.');
    }
    text = expanded.trim();
  }
  const parsed = prsmSchema.safeParse(parseJsonText(text, 'PRSM'));
  if (!parsed.success) throw zodIssue(parsed.error, 'PRSM');
  const data = parsed.data;
  const styles = (data.styles ?? data.samples) as Json | undefined;

  const draft = new MapDraft();
  const ids = new Map<string, string>();
  data.nodes.forEach((node, index) => {
    const sourceId = typeof node.id === 'string' || typeof node.id === 'number' ? String(node.id) : undefined;
    const where = `PRSM factor ${sourceId !== undefined ? `"${sourceId}"` : index + 1}`;
    if (sourceId === undefined) throw new ImportError(`${where}: the factor has no id.`);
    if (ids.has(sourceId)) throw new ImportError(`${where}: the id is used twice.`);
    const label = typeof node.label === 'string' ? node.label.replace(/\s*\n\s*/g, ' ').trim() : '';
    const styleName = styleLabel(styles, 'nodes', node.grp);
    ids.set(sourceId, draft.addNode({
      id: sourceId,
      label: label || sourceId,
      kind: parseKindWord(styleName) ?? 'factor',
      x: typeof node.x === 'number' ? node.x : undefined,
      y: typeof node.y === 'number' ? node.y : undefined,
      note: noteText(node.note ?? node.title),
      tags: styleName && !parseKindWord(styleName) && styleName.length <= 60 ? [styleName] : [],
    }, where));
  });

  data.edges.forEach((edge, index) => {
    const sourceId = typeof edge.id === 'string' || typeof edge.id === 'number' ? String(edge.id) : undefined;
    const where = `PRSM link ${sourceId !== undefined ? `"${sourceId}"` : index + 1}`;
    const from = String(edge.from ?? edge.source ?? '');
    const to = String(edge.to ?? edge.target ?? '');
    const source = ids.get(from);
    const target = ids.get(to);
    if (!source) throw new ImportError(`${where}: it starts at "${from}", which is not a factor of the map.`);
    if (!target) throw new ImportError(`${where}: it ends at "${to}", which is not a factor of the map.`);
    const styleName = styleLabel(styles, 'edges', edge.grp);
    const label = typeof edge.label === 'string' ? edge.label.replace(/\s+/g, ' ').trim() : '';
    let polarity = polarityFromStyleName(styleName);
    if (polarity === '?' && label) polarity = polarityFromStyleName(label);
    draft.addEdge({
      id: sourceId,
      source,
      target,
      polarity,
      delay: /delay/i.test(styleName) || /delay/i.test(label),
      note: noteText(edge.note ?? edge.title),
      tags: styleName && styleName.length <= 60 ? [styleName] : [],
    }, where);
  });
  return draft.finish(data.mapTitle ?? '');
}
