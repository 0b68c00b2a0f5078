/**
 * SVG picture of the map, generated from the model alone (no browser, no
 * measuring), so the same map always gives the same bytes and the server can
 * render it to PNG.
 *
 * Factors are drawn at their positions with a shape per kind (factor: rounded
 * box; barrier: square box with a red border; outcome: ellipse; innovation:
 * hexagon) and their label wrapped onto up to four lines. Links are curved
 * arrows (parallel links and two-way pairs bend apart; a self-link loops over
 * its factor) with the polarity sign (+, −, ?) by the arrowhead, a "‖" pair of
 * strokes across a delayed link and a dashed line for "?". Loop labels (R1,
 * B1 …) sit at the centre of their factors and are listed, with names, under
 * the diagram. Sections (system levels) are tinted boxes with their title
 * behind the factors. Every user string is XML-escaped.
 */
import { liveEdges, loopLabels, loopName, sortedById, type ExportInput } from './types';
import { escapeXml } from './xml';
import type { MapNode } from '../model';

export interface SvgOptions {
  /** Loops listed under the diagram (default 40); loop labels drawn on it (default 12). */
  maxLoopsListed?: number;
  maxLoopMarkers?: number;
}

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const FONT_SIZE = 14;
const LINE_HEIGHT = 18;
const CHAR_WIDTH = 7.8;
const MAX_CHARS = 24;
const MAX_LINES = 4;
const PAD_X = 14;
const PAD_Y = 10;
const MARGIN = 70;

const STYLE: Record<string, { fill: string; stroke: string; width: number }> = {
  factor: { fill: '#ffffff', stroke: '#334155', width: 1.5 },
  barrier: { fill: '#fef2f2', stroke: '#b91c1c', width: 2.5 },
  outcome: { fill: '#eff6ff', stroke: '#1d4ed8', width: 1.5 },
  innovation: { fill: '#f0fdf4', stroke: '#15803d', width: 1.5 },
};

const GLYPH: Record<string, string> = { '+': '+', '-': '−', '?': '?' };

/** Rounds to 0.1 and never prints "-0". */
function f(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Word-wraps a label into at most MAX_LINES lines of about MAX_CHARS characters. */
export function wrapLabel(label: string, maxChars = MAX_CHARS, maxLines = MAX_LINES): string[] {
  const words = label.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let current = '';
  const push = (line: string) => lines.push(line);
  for (let word of words) {
    while ([...word].length > maxChars) {
      if (current) {
        push(current);
        current = '';
      }
      const chars = [...word];
      push(chars.slice(0, maxChars).join(''));
      word = chars.slice(maxChars).join('');
    }
    if (!current) current = word;
    else if ([...current].length + 1 + [...word].length <= maxChars) current += ` ${word}`;
    else {
      push(current);
      current = word;
    }
  }
  if (current) push(current);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${[...kept[maxLines - 1]!].slice(0, maxChars - 1).join('')}…`;
    return kept;
  }
  return lines.length ? lines : [''];
}

interface Box {
  node: MapNode;
  lines: string[];
  x: number;
  y: number;
  w: number;
  h: number;
  cx: number;
  cy: number;
  kind: string;
}

function layoutBox(node: MapNode): Box {
  const lines = wrapLabel(node.label);
  const longest = Math.max(...lines.map((l) => [...l].length));
  const kind = STYLE[node.kind] ? node.kind : 'factor';
  let w = Math.max(120, Math.min(260, longest * CHAR_WIDTH + 2 * PAD_X));
  let h = lines.length * LINE_HEIGHT + 2 * PAD_Y;
  if (kind === 'outcome') {
    w *= 1.2;
    h *= 1.3;
  } else if (kind === 'innovation') w += 24;
  return { node, lines, x: node.x, y: node.y, w, h, cx: node.x + w / 2, cy: node.y + h / 2, kind };
}

/** Where a ray from the box centre in direction (dx, dy) leaves the shape. */
function boundary(box: Box, dx: number, dy: number, gap = 0): { x: number; y: number } {
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const hw = box.w / 2;
  const hh = box.h / 2;
  let t: number;
  if (box.kind === 'outcome') t = 1 / Math.sqrt((ux / hw) ** 2 + (uy / hh) ** 2);
  else t = Math.min(ux === 0 ? Infinity : hw / Math.abs(ux), uy === 0 ? Infinity : hh / Math.abs(uy));
  return { x: box.cx + ux * (t + gap), y: box.cy + uy * (t + gap) };
}

function shape(box: Box): string {
  const s = STYLE[box.kind]!;
  const paint = `fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"`;
  switch (box.kind) {
    case 'outcome':
      return `<ellipse cx="${f(box.cx)}" cy="${f(box.cy)}" rx="${f(box.w / 2)}" ry="${f(box.h / 2)}" ${paint}/>`;
    case 'innovation': {
      const i = 14;
      const pts = [
        [box.x + i, box.y], [box.x + box.w - i, box.y], [box.x + box.w, box.cy],
        [box.x + box.w - i, box.y + box.h], [box.x + i, box.y + box.h], [box.x, box.cy],
      ].map(([px, py]) => `${f(px!)},${f(py!)}`).join(' ');
      return `<polygon points="${pts}" ${paint}/>`;
    }
    case 'barrier':
      return `<rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.w)}" height="${f(box.h)}" rx="2" ${paint}/>`;
    default:
      return `<rect x="${f(box.x)}" y="${f(box.y)}" width="${f(box.w)}" height="${f(box.h)}" rx="10" ${paint}/>`;
  }
}

function labelText(box: Box): string {
  const top = box.cy - (box.lines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT * 0.75;
  const spans = box.lines
    .map((line, i) => `<tspan x="${f(box.cx)}" y="${f(top + i * LINE_HEIGHT)}">${escapeXml(line)}</tspan>`)
    .join('');
  return `<text text-anchor="middle" font-size="${FONT_SIZE}" fill="#0f172a">${spans}</text>`;
}

type Point = { x: number; y: number };

function quad(p0: Point, p1: Point, p2: Point, t: number): { point: Point; tangent: Point } {
  const u = 1 - t;
  return {
    point: { x: u * u * p0.x + 2 * u * t * p1.x + t * t * p2.x, y: u * u * p0.y + 2 * u * t * p1.y + t * t * p2.y },
    tangent: { x: 2 * u * (p1.x - p0.x) + 2 * t * (p2.x - p1.x), y: 2 * u * (p1.y - p0.y) + 2 * t * (p2.y - p1.y) },
  };
}

function cubic(p0: Point, p1: Point, p2: Point, p3: Point, t: number): { point: Point; tangent: Point } {
  const u = 1 - t;
  return {
    point: {
      x: u ** 3 * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x + t ** 3 * p3.x,
      y: u ** 3 * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y + t ** 3 * p3.y,
    },
    tangent: {
      x: 3 * u * u * (p1.x - p0.x) + 6 * u * t * (p2.x - p1.x) + 3 * t * t * (p3.x - p2.x),
      y: 3 * u * u * (p1.y - p0.y) + 6 * u * t * (p2.y - p1.y) + 3 * t * t * (p3.y - p2.y),
    },
  };
}

function unit(v: Point): Point {
  const l = Math.hypot(v.x, v.y) || 1;
  return { x: v.x / l, y: v.y / l };
}

/** Two short strokes across the link at `at`, perpendicular to `tangent`. */
function delayMark(at: Point, tangent: Point): string {
  const t = unit(tangent);
  const n = { x: -t.y, y: t.x };
  return [-3, 3].map((s) => {
    const c = { x: at.x + t.x * s, y: at.y + t.y * s };
    return `<line x1="${f(c.x - n.x * 9)}" y1="${f(c.y - n.y * 9)}" x2="${f(c.x + n.x * 9)}" y2="${f(c.y + n.y * 9)}" stroke="#0f172a" stroke-width="2"/>`;
  }).join('');
}

function glyph(at: Point, polarity: string): string {
  return `<text x="${f(at.x)}" y="${f(at.y + 6)}" text-anchor="middle" font-size="18" font-weight="bold" fill="#0f172a">${escapeXml(GLYPH[polarity] ?? '?')}</text>`;
}

export function exportSvg(input: ExportInput, options: SvgOptions = {}): string {
  const maxListed = options.maxLoopsListed ?? 40;
  const maxMarkers = options.maxLoopMarkers ?? 12;
  const boxes = new Map(sortedById(input.nodes).map((n) => [n.id, layoutBox(n)]));
  const edges = liveEdges(input);
  const labels = loopLabels(input.loops);
  const nodeLabels = new Map(input.nodes.map((n) => [n.id, n.label]));

  // Canvas bounds (self-loops rise above their factor).
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const selfLooped = new Set(edges.filter((e) => e.source === e.target).map((e) => e.source));
  for (const b of boxes.values()) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y - (selfLooped.has(b.node.id) ? 90 : 0));
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  const sections = sortedById(input.sections ?? []);
  for (const s of sections) {
    minX = Math.min(minX, s.x);
    minY = Math.min(minY, s.y);
    maxX = Math.max(maxX, s.x + s.width);
    maxY = Math.max(maxY, s.y + s.height);
  }
  if (!boxes.size && !sections.length) {
    minX = 0;
    minY = 0;
    maxX = 400;
    maxY = 60;
  }
  const listed = input.loops.slice(0, maxListed);
  const listLines = 2 + listed.length + (input.loops.length > listed.length ? 1 : 0) + (input.loopsComplete ? 0 : 1);
  const titleHeight = 50;
  const legendHeight = 30;
  const ox = MARGIN - minX;
  const oy = MARGIN + titleHeight - minY;
  const width = Math.max(560, maxX - minX + 2 * MARGIN);
  const diagramBottom = maxY + oy + MARGIN / 2;
  const height = diagramBottom + legendHeight + listLines * 20 + MARGIN / 2;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}" font-family="${FONT}" role="img" aria-label="${escapeXml(`Causal loop diagram: ${input.title || 'Untitled map'}`)}">`);
  out.push(`<title>${escapeXml(input.title || 'Untitled map')}</title>`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#334155"/></marker></defs>');
  out.push(`<rect x="0" y="0" width="${f(width)}" height="${f(height)}" fill="#ffffff"/>`);
  out.push(`<text x="${f(MARGIN / 2)}" y="36" font-size="22" font-weight="bold" fill="#0f172a">${escapeXml(input.title || 'Untitled map')}</text>`);
  out.push(`<g transform="translate(${f(ox)} ${f(oy)})">`);

  // Sections (system levels) behind everything.
  out.push('<g class="sections">');
  for (const s of sections) {
    const colour = /^#[0-9a-fA-F]{6}$/.test(s.colour) ? s.colour : '#e5e7eb';
    out.push(`<g class="section" data-id="${escapeXml(s.id)}"><rect x="${f(s.x)}" y="${f(s.y)}" width="${f(s.width)}" height="${f(s.height)}" rx="12" fill="${colour}" fill-opacity="0.35" stroke="${colour}" stroke-width="2"/><text x="${f(s.x + 12)}" y="${f(s.y + 22)}" font-size="15" font-weight="bold" fill="#334155">${escapeXml(s.title)}</text></g>`);
  }
  out.push('</g>');

  // Links first, so factors sit on top of line ends.
  out.push('<g class="links" fill="none">');
  const pairCount = new Map<string, number>();
  const selfCount = new Map<string, number>();
  for (const e of edges) {
    const a = boxes.get(e.source)!;
    const b = boxes.get(e.target)!;
    const dash = e.polarity === '?' ? ' stroke-dasharray="6 4"' : '';
    const parts: string[] = [];
    if (a === b) {
      const k = selfCount.get(e.source) ?? 0;
      selfCount.set(e.source, k + 1);
      const s = 34 + 16 * k;
      const p0 = { x: a.cx + 16, y: a.y };
      const p1 = { x: a.cx + 16 + s, y: a.y - 1.7 * s };
      const p2 = { x: a.cx - 16 - s, y: a.y - 1.7 * s };
      const p3 = { x: a.cx - 16, y: a.y - 2 };
      parts.push(`<path d="M${f(p0.x)},${f(p0.y)} C${f(p1.x)},${f(p1.y)} ${f(p2.x)},${f(p2.y)} ${f(p3.x)},${f(p3.y)}" stroke="#334155" stroke-width="1.6"${dash} marker-end="url(#arrow)"/>`);
      const head = cubic(p0, p1, p2, p3, 0.86);
      parts.push(glyph({ x: head.point.x - 14, y: head.point.y }, e.polarity));
      if (e.delay) {
        const mid = cubic(p0, p1, p2, p3, 0.5);
        parts.push(delayMark(mid.point, mid.tangent));
      }
    } else {
      // Bend in a frame shared by both directions, so a two-way pair bends apart.
      const [lo, hi] = e.source < e.target ? [a, b] : [b, a];
      const pair = `${lo.node.id}\u0000${hi.node.id}`;
      const k = pairCount.get(pair) ?? 0;
      pairCount.set(pair, k + 1);
      const canon = unit({ x: hi.cx - lo.cx, y: hi.cy - lo.cy });
      const normal = { x: -canon.y, y: canon.x };
      const bend = (k % 2 === 0 ? 1 : -1) * (26 + 26 * Math.floor(k / 2));
      const mid = { x: (a.cx + b.cx) / 2, y: (a.cy + b.cy) / 2 };
      const control = { x: mid.x + normal.x * bend * 2, y: mid.y + normal.y * bend * 2 };
      const start = boundary(a, control.x - a.cx, control.y - a.cy);
      const end = boundary(b, control.x - b.cx, control.y - b.cy, 2);
      parts.push(`<path d="M${f(start.x)},${f(start.y)} Q${f(control.x)},${f(control.y)} ${f(end.x)},${f(end.y)}" stroke="#334155" stroke-width="1.6"${dash} marker-end="url(#arrow)"/>`);
      const head = quad(start, control, end, 0.84);
      const side = unit({ x: -head.tangent.y, y: head.tangent.x });
      // Put the sign on the outer side of the bend.
      const outward = side.x * normal.x * bend + side.y * normal.y * bend >= 0 ? 1 : -1;
      parts.push(glyph({ x: head.point.x + side.x * 13 * outward, y: head.point.y + side.y * 13 * outward }, e.polarity));
      if (e.delay) {
        const m = quad(start, control, end, 0.5);
        parts.push(delayMark(m.point, m.tangent));
      }
    }
    out.push(`<g class="link" data-id="${escapeXml(e.id)}" data-polarity="${escapeXml(e.polarity)}"${e.delay ? ' data-delay="true"' : ''}>${parts.join('')}</g>`);
  }
  out.push('</g>');

  out.push('<g class="factors">');
  for (const box of boxes.values()) {
    out.push(`<g class="factor" data-id="${escapeXml(box.node.id)}" data-kind="${escapeXml(box.kind)}"><title>${escapeXml(box.node.label)}</title>${shape(box)}${labelText(box)}</g>`);
  }
  out.push('</g>');

  // Loop labels at the centre of their factors.
  out.push('<g class="loop-markers">');
  for (const loop of input.loops.slice(0, maxMarkers)) {
    const centres = loop.nodeIds.map((id) => boxes.get(id)).filter((b): b is Box => !!b);
    if (centres.length < 2) continue;
    const cx = centres.reduce((s, b) => s + b.cx, 0) / centres.length;
    const cy = centres.reduce((s, b) => s + b.cy, 0) / centres.length;
    const label = labels.get(loop.id) ?? '';
    out.push(`<g class="loop-marker" data-loop="${escapeXml(loop.id)}"><circle cx="${f(cx)}" cy="${f(cy)}" r="17" fill="#fefce8" stroke="#a16207" stroke-width="1.2" opacity="0.95"/><text x="${f(cx)}" y="${f(cy + 5)}" text-anchor="middle" font-size="13" font-weight="bold" fill="#713f12">${escapeXml(label)}</text></g>`);
  }
  out.push('</g>');
  out.push('</g>');

  // Legend and loop list.
  let y = diagramBottom + 10;
  out.push(`<text x="${f(MARGIN / 2)}" y="${f(y)}" font-size="12" fill="#475569">+ same direction · − opposite direction · ? not agreed · ‖ delay · R reinforcing loop · B balancing loop</text>`);
  y += legendHeight;
  out.push('<g class="loop-list" font-size="13" fill="#0f172a">');
  out.push(`<text x="${f(MARGIN / 2)}" y="${f(y)}" font-weight="bold">Feedback loops: ${input.loops.length}${input.loopsComplete ? '' : ' (the search stopped at a cap: not every loop is listed)'}</text>`);
  y += 20;
  for (const loop of listed) {
    const name = loopName(loop, input);
    const path = [...loop.nodeIds, loop.nodeIds[0]!].map((id) => nodeLabels.get(id) ?? id).join(' → ');
    let line = `${labels.get(loop.id)}${name ? ` “${name}”` : ''}${loop.delayed ? ' (delayed)' : ''}: ${path}`;
    if ([...line].length > 160) line = `${[...line].slice(0, 159).join('')}…`;
    out.push(`<text x="${f(MARGIN / 2)}" y="${f(y)}" class="loop" data-loop="${escapeXml(loop.id)}">${escapeXml(line)}</text>`);
    y += 20;
  }
  if (input.loops.length > listed.length) {
    out.push(`<text x="${f(MARGIN / 2)}" y="${f(y)}" fill="#475569">… and ${input.loops.length - listed.length} more (see the CSV or JSON export)</text>`);
    y += 20;
  }
  if (!input.loops.length) out.push(`<text x="${f(MARGIN / 2)}" y="${f(y)}" fill="#475569">No feedback loops.</text>`);
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
