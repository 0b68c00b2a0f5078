import { containsRect } from '../../core/geometry/rect';

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
  /** The new factor's size, when known better than the default (estimatedFactorSize). */
  size?: { width: number; height: number };
}

/** Rings of the search within which a spot counts as near where it was wanted. */
const NEAR_RINGS = 2;
/** Rings searched in all. */
const ALL_RINGS = 12;

/**
 * The free spot nearest to `wanted` (top-left corner) where a new factor does not cover an
 * existing one: searched ring by ring on a grid, bounded. Better still, and tried first, a spot
 * in view that no link runs under: a newcomer's factors typed into quick entry landed on links
 * and off screen, and they could not see what they had made. But near comes before clear of
 * links: on a busy map the nearest spot no link ran under was far away, and a newcomer's new
 * cause landed across the map from the effect it was typed beside, its link swooping round
 * everything to reach it.
 */
export function freeSpot(wanted: { x: number; y: number }, existing: readonly Box[], prefer: SpotPreferences = {}): { x: number; y: number } {
  const tests: { acceptable: (c: Required<Box>) => boolean; rings: number }[] = [];
  const { within, links = [], size = NEW_FACTOR_SIZE } = prefer;
  const inView = (c: Required<Box>) => !within || containsRect(within, c);
  const offLinks = (c: Required<Box>) => !links.some((l) => crosses(l, c));
  tests.push({ acceptable: (c) => inView(c) && offLinks(c), rings: NEAR_RINGS });
  if (links.length > 0) tests.push({ acceptable: inView, rings: NEAR_RINGS });
  tests.push({ acceptable: (c) => inView(c) && offLinks(c), rings: ALL_RINGS });
  if (within) tests.push({ acceptable: inView, rings: ALL_RINGS });
  if (links.length > 0) tests.push({ acceptable: offLinks, rings: ALL_RINGS });
  tests.push({ acceptable: () => true, rings: ALL_RINGS });
  for (const { acceptable, rings } of tests) {
    const spot = nearestFree(wanted, existing, size, acceptable, rings);
    if (spot) return spot;
  }
  return wanted;
}

function nearestFree(
  wanted: { x: number; y: number }, existing: readonly Box[], size: { width: number; height: number }, acceptable: (c: Required<Box>) => boolean, rings: number,
): { x: number; y: number } | null {
  const stepX = size.width + GAP;
  const stepY = size.height + GAP;
  for (let ring = 0; ring <= rings; ring++) {
    const around: { dx: number; dy: number }[] = [];
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) around.push({ dx, dy });
    }
    // Nearest first within a ring: straight above, below or beside before a corner.
    around.sort((a, b) => (a.dx * stepX) ** 2 + (a.dy * stepY) ** 2 - ((b.dx * stepX) ** 2 + (b.dy * stepY) ** 2));
    for (const { dx, dy } of around) {
      const candidate = { x: wanted.x + dx * stepX, y: wanted.y + dy * stepY, ...size };
      if (!acceptable(candidate)) continue;
      if (!existing.some((box) => tooClose(candidate, box))) return { x: candidate.x, y: candidate.y };
    }
  }
  return null;
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
