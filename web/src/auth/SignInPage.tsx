import { type FormEvent, useId, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";

import { useAuth } from "./AuthContext";
import { safeNext } from "./next";

export function SignInPage() {
  const { token, signIn, endedBecauseRefused } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hintId = useId();

  if (token && !busy) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await signIn(value);
    setBusy(false);
    if (result.ok) navigate(next, { replace: true });
    else setError(result.message);
  }

  return (
    <main className="signin">
      <h1>Experiment Service</h1>
      <form className="card signin-form" onSubmit={submit} aria-label="Sign in">
        <h2>Sign in</h2>
        {endedBecauseRefused && !error ? (
          <p className="notice" role="status">
            Your session ended: the service no longer accepts its token.
          </p>
        ) : null}
        <label htmlFor="api-token">API token</label>
        <input
          id="api-token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-describedby={hintId}
          aria-invalid={error ? true : undefined}
        />
        <p id={hintId} className="hint">
          Paste a token: the first <code>make run</code> prints the adminPaste a token: <code>make run</code> prints the admin&apos;s, and{" "}apos;s (kept in{" "}
          <code>.expsvc/admin-token</code>), and{" "}
          <code>expsvc tokens create</code> makes more. It stays in this browser until you sign
          out.
        </p>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
