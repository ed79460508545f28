import type { ReactNode } from "react";
import { NavLink, Outlet } from "react-router";
import { useQuery } from "urql";

import { useAuth } from "../auth/AuthContext";
import { MeQuery } from "../auth/operations";
import { Bell } from "../views/notifications/Bell";
import { paths } from "./paths";

/** The header every signed-in view shares: the views, who is signed in, Sign out. */
export function Shell({ children }: { children?: ReactNode }) {
  const { signOut } = useAuth();
  const [{ data }] = useQuery({ query: MeQuery });
  const me = data?.me;
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/">
          Experiment Service
        </a>
        <nav aria-label="Views">
          <NavLink to="/" end>
            Experiments
          </NavLink>
          <NavLink to="/compare">Compare</NavLink>
          {/* a page of its own (not a client-side route): the self-hosted GraphiQL */}
          <a href="/graphql">GraphiQL</a>
        </nav>
        <div className="who">
          <NavLink to={paths.newExperiment} className="new-experiment-link">New experiment</NavLink>
          <Bell />
          {me ? (
            <span title={me.email}>
              {me.name} <span className="role">{me.role}</span>
            </span>
          ) : null}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">{children ?? <Outlet />}</main>
    </div>
  );
}
