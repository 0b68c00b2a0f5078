import { boundsOfBoxes, centreOf, containsRect, distanceBetweenRects, overlaps } from '../../core/geometry/rect';

/** The size a new factor is assumed to take before it is measured. */
export const NEW_FACTOR_SIZE = { width: 200, height: 80 } as const;
const GAP = 24;

interface Box { x: number; y: number; width?: number; height?: number }

/** Whether two boxes come closer than GAP (a box without a size is taken as a new factor). */
function tooClose(a: Box, b: Box): boolean {
  const aw = a.width ?? NEW_FACTOR_SIZE.width;
  const ah = a.height ?? NEW_FACTOR_SIZE.height;
  const bw = b.width ?? NEW_FACTOR_SIZE.width;
  const bh = b.height ?? NEW_FACTOR_SIZE.height;
  return a.x < b.x + bw + GAP && b.x < a.x + aw + GAP && a.y < b.y + bh + GAP && b.y < a.y + ah + GAP;
}

/** Characters of label on one line of a factor at its widest, and the height of a line (px). */
const CHARACTERS_PER_LINE = 18;
const LINE_HEIGHT = 18.5;
/** A factor's height besides its label: border, padding and the kind line (the thickest kind's). */
const BESIDES_LABEL = 50;

/**
 * The size a new factor with this label will about take: as wide as a factor gets, and as tall as
 * its label wrapped word by word into lines of about 18 characters. Counting characters alone
 * (18 to a line) fell short for labels of long words, which wrap early: a newcomer's factor was
 * placed touching the one below it. Checked against the drawn size in Chromium (editor-space e2e).
 */
export function estimatedFactorSize(label: string): { width: number; height: number } {
  const height = Math.ceil(BESIDES_LABEL + LINE_HEIGHT * wrappedLines(label, CHARACTERS_PER_LINE));
  return { width: NEW_FACTOR_SIZE.width, height: Math.max(NEW_FACTOR_SIZE.height, height) };
}

/** How many lines a text takes wrapped at spaces into lines of `perLine` characters; a longer word breaks anywhere. */
export function wrappedLines(text: string, perLine: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.trim().split(/\s+/)) {
    const need = used === 0 ? word.length : used + 1 + word.length;
    if (need <= perLine) {
      used = need;
      continue;
    }
    if (used > 0) lines++;
    let rest = word.length;
    while (rest > perLine) {
      lines++;
      rest -= perLine;
    }
    used = rest;
  }
  return lines;
}

/** A straight stretch between two points: a link, as far as placing a factor beside it goes. */
export interface Segment { from: { x: number; y: number }; to: { x: number; y: number } }

export interface SpotPreferences {
  /** The part of the map in view: a spot inside it is better than one off screen. */
  within?: { x: number; y: number; width: number; height: number } | null;
  /** Links: a spot that no link runs under is better. */
  links?: readonly Segment[];
  /**
   * The factors the new one will be linked to: a spot whose new links run past other factors, not
   * through them, and are long enough to see, is better.
   */
  anchors?: readonly Required<Box>[];
  /** The new factor's size, when known better than the default (estimatedFactorSize). */
  size?: { width: number; height: number };
  /** The grid's spacing, when not half the size (a row of several factors is placed on a single factor's). */
  step?: { x: number; y: number };
}

/**
 * What each flaw of a spot costs, in map units of distance from where it was wanted: a spot that
 * has one is taken only over a spot without it this much further away.
 * - Out of view: nearly never; a newcomer could not see what quick entry had made, and the view
 *   moving to each new factor lost them what they had drawn before (the ninth round).
 * - Under a link: a little further is better, but not across the map. Between two linked factors
 *   the link swung round the new one (the newcomers' eighth round); yet on a busy map the nearest
 *   spot no link ran under was far away, and a new cause landed across the map from the effect it
 *   was typed beside, its link swooping round everything to reach it (an earlier round).
 * - A new link through a factor: it would have to swing round it, or seem to end there.
 * - A new link too short to see: a new factor tucked just above the one it was linked to left a
 *   stub of an arrow with its sign on the factor's edge (the ninth round).
 */
const COST = { outOfView: 5_000, linkUnder: 300, factorInTheWay: 450, linkTooShort: 400 } as const;
/** The least room between linked factors for an arrow with its sign between them. */
const LINK_ROOM = 90;
/** Rings of the grid searched around the wanted spot. */
const RINGS = 12;

/**
 * A free spot (top-left corner) near `wanted` where a new factor covers no existing one,
 * searched ring by ring on a grid, bounded. Among free spots the cheapest wins: its distance from
 * `wanted` plus what its flaws cost (COST), so near beats perfect, but not by much.
 */
export function freeSpot(wanted: { x: number; y: number }, existing: readonly Box[], prefer: SpotPreferences = {}): { x: number; y: number } {
  const { within, anchors = [], size = NEW_FACTOR_SIZE } = prefer;
  // Half a factor apart: a grid a whole factor apart missed the gaps that fit one with room for
  // its arrow, and tucked a new factor against the one it was linked to (the ninth round).
  const stepX = prefer.step?.x ?? (size.width + GAP) / 2;
  const stepY = prefer.step?.y ?? (size.height + GAP) / 2;
  // Only what lies near the grid searched can matter (a big map has thousands of factors and links).
  const area = { x: wanted.x - RINGS * stepX - GAP, y: wanted.y - RINGS * stepY - GAP, width: 2 * RINGS * stepX + size.width + 2 * GAP, height: 2 * RINGS * stepY + size.height + 2 * GAP };
  const all = existing.map(sized);
  const boxes = all.filter((box) => overlaps(grown(box, GAP), area));
  const links = (prefer.links ?? []).filter((link) => overlaps(grown(segmentBounds(link), GAP), area));
  // The boxes a new link may not run through: every factor near its way but the one it starts from.
  const ways = anchors.map((anchor) => {
    const reach = boundsOfBoxes([area, anchor])!;
    return { anchor, from: centreOf(anchor), boxes: all.filter((box) => !sameBox(box, anchor) && overlaps(box, reach)) };
  });
  /** What a free spot costs: its distance, and its flaws (COST); stops counting once past `limit`. */
  const cost = (c: Required<Box>, limit: number): number => {
    let total = Math.hypot(c.x - wanted.x, c.y - wanted.y);
    if (within && !containsRect(within, c)) total += COST.outOfView;
    for (const link of links) {
      if (total >= limit) return total;
      if (crosses(link, c)) total += COST.linkUnder;
    }
    const centre = centreOf(c);
    for (const way of ways) {
      if (distanceBetweenRects(c, way.anchor) < LINK_ROOM) total += COST.linkTooShort;
      for (const box of way.boxes) {
        if (total >= limit) return total;
        if (crosses({ from: way.from, to: centre }, box)) total += COST.factorInTheWay;
      }
    }
    return total;
  };
  let best: { x: number; y: number } | null = null;
  let bestCost = Infinity;
  for (let ring = 0; ring <= RINGS; ring++) {
    // Nothing in this ring or beyond is nearer than this: stop once that alone costs more.
    if (ring * Math.min(stepX, stepY) >= bestCost) break;
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const candidate = { x: wanted.x + dx * stepX, y: wanted.y + dy * stepY, ...size };
        if (Math.hypot(candidate.x - wanted.x, candidate.y - wanted.y) >= bestCost) continue;
        if (boxes.some((box) => tooClose(candidate, box))) continue;
        const candidateCost = cost(candidate, bestCost);
        if (candidateCost < bestCost) {
          best = { x: candidate.x, y: candidate.y };
          bestCost = candidateCost;
        }
      }
    }
  }
  return best ?? wanted;
}

/** A box with a margin all round. */
function grown(box: Required<Box>, margin: number): Required<Box> {
  return { x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin };
}

function segmentBounds({ from, to }: Segment): Required<Box> {
  return { x: Math.min(from.x, to.x), y: Math.min(from.y, to.y), width: Math.abs(to.x - from.x), height: Math.abs(to.y - from.y) };
}

function sameBox(a: Required<Box>, b: Required<Box>): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

function sized(box: Box): Required<Box> {
  return { x: box.x, y: box.y, width: box.width ?? NEW_FACTOR_SIZE.width, height: box.height ?? NEW_FACTOR_SIZE.height };
}

/** Whether a link's straight line passes through a box (with the usual gap around it). */
export function crosses(segment: Segment, box: Required<Box>): boolean {
  const left = box.x - GAP / 2;
  const right = box.x + box.width + GAP / 2;
  const top = box.y - GAP / 2;
  const bottom = box.y + box.height + GAP / 2;
  // Liang–Barsky: clip the segment to the box; it crosses if anything is left.
  const { from, to } = segment;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [[-dx, from.x - left], [dx, right - from.x], [-dy, from.y - top], [dy, bottom - from.y]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}
