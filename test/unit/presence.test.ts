import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { ANONYMOUS_NAME, Presence } from '../../src/sync/presence';

const made: Presence[] = [];

function person(name: string, role: 'facilitator' | 'editor'): Presence {
  const presence = new Presence(new Awareness(new Y.Doc()), { id: name.toLowerCase(), name, role });
  made.push(presence);
  return presence;
}

/** Delivers `from`'s presence to `to`, as the server would relay it. */
function relay(from: Presence, to: Presence): void {
  applyAwarenessUpdate(to.awareness, encodeAwarenessUpdate(from.awareness, [from.awareness.clientID]), 'remote');
}

afterEach(() => {
  for (const presence of made.splice(0)) presence.destroy();
});

describe('presence', () => {
  it('other participants read as "A participant" in the list and in selection marks; yourself and the facilitator keep their names', () => {
    const ann = person('Ann', 'editor');
    const ben = person('Ben', 'editor');
    const fay = person('Fay', 'facilitator');
    ben.setSelection(['factor-1']);
    relay(ben, ann);
    relay(fay, ann);
    const names = () => ann.getPeople().map((p) => p.user.name).sort();
    expect(names()).toEqual(['Ann', 'Ben', 'Fay']);
    expect(ann.marksFor('factor-1').selectedBy.map((p) => p.user.name)).toEqual(['Ben']);

    ann.setAnonymous(true);
    expect(names()).toEqual(['A participant', 'Ann', 'Fay'].sort());
    expect(ANONYMOUS_NAME).toBe('A participant');
    expect(ann.marksFor('factor-1').selectedBy.map((p) => p.user.name)).toEqual([ANONYMOUS_NAME]);
    // What Ann shares about herself is unchanged: others decide for themselves.
    expect(ann.self.user.name).toBe('Ann');

    ann.setAnonymous(false);
    expect(names()).toEqual(['Ann', 'Ben', 'Fay']);
  });

  it('your own pointer and view moving does not re-render the page; anything else about you does', () => {
    const ann = person('Ann', 'editor');
    let heard = 0;
    ann.subscribe(() => heard++);
    const people = ann.getPeople();
    ann.awareness.setLocalState({ ...ann.self, cursor: { x: 10, y: 20 }, view: { x: 1, y: 2, zoom: 1 } });
    ann.awareness.setLocalState({ ...ann.self, cursor: { x: 11, y: 21 } });
    expect(heard).toBe(0);
    expect(ann.getPeople()).toBe(people);
    // What others see of Ann did change: the awareness state carries the pointer.
    expect(ann.self.cursor).toEqual({ x: 11, y: 21 });

    ann.setSelection(['factor-1']);
    expect(heard).toBe(1);
    expect(ann.getPeople()[0]!.selection).toEqual(['factor-1']);
  });
});
