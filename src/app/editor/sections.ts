/**
 * Sections hold factors by geometry, not by a stored parent: a factor is in
 * the smallest section that contains its centre. Nothing has to be kept in
 * step when someone moves a factor or resizes a section, and two people doing
 * both at once cannot leave the map inconsistent.
 */

import { containsPoint, containsRect, type Rect } from '../../core/geometry/rect';

export type { Rect };

export interface SectionRect extends Rect { id: string }

/** Colours offered for sections: light, so that factors and links on them stay readable. Named, never colour alone. */
export const SECTION_COLOURS: ReadonlyArray<{ value: string; name: string }> = [
  { value: '#e0f2fe', name: 'Sky' },
  { value: '#dcfce7', name: 'Mint' },
  { value: '#fef9c3', name: 'Lemon' },
  { value: '#fde2e4', name: 'Rose' },
  { value: '#ede9fe', name: 'Lavender' },
  { value: '#e5e7eb', name: 'Grey' },
];

/** System levels used in the reports' map (DOMAIN.md), offered as section titles. */
export const SYSTEM_LEVELS = [
  'Government and policy priorities',
  'Commissioning priorities',
  'The way services are set up',
  'Shaping and designing support',
  'Practitioners',
  "People's lives",
] as const;

/** The section a point belongs to: the smallest one containing it (sections may nest). */
export function sectionAt(sections: readonly SectionRect[], x: number, y: number): SectionRect | null {
  let best: SectionRect | null = null;
  for (const section of sections) {
    if (!containsPoint(section, { x, y })) continue;
    if (!best || section.width * section.height < best.width * best.height) best = section;
  }
  return best;
}

/**
 * What moves with a section: every factor whose centre lies in it (even if a
 * smaller section inside it is the factor's own), and every section wholly
 * inside it.
 */
export function sectionMembers(
  section: SectionRect,
  factors: ReadonlyArray<{ id: string; centre: { x: number; y: number } }>,
  sections: readonly SectionRect[],
): { factorIds: string[]; sectionIds: string[] } {
  return {
    factorIds: factors.filter((f) => containsPoint(section, f.centre)).map((f) => f.id),
    sectionIds: sections.filter((s) => s.id !== section.id && containsRect(section, s)).map((s) => s.id),
  };
}

/** A section around the given boxes with room for its title. */
export function sectionAround(boxes: readonly Rect[], padding = 40): Rect | null {
  if (boxes.length === 0) return null;
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return {
    x: Math.round(left - padding),
    y: Math.round(top - padding - 32),
    width: Math.round(right - left + padding * 2),
    height: Math.round(bottom - top + padding * 2 + 32),
  };
}
