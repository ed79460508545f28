/** Nested runs on the detail page: the parent run (a header fact) and the Child runs
 * section, both from `ExperimentNesting`; only the runs the caller may read are there. */
import { useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useClient } from "urql";

import { paths } from "../../app/paths";
import { useAuth } from "../../auth/AuthContext";
import { statusLabel } from "../../lib/format";
import { problemFromGraphQL } from "./detailFormat";
import { CHILDREN_PAGE_SIZE, type ChildRuns, withPage } from "./nesting";
import { ExperimentNestingQuery } from "./operations";
import { describeProblem } from "./rest";

export interface Nesting {
  parent: { id: string; name: string } | null;
  children: ChildRuns | null;
  problem: string | null;
  loading: boolean;
  loadMore: () => void;
}

/** The experiment's parent and its children, read when the page opens and again after the
 * live connection came back; `loadMore` appends the next page of children. */
export function useNesting(id: string): Nesting {
  const client = useClient();
  const { onReconnect } = useAuth();
  const [parent, setParent] = useState<Nesting["parent"]>(null);
  const [children, setChildren] = useState<ChildRuns | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const run = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const mine = after ? run.current : ++run.current;
      setLoading(true);
      const result = await client
        .query(
          ExperimentNestingQuery,
          { id, first: CHILDREN_PAGE_SIZE, after },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      if (mine !== run.current) return;
      setLoading(false);
      const experiment = result.data?.experiment;
      if (result.error || !experiment) {
        setProblem(result.error ? describeProblem(problemFromGraphQL(result.error)) : "no answer");
        return;
      }
      setProblem(null);
      setParent(experiment.parent ?? null);
      setChildren((current) => withPage(current, experiment.children, after));
    },
    [client, id],
  );

  useEffect(() => {
    void load(null);
    return onReconnect(() => void load(null));
  }, [load, onReconnect]);

  const endCursor = children?.endCursor ?? null;
  const loadMore = useCallback(() => {
    if (endCursor) void load(endCursor);
  }, [load, endCursor]);
  return { parent, children, problem, loading, loadMore };
}

/** "Parent run: <name>" among the header's facts; nothing for a run of its own. */
export function ParentRunFact({ nesting }: { nesting: Nesting }) {
  const { parent } = nesting;
  if (!parent) return null;
  return (
    <div>
      <dt>Parent run</dt>
      <dd>
        <Link to={paths.experiment(parent.id)}>{parent.name}</Link>
      </dd>
    </div>
  );
}

/** The Child runs section: name (a link), status; only when there are any (or a read
 * failed). */
export function ChildRunsSection({ nesting }: { nesting: Nesting }) {
  const { children, problem, loading, loadMore } = nesting;
  if (!problem && !children?.runs.length) return null;
  return (
    <section className="card child-runs" aria-labelledby="child-runs-title">
      <h2 id="child-runs-title">Child runs</h2>
      {problem ? (
        <p className="error" role="alert">
          Could not load the nested runs: {problem}
        </p>
      ) : null}
      {children?.runs.length ? (
        <>
          <table className="data" aria-labelledby="child-runs-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {children.runs.map((child) => (
                <tr key={child.id}>
                  <td>
                    <Link to={paths.experiment(child.id)}>{child.name}</Link>
                  </td>
                  <td>
                    <span className={`status status-${child.status.toLowerCase()}`}>
                      {statusLabel(child.status)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {children.total > children.runs.length ? (
            <p className="summary">
              {children.runs.length} of {children.total} child runs
            </p>
          ) : null}
          {children.hasNextPage ? (
            <button type="button" className="load-more" onClick={loadMore} disabled={loading}>
              {loading ? "Loading…" : "Show more"}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
