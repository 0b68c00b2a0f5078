import Fuse from 'fuse.js';

/**
 * Fuzzy matching of factor labels (and tags) with fuse.js, shared by quick
 * entry, find and the keyboard link picker so that they agree on what
 * "matches" means.
 */

export interface Labelled { id: string; label: string; tags?: readonly string[] }

/** A quick-entry side matches an existing factor only this closely (0 exact … 1 anything). */
export const MATCH_THRESHOLD = 0.34;

export function normalise(label: string): string {
  return label.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

export class LabelIndex<T extends Labelled> {
  private readonly fuse: Fuse<T>;
  private readonly exact = new Map<string, T>();

  constructor(readonly items: readonly T[], options: { withTags?: boolean } = {}) {
    this.fuse = new Fuse(items, {
      keys: options.withTags ? [{ name: 'label', weight: 0.75 }, { name: 'tags', weight: 0.25 }] : ['label'],
      includeScore: true,
      ignoreLocation: true,
      threshold: 0.45,
      minMatchCharLength: 2,
    });
    for (const item of items) {
      const key = normalise(item.label);
      if (!this.exact.has(key)) this.exact.set(key, item);
    }
  }

  exactMatch(label: string): T | null {
    return this.exact.get(normalise(label)) ?? null;
  }

  /** Best matches first, each with a score (0 is perfect). */
  search(query: string, limit = 8): { item: T; score: number }[] {
    const q = query.trim();
    if (!q) return [];
    const exact = this.exactMatch(q);
    const found = this.fuse.search(q, { limit }).map((r) => ({ item: r.item, score: r.score ?? 1 }));
    if (exact) return [{ item: exact, score: 0 }, ...found.filter((r) => r.item !== exact)].slice(0, limit);
    return found;
  }

  /** The one existing item a typed label most likely means, or null if none is close enough. */
  bestMatch(label: string): { item: T; exact: boolean } | null {
    const exact = this.exactMatch(label);
    if (exact) return { item: exact, exact: true };
    const [best] = this.search(label, 1);
    return best && best.score <= MATCH_THRESHOLD ? { item: best.item, exact: false } : null;
  }
}
