import qrcode from 'qrcode-generator';
import { useEffect, useRef, useState } from 'react';
import { localDb, type Role } from '../../sync/local-db';

interface Props {
  mapId: string;
  token: string;
  onClose: () => void;
}

const ROLE_TEXT: Record<Role, { name: string; hint: string }> = {
  editor: { name: 'Participants (can edit)', hint: 'Send this to the people taking part.' },
  viewer: { name: 'Viewers (see only)', hint: 'For observers, recordings and the projector.' },
  facilitator: { name: 'Facilitators (run the session)', hint: 'Only for people running the workshop.' },
};

/** A QR code as an SVG data URL: phones scan it to join. The link is the only input. */
function qrDataUrl(link: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(link);
  qr.make();
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }))}`;
}

/**
 * The three role links with copy buttons and QR codes. Links are known when
 * this browser created the map; otherwise (or when one was forwarded too
 * widely) the facilitator makes a new one, which stops the old one at once.
 */
export function ShareDialog({ mapId, token, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [links, setLinks] = useState<Partial<Record<Role, string>>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [shownQr, setShownQr] = useState<Role | null>('editor');
  const [simpleForParticipants, setSimpleForParticipants] = useState(false);
  // The participants' link can open the simple view (big buttons, the map in words).
  const linkFor = (role: Role): string | undefined => {
    const link = links[role];
    return link && role === 'editor' && simpleForParticipants ? `${link}&simple=1` : link;
  };

  useEffect(() => {
    dialog.current?.showModal();
    void localDb().maps.get(mapId).then((row) => {
      const known: Partial<Record<Role, string>> = { ...row?.links };
      known.facilitator ??= `${location.origin}/map/${encodeURIComponent(mapId)}#token=${encodeURIComponent(token)}`;
      setLinks(known);
    });
  }, [mapId, token]);

  const copy = async (role: Role) => {
    const link = linkFor(role);
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setMessage(`The ${role} link is copied.`);
    } catch {
      setMessage('Copying is blocked here: select the link and copy it by hand.');
    }
  };

  const replace = async (role: Role) => {
    if (links[role] && !confirm(`Make a new ${role} link? The old one stops working at once, and anyone connected with it is disconnected.`)) return;
    setMessage(null);
    try {
      const res = await fetch(`/api/maps/${encodeURIComponent(mapId)}/links/${role}/replace`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { link?: string; error?: string; disconnected?: number };
      if (!res.ok || !body.link) throw new Error(body.error ?? `The server answered ${res.status}.`);
      const next = { ...links, [role]: body.link };
      setLinks(next);
      await localDb().maps.update(mapId, { links: next });
      setMessage(`A new ${role} link is ready${body.disconnected ? `; ${body.disconnected} ${body.disconnected === 1 ? 'person was' : 'people were'} disconnected` : ''}.`);
      if (role === 'facilitator') location.replace(new URL(body.link).pathname + new URL(body.link).hash);
    } catch (error) {
      setMessage(`No new link was made: ${(error as Error).message}`);
    }
  };

  return (
    <dialog ref={dialog} className="dialog dialog--wide" aria-labelledby="share-title" onClose={onClose} data-testid="share-dialog">
      <h2 id="share-title">Share this map</h2>
      <p className="dialog__hint">Whoever has a link has its role: no accounts, no e-mail addresses.</p>
      {(['editor', 'viewer', 'facilitator'] as const).map((role) => (
        <section key={role} className="share-role" aria-label={ROLE_TEXT[role].name}>
          <h3>{ROLE_TEXT[role].name}</h3>
          <p className="dialog__hint">{ROLE_TEXT[role].hint}</p>
          {role === 'editor' && (
            <label className="check">
              <input type="checkbox" checked={simpleForParticipants} onChange={(e) => setSimpleForParticipants(e.target.checked)} data-testid="share-simple" />
              Open in the simple view (big buttons and the map in words; good for phones and first-timers)
            </label>
          )}
          {links[role] ? (
            <>
              <input className="share-role__link" readOnly value={linkFor(role)} onFocus={(e) => e.target.select()} aria-label={`${role} link`} data-testid={`link-${role}`} />
              <div className="row">
                <button type="button" className="button" onClick={() => void copy(role)}>Copy</button>
                <button type="button" className="button" aria-pressed={shownQr === role} onClick={() => setShownQr(shownQr === role ? null : role)}>QR code</button>
                <button type="button" className="button" onClick={() => void replace(role)} data-testid={`replace-${role}`}>Make a new link</button>
              </div>
              {shownQr === role && <img className="share-role__qr" src={qrDataUrl(linkFor(role)!)} alt={`QR code of the ${role} link`} width={200} height={200} data-testid={`qr-${role}`} />}
            </>
          ) : (
            <button type="button" className="button" onClick={() => void replace(role)} data-testid={`replace-${role}`}>Make a {role} link</button>
          )}
        </section>
      ))}
      {message && <p role="status">{message}</p>}
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={() => dialog.current?.close()}>Done</button>
      </div>
    </dialog>
  );
}
