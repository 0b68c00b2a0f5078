/**
 * Vensim .mdl: a causal loop diagram as a Vensim sketch.
 *
 * Layout of the file (Vensim's documented text format): an equations part,
 * then the sketch, which starts at a line beginning `\\\---///`, names its
 * version (`V300`), its view (`*View 1`) and default style (`$…`), and then
 * holds one record per line:
 *   10,id,name,x,y,w,h,shape,bits,…          a variable (a "word")
 *   1,id,from,to,shape,hid,pol,thick,hasf,dtype,res,color,font,np|(x,y)|
 *                                            an arrow; `pol` is the ASCII code
 *                                            of the polarity mark (+ - S O ?)
 *   12,id,0,x,y,w,h,shape,bits,…             a comment; when bit 4 of `bits`
 *                                            is set its text is the next line
 *   11,…  valves, 30/31 images               (ignored on import)
 * and ends at `///---\\\`.
 *
 * Export writes each factor as a variable with an `A FUNCTION OF( … )`
 * equation (its causes, `-` before negative ones) whose comment is the note,
 * each link as an arrow with its polarity mark and a control point that
 * curves parallel links apart, a delay as bit 2 (value 2) of the arrow's
 * delay-type field (`dtype`, 64 = curved arrow, 66 = curved with a delay
 * mark), and each loop as a loop identifier (comment, shape 5, text R1/B1…).
 *
 * Import reads variables and arrows from every view (a variable drawn in two
 * views is one factor; the same arrow drawn in two views is one link),
 * takes polarity from the arrow's polarity field (+ and S are "+", - and O
 * are "-", anything else "?"), a delay from bit 2 of `dtype`, and notes from
 * the equation comments. Records with fewer trailing fields (older Vensim
 * versions) are read as long as the fields up to the ones used are present.
 * Flow pipes (arrows to or from valves and clouds) are not links.
 */
import {
  ImportError, MapDraft, decodeImport, liveEdges, loopLabels, loopName, sortedById,
  type ExportInput, type ImportInput, type ParsedMap,
} from './types';
import type { Polarity } from '../model';

const SKETCH_START = '\\\\\\---///';
const SKETCH_END = '///---\\\\\\';

/** Vensim names are case-insensitive and treat spaces and underscores alike. */
function nameKey(name: string): string {
  return name.trim().replace(/[\s_]+/g, ' ').toLowerCase();
}

/** One line, no control characters. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\r\n\t\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_' ]*$/;

/** A name as Vensim writes it: plain, or in double quotes with `"` and `\` escaped. */
export function vensimName(name: string): string {
  if (PLAIN_NAME.test(name) && !/\s{2,}|\s$/.test(name)) return name;
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Text for an equation comment: `~` and `|` end fields in Vensim, so they are replaced. */
function commentText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/~/g, '∼')
    .replace(/\|/g, '¦')
    .replace(/\\\\\\/g, '\\ \\ \\')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n\t\t');
}

const POLARITY_CODE: Record<Polarity, number> = { '+': 43, '-': 45, '?': 63 };
const DTYPE_CURVED = 64;
const DTYPE_DELAY_BIT = 2;

export function exportMdl(input: ExportInput): string {
  const nodes = sortedById(input.nodes);
  const edges = liveEdges(input);
  // Unique names: Vensim would merge two variables that differ only in case or spacing.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const n of nodes) {
    const base = oneLine(n.label) || n.id;
    let name = base;
    for (let i = 2; taken.has(nameKey(name)); i++) name = `${base} ${i}`;
    taken.add(nameKey(name));
    names.set(n.id, name);
  }

  const out: string[] = ['{UTF-8}'];
  // Each cause once; "-" when every link from it is negative.
  const causes = new Map<string, Map<string, boolean>>();
  for (const e of edges) {
    const list = causes.get(e.target) ?? new Map<string, boolean>();
    list.set(e.source, (list.get(e.source) ?? true) && e.polarity === '-');
    causes.set(e.target, list);
  }
  for (const n of nodes) {
    const list = [...(causes.get(n.id) ?? new Map<string, boolean>())].map(([source, negative]) => `${negative ? '-' : ''}${vensimName(names.get(source)!)}`);
    out.push(`${vensimName(names.get(n.id)!)} = A FUNCTION OF( ${list.join(', ')} )`);
    out.push('\t~\t');
    out.push(`\t~\t${commentText(n.note)}`);
    out.push('\t|', '');
  }
  out.push(
    '********************************************************',
    '\t.Control',
    '********************************************************~',
    '\t\tSimulation Control Parameters',
    '\t|',
    '',
    'FINAL TIME  = 100',
    '\t~\tMonth',
    '\t~\tThe final time for the simulation.',
    '\t|',
    '',
    'INITIAL TIME  = 0',
    '\t~\tMonth',
    '\t~\tThe initial time for the simulation.',
    '\t|',
    '',
    'SAVEPER  = ',
    '        TIME STEP',
    '\t~\tMonth [0,?]',
    '\t~\tThe frequency with which output is stored.',
    '\t|',
    '',
    'TIME STEP  = 1',
    '\t~\tMonth [0,?]',
    '\t~\tThe time step for the simulation.',
    '\t|',
    '',
    `${SKETCH_START} Sketch information - do not modify anything except names`,
    'V300  Do not put anything below this section - it will be ignored',
    '*View 1',
    '$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0',
  );

  // Vensim positions are centres in positive pixels; ours are top-left corners of ~160×60 boxes.
  const minX = Math.min(0, ...nodes.map((n) => n.x));
  const minY = Math.min(0, ...nodes.map((n) => n.y));
  const centre = new Map<string, { x: number; y: number }>();
  const objectId = new Map<string, number>();
  let nextId = 1;
  for (const n of nodes) {
    const x = Math.round(n.x - minX + 180);
    const y = Math.round(n.y - minY + 130);
    centre.set(n.id, { x, y });
    objectId.set(n.id, nextId);
    const name = names.get(n.id)!;
    const halfWidth = Math.max(30, Math.min(90, Math.round(name.length * 3.5)));
    out.push(`10,${nextId},${vensimName(name)},${x},${y},${halfWidth},20,8,3,0,0,0,0,0,0`);
    nextId += 1;
  }

  // Parallel links between one pair bend apart; a self-link loops above its variable.
  const pairIndex = new Map<string, number>();
  for (const e of edges) {
    const a = centre.get(e.source)!;
    const b = centre.get(e.target)!;
    const pair = [e.source, e.target].sort().join('\u0000');
    const k = pairIndex.get(pair) ?? 0;
    pairIndex.set(pair, k + 1);
    let cx: number;
    let cy: number;
    if (e.source === e.target) {
      cx = a.x;
      cy = a.y - 60 - 25 * k;
    } else {
      // Bend in a frame shared by both directions, so a two-way pair bends apart.
      const [lo, hi] = e.source < e.target ? [a, b] : [b, a];
      const dx = hi.x - lo.x;
      const dy = hi.y - lo.y;
      const length = Math.hypot(dx, dy) || 1;
      const bend = (k % 2 === 0 ? 1 : -1) * (25 + 25 * Math.floor(k / 2));
      cx = Math.round((a.x + b.x) / 2 - (dy / length) * bend);
      cy = Math.round((a.y + b.y) / 2 + (dx / length) * bend);
    }
    const dtype = DTYPE_CURVED | (e.delay ? DTYPE_DELAY_BIT : 0);
    out.push(`1,${nextId},${objectId.get(e.source)},${objectId.get(e.target)},0,0,${POLARITY_CODE[e.polarity]},0,0,${dtype},0,-1--1--1,,1|(${Math.round(cx)},${Math.round(cy)})|`);
    nextId += 1;
  }

  // Loop identifiers at the centre of each loop's factors (text on the next line).
  const labels = loopLabels(input.loops);
  const usedSpots = new Set<string>();
  for (const loop of input.loops) {
    const points = loop.nodeIds.map((id) => centre.get(id)).filter((p): p is { x: number; y: number } => !!p);
    if (!points.length) continue;
    const x = Math.round(points.reduce((s, p) => s + p.x, 0) / points.length);
    let y = Math.round(points.reduce((s, p) => s + p.y, 0) / points.length) - (points.length === 1 ? 55 : 0);
    // Two loops through the same factors would hide each other.
    while (usedSpots.has(`${x},${y}`)) y += 30;
    usedSpots.add(`${x},${y}`);
    const name = oneLine(loopName(loop, input));
    out.push(`12,${nextId},0,${x},${y},15,15,5,4,0,0,-1,0,0,0`);
    out.push(`${labels.get(loop.id)}${name ? ` ${name}` : ''}`);
    nextId += 1;
  }
  out.push(SKETCH_END);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// Import

/** Splits a sketch record at commas, keeping a quoted name (with \" and \\) whole. */
function splitRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          value += line[i + 1];
          i += 2;
        } else value += line[i++];
      }
      if (i >= line.length) throw new Error('a quoted name is not closed');
      i++;
      fields.push(`"${value}`);
      // Skip to the next comma.
      while (i < line.length && line[i] !== ',') i++;
      i++;
    } else {
      const end = line.indexOf(',', i);
      if (end < 0) {
        fields.push(line.slice(i));
        break;
      }
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** A field of a split record: quoted names carry a leading `"` marker. */
function fieldText(field: string | undefined): string {
  if (field === undefined) return '';
  return field.startsWith('"') ? field.slice(1) : field.trim();
}

function int(field: string | undefined): number | null {
  if (field === undefined) return null;
  // Vensim reads fields atoi-style: "-1--1--1" is -1.
  const match = /^\s*(-?\d+)/.exec(field);
  return match ? Number(match[1]) : null;
}

function polarityFromCode(code: number | null): Polarity {
  switch (code) {
    case 43: case 83: case 115: return '+';
    case 45: case 79: case 111: case 48: return '-';
    default: return '?';
  }
}

/** Equation comments by variable name key (the third `~` field). */
function readComments(equations: string): Map<string, string> {
  const comments = new Map<string, string>();
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < equations.length; i++) {
    const ch = equations[i];
    if (ch === '"' && equations[i - 1] !== '\\') inQuote = !inQuote;
    if (ch !== '|' || inQuote) continue;
    const block = equations.slice(start, i);
    start = i + 1;
    const parts = block.split('~');
    if (parts.length < 3) continue;
    const lhs = parts[0]!.replace(/^\s*\{UTF-8\}\s*/, '');
    const match = /^\s*("(?:[^"\\]|\\.)*"|[^=(:[]+)/.exec(lhs);
    if (!match) continue;
    let name = match[1]!.trim();
    if (name.startsWith('"')) name = name.slice(1, -1).replace(/\\(["\\])/g, '$1');
    const comment = parts[2]!.split('\n').map((l) => l.trim()).join('\n').trim();
    if (name && comment && !comments.has(nameKey(name))) comments.set(nameKey(name), comment);
  }
  return comments;
}

interface ViewVariable {
  key: string;
  name: string;
  x: number;
  y: number;
  primary: boolean;
  line: number;
}

interface ViewArrow {
  from: number;
  to: number;
  polarity: Polarity;
  delay: boolean;
  line: number;
}

export function importMdl(input: ImportInput): ParsedMap {
  const text = decodeImport(input, { legacy: true }).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const sketchAt = lines.findIndex((l) => l.startsWith(SKETCH_START));
  if (sketchAt < 0) {
    throw new ImportError('This Vensim file has no sketch (no line starting with \\\\\\---///), so it has no diagram to import.');
  }
  const comments = readComments(lines.slice(0, sketchAt).join('\n'));

  const draft = new MapDraft();
  const factorByKey = new Map<string, string>();
  const firstPosition = new Map<string, ViewVariable>();
  const variables: ViewVariable[] = [];
  const linkKeys = new Set<string>();
  const pendingLinks: { source: string; target: string; polarity: Polarity; delay: boolean; line: number }[] = [];

  let view: { objects: Map<number, ViewVariable | 'other'>; arrows: ViewArrow[] } | null = null;
  const finishView = () => {
    if (!view) return;
    const seenHere = new Set<string>();
    for (const arrow of view.arrows) {
      const from = view.objects.get(arrow.from);
      const to = view.objects.get(arrow.to);
      if (from === undefined || to === undefined) {
        throw new ImportError(`Vensim file line ${arrow.line}: the arrow points at object ${from === undefined ? arrow.from : arrow.to}, which is not in its view.`);
      }
      if (from === 'other' || to === 'other') continue; // flow pipes, clouds, comments
      const signature = `${from.key}\u0000${to.key}\u0000${arrow.polarity}\u0000${arrow.delay}`;
      // The same arrow drawn again in another view is the same link.
      if (linkKeys.has(signature) && !seenHere.has(signature)) continue;
      seenHere.add(signature);
      pendingLinks.push({ source: from.key, target: to.key, polarity: arrow.polarity, delay: arrow.delay, line: arrow.line });
    }
    for (const s of seenHere) linkKeys.add(s);
    view = null;
  };

  let skipNext = false;
  for (let index = sketchAt; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNo = index + 1;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (line.startsWith(SKETCH_START)) {
      finishView();
      view = { objects: new Map(), arrows: [] };
      continue;
    }
    if (line.startsWith(SKETCH_END)) {
      finishView();
      break;
    }
    if (!view) continue;
    if (!/^\s*\d+\s*,/.test(line)) continue; // V300, *View, $style, blank lines
    let fields: string[];
    try {
      fields = splitRecord(line.trim());
    } catch (error) {
      throw new ImportError(`Vensim file line ${lineNo}: ${(error as Error).message}.`);
    }
    const type = int(fields[0]);
    const id = int(fields[1]);
    if (id === null) throw new ImportError(`Vensim file line ${lineNo}: the record has no object id.`);
    if (view.objects.has(id)) throw new ImportError(`Vensim file line ${lineNo}: object id ${id} is used twice in one view.`);
    if (type === 10) {
      const name = fieldText(fields[2]).replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
      const x = int(fields[3]);
      const y = int(fields[4]);
      if (!name) throw new ImportError(`Vensim file line ${lineNo}: the variable has no name.`);
      if (x === null || y === null) throw new ImportError(`Vensim file line ${lineNo}: the variable "${name}" has no position.`);
      const bits = int(fields[8]);
      const variable: ViewVariable = { key: nameKey(name), name, x, y, primary: bits === null || (bits & 1) === 1, line: lineNo };
      view.objects.set(id, variable);
      variables.push(variable);
    } else if (type === 1) {
      const from = int(fields[2]);
      const to = int(fields[3]);
      if (from === null || to === null) throw new ImportError(`Vensim file line ${lineNo}: the arrow has no "from" or "to" object.`);
      const dtype = int(fields[9]) ?? 0;
      view.arrows.push({ from, to, polarity: polarityFromCode(int(fields[6])), delay: (dtype & DTYPE_DELAY_BIT) !== 0, line: lineNo });
    } else {
      view.objects.set(id, 'other');
      // A comment (12) whose bit 4 is set keeps its text on the next line.
      if (type === 12 && ((int(fields[8]) ?? 0) & 4) !== 0) skipNext = true;
    }
  }
  finishView();

  for (const v of variables) {
    const known = firstPosition.get(v.key);
    if (!known || (!known.primary && v.primary)) firstPosition.set(v.key, v);
  }
  for (const v of variables) {
    if (factorByKey.has(v.key)) continue;
    const at = firstPosition.get(v.key)!;
    factorByKey.set(v.key, draft.addNode({
      label: at.name,
      x: at.x - 80,
      y: at.y - 30,
      note: comments.get(v.key) ?? '',
    }, `Vensim file line ${at.line}`));
  }
  for (const link of pendingLinks) {
    draft.addEdge({
      source: factorByKey.get(link.source)!,
      target: factorByKey.get(link.target)!,
      polarity: link.polarity,
      delay: link.delay,
    }, `Vensim file line ${link.line}`);
  }
  if (draft.nodeCount === 0) throw new ImportError('The Vensim sketch has no variables.');
  return draft.finish('');
}
