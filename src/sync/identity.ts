const CLIENT_KEY = 'causeway.clientId';

/**
 * A random id for this browser, sent to the server as the pseudonymous author
 * of its edits. It is not a name and links to no account.
 */
export function browserClientId(): string {
  try {
    const existing = localStorage.getItem(CLIENT_KEY);
    if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    const id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    localStorage.setItem(CLIENT_KEY, id);
    return id;
  } catch {
    // Storage blocked (private mode): a per-page id still works.
    return `tmp-${Math.random().toString(36).slice(2, 12)}`;
  }
}
