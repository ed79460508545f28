/** Who is signed in: the token (from the token store), the GraphQL client made for it,
 * and sign-in / sign-out. The client is remade when the token changes (here or in another
 * tab) and its websocket closed. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";

import { type ConsoleClient, isUnauthenticated, makeClient } from "../api/client";
import { MeQuery } from "./operations";
import { clearToken, onTokenChange, readToken, saveToken } from "./tokenStore";

export type SignInResult = { ok: true } | { ok: false; message: string };

export const REJECTED_TOKEN = "This token was not accepted.";

interface Auth {
  token: string | null;
  /** Why the last session ended, when the service refused its token. */
  endedBecauseRefused: boolean;
  signIn(token: string): Promise<SignInResult>;
  signOut(): void;
  /** See `ConsoleClient.onReconnect`; a no-op while signed out. */
  onReconnect(listener: () => void): () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside <AuthProvider>");
  return auth;
}

/** Asks the service who `token` belongs to: the sign-in check. */
export async function checkToken(token: string): Promise<SignInResult> {
  const probe = makeClient(token, () => undefined);
  try {
    const result = await probe.client
      .query(MeQuery, {}, { requestPolicy: "network-only" })
      .toPromise();
    if (result.data?.me) return { ok: true };
    if (result.error && isUnauthenticated(result.error)) {
      return { ok: false, message: REJECTED_TOKEN };
    }
    const reason = result.error?.networkError
      ? "the service did not answer"
      : (result.error?.message ?? "no answer");
    return { ok: false, message: `Could not check the token: ${reason}.` };
  } finally {
    probe.dispose();
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [endedBecauseRefused, setEndedBecauseRefused] = useState(false);

  useEffect(() => onTokenChange(setToken), []);

  const consoleClient: ConsoleClient | null = useMemo(
    () =>
      token
        ? makeClient(token, () => {
            setEndedBecauseRefused(true);
            clearToken();
          })
        : null,
    [token],
  );
  useEffect(() => () => consoleClient?.dispose(), [consoleClient]);

  const signIn = useCallback(async (candidate: string): Promise<SignInResult> => {
    const value = candidate.trim();
    if (!value) return { ok: false, message: "Paste an API token first." };
    const result = await checkToken(value);
    if (result.ok) {
      setEndedBecauseRefused(false);
      saveToken(value);
    }
    return result;
  }, []);

  const signOut = useCallback(() => {
    setEndedBecauseRefused(false);
    clearToken();
  }, []);

  const onReconnect = useCallback(
    (listener: () => void) => consoleClient?.onReconnect(listener) ?? (() => undefined),
    [consoleClient],
  );
  const auth = useMemo(
    () => ({ token, endedBecauseRefused, signIn, signOut, onReconnect }),
    [token, endedBecauseRefused, signIn, signOut, onReconnect],
  );
  return (
    <AuthContext.Provider value={auth}>
      {consoleClient ? <Provider value={consoleClient.client}>{children}</Provider> : children}
    </AuthContext.Provider>
  );
}
