/**
 * Moving keyboard focus around the map: to the nearest factor in a
 * direction (arrow keys), and along links ([ and ]). Pure, so it is tested
 * without a browser.
 */

export interface Placed { id: string; x: number; y: number }
export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The factor nearest to `from` in `direction`: within a 45° cone each side of
 * it, nearest first, where sideways distance counts double so that "right"
 * prefers what is level with you.
 */
export function nearestInDirection(from: Placed, others: readonly Placed[], direction: Direction): string | null {
  let best: { id: string; cost: number } | null = null;
  for (const other of others) {
    if (other.id === from.id) continue;
    const dx = other.x - from.x;
    const dy = other.y - from.y;
    const along = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const across = direction === 'right' || direction === 'left' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0 || across > along) continue;
    const cost = along + across * 2;
    if (!best || cost < best.cost) best = { id: other.id, cost };
  }
  return best?.id ?? null;
}

/** The factor nearest the top-left: where keyboard focus starts on a map. */
export function firstInReadingOrder(items: readonly Placed[]): string | null {
  let best: Placed | null = null;
  for (const item of items) if (!best || item.y + item.x * 0.5 < best.y + best.x * 0.5) best = item;
  return best?.id ?? null;
}

/** Next item after `current` in `ids`, wrapping (the first one if `current` is not in it). */
export function cycle<T>(ids: readonly T[], current: T | null): T | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  return ids[(at + 1) % ids.length]!;
}
