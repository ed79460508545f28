import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { useClient } from "urql";

import { paths } from "../../app/paths";
import type { ExperimentSortField } from "../../gql/graphql";
import {
  formatCount,
  formatDateTime,
  formatMoney,
  formatProgress,
  formatQueue,
  progressFraction,
  statusLabel,
} from "../../lib/format";
import type { UpdateList } from "./ExperimentsView";
import type { ChangeFeed } from "./changeFeed";
import { type ListState, type ListVariables, hasFilters, toggleSort } from "./listState";
import { comparatorFor } from "./liveList";
import { RowQueueControls } from "../queue/QueueControls";
import { ExperimentsPageQuery } from "./operations";
import { type FetchedPage, type Row, errorText, useLiveList } from "./useLiveList";
import { visibleRows } from "./windowing";

/** Rows asked for in the first page (keyset: each page starts after the last row's cursor). */
export const PAGE_SIZE = 50;
/** Rows asked for by each later page (`Load more`, or scrolling near the end). */
export const MORE_PAGE_SIZE = 200;
/** Every row is this tall (px; experiments.css): what windowed rendering counts on. */
export const ROW_HEIGHT = 44;
/** Rows rendered beyond each edge of the scrolled viewport */
const OVERSCAN = 12;
/** Scrolling this close (rows) to the last loaded row loads the next page by itself. */
const AUTO_LOAD_ROWS = 40;

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

export interface Selection {
  ids: ReadonlySet<string>;
  toggle: (row: Row, selected: boolean) => void;
}

interface Props {
  state: ListState;
  variables: ListVariables;
  update: UpdateList;
  feed: ChangeFeed;
  /** The list's count from the stats (kept live); the first page's count until then */
  liveTotal: number | null;
  selection: Selection;
  /** Loads the list again from its first page */
  reload: () => void;
}

/** The experiments as a table: keyset pages, live rows, windowed rendering. */
export function ExperimentTable({
  state,
  variables,
  update,
  feed,
  liveTotal,
  selection,
  reload,
}: Props) {
  const client = useClient();
  const fetchPage = useCallback(
    async (after: string | null): Promise<FetchedPage> => {
      const result = await client
        .query(
          ExperimentsPageQuery,
          { ...variables, first: after ? MORE_PAGE_SIZE : PAGE_SIZE, after },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      if (result.error) throw new Error(errorText(result.error));
      const connection = result.data?.experiments;
      if (!connection) throw new Error("no answer");
      return {
        rows: connection.edges.map((edge) => edge.node),
        hasMore: connection.pageInfo.hasNextPage,
        endCursor: connection.pageInfo.endCursor ?? null,
        total: connection.totalCount,
      };
    },
    [client, variables],
  );
  const compare = useMemo(() => comparatorFor<Row>(variables.orderBy), [variables.orderBy]);
  const { list, total, loading, error, loadMore } = useLiveList({ fetchPage, compare, feed });
  const rows = list.rows;

  // windowed rendering: the scroll container's position picks the rows to render
  const scroller = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLTableSectionElement>(null);
  const [view, setView] = useState({ scrollTop: 0, viewport: 800, offset: ROW_HEIGHT });
  const [scrolled, setScrolled] = useState(false);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setView({
        scrollTop: element.scrollTop,
        viewport: element.clientHeight,
        offset: head.current?.offsetHeight ?? ROW_HEIGHT,
      });
    };
    const onScroll = () => {
      setScrolled(true);
      frame ||= requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener("scroll", onScroll, { passive: true });
    const resize = new ResizeObserver(() => {
      frame ||= requestAnimationFrame(measure);
    });
    resize.observe(element);
    return () => {
      element.removeEventListener("scroll", onScroll);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);
  const win = visibleRows({
    ...view,
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    overscan: OVERSCAN,
  });

  // scrolled into the list, rows arriving or leaving above the view must not move what
  // the reader looks at: the scroll position follows the row at the top of the view
  const anchor = useRef<{ id: string; index: number } | null>(null);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const previous = anchor.current;
    if (previous && element.scrollTop > view.offset) {
      const index = rows.findIndex((row) => row.id === previous.id);
      if (index >= 0 && index !== previous.index) {
        element.scrollTop += (index - previous.index) * ROW_HEIGHT;
      }
    }
    const top = Math.min(
      rows.length - 1,
      Math.max(0, Math.floor((element.scrollTop - view.offset) / ROW_HEIGHT)),
    );
    const row = rows[top];
    anchor.current = row ? { id: row.id, index: top } : null;
  }, [rows, view]);

  // scrolled near the last loaded row: the next page comes by itself
  const nearEnd = scrolled && win.end >= rows.length - AUTO_LOAD_ROWS;
  useEffect(() => {
    if (nearEnd && list.hasMore && !loading && !error && rows.length > 0) loadMore();
  }, [nearEnd, list.hasMore, loading, error, rows.length, loadMore]);

  // everything loaded: the rows are the count (kept live); else the server's count
  const shownTotal =
    total == null ? null : list.hasMore ? Math.max(rows.length, liveTotal ?? total) : rows.length;
  const ready = total != null || (!loading && rows.length > 0);

  return (
    <div className="experiment-table">
      <p className="summary" aria-live="polite">
        {!ready
          ? error
            ? ""
            : "Loading experiments…"
          : shownTotal === 0 && rows.length === 0
            ? hasFilters(state)
              ? "No experiments match these filters."
              : "No experiments yet."
            : `Showing ${formatCount(rows.length)} of ${formatCount(shownTotal ?? rows.length)} experiments`}
        {list.unplaced > 0 ? (
          <>
            {" "}
            <span className="new-rows">
              {formatCount(list.unplaced)} new —{" "}
              <button type="button" className="link" onClick={reload}>
                show
              </button>
            </span>
          </>
        ) : null}
      </p>
      <div className="table-scroll" ref={scroller} data-testid="experiments-scroll">
        <table
          className="data windowed"
          aria-label="Experiments"
          aria-rowcount={(shownTotal ?? rows.length) + 1}
        >
          <colgroup>
            <col className="c-select" />
            <col className="c-name" />
            <col className="c-status" />
            <col className="c-hypothesis" />
            <col className="c-owner" />
            <col className="c-model" />
            <col className="c-progress" />
            <col className="c-cost" />
            <col className="c-created" />
          </colgroup>
          <thead ref={head}>
            <tr aria-rowindex={1}>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
              {COLUMNS.map((column) => (
                <HeaderCell key={column.header} column={column} state={state} update={update} />
              ))}
            </tr>
          </thead>
          <tbody>
            {win.before > 0 ? (
              <tr className="spacer" aria-hidden="true" style={{ height: win.before }}>
                <td colSpan={COLUMNS.length + 1} />
              </tr>
            ) : null}
            {rows.slice(win.start, win.end).map((row, offset) => (
              <ExperimentRow
                key={row.id}
                experiment={row}
                index={win.start + offset}
                fresh={list.fresh.has(row.id)}
                selected={selection.ids.has(row.id)}
                onSelect={selection.toggle}
              />
            ))}
            {win.after > 0 ? (
              <tr className="spacer" aria-hidden="true" style={{ height: win.after }}>
                <td colSpan={COLUMNS.length + 1} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {error ? (
        <p className="error" role="alert">
          Could not load experiments: {error}
        </p>
      ) : null}
      {list.hasMore && ready ? (
        <button type="button" className="load-more" disabled={loading} onClick={loadMore}>
          Load more
        </button>
      ) : null}
      {!ready && error ? (
        <button type="button" className="load-more" disabled={loading} onClick={loadMore}>
          Try again
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

interface RowProps {
  experiment: Row;
  index: number;
  fresh: boolean;
  selected: boolean;
  onSelect: Selection["toggle"];
}

function ExperimentRow({ experiment: e, index, fresh, selected, onSelect }: RowProps) {
  const fraction = progressFraction(e.progress);
  return (
    <tr
      aria-rowindex={index + 2}
      className={[fresh ? "fresh" : "", selected ? "selected" : ""].join(" ").trim() || undefined}
    >
      <td className="select">
        <input
          type="checkbox"
          aria-label={`Select ${e.name}`}
          checked={selected}
          onChange={(event) => onSelect(e, event.target.checked)}
        />
      </td>
      <td className="name" title={e.tags.length ? `${e.name} · ${e.tags.join(", ")}` : e.name}>
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
      <td title={e.hypothesis.title}>{e.hypothesis.title}</td>
      <td title={e.owner.name}>{e.owner.name}</td>
      <td title={`${e.model} · ${e.type}`}>
        {e.model} <span className="muted">{e.type}</span>
      </td>
      {e.queue ? (
        <td className="queue-cell">
          <span className="queue-text" title={formatQueue(e.queue)}>
            {formatQueue(e.queue)}
          </span>
          <RowQueueControls experiment={e} />
        </td>
      ) : (
        <ProgressCell progress={e.progress} fraction={fraction} />
      )}
      <td className="num">{formatMoney(e.cost.total, e.cost.currency)}</td>
      <td>
        <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
      </td>
    </tr>
  );
}

function ProgressCell({
  progress,
  fraction,
}: {
  progress: Row["progress"];
  fraction: number | null;
}) {
  return (
    <td className="progress-cell" title={formatProgress(progress)}>
      {fraction != null ? (
        <span className="bar" aria-hidden="true">
          <span style={{ width: `${fraction * 100}%` }} />
        </span>
      ) : null}
      {formatProgress(progress)}
    </td>
  );
}
