/** The API token the console signs in with, kept in localStorage so that every tab and
 * GraphiQL (same origin) share it. Listeners hear sign-in and sign-out, from this tab and
 * (through the `storage` event) from the others. */

export const TOKEN_KEY = "expsvc.token";

type Listener = (token: string | null) => void;

const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy settings): the token lives as long as the page
  }
}

let memory: string | null = null;

export function readToken(): string | null {
  const store = storage();
  const value = store ? store.getItem(TOKEN_KEY) : memory;
  return value && value.trim() ? value : null;
}

export function saveToken(token: string): void {
  const value = token.trim();
  if (!value) {
    throw new Error("an empty token cannot be saved");
  }
  const store = storage();
  if (store) store.setItem(TOKEN_KEY, value);
  else memory = value;
  notify(value);
}

export function clearToken(): void {
  const store = storage();
  if (store) store.removeItem(TOKEN_KEY);
  memory = null;
  notify(null);
}

/** Calls `listener` with the token whenever it changes; returns the unsubscribe. */
export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(token: string | null): void {
  for (const listener of [...listeners]) listener(token);
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === TOKEN_KEY || event.key === null) notify(readToken());
  });
}

/** The `Authorization` header value for a token. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}
