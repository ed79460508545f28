/** Where sign-in returns to: only a path of this console (never another host). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return "/";
  }
  if (next === "/signin" || next.startsWith("/signin?")) return "/";
  return next;
}

export function signInPath(next: string): string {
  const back = safeNext(next);
  return back === "/" ? "/signin" : `/signin?next=${encodeURIComponent(back)}`;
}
