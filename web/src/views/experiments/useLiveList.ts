/** A keyset-paged list kept live from the view's change feed (`liveList.ts` holds the
 * merge rules). Used by the table and by each Kanban column. */
import { useCallback, useEffect, useRef, useState } from "react";

import type { ExperimentRowFragment } from "../../gql/graphql";
import type { ChangeFeed, RowChange } from "./changeFeed";
import {
  type Compare,
  type LiveList,
  appendPage,
  applyChanges,
  emptyList,
  settle,
} from "./liveList";

export type Row = ExperimentRowFragment;

export interface FetchedPage {
  rows: Row[];
  hasMore: boolean;
  endCursor: string | null;
  /** Every row of the list, all pages (the first page's count) */
  total?: number;
}

interface Options {
  /** The page after `after` (null: the first page). */
  fetchPage: (after: string | null) => Promise<FetchedPage>;
  /** The first page, when the caller fetched it already (the board fetches all columns). */
  initial?: FetchedPage;
  /** Events that came before `initial` was fetched, merged into it */
  earlyChanges?: readonly RowChange[];
  compare: Compare<Row> | null;
  feed: ChangeFeed;
  /** What an event means for this list (a Kanban column turns other statuses into LEFT). */
  mapChange?: (change: RowChange) => RowChange;
}

export interface LiveListState {
  list: LiveList<Row>;
  /** The first page's total (null before it came) */
  total: number | null;
  loading: boolean;
  error: string | null;
  loadMore: () => void;
}

/** How long a row that arrived live stays highlighted */
const FRESH_MS = 2500;

export function useLiveList({
  fetchPage,
  initial,
  earlyChanges,
  compare,
  feed,
  mapChange,
}: Options): LiveListState {
  const [list, setList] = useState<LiveList<Row>>(() => {
    if (!initial) return emptyList<Row>();
    const first = appendPage(emptyList<Row>(), initial.rows, initial.hasMore);
    const early = earlyChanges ?? [];
    return applyChanges(first, mapChange ? early.map(mapChange) : early, compare);
  });
  const [total, setTotal] = useState<number | null>(initial?.total ?? null);
  const [loading, setLoading] = useState(!initial);
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef<string | null>(initial?.endCursor ?? null);
  const started = useRef(Boolean(initial));
  const inFlight = useRef(false);
  // events that came before the first page: merged once it is there
  const ready = useRef(Boolean(initial));
  const early = useRef<RowChange[]>([]);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    setLoading(true);
    const first = !ready.current;
    fetcher
      .current(cursor.current)
      .then((page) => {
        cursor.current = page.endCursor;
        if (first && page.total != null) setTotal(page.total);
        setList((current) => {
          const next = appendPage(current, page.rows, page.hasMore && page.endCursor != null);
          return first ? applyChanges(next, early.current, compare) : next;
        });
        early.current = [];
        ready.current = true;
        setError(null);
      })
      .catch((reason: unknown) => {
        setError(reason instanceof Error ? reason.message : String(reason));
      })
      .finally(() => {
        inFlight.current = false;
        setLoading(false);
      });
  }, [compare]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    load();
  }, [load]);

  useEffect(
    () =>
      feed.listen((changes) => {
        const mapped = mapChange ? changes.map(mapChange) : changes;
        if (!ready.current) {
          early.current.push(...mapped);
          return;
        }
        setList((current) => applyChanges(current, mapped, compare));
      }),
    [feed, compare, mapChange],
  );

  useEffect(() => {
    if (list.fresh.size === 0) return;
    const timer = setTimeout(() => setList(settle), FRESH_MS);
    return () => clearTimeout(timer);
  }, [list.fresh]);

  const loadMore = useCallback(() => {
    if (ready.current && !list.hasMore) return;
    load();
  }, [load, list.hasMore]);

  return { list, total, loading, error, loadMore };
}

/** The API's message without urql's prefix. */
export function errorText(error: { message: string }): string {
  return error.message.replace(/^\[(GraphQL|Network)\] /, "");
}
