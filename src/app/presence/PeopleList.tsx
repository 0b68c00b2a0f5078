import { useSyncExternalStore } from 'react';
import type { Person, Presence } from '../../sync/presence';

interface Props {
  presence: Presence;
  following: number | null;
  onFollow: (clientId: number | null) => void;
  onRename: () => void;
  /** The facilitator hid names: others are shown by colour only. */
  anonymous?: boolean;
}

const ROLE_TEXT = { facilitator: 'facilitator', editor: 'editor', viewer: 'viewer' } as const;

function describe(person: Person): string {
  const role = person.user.role ? ROLE_TEXT[person.user.role] : 'joining';
  return `${role}${person.idle ? ', away' : ''}${person.presenting ? ', presenting' : ''}`;
}

/** Who is here. Click someone to follow their view; click again to stop. */
export function PeopleList({ presence, following, onFollow, onRename, anonymous = false }: Props) {
  const people = useSyncExternalStore(presence.subscribe, presence.getPeople);
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 className="panel__title" id="people-title">Here now ({people.length})</h2>
      <ul className="people" data-testid="people">
        {people.map((person) => (
          <li key={person.clientId} className={`person${person.idle ? ' is-idle' : ''}`}>
            <span className="person__dot" style={{ background: person.user.colour }} aria-hidden="true" />
            {person.isSelf ? (
              <button type="button" className="person__name linklike" onClick={onRename} title="Change your name">
                {person.user.name} (you)
              </button>
            ) : (
              <button
                type="button"
                className="person__name linklike"
                aria-pressed={following === person.clientId}
                onClick={() => onFollow(following === person.clientId ? null : person.clientId)}
                title={following === person.clientId ? 'Stop following' : 'Follow this view'}
                data-testid="person"
              >
                {anonymous && person.user.role !== 'facilitator' ? 'A participant' : person.user.name}
              </button>
            )}
            <span className="person__meta">{describe(person)}{following === person.clientId ? ' · following' : ''}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
