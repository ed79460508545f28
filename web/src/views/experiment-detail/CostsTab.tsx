/** Costs: GPU, API and total, and the API cost entries (newest first, paged). */
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";

import type { ExperimentDetailFragment } from "../../gql/graphql";
import { formatMoney } from "../../lib/format";
import { Facts, Time } from "./Facts";
import { problemFromGraphQL } from "./detailFormat";
import { ApiCostsQuery } from "./operations";
import { describeProblem } from "./rest";

export const COSTS_PAGE_SIZE = 20;

interface Entry {
  id: string;
  amount: number;
  description: string;
  createdAt: string;
  addedBy: { id: string; name: string };
}

interface Listing {
  entries: Entry[];
  total: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

export function CostsTab({ experiment }: { experiment: ExperimentDetailFragment }) {
  const { cost } = experiment;
  const client = useClient();
  const [listing, setListing] = useState<Listing | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const mine = after ? run.current : ++run.current;
      setLoading(true);
      const result = await client
        .query(
          ApiCostsQuery,
          { id: experiment.id, first: COSTS_PAGE_SIZE, after },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      if (mine !== run.current) return;
      setLoading(false);
      const page = result.data?.experiment?.apiCosts;
      if (result.error || !page) {
        setProblem(result.error ? describeProblem(problemFromGraphQL(result.error)) : "no answer");
        return;
      }
      setProblem(null);
      const entries = page.edges.map((edge) => edge.node);
      setListing((current) => ({
        entries: after && current ? [...current.entries, ...entries] : entries,
        total: page.totalCount,
        endCursor: page.pageInfo.endCursor ?? null,
        hasNextPage: page.pageInfo.hasNextPage,
      }));
    },
    [client, experiment.id],
  );

  // the first page again whenever the API cost changes (an entry was added)
  useEffect(() => {
    void load(null);
  }, [load, cost.api]);

  return (
    <div className="costs">
      <section className="card" aria-labelledby="costs-title">
        <h2 id="costs-title">Costs</h2>
        <Facts
          rows={[
            ["GPU", formatMoney(cost.gpu, cost.currency)],
            ["API", formatMoney(cost.api, cost.currency)],
            ["Total", <strong>{formatMoney(cost.total, cost.currency)}</strong>],
          ]}
        />
        {experiment.status === "RUNNING" ? (
          <p className="hint">The GPU cost grows while the experiment runs.</p>
        ) : null}
      </section>
      <section className="card wide" aria-labelledby="api-costs-title">
        <h2 id="api-costs-title">API cost entries</h2>
        {problem ? (
          <p className="error" role="alert">
            Could not load the entries: {problem}
          </p>
        ) : null}
        {!listing ? (
          <p className="muted">Loading the entries…</p>
        ) : listing.entries.length === 0 ? (
          <p className="muted">No API costs recorded.</p>
        ) : (
          <>
            <table className="data" aria-labelledby="api-costs-title">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Description</th>
                  <th scope="col">Added by</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {listing.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="num">{formatMoney(entry.amount, cost.currency)}</td>
                    <td>{entry.description}</td>
                    <td>{entry.addedBy.name}</td>
                    <td>
                      <Time value={entry.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="summary">
              {listing.entries.length} of {listing.total} entries
            </p>
            {listing.hasNextPage ? (
              <button
                type="button"
                className="load-more"
                disabled={loading}
                onClick={() => void load(listing.endCursor)}
              >
                Load more entries
              </button>
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}
