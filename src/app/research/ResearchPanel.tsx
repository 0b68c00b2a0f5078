import { useCallback, useEffect, useState } from 'react';
import type { Role } from '../../sync/local-db';
import { dateTimeText } from '../format-time';

interface Props {
  mapId: string;
  token: string;
  role: Role | null;
}

interface Snapshot {
  id: string;
  name: string;
  createdAt: number;
  sha256: string;
  automatic: boolean;
}

interface Change {
  kind: string;
  id: string;
  action: 'added' | 'removed' | 'changed';
  label: string;
  fields: string[];
}

interface HistoryEntry {
  seq: number;
  at: number;
  author: string;
  role: string;
  changes: Change[];
}

interface Diff {
  factors: { added: { label: string }[]; removed: { label: string }[]; changed: { label: string; fields: string[] }[] };
  links: { added: { label: string }[]; removed: { label: string }[]; changed: { label: string; fields: string[] }[] };
  loops: { created: { labels: string[]; polarity: string }[]; broken: { labels: string[]; polarity: string }[] };
  loopsComplete: boolean;
}

const FORMATS: { id: string; name: string }[] = [
  { id: 'json', name: 'Causeway JSON (research format)' },
  { id: 'csv&file=factors.csv', name: 'CSV: factors' },
  { id: 'csv&file=links.csv', name: 'CSV: links' },
  { id: 'csv&file=loops.csv', name: 'CSV: loops' },
  { id: 'graphml', name: 'GraphML (yEd, networkx, igraph)' },
  { id: 'gexf', name: 'GEXF (Gephi)' },
  { id: 'dot', name: 'Graphviz DOT' },
  { id: 'mdl', name: 'Vensim sketch (.mdl)' },
  { id: 'svg', name: 'SVG picture' },
  { id: 'png', name: 'PNG picture' },
];

async function api<T>(mapId: string, token: string, path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/maps/${encodeURIComponent(mapId)}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
    });
  } catch {
    throw new Error('Cannot reach the server. This needs a connection.');
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `The server answered ${res.status}.`);
  return body;
}

/**
 * For researchers and facilitators: downloads in every format, immutable
 * snapshots (take, compare with now, open, start a new map from one), and the
 * history of changes with a time slider that shows the map at any point.
 */
export function ResearchPanel({ mapId, token, role }: Props) {
  const [format, setFormat] = useState('json');
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [name, setName] = useState('');
  const [diff, setDiff] = useState<{ snapshot: Snapshot; diff: Diff } | null>(null);
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const [position, setPosition] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const facilitator = role === 'facilitator';
  const q = (path: string) => `/api/maps/${encodeURIComponent(mapId)}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

  const loadSnapshots = useCallback(async () => {
    try {
      setSnapshots(await api<Snapshot[]>(mapId, token, '/snapshots'));
    } catch (error) {
      setMessage((error as Error).message);
    }
  }, [mapId, token]);
  useEffect(() => {
    void loadSnapshots();
  }, [loadSnapshots]);

  const take = async () => {
    setMessage(null);
    try {
      const made = await api<Snapshot>(mapId, token, '/snapshots', { method: 'POST', body: JSON.stringify({ name: name.trim() }) });
      setName('');
      setMessage(`Snapshot “${made.name}” taken (sha256 ${made.sha256.slice(0, 12)}…).`);
      await loadSnapshots();
    } catch (error) {
      setMessage(`No snapshot was taken: ${(error as Error).message}`);
    }
  };

  const compare = async (snapshot: Snapshot) => {
    setMessage(null);
    try {
      setDiff({ snapshot, diff: await api<Diff>(mapId, token, `/compare?from=${encodeURIComponent(snapshot.id)}&to=now`) });
    } catch (error) {
      setMessage((error as Error).message);
    }
  };

  const fork = async (snapshot: Snapshot) => {
    setMessage(null);
    try {
      const created = await api<{ links: { facilitator: string } }>(mapId, token, `/snapshots/${encodeURIComponent(snapshot.id)}/fork`, { method: 'POST' });
      window.open(created.links.facilitator, '_blank', 'noopener');
      setMessage('A new map was made from the snapshot; it opened in a new tab.');
    } catch (error) {
      setMessage(`No map was made: ${(error as Error).message}`);
    }
  };

  const loadHistory = async () => {
    setMessage(null);
    try {
      const page = await api<{ entries: HistoryEntry[] }>(mapId, token, '/history?limit=5000');
      setHistory(page.entries);
      setPosition(Math.max(0, page.entries.length - 1));
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  const entry = history?.[position];

  return (
    <section className="panel" aria-labelledby="research-title" data-testid="research-panel">
      <h2 className="panel__title" id="research-title">Research</h2>
      {message && <p role="status" className="panel__note" data-testid="research-message">{message}</p>}

      <h3 className="panel__subtitle">Download the map</h3>
      <div className="row">
        <label className="field field--inline">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value)} data-testid="export-format">
            {FORMATS.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
          </select>
        </label>
        <a className="button" href={q(`/export?format=${format}`)} download data-testid="export-download">Download</a>
      </div>

      <h3 className="panel__subtitle">Snapshots</h3>
      {facilitator && (
        <div className="row">
          <label className="field field--inline">
            <span>Name</span>
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. End of part one" data-testid="snapshot-name" />
          </label>
          <button type="button" className="button" disabled={!name.trim()} onClick={() => void take()} data-testid="snapshot-take">Take a snapshot</button>
        </div>
      )}
      {snapshots === null ? <p className="panel__note">Loading…</p> : snapshots.length === 0 ? <p className="panel__note">None yet. Snapshots are also taken automatically at each phase change and after busy stretches.</p> : (
        <ul className="plain-list" data-testid="snapshot-list">
          {[...snapshots].reverse().map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong> <span className="panel__note">{dateTimeText(s.createdAt)}{s.automatic ? ' · automatic' : ''} · sha256 {s.sha256.slice(0, 12)}…</span>
              <div className="row">
                <a className="linklike" href={q(`/snapshots/${encodeURIComponent(s.id)}/export?format=svg&inline=1`)} target="_blank" rel="noopener" data-testid="snapshot-open">Open (read-only)</a>
                <a className="linklike" href={q(`/snapshots/${encodeURIComponent(s.id)}/export?format=${format}`)} download>Download</a>
                <button type="button" className="linklike" onClick={() => void compare(s)} data-testid="snapshot-compare">Compare with now</button>
                {facilitator && <button type="button" className="linklike" onClick={() => void fork(s)}>New map from it</button>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {diff && <DiffView title={`Since “${diff.snapshot.name}”`} diff={diff.diff} onClose={() => setDiff(null)} />}

      <h3 className="panel__subtitle">History</h3>
      <div className="row">
        <button type="button" className="button" onClick={() => void loadHistory()} data-testid="history-load">{history ? 'Refresh' : 'Show the history'}</button>
        <a className="linklike" href={q('/history?format=csv&limit=5000')} download>Download as CSV</a>
      </div>
      {history && history.length > 0 && entry && (
        <div className="history" data-testid="history">
          <label className="field">
            <span>Change {position + 1} of {history.length}: {dateTimeText(entry.at)}, by {entry.author}</span>
            <input type="range" min={0} max={history.length - 1} value={position} onChange={(e) => setPosition(Number(e.target.value))} data-testid="history-slider" />
          </label>
          <ul className="plain-list" data-testid="history-changes">
            {entry.changes.map((c) => (
              <li key={`${c.kind}/${c.id}`}>{c.kind} {c.action}{c.label ? `: ${c.label}` : ''}{c.fields.length ? ` (${c.fields.join(', ')})` : ''}</li>
            ))}
          </ul>
          <img className="history__picture" alt={`The map right after change ${position + 1}`} src={q(`/history/state?seq=${entry.seq}&format=svg&inline=1`)} data-testid="history-picture" />
        </div>
      )}
    </section>
  );
}

function DiffView({ title, diff, onClose }: { title: string; diff: Diff; onClose: () => void }) {
  const list = (items: { label: string; fields?: string[] }[]) => items.map((i) => `${i.label}${i.fields?.length ? ` (${i.fields.join(', ')})` : ''}`).join('; ') || 'none';
  const loops = (items: { labels: string[]; polarity: string }[]) => items.map((l) => `${l.polarity}: ${l.labels.join(' → ')}`).join('; ') || 'none';
  return (
    <div className="diff" data-testid="diff">
      <div className="row">
        <strong>{title}</strong>
        <button type="button" className="linklike" onClick={onClose}>Close</button>
      </div>
      <p><strong>Factors</strong> added: {list(diff.factors.added)}. Removed: {list(diff.factors.removed)}. Changed: {list(diff.factors.changed)}.</p>
      <p><strong>Links</strong> added: {list(diff.links.added)}. Removed: {list(diff.links.removed)}. Changed: {list(diff.links.changed)}.</p>
      <p data-testid="diff-loops"><strong>Loops</strong> created: {diff.loops.created.length} ({loops(diff.loops.created)}). Broken: {diff.loops.broken.length} ({loops(diff.loops.broken)}).{diff.loopsComplete ? '' : ' (Loop lists were cut at their cap.)'}</p>
    </div>
  );
}
