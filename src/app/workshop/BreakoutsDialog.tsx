import qrcode from 'qrcode-generator';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { MatchDecisions, MergePlan } from '../../core/model/merge';
import { localDb } from '../../sync/local-db';
import { createBreakouts, fetchMergePlan, listBreakouts, mergeBreakouts, replaceLink, type Breakout } from '../api';
import { MergeReview, resultSentence, reviewOf, undecided } from './MergeReview';

interface Props {
  mapId: string;
  /** The facilitator's token: it works in every breakout of this map too. */
  token: string;
  /** This map's title, for the breakouts' entries in "Your maps on this device". */
  mapTitle: string;
  onClose: () => void;
}

const MAX_GROUPS = 12;
const MAX_NAME = 80;

type View =
  | { kind: 'list' }
  | { kind: 'loading-plan'; from: Breakout[] }
  | { kind: 'review'; from: Breakout[]; plan: MergePlan }
  | { kind: 'merging'; from: Breakout[]; plan: MergePlan }
  | { kind: 'done'; sentence: string };

function qrDataUrl(link: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(link);
  qr.make();
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }))}`;
}

function facilitatorPath(mapId: string, token: string): string {
  return `/map/${encodeURIComponent(mapId)}#token=${encodeURIComponent(token)}`;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** "Group 1", "Group 2", … skipping names already taken (by earlier breakouts or typed ones). */
function defaultNames(count: number, taken: readonly string[]): string[] {
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    const name = `Group ${n}`;
    if (!taken.some((t) => same(t, name)) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Why these names cannot be used, as a sentence; null when they can. */
function nameProblem(names: readonly string[], existing: readonly Breakout[]): { index: number; message: string } | null {
  for (const [index, raw] of names.entries()) {
    const name = raw.trim();
    if (!name) return { index, message: `Group ${index + 1} needs a name: type one, or choose fewer groups.` };
    if (name.length > MAX_NAME) return { index, message: `“${name.slice(0, 30)}…” is too long: a breakout name can be at most ${MAX_NAME} characters.` };
    if (names.slice(0, index).some((other) => same(other, name))) return { index, message: `Two groups are called “${name}”: give each group a different name.` };
    if (existing.some((b) => same(b.name, name))) return { index, message: `There is already a breakout called “${name}”: give the new group a different name.` };
  }
  return null;
}

/**
 * The facilitator's breakouts: make copies of this map for small groups, hand
 * out each group's link, then review and fold the groups' work back in.
 */
export function BreakoutsDialog({ mapId, token, mapTitle, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const viewHeading = useRef<HTMLHeadingElement>(null);
  const mergeHeading = useRef<HTMLHeadingElement>(null);
  const nameInputs = useRef<(HTMLInputElement | null)[]>([]);
  const [breakouts, setBreakouts] = useState<Breakout[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [editorLinks, setEditorLinks] = useState<Record<string, string>>({});
  const [count, setCount] = useState(2);
  /** Names the facilitator typed, by position; missing ones take the default. */
  const [typed, setTyped] = useState<(string | undefined)[]>([]);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [shownQr, setShownQr] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [view, setView] = useState<View>({ kind: 'list' });
  const [decisions, setDecisions] = useState<MatchDecisions>({});
  const [mergeError, setMergeError] = useState<string | null>(null);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    dialog.current?.showModal();
    return () => {
      alive.current = false;
    };
  }, []);

  /** Editor links this browser knows (it made those breakouts, or a new link). */
  const loadLinks = useCallback(async (ids: readonly string[]) => {
    const rows = await localDb().maps.bulkGet([...ids]);
    const known: Record<string, string> = {};
    for (const row of rows) if (row?.links?.editor) known[row.id] = row.links.editor;
    if (alive.current) setEditorLinks(known);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const list = await listBreakouts(mapId, token);
      if (!alive.current) return;
      setBreakouts(list);
      setListError(null);
      await loadLinks(list.map((b) => b.id));
    } catch (error) {
      if (alive.current) setListError(`The breakouts could not be listed: ${(error as Error).message}`);
    }
  }, [mapId, token, loadLinks]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Focus follows the screen: the heading of the review, of the result, or (coming back) of the merge section.
  const previousView = useRef<View['kind']>('list');
  useEffect(() => {
    if (view.kind === 'review' || view.kind === 'done') viewHeading.current?.focus();
    else if (view.kind === 'list' && previousView.current !== 'list') mergeHeading.current?.focus();
    previousView.current = view.kind;
  }, [view.kind]);

  const existing = breakouts ?? [];
  const defaults = defaultNames(count, [...existing.map((b) => b.name), ...typed.slice(0, count).filter((t): t is string => t !== undefined)]);
  const names = Array.from({ length: count }, (_, i) => typed[i] ?? defaults.shift()!);
  // Breakouts ticked for merging: all of them until the facilitator changes that.
  const chosen = picked ?? new Set(existing.map((b) => b.id));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const problem = nameProblem(names, existing);
    if (problem) {
      setCreateError(problem.message);
      nameInputs.current[problem.index]?.focus();
      return;
    }
    setCreateError(null);
    setCreating(true);
    try {
      const made = await createBreakouts(mapId, token, names.map((n) => n.trim()));
      // Kept on this device like a map this browser created: its links can be shown again later.
      const db = localDb();
      for (const b of made) {
        const row = await db.maps.get(b.id);
        if (row) await db.maps.update(b.id, { links: b.links });
        else {
          await db.maps.put({
            id: b.id, title: `${mapTitle || 'Map'} — ${b.name}`.slice(0, 200), token, role: 'facilitator', lastOpenedAt: Date.now(), links: b.links,
          } as never);
        }
      }
      if (!alive.current) return;
      setTyped([]);
      setPicked((current) => (current ? new Set([...current, ...made.map((b) => b.id)]) : current));
      setMessage(`${made.length === 1 ? 'One breakout is' : `${made.length} breakouts are`} ready: ${made.map((b) => b.name).join(', ')}. Give each group its link.`);
      await refresh();
    } catch (error) {
      if (alive.current) setCreateError(`No breakouts were made: ${(error as Error).message}`);
    } finally {
      if (alive.current) setCreating(false);
    }
  };

  const copy = async (breakout: Breakout) => {
    const link = editorLinks[breakout.id];
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setMessage(`The link for ${breakout.name} is copied.`);
    } catch {
      setMessage('Copying is blocked here: select the link and copy it by hand.');
    }
  };

  const newEditorLink = async (breakout: Breakout) => {
    if (editorLinks[breakout.id] && !confirm(`Make a new link for ${breakout.name}? The old one stops working at once, and anyone using it is disconnected.`)) return;
    setMessage(null);
    try {
      const link = await replaceLink(breakout.id, token, 'editor');
      const db = localDb();
      const row = await db.maps.get(breakout.id);
      if (row) await db.maps.update(breakout.id, { links: { ...row.links, editor: link } });
      else await db.maps.put({ id: breakout.id, title: `${mapTitle || 'Map'} — ${breakout.name}`.slice(0, 200), token, role: 'facilitator', lastOpenedAt: Date.now(), links: { editor: link } } as never);
      if (!alive.current) return;
      setEditorLinks((links) => ({ ...links, [breakout.id]: link }));
      setMessage(`A new link for ${breakout.name} is ready.`);
    } catch (error) {
      if (alive.current) setMessage(`No new link was made for ${breakout.name}: ${(error as Error).message}`);
    }
  };

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };

  const review = async () => {
    setMergeError(null);
    const from = existing.filter((b) => chosen.has(b.id));
    if (from.length === 0) {
      setMergeError('Tick at least one breakout to merge.');
      return;
    }
    const clash = from.find((b, i) => from.slice(0, i).some((other) => same(other.name, b.name)));
    if (clash) {
      setMergeError(`Two of the ticked breakouts are called “${clash.name}”: merge them one at a time.`);
      return;
    }
    setView({ kind: 'loading-plan', from });
    try {
      const plan = await fetchMergePlan(mapId, token, from.map((b) => b.id));
      if (!alive.current) return;
      setDecisions({});
      setView({ kind: 'review', from, plan });
    } catch (error) {
      if (!alive.current) return;
      setView({ kind: 'list' });
      setMergeError(`The merge could not be prepared: ${(error as Error).message}`);
    }
  };

  const plan = view.kind === 'review' || view.kind === 'merging' ? view.plan : null;
  const reviewed = useMemo(() => (plan ? reviewOf(plan) : null), [plan]);

  const merge = async () => {
    if (view.kind !== 'review' || !reviewed) return;
    const open = undecided(reviewed, decisions);
    if (open.length > 0) {
      setMergeError(open.length === 1
        ? `Decide about “${open[0]!.label}” first: merge it with the proposed factor, or keep it as a new one.`
        : `Decide about the ${open.length} near matches first: for each, merge it with the proposed factor, or keep it as a new one.`);
      const first = reviewed.near.indexOf(open[0]!);
      dialog.current?.querySelectorAll<HTMLFieldSetElement>('[data-testid="near-match"]')[first]?.querySelector('input')?.focus();
      return;
    }
    setMergeError(null);
    const { from } = view;
    setView({ kind: 'merging', from, plan: view.plan });
    try {
      const result = await mergeBreakouts(mapId, token, from.map((b) => b.id), decisions);
      if (alive.current) setView({ kind: 'done', sentence: resultSentence(from.length, result) });
    } catch (error) {
      if (!alive.current) return;
      setView({ kind: 'review', from, plan: view.plan });
      setMergeError(`Nothing was merged: ${(error as Error).message}`);
    }
  };

  const decideAll = (value: 'proposed' | 'new') => {
    if (!reviewed) return;
    const next = { ...decisions };
    for (const f of reviewed.near) {
      const first = f.proposals[0];
      next[f.key] = value === 'new' || !first ? 'new' : (first.plenaryId ?? first.key ?? 'new');
    }
    setDecisions(next);
  };

  return (
    <dialog ref={dialog} className="dialog dialog--wide breakouts" aria-labelledby="breakouts-title" onClose={onClose} data-testid="breakouts-dialog">
      <h2 id="breakouts-title">Breakouts and merge</h2>

      {(view.kind === 'list' || view.kind === 'loading-plan') && (
        <>
          <p className="dialog__hint">
            A breakout is a copy of this map for a small group. Each group works on its own copy; afterwards you fold their work back into this map.
          </p>
          <form className="breakout-create" onSubmit={(e) => void create(e)} aria-labelledby="breakout-create-title">
            <h3 id="breakout-create-title">Make breakouts</h3>
            <label className="field field--inline">
              <span>How many groups</span>
              <input
                type="number" min={1} max={MAX_GROUPS} value={count}
                onChange={(e) => setCount(Math.max(1, Math.min(MAX_GROUPS, Math.round(Number(e.target.value)) || 1)))}
                data-testid="breakout-count"
              />
            </label>
            <ol className="breakout-names">
              {names.map((name, i) => (
                <li key={i}>
                  <label className="field field--inline">
                    <span>Name of group {i + 1}</span>
                    <input
                      ref={(el) => { nameInputs.current[i] = el; }}
                      value={name} maxLength={MAX_NAME}
                      onChange={(e) => setTyped((t) => { const next = [...t]; next[i] = e.target.value; return next; })}
                      data-testid={`breakout-name-${i}`}
                    />
                  </label>
                </li>
              ))}
            </ol>
            {createError && <p className="error" role="alert" data-testid="breakout-create-error">{createError}</p>}
            <div className="row">
              <button type="submit" className="button button--primary" disabled={creating} aria-busy={creating} data-testid="breakouts-create">
                {creating ? 'Making breakouts…' : `Make ${count === 1 ? 'one breakout' : `${count} breakouts`}`}
              </button>
            </div>
          </form>

          <section aria-labelledby="breakout-list-title" className="breakout-list-section">
            <h3 id="breakout-list-title">Breakouts of this map</h3>
            {listError && (
              <div className="row">
                <p className="error" role="alert">{listError}</p>
                <button type="button" className="button" onClick={() => void refresh()}>Try again</button>
              </div>
            )}
            {breakouts === null && !listError && <p role="status">Loading the breakouts…</p>}
            {breakouts?.length === 0 && <p className="dialog__hint" data-testid="no-breakouts">None yet.</p>}
            {breakouts && breakouts.length > 0 && (
              <ul className="breakout-list">
                {breakouts.map((b) => {
                  const link = editorLinks[b.id];
                  return (
                    <li key={b.id} className="breakout" data-testid="breakout-row" data-breakout-id={b.id}>
                      <div className="breakout__head">
                        <h4 className="breakout__name">{b.name}</h4>
                        <span className="breakout__time">made <time dateTime={new Date(b.createdAt).toISOString()}>{new Date(b.createdAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}</time></span>
                      </div>
                      {link ? (
                        <>
                          <input className="share-role__link" readOnly value={link} onFocus={(e) => e.target.select()} aria-label={`Link for ${b.name} (can edit)`} data-testid="breakout-editor-link" />
                          <div className="row">
                            <button type="button" className="button" onClick={() => void copy(b)} aria-label={`Copy the link for ${b.name}`} data-testid="breakout-copy">Copy link</button>
                            <button type="button" className="button" aria-pressed={shownQr === b.id} onClick={() => setShownQr(shownQr === b.id ? null : b.id)} aria-label={`QR code of the link for ${b.name}`}>QR code</button>
                            <a className="button" href={facilitatorPath(b.id, token)} target="_blank" rel="noopener noreferrer" data-testid="breakout-open">Open {b.name} as facilitator</a>
                            <button type="button" className="button" onClick={() => void newEditorLink(b)} aria-label={`Make a new link for ${b.name}`}>Make a new link</button>
                          </div>
                          {shownQr === b.id && <img className="share-role__qr" src={qrDataUrl(link)} alt={`QR code of the link for ${b.name}`} width={200} height={200} data-testid="breakout-qr" />}
                        </>
                      ) : (
                        <>
                          <p className="dialog__hint">This device does not have this group’s link (it was made elsewhere). A new link replaces the old one.</p>
                          <div className="row">
                            <button type="button" className="button" onClick={() => void newEditorLink(b)} aria-label={`Make a new link for ${b.name}`}>Make a new link</button>
                            <a className="button" href={facilitatorPath(b.id, token)} target="_blank" rel="noopener noreferrer" data-testid="breakout-open">Open {b.name} as facilitator</a>
                          </div>
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>

          {breakouts && breakouts.length > 0 && (
            <section aria-labelledby="merge-title" className="breakout-merge">
              <h3 id="merge-title" ref={mergeHeading} tabIndex={-1}>Merge back into this map</h3>
              <fieldset className="filters">
                <legend>Breakouts to merge</legend>
                {breakouts.map((b) => (
                  <label key={b.id} className="check">
                    <input type="checkbox" checked={chosen.has(b.id)} onChange={(e) => toggle(b.id, e.target.checked)} data-testid="merge-pick" data-breakout-id={b.id} />
                    {b.name}
                  </label>
                ))}
              </fieldset>
              {mergeError && <p className="error" role="alert" data-testid="merge-error">{mergeError}</p>}
              <div className="row">
                <button type="button" className="button button--primary" onClick={() => void review()} disabled={view.kind === 'loading-plan'} aria-busy={view.kind === 'loading-plan'} data-testid="merge-review-button">
                  {view.kind === 'loading-plan' ? 'Comparing the maps…' : 'Review the merge…'}
                </button>
              </div>
            </section>
          )}
          {message && <p role="status" data-testid="breakouts-message">{message}</p>}
          <div className="dialog__actions">
            <button type="button" className="button" onClick={() => dialog.current?.close()}>Close</button>
          </div>
        </>
      )}

      {(view.kind === 'review' || view.kind === 'merging') && reviewed && (
        <>
          <MergeReview
            ref={viewHeading} plan={view.plan} review={reviewed} names={view.from.map((b) => b.name)}
            decisions={decisions} onDecide={(key, value) => setDecisions((d) => ({ ...d, [key]: value }))} disabled={view.kind === 'merging'}
          />
          {reviewed.near.length > 1 && view.kind === 'review' && (
            <div className="row">
              <button type="button" className="button" onClick={() => decideAll('proposed')}>Merge every near match with its first proposal</button>
              <button type="button" className="button" onClick={() => decideAll('new')}>Keep every near match as new</button>
            </div>
          )}
          {mergeError && <p className="error" role="alert" data-testid="merge-error">{mergeError}</p>}
          {view.kind === 'merging' && <p role="status" data-testid="merge-progress">Merging {view.from.length === 1 ? 'the breakout' : `${view.from.length} breakouts`} into this map…</p>}
          <div className="dialog__actions">
            <button type="button" className="button button--primary" onClick={() => void merge()} disabled={view.kind === 'merging'} aria-busy={view.kind === 'merging'} data-testid="merge-confirm">
              {view.kind === 'merging' ? 'Merging…' : 'Merge into this map'}
            </button>
            <button type="button" className="button" onClick={() => { setMergeError(null); setView({ kind: 'list' }); }} disabled={view.kind === 'merging'}>Back</button>
          </div>
        </>
      )}

      {view.kind === 'done' && (
        <>
          <h3 ref={viewHeading} tabIndex={-1}>Merged</h3>
          <p role="status" data-testid="merge-result">{view.sentence}</p>
          <p className="dialog__hint">The map updates for everyone by itself. Links tagged “polarity conflict” are waiting for the group to discuss.</p>
          <div className="dialog__actions">
            <button type="button" className="button button--primary" onClick={() => dialog.current?.close()}>Done</button>
            <button type="button" className="button" onClick={() => setView({ kind: 'list' })}>Back to breakouts</button>
          </div>
        </>
      )}
    </dialog>
  );
}
