import { useCallback, useEffect, useMemo, useRef } from "react";
import { Link } from "react-router";
import { useClient, useQuery } from "urql";

import { paths } from "../../app/paths";
import type { ExperimentStatus } from "../../gql/graphql";
import {
  formatCount,
  formatMoney,
  formatProgress,
  progressFraction,
  statusLabel,
} from "../../lib/format";
import type { ChangeFeed, RowChange } from "./changeFeed";
import type { ListVariables } from "./listState";
import { comparatorFor } from "./liveList";
import { BoardCountsQuery, BoardQuery } from "./operations";
import { type FetchedPage, type Row, errorText, useLiveList } from "./useLiveList";

/** Cards asked for per column page */
export const CARD_PAGE_SIZE = 20;

interface Props {
  variables: ListVariables;
  feed: ChangeFeed;
  /** Grows after live changes: the counts refetch */
  version: number;
}

/** The experiments as a Kanban board: a column per status (the filter's statuses, or all),
 * each with its count, its cards in the list's order and its own `Load more`; cards move
 * between columns live. */
export function ExperimentBoard({ variables, feed, version }: Props) {
  const [{ data, error }] = useQuery({
    query: BoardQuery,
    variables: { ...variables, first: CARD_PAGE_SIZE },
    requestPolicy: "network-only",
  });
  const [{ data: counted }, recount] = useQuery({
    query: BoardCountsQuery,
    variables: { filter: variables.filter },
    pause: version === 0,
  });
  useEffect(() => {
    if (version > 0) recount({ requestPolicy: "network-only" });
  }, [version, recount]);
  // events before the board came: handed to the columns with their first cards
  const early = useRef<RowChange[]>([]);
  const loaded = useRef(false);
  loaded.current = data != null;
  useEffect(
    () =>
      feed.listen((changes) => {
        if (!loaded.current) early.current.push(...changes);
      }),
    [feed],
  );
  const counts = useMemo(() => {
    const found = new Map<ExperimentStatus, number>();
    for (const column of counted?.experimentBoard ?? []) found.set(column.status, column.count);
    return found;
  }, [counted]);

  if (error) {
    return (
      <p className="error" role="alert">
        Could not load the board: {errorText(error)}
      </p>
    );
  }
  if (!data) return <p className="summary">Loading the board…</p>;
  return (
    <div className="board">
      {data.experimentBoard.map((column) => (
        <BoardColumnView
          key={column.status}
          status={column.status}
          count={counts.get(column.status) ?? column.count}
          initial={{
            rows: column.page.edges.map((edge) => edge.node),
            hasMore: column.page.pageInfo.hasNextPage,
            endCursor: column.page.pageInfo.endCursor ?? null,
            total: column.count,
          }}
          earlyChanges={early.current}
          variables={variables}
          feed={feed}
        />
      ))}
    </div>
  );
}

interface ColumnProps {
  status: ExperimentStatus;
  count: number;
  initial: FetchedPage;
  /** Events that came before `initial`, merged into it */
  earlyChanges: readonly RowChange[];
  variables: ListVariables;
  feed: ChangeFeed;
}

function BoardColumnView({ status, count, initial, earlyChanges, variables, feed }: ColumnProps) {
  const client = useClient();
  const fetchPage = useCallback(
    async (after: string | null): Promise<FetchedPage> => {
      // the board narrowed to this column: BoardColumn.page after the column's cursor
      const result = await client
        .query(
          BoardQuery,
          {
            filter: { ...variables.filter, status: [status] },
            orderBy: variables.orderBy,
            first: CARD_PAGE_SIZE,
            after,
          },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      if (result.error) throw new Error(errorText(result.error));
      const page = result.data?.experimentBoard.find((c) => c.status === status)?.page;
      if (!page) throw new Error("no answer");
      return {
        rows: page.edges.map((edge) => edge.node),
        hasMore: page.pageInfo.hasNextPage,
        endCursor: page.pageInfo.endCursor ?? null,
      };
    },
    [client, variables, status],
  );
  const compare = useMemo(() => comparatorFor<Row>(variables.orderBy), [variables.orderBy]);
  // a card whose status is now another column's leaves this one
  const mapChange = useCallback(
    (change: RowChange): RowChange =>
      change.kind !== "LEFT" && change.experiment.status !== status
        ? { ...change, kind: "LEFT" }
        : change,
    [status],
  );
  const { list, loading, error, loadMore } = useLiveList({
    fetchPage,
    initial,
    earlyChanges,
    compare,
    feed,
    mapChange,
  });
  // all cards loaded: they are the count (live at once); else the server's count
  const shownCount = list.hasMore ? Math.max(count, list.rows.length) : list.rows.length;
  const label = statusLabel(status);
  const headingId = `board-${status.toLowerCase()}`;

  return (
    <section className={`board-column column-${status.toLowerCase()}`} aria-labelledby={headingId}>
      <h2 id={headingId}>
        {label} <span className="count">{formatCount(shownCount)}</span>
      </h2>
      {list.rows.length ? (
        <ul className="cards" aria-label={`${label} experiments`}>
          {list.rows.map((row) => (
            <Card key={row.id} experiment={row} fresh={list.fresh.has(row.id)} />
          ))}
        </ul>
      ) : (
        <p className="hint">None</p>
      )}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {list.hasMore ? (
        <button
          type="button"
          className="load-more"
          disabled={loading}
          onClick={loadMore}
          aria-label={`Load more ${label.toLowerCase()}`}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}

function Card({ experiment: e, fresh }: { experiment: Row; fresh: boolean }) {
  const fraction = progressFraction(e.progress);
  return (
    <li className={fresh ? "card board-card fresh" : "card board-card"}>
      <Link to={paths.experiment(e.id)} className="card-title">
        {e.name}
      </Link>
      <div className="card-meta">
        <span title="Model">
          {e.model} <span className="muted">{e.type}</span>
        </span>
        <span title="Owner">{e.owner.name}</span>
      </div>
      <div className="card-progress">
        {fraction != null ? (
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${fraction * 100}%` }} />
          </span>
        ) : null}
        <span>{formatProgress(e.progress)}</span>
      </div>
      <div className="card-cost">{formatMoney(e.cost.total, e.cost.currency)}</div>
    </li>
  );
}
