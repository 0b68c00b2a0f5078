import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { localDb } from '../../sync/local-db';
import { createMap } from '../api';

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
  const recent = useLiveQuery(() => localDb().maps.orderBy('lastOpenedAt').reverse().limit(50).toArray(), []);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createMap(title, template);
      // Kept so the facilitator can share them later; the server stores only their hashes.
      await localDb().maps.put({
        id: created.id, title: created.title, token: created.tokens.facilitator, role: 'facilitator',
        lastOpenedAt: Date.now(), links: created.links,
      } as never);
      // The facilitator link: whoever creates a map runs it.
      location.assign(new URL(created.links.facilitator).pathname + new URL(created.links.facilitator).hash);
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
                  {m.role ?? 'role not known yet'} · opened {new Date(m.lastOpenedAt).toLocaleString()}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
