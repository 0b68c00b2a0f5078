/** The size a new factor is assumed to take before it is measured. */
export const NEW_FACTOR_SIZE = { width: 200, height: 80 } as const;
const GAP = 24;

interface Box { x: number; y: number; width?: number; height?: number }

function overlaps(a: Box, b: Box): boolean {
  const aw = a.width ?? NEW_FACTOR_SIZE.width;
  const ah = a.height ?? NEW_FACTOR_SIZE.height;
  const bw = b.width ?? NEW_FACTOR_SIZE.width;
  const bh = b.height ?? NEW_FACTOR_SIZE.height;
  return a.x < b.x + bw + GAP && b.x < a.x + aw + GAP && a.y < b.y + bh + GAP && b.y < a.y + ah + GAP;
}

/**
 * The free spot nearest to `wanted` (top-left corner) where a new factor does
 * not cover an existing one: searched ring by ring on a grid, bounded.
 */
export function freeSpot(wanted: { x: number; y: number }, existing: readonly Box[]): { x: number; y: number } {
  const stepX = NEW_FACTOR_SIZE.width + GAP;
  const stepY = NEW_FACTOR_SIZE.height + GAP;
  for (let ring = 0; ring <= 12; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const candidate = { x: wanted.x + dx * stepX, y: wanted.y + dy * stepY };
        if (!existing.some((box) => overlaps(candidate, box))) return candidate;
      }
    }
  }
  return wanted;
}
