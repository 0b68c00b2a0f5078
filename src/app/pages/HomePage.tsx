import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { localDb } from '../../sync/local-db';
import { createMap, importMap, type CreatedMap } from '../api';
import { dateTimeText } from '../format-time';

const IMPORT_FORMATS = [
  { id: 'json', name: 'Causeway JSON (.json)' },
  { id: 'csv', name: 'CSV link list (.csv)' },
  { id: 'graphml', name: 'GraphML (.graphml)' },
  { id: 'gexf', name: 'GEXF, from Gephi (.gexf)' },
  { id: 'mdl', name: 'Vensim model (.mdl)' },
  { id: 'kumu', name: 'Kumu JSON (.json)' },
  { id: 'prsm', name: 'PRSM map (.prsm)' },
  { id: 'loopy', name: 'LOOPY link or data (.txt)' },
];

function formatFromName(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return ({ json: 'json', csv: 'csv', graphml: 'graphml', xml: 'graphml', gexf: 'gexf', mdl: 'mdl', prsm: 'prsm', txt: 'loopy' } as Record<string, string>)[ext] ?? 'json';
}

const TEMPLATES = [
  { id: 'blank', name: 'Blank map' },
  { id: 'women-services', name: "Example: women's services and multiple disadvantage (40 factors)" },
];

/** Create a map, or reopen one this browser has used. */
export function HomePage() {
  const [title, setTitle] = useState('');
  const [template, setTemplate] = useState('blank');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [importFormat, setImportFormat] = useState('json');
  const open = async (created: CreatedMap) => {
    // Kept so the facilitator can share them later; the server stores only their hashes.
    await localDb().maps.put({
      id: created.id, title: created.title, token: created.tokens.facilitator, role: 'facilitator',
      lastOpenedAt: Date.now(), links: created.links,
    } as never);
    // The facilitator link: whoever creates a map runs it.
    location.assign(new URL(created.links.facilitator).pathname + new URL(created.links.facilitator).hash);
  };
  const onImport = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await open(await importMap(file, importFormat));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  const recent = useLiveQuery(() => localDb().maps.orderBy('lastOpenedAt').reverse().limit(50).toArray(), []);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await open(await createMap(title, template));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className="home">
      <header className="home__header">
        <h1>Causeway</h1>
        <p>Build a causal loop diagram of a system together, live.</p>
      </header>
      <section className="card" aria-labelledby="new-map">
        <h2 id="new-map">Start a new map</h2>
        <form onSubmit={onSubmit} className="form">
          <label className="field">
            <span>Title</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder="e.g. Barriers to support in our area" name="title" />
          </label>
          <label className="field">
            <span>Start from</span>
            <select value={template} onChange={(e) => setTemplate(e.target.value)} name="template">
              {TEMPLATES.map((t) => (
                <option key={t.id} value={t.id}>{t.name}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create map'}
          </button>
          {error && <p role="alert" className="error">{error}</p>}
        </form>
      </section>
      <section className="card" aria-labelledby="import-map">
        <h2 id="import-map">Import a map from a file</h2>
        <form onSubmit={onImport} className="form">
          <label className="field">
            <span>File</span>
            <input type="file" accept=".json,.csv,.graphml,.xml,.gexf,.mdl,.prsm,.txt" onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen) setImportFormat(formatFromName(chosen.name));
            }} data-testid="import-file" />
          </label>
          <label className="field">
            <span>It is</span>
            <select value={importFormat} onChange={(e) => setImportFormat(e.target.value)} data-testid="import-format">
              {IMPORT_FORMATS.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
            </select>
          </label>
          <button type="submit" className="button" disabled={busy || !file} data-testid="import-submit">Import as a new map</button>
        </form>
      </section>
      <section className="card" aria-labelledby="recent-maps">
        <h2 id="recent-maps">Your maps on this device</h2>
        {recent === undefined ? (
          <p>Loading…</p>
        ) : recent.length === 0 ? (
          <p>None yet. Maps you create or open from a link appear here.</p>
        ) : (
          <ul className="recent">
            {recent.map((m) => (
              <li key={m.id}>
                <a href={`/map/${encodeURIComponent(m.id)}#token=${encodeURIComponent(m.token)}`}>{m.title || 'Untitled map'}</a>
                <span className="recent__meta">
                  {m.role ?? 'role not known yet'} · opened {dateTimeText(m.lastOpenedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
