import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { useAuth } from "./AuthContext";
import { signInPath } from "./next";

/** Its children when signed in; else the sign-in page, which comes back here after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) {
    return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  }
  return children;
}
