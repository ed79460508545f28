/** A loaded list of experiments kept live: pages appended as they are fetched (keyset, so
 * the list always starts at the top of the sort), and `experimentsChanged` events merged
 * in. Pure functions over an immutable value, shared by the table and each Kanban column.
 *
 * The loaded rows are a window onto the whole sorted list: from its first row down to the
 * last row loaded, or to the end when no page is left. A row goes where the sort puts it
 * inside that window; a row that sorts past the window's end while pages remain is not
 * shown (the next page brings it, from the server's cursor). The client orders rows as
 * the server does (`app/experiments/queries.py`: the value with nulls last, then the id,
 * both in the sort's direction). A metric sort cannot be judged here (the rows carry no
 * metric values): created rows are then counted as `unplaced`, for the view to offer a
 * reload, and changed rows are replaced where they stand. */
import type { ExperimentOrder } from "../../gql/graphql";

/** What the merge reads of a row. */
export interface LiveRow {
  id: string;
  name: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationSeconds?: number | null;
  cost: { total: number };
}

export type ChangeKind = "CREATED" | "UPDATED" | "LEFT";

export interface LiveChange<R extends LiveRow> {
  kind: ChangeKind | string;
  experiment: R;
}

export interface LiveList<R extends LiveRow> {
  rows: readonly R[];
  /** The server has rows past the last one loaded. */
  hasMore: boolean;
  /** Created rows the sort cannot place here (metric sort): reload to see them. */
  unplaced: number;
  /** Ids of rows that arrived live (created, or moved into the window), for a highlight. */
  fresh: ReadonlySet<string>;
}

/** Negative when `a` sorts before `b`, positive after (never 0 for two rows: ids differ). */
export type Compare<R extends LiveRow> = (a: R, b: R) => number;

export function emptyList<R extends LiveRow>(): LiveList<R> {
  return { rows: [], hasMore: true, unplaced: 0, fresh: new Set() };
}

type SortValue = number | string | null;

function time(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function finite(value: number | null | undefined): number | null {
  return value == null || Number.isNaN(value) ? null : value;
}

/** The row's value for a sort field, or undefined for a field the client cannot read. */
function sortValue(row: LiveRow, field: ExperimentOrder["field"]): SortValue | undefined {
  switch (field) {
    case "CREATED_AT":
      return time(row.createdAt);
    case "STARTED_AT":
      return time(row.startedAt);
    case "FINISHED_AT":
      return time(row.finishedAt);
    case "DURATION":
      return finite(row.durationSeconds);
    case "COST":
      return finite(row.cost.total);
    case "NAME":
      return row.name;
    default:
      return undefined;
  }
}

function cmp(a: number | string, b: number | string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** The server's order for `order`, or null when the client cannot judge it (METRIC). */
export function comparatorFor<R extends LiveRow>(order: ExperimentOrder): Compare<R> | null {
  if (order.field === "METRIC") return null;
  const sign = order.direction === "ASC" ? 1 : -1;
  return (a, b) => {
    const va = sortValue(a, order.field) ?? null;
    const vb = sortValue(b, order.field) ?? null;
    if (va !== null && vb === null) return -1; // nulls last, either direction
    if (va === null && vb !== null) return 1;
    if (va !== null && vb !== null) {
      const byValue = cmp(va, vb);
      if (byValue !== 0) return sign * byValue;
    }
    return sign * cmp(a.id, b.id);
  };
}

/** A fetched page appended below the loaded rows; rows already shown (arrived live) stay
 * where they are. */
export function appendPage<R extends LiveRow>(
  list: LiveList<R>,
  page: readonly R[],
  hasMore: boolean,
): LiveList<R> {
  const shown = new Set(list.rows.map((row) => row.id));
  const added = page.filter((row) => {
    if (shown.has(row.id)) return false;
    shown.add(row.id);
    return true;
  });
  return { ...list, rows: [...list.rows, ...added], hasMore };
}

/** Where `row` goes among `rows` (sorted by `compare`): the first index it sorts before. */
function insertionIndex<R extends LiveRow>(rows: readonly R[], row: R, compare: Compare<R>) {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(rows[middle] as R, row) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function withFresh<R extends LiveRow>(list: LiveList<R>, id: string, fresh: boolean) {
  if (fresh === list.fresh.has(id)) return list.fresh;
  const next = new Set(list.fresh);
  if (fresh) next.add(id);
  else next.delete(id);
  return next;
}

/** One `experimentsChanged` event merged into the list. `compare` is the list's sort, or
 * null when the client cannot judge it. */
export function applyChange<R extends LiveRow>(
  list: LiveList<R>,
  change: LiveChange<R>,
  compare: Compare<R> | null,
): LiveList<R> {
  const row = change.experiment;
  const at = list.rows.findIndex((r) => r.id === row.id);
  if (change.kind === "LEFT") {
    // a LEFT for a row not shown: nothing to remove
    if (at < 0) return list;
    return {
      ...list,
      rows: list.rows.filter((r) => r.id !== row.id),
      fresh: withFresh(list, row.id, false),
    };
  }
  if (change.kind !== "CREATED" && change.kind !== "UPDATED") return list;
  if (compare === null) {
    if (at >= 0) {
      const rows = [...list.rows];
      rows[at] = row;
      return { ...list, rows };
    }
    return change.kind === "CREATED" ? { ...list, unplaced: list.unplaced + 1 } : list;
  }
  const rest = at >= 0 ? list.rows.filter((r) => r.id !== row.id) : list.rows;
  const index = insertionIndex(rest, row, compare);
  if (index === rest.length && list.hasMore) {
    // past the loaded window: the next page has it (or a row that moved out of it)
    return at < 0 ? list : { ...list, rows: rest, fresh: withFresh(list, row.id, false) };
  }
  const rows = [...rest.slice(0, index), row, ...rest.slice(index)];
  return { ...list, rows, fresh: at < 0 ? withFresh(list, row.id, true) : list.fresh };
}

/** Several events at once (they arrive in bursts). */
export function applyChanges<R extends LiveRow>(
  list: LiveList<R>,
  changes: readonly LiveChange<R>[],
  compare: Compare<R> | null,
): LiveList<R> {
  return changes.reduce((current, change) => applyChange(current, change, compare), list);
}

/** The highlight of live arrivals over. */
export function settle<R extends LiveRow>(list: LiveList<R>): LiveList<R> {
  return list.fresh.size ? { ...list, fresh: new Set() } : list;
}
