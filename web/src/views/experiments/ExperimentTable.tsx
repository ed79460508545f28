import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";

import { paths } from "../../app/paths";
import type { ExperimentRowFragment, ExperimentSortField } from "../../gql/graphql";
import {
  formatCount,
  formatDateTime,
  formatMoney,
  formatProgress,
  progressFraction,
  statusLabel,
} from "../../lib/format";
import type { UpdateList } from "./ExperimentsView";
import { type ListState, type ListVariables, hasFilters, toggleSort } from "./listState";
import { ExperimentsPageQuery } from "./operations";

/** Rows asked for per page (keyset: each page starts after the last row's cursor). */
export const PAGE_SIZE = 50;

interface Column {
  header: string;
  sort?: ExperimentSortField;
}

const COLUMNS: Column[] = [
  { header: "Name", sort: "NAME" },
  { header: "Status" },
  { header: "Hypothesis" },
  { header: "Owner" },
  { header: "Model" },
  { header: "Progress" },
  { header: "Cost", sort: "COST" },
  { header: "Created", sort: "CREATED_AT" },
];

interface PageEnd {
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  totalCount: number;
  fetching: boolean;
  error: string | null;
}

interface Props {
  state: ListState;
  variables: ListVariables;
  update: UpdateList;
}

export function ExperimentTable({ state, variables, update }: Props) {
  // the cursors of the pages shown: null is the first page
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [end, setEnd] = useState<PageEnd | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [shown, setShown] = useState<Record<string, number>>({});

  const onPage = useCallback(
    (index: number, after: string | null, page: PageEnd, rows: number, isLast: boolean) => {
      if (index === 0 && !page.fetching) setTotal(page.totalCount);
      setShown((current) => ({ ...current, [after ?? ""]: rows }));
      if (!isLast) return;
      // while the last page loads, keep the button (disabled) where it was
      setEnd((current) =>
        page.fetching && rows === 0 && current ? { ...current, fetching: true } : page,
      );
    },
    [],
  );

  const rowsShown = cursors.reduce((sum, after) => sum + (shown[after ?? ""] ?? 0), 0);
  const more = end?.hasNextPage && end.endCursor ? end.endCursor : null;

  return (
    <div className="table-wrap">
      <p className="summary" aria-live="polite">
        {total == null
          ? "Loading experiments…"
          : total === 0
            ? hasFilters(state)
              ? "No experiments match these filters."
              : "No experiments yet."
            : `Showing ${formatCount(rowsShown)} of ${formatCount(total)} experiments`}
      </p>
      <table className="data" aria-label="Experiments">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <HeaderCell key={column.header} column={column} state={state} update={update} />
            ))}
          </tr>
        </thead>
        {cursors.map((after, index) => (
          <ExperimentPage
            key={after ?? ""}
            index={index}
            isLast={index === cursors.length - 1}
            after={after}
            variables={variables}
            onPage={onPage}
          />
        ))}
      </table>
      {end?.error ? (
        <p className="error" role="alert">
          Could not load experiments: {end.error}
        </p>
      ) : null}
      {more ? (
        <button
          type="button"
          className="load-more"
          disabled={end?.fetching}
          onClick={() =>
            setCursors((current) => (current.includes(more) ? current : [...current, more]))
          }
        >
          Load more
        </button>
      ) : null}
    </div>
  );
}

function HeaderCell({
  column,
  state,
  update,
}: {
  column: Column;
  state: ListState;
  update: UpdateList;
}) {
  const { sort } = column;
  if (!sort) return <th scope="col">{column.header}</th>;
  const active = state.sort === sort;
  const ariaSort = active ? (state.direction === "ASC" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button
        type="button"
        className="sort"
        onClick={() => {
          const next = toggleSort(state, sort);
          update({ sort: next.sort, direction: next.direction, metricKey: next.metricKey });
        }}
      >
        {column.header}
        <span aria-hidden="true" className="arrow">
          {active ? (state.direction === "ASC" ? "▲" : "▼") : ""}
        </span>
      </button>
    </th>
  );
}

interface PageProps {
  index: number;
  isLast: boolean;
  after: string | null;
  variables: ListVariables;
  onPage: (
    index: number,
    after: string | null,
    page: PageEnd,
    rows: number,
    isLast: boolean,
  ) => void;
}

/** One page of rows (a `<tbody>`), fetched after `after`. */
function ExperimentPage({ index, isLast, after, variables, onPage }: PageProps) {
  const [{ data, fetching, error }] = useQuery({
    query: ExperimentsPageQuery,
    variables: { ...variables, first: PAGE_SIZE, after },
  });
  const connection = data?.experiments;
  useEffect(() => {
    onPage(
      index,
      after,
      {
        hasNextPage: connection?.pageInfo.hasNextPage ?? false,
        endCursor: connection?.pageInfo.endCursor,
        totalCount: connection?.totalCount ?? 0,
        fetching,
        error: error ? error.message.replace(/^\[(GraphQL|Network)\] /, "") : null,
      },
      connection?.edges.length ?? 0,
      isLast,
    );
  }, [index, isLast, after, connection, fetching, error, onPage]);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <ExperimentRow key={node.id} experiment={node} />
      ))}
    </tbody>
  );
}

function ExperimentRow({ experiment: e }: { experiment: ExperimentRowFragment }) {
  const fraction = progressFraction(e.progress);
  return (
    <tr>
      <td>
        <Link to={paths.experiment(e.id)}>{e.name}</Link>
        {e.tags.length ? (
          <span className="tags">
            {e.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </span>
        ) : null}
      </td>
      <td>
        <span className={`status status-${e.status.toLowerCase()}`}>{statusLabel(e.status)}</span>
      </td>
      <td>{e.hypothesis.title}</td>
      <td>{e.owner.name}</td>
      <td>
        {e.model} <span className="muted">{e.type}</span>
      </td>
      <td className="progress-cell">
        {fraction != null ? (
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${fraction * 100}%` }} />
          </span>
        ) : null}
        {formatProgress(e.progress)}
      </td>
      <td className="num">{formatMoney(e.cost.total, e.cost.currency)}</td>
      <td>
        <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
      </td>
    </tr>
  );
}
