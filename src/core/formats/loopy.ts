/**
 * LOOPY (ncase.me/loopy, v1.x) links and data (import only).
 *
 * A LOOPY share link is `…/loopy/v1.1/?data=<model>`; the model is a JSON
 * array `[nodes, edges, labels, meta]` with its quotes written as %22 and its
 * last bracket as %5D:
 *   node  = [id, x, y, initial value, label (URI-encoded), hue, …]
 *   edge  = [from id, to id, arc, strength, rotation, …]
 *   label = [x, y, text]   (free text on the canvas)
 *   meta  = UID, or [UID, mode, colour mode]
 * Either the whole link or the `data` value (URI-encoded or not) is accepted.
 * Strength above 0 is "+", below 0 is "-" (v1.1's ±8 and ±9 too), 0 is "?".
 * Lost: initial values, hues, arc shapes and the free-text labels. LOOPY v2
 * links (compressed) are not read.
 */
import { z } from 'zod';
import { parseJsonText, zodIssue } from './kumu';
import { ImportError, IMPORT_LIMITS, MapDraft, decodeImport, type ImportInput, type ParsedMap } from './types';

const nodeSchema = z.tuple([z.union([z.number(), z.string()]), z.number(), z.number(), z.unknown(), z.string()]).rest(z.unknown());
const edgeSchema = z.tuple([z.union([z.number(), z.string()]), z.union([z.number(), z.string()]), z.unknown(), z.number()]).rest(z.unknown());
const loopySchema = z.tuple([
  z.array(nodeSchema).max(IMPORT_LIMITS.nodes),
  z.array(edgeSchema).max(IMPORT_LIMITS.edges),
]).rest(z.unknown());

function decodeOnce(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ImportError(`The LOOPY ${what} is not correctly URL-encoded.`);
  }
}

/** The model JSON text from a link, a `data=` value or the JSON itself. */
export function loopyModelText(text: string): string {
  const trimmed = text.trim();
  const match = /[?&#]data=([^&#\s]*)/.exec(trimmed);
  if (match) return decodeOnce(match[1]!, 'link');
  if (trimmed.startsWith('[') && /%22|%5D/i.test(trimmed)) return decodeOnce(trimmed, 'data');
  return trimmed;
}

export function importLoopy(input: ImportInput): ParsedMap {
  const modelText = loopyModelText(decodeImport(input));
  if (!modelText.startsWith('[')) throw new ImportError('This is not a LOOPY link or model: expected a link with ?data= or a JSON array.');
  const parsed = loopySchema.safeParse(parseJsonText(modelText, 'LOOPY'));
  if (!parsed.success) throw zodIssue(parsed.error, 'LOOPY model');
  const [nodes, edges] = parsed.data;

  const draft = new MapDraft();
  const ids = new Map<string, string>();
  nodes.forEach((node, index) => {
    const sourceId = String(node[0]);
    const where = `LOOPY node ${index + 1}`;
    if (ids.has(sourceId)) throw new ImportError(`${where}: the id ${sourceId} is used twice.`);
    let label = node[4];
    try {
      label = decodeURIComponent(label);
    } catch {
      // A label that is not URI-encoded is kept as it is.
    }
    // LOOPY positions are circle centres; ours are the top-left corners of a ~160×60 box.
    ids.set(sourceId, draft.addNode({ id: sourceId, label: label.trim() || `Node ${sourceId}`, x: node[1] - 80, y: node[2] - 30 }, where));
  });
  edges.forEach((edge, index) => {
    const where = `LOOPY arrow ${index + 1}`;
    const source = ids.get(String(edge[0]));
    const target = ids.get(String(edge[1]));
    if (!source || !target) throw new ImportError(`${where}: it joins node ${String(source ? edge[1] : edge[0])}, which is not in the model.`);
    const strength = edge[3];
    draft.addEdge({ source, target, polarity: strength > 0 ? '+' : strength < 0 ? '-' : '?' }, where);
  });
  return draft.finish('');
}
