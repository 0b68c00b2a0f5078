import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import * as Y from 'yjs';
import { neutraliseCell } from '../src/core/formats/csv';
import type { LoggedUpdate, Store } from './store/types';
import { changesOf } from './sync/guard';

/** What one logged update did, in words a researcher can tabulate. */
export interface HistoryChange {
  kind: string;
  id: string;
  action: 'added' | 'removed' | 'changed';
  /** The element's label (or "source → target") at the time. */
  label: string;
  fields: string[];
}

export interface HistoryEntry {
  seq: number;
  at: number;
  /** Pseudonymous: stable within one map, not linkable across maps. */
  author: string;
  role: string;
  changes: HistoryChange[];
}

const KINDS: Record<string, string> = {
  nodes: 'factor', edges: 'link', sections: 'section', loopNames: 'loop name', meta: 'map',
  session: 'session', votes: 'vote', voteResults: 'vote result', comments: 'comment', withdrawals: 'withdrawal',
};
const SYSTEM_AUTHOR = /^(server|template:|import:|migration)/;

/** A per-map pseudonym for an author id: the same person reads the same within a map only. */
export function pseudonym(mapId: string, author: string): string {
  if (SYSTEM_AUTHOR.test(author)) return author;
  return `P-${createHash('sha256').update(`${mapId}\u0000${author}`).digest('hex').slice(0, 8)}`;
}

/**
 * Replays a map's update log from the start, reading each update's effect.
 * Labels of removed elements are remembered, so a removal says what went.
 */
/** Shown instead of the words of something withdrawn by its author or hidden by the facilitator. */
export const REDACTED_LABEL = '(withdrawn or hidden)';

export class HistoryReplay {
  readonly doc = new Y.Doc();

  /** `redacted`: ids whose labels and texts must not be told (see redactedIds). */
  constructor(private readonly redacted: ReadonlySet<string> = new Set()) {}

  private readonly labels = new Map<string, string>();
  /** A link's ends, so its removal reads with its factors' names as they are then. */
  private readonly ends = new Map<string, [string, string]>();

  apply(update: LoggedUpdate, mapId: string): HistoryEntry {
    let changes: HistoryChange[] = [];
    const onTransaction = (transaction: Y.Transaction) => {
      changes = this.describe(transaction);
    };
    this.doc.on('afterTransaction', onTransaction);
    try {
      Y.applyUpdate(this.doc, update.update, 'replay');
    } finally {
      this.doc.off('afterTransaction', onTransaction);
    }
    return { seq: update.seq, at: update.at, author: pseudonym(mapId, update.author), role: update.role, changes };
  }

  private labelFor(root: string, id: string): string {
    if (this.redacted.has(id)) return REDACTED_LABEL;
    const entry = this.doc.getMap<unknown>(root).get(id);
    if (root === 'edges') {
      if (entry instanceof Y.Map) this.ends.set(id, [String(entry.get('source')), String(entry.get('target'))]);
      const ends = this.ends.get(id);
      if (!ends) return '';
      const [source, target] = ends;
      const name = (factor: string) => (this.redacted.has(factor) ? REDACTED_LABEL : this.labels.get(factor) ?? factor);
      return `${name(source)} → ${name(target)}`;
    }
    if (entry instanceof Y.Map) {
      const label = entry.get('label') ?? entry.get('title') ?? entry.get('text');
      if (typeof label === 'string') return label;
    }
    return this.labels.get(id) ?? '';
  }

  private describe(transaction: Y.Transaction): HistoryChange[] {
    const grouped = new Map<string, HistoryChange>();
    for (const change of changesOf(this.doc, transaction)) {
      const kind = KINDS[change.root] ?? change.root;
      const nested = change.root === 'meta' || change.root === 'session';
      const id = nested ? change.root : (change.path[0] ?? '');
      const key = `${change.root}/${id}`;
      const action: HistoryChange['action'] = nested ? 'changed' : change.created ? 'added' : change.deleted ? 'removed' : 'changed';
      let entry = grouped.get(key);
      if (!entry) {
        entry = { kind, id, action, label: nested ? '' : this.labelFor(change.root, id), fields: [] };
        grouped.set(key, entry);
      }
      const field = nested ? change.path[0] : change.path[1];
      if (action === 'changed' && field !== undefined) {
        const name = field === 'x' || field === 'y' ? 'position' : field;
        if (!entry.fields.includes(name)) entry.fields.push(name);
      }
      if (!nested && change.root !== 'edges' && entry.label) this.labels.set(id, entry.label);
    }
    return [...grouped.values()];
  }
}

/** Entries after `afterSeq` (at most `limit`), replaying the log from its start. */
export async function readHistory(
  store: Store, mapId: string, afterSeq: number, limit: number, redacted: ReadonlySet<string> = new Set(),
): Promise<{ entries: HistoryEntry[]; next: number | null }> {
  const replay = new HistoryReplay(redacted);
  const entries: HistoryEntry[] = [];
  const PAGE = 1_000;
  let cursor = 0;
  for (;;) {
    const batch = await store.listUpdates(mapId, cursor, PAGE);
    for (const update of batch) {
      const entry = replay.apply(update, mapId);
      if (update.seq > afterSeq && entry.changes.length > 0) {
        if (entries.length === limit) return { entries, next: entries.at(-1)!.seq };
        entries.push(entry);
      }
    }
    if (batch.length < PAGE) break;
    cursor = batch.at(-1)!.seq;
  }
  replay.doc.destroy();
  return { entries, next: null };
}

/** The map as it stood right after update `seq`. */
export async function stateAt(store: Store, mapId: string, seq: number): Promise<Y.Doc> {
  const doc = new Y.Doc();
  let cursor = 0;
  for (;;) {
    const batch = await store.listUpdates(mapId, cursor, 1_000);
    for (const update of batch) {
      if (update.seq > seq) return doc;
      Y.applyUpdate(doc, update.update);
    }
    if (batch.length < 1_000) return doc;
    cursor = batch.at(-1)!.seq;
  }
}

export function historyCsv(entries: readonly HistoryEntry[]): string {
  const rows = entries.flatMap((entry) => entry.changes.map((change) => ({
    seq: entry.seq,
    time: new Date(entry.at).toISOString(),
    author: entry.author,
    role: entry.role,
    kind: change.kind,
    id: neutraliseCell(change.id),
    action: change.action,
    label: neutraliseCell(change.label),
    fields: change.fields.join(' '),
  })));
  // CRLF as RFC 4180 says, like the map CSV exports.
  return `${Papa.unparse(rows, { columns: ['seq', 'time', 'author', 'role', 'kind', 'id', 'action', 'label', 'fields'], newline: '\r\n' })}\r\n`;
}
