import { useCallback, useState } from 'react';

const KEY = 'causeway.simpleMode';

/**
 * Whether this person sees the simple view. A link may ask for it
 * (`#…&simple=1`, from the share dialog); otherwise the last choice on this
 * device; otherwise phones start simple and larger screens start full.
 */
function initialSimple(): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = params.get('simple');
  if (fromLink === '1' || fromLink === '0') {
    // The link's wish becomes this device's choice, and leaves the address so a reload keeps later choices.
    params.delete('simple');
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${params.toString()}`);
    store(fromLink === '1');
    return fromLink === '1';
  }
  try {
    const stored = localStorage.getItem(KEY);
    if (stored === '1' || stored === '0') return stored === '1';
  } catch {
    // Storage blocked: fall through to the screen size.
  }
  return typeof matchMedia === 'function' && matchMedia('(max-width: 640px)').matches;
}

function store(simple: boolean): void {
  try {
    localStorage.setItem(KEY, simple ? '1' : '0');
  } catch {
    // Storage blocked: the choice lasts for this page.
  }
}

export function useSimplePreference(): [boolean, (simple: boolean) => void] {
  const [simple, setSimple] = useState(initialSimple);
  const choose = useCallback((next: boolean) => {
    setSimple(next);
    store(next);
  }, []);
  return [simple, choose];
}
