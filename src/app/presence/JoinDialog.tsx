import { useEffect, useRef, useState, type FormEvent } from 'react';
import { MAX_NAME_LENGTH } from '../../sync/presence';

interface Props {
  initial: string;
  onJoin: (name: string) => void;
  onCancel?: () => void;
}

/**
 * Asks for the name others will see. No account, no email: a first name or
 * a nickname is enough, and it is remembered only in this browser.
 */
export function JoinDialog({ initial, onJoin, onCancel }: Props) {
  const [name, setName] = useState(initial);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onJoin(name.trim() || 'Guest');
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="join-title" onCancel={(e) => {
      e.preventDefault();
      if (onCancel) onCancel();
      else onJoin(name.trim() || 'Guest');
    }}>
      <form method="dialog" onSubmit={submit} className="form">
        <h2 id="join-title">What name should others see?</h2>
        <p className="dialog__hint">A first name or a nickname is fine. Others see it while you are here, and beside any comment you write; it is not stored with the factors and links you add.</p>
        <label className="field">
          <span>Your name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={MAX_NAME_LENGTH} autoFocus autoComplete="nickname" data-testid="display-name" />
        </label>
        <div className="dialog__actions">
          <button type="submit" className="button button--primary" data-testid="join">Join the map</button>
          {onCancel && <button type="button" className="button" onClick={onCancel}>Cancel</button>}
        </div>
      </form>
    </dialog>
  );
}
