/** The experiments list's filters and sort, kept in the URL (so a reload, the back button
 * and a pasted link keep them): parsing, writing and turning them into the `experiments`
 * query's variables. Unknown or malformed parameters are dropped, never sent. */
import type {
  ExperimentFilter,
  ExperimentOrder,
  ExperimentSortField,
  ExperimentStatus,
  ExperimentType,
  SortDirection,
} from "../../gql/graphql";

export const STATUSES: readonly ExperimentStatus[] = [
  "QUEUED",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "STOPPED",
];
export const TYPES: readonly ExperimentType[] = ["LLM", "ML", "CV"];
export const SORT_FIELDS: readonly ExperimentSortField[] = [
  "CREATED_AT",
  "STARTED_AT",
  "FINISHED_AT",
  "DURATION",
  "COST",
  "METRIC",
  "NAME",
];
export const DIRECTIONS: readonly SortDirection[] = ["DESC", "ASC"];
/** How the list is shown: a table, or a Kanban board (a column per status). */
export const MODES = ["table", "board"] as const;
export type ListMode = (typeof MODES)[number];

export interface ListState {
  statuses: ExperimentStatus[];
  hypothesisId: string;
  type: ExperimentType | "";
  model: string;
  ownerId: string;
  tags: string[];
  /** YYYY-MM-DD, the first day included */
  createdFrom: string;
  /** YYYY-MM-DD, the last day included */
  createdTo: string;
  search: string;
  sort: ExperimentSortField;
  direction: SortDirection;
  /** The metric to sort by when sort is METRIC */
  metricKey: string;
  mode: ListMode;
}

export const DEFAULT_STATE: ListState = {
  statuses: [],
  hypothesisId: "",
  type: "",
  model: "",
  ownerId: "",
  tags: [],
  createdFrom: "",
  createdTo: "",
  search: "",
  sort: "CREATED_AT",
  direction: "DESC",
  metricKey: "",
  mode: "table",
};

/** URL parameter names */
const P = {
  status: "status",
  hypothesis: "hypothesis",
  type: "type",
  model: "model",
  owner: "owner",
  tags: "tags",
  from: "from",
  to: "to",
  search: "q",
  sort: "sort",
  direction: "dir",
  metric: "metric",
  mode: "view",
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((item) => item === value);
}

function list(value: string | null): string[] {
  if (!value) return [];
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return [...new Set(items)];
}

function isDate(value: string | null): value is string {
  if (!value || !DATE.test(value)) return false;
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
}

export function parseListState(params: URLSearchParams): ListState {
  const statuses = list(params.get(P.status)).flatMap((s) => oneOf(s, STATUSES) ?? []);
  const sort = oneOf(params.get(P.sort), SORT_FIELDS) ?? DEFAULT_STATE.sort;
  const metricKey = params.get(P.metric)?.trim() ?? "";
  return {
    statuses: STATUSES.filter((s) => statuses.includes(s)),
    hypothesisId: params.get(P.hypothesis)?.trim() ?? "",
    type: oneOf(params.get(P.type), TYPES) ?? "",
    model: params.get(P.model)?.trim() ?? "",
    ownerId: params.get(P.owner)?.trim() ?? "",
    tags: list(params.get(P.tags)),
    createdFrom: isDate(params.get(P.from)) ? (params.get(P.from) ?? "") : "",
    createdTo: isDate(params.get(P.to)) ? (params.get(P.to) ?? "") : "",
    search: params.get(P.search)?.trim() ?? "",
    // sorting by a metric needs its key: without one, the default order
    sort: sort === "METRIC" && !metricKey ? DEFAULT_STATE.sort : sort,
    direction: oneOf(params.get(P.direction), DIRECTIONS) ?? DEFAULT_STATE.direction,
    metricKey: sort === "METRIC" ? metricKey : "",
    mode: oneOf(params.get(P.mode), MODES) ?? DEFAULT_STATE.mode,
  };
}

/** The URL parameters of a state, defaults left out (so `/` is the default list). */
export function toSearchParams(state: ListState): URLSearchParams {
  const params = new URLSearchParams();
  const put = (name: string, value: string) => {
    if (value) params.set(name, value);
  };
  put(P.status, STATUSES.filter((s) => state.statuses.includes(s)).join(","));
  put(P.hypothesis, state.hypothesisId.trim());
  put(P.type, state.type);
  put(P.model, state.model.trim());
  put(P.owner, state.ownerId.trim());
  put(P.tags, state.tags.join(","));
  put(P.from, isDate(state.createdFrom) ? state.createdFrom : "");
  put(P.to, isDate(state.createdTo) ? state.createdTo : "");
  put(P.search, state.search.trim());
  const metricKey = state.metricKey.trim();
  const byMetric = state.sort === "METRIC" && metricKey !== "";
  if (state.sort !== DEFAULT_STATE.sort && (state.sort !== "METRIC" || byMetric)) {
    put(P.sort, state.sort);
  }
  if (byMetric) put(P.metric, metricKey);
  if (state.direction !== DEFAULT_STATE.direction) put(P.direction, state.direction);
  if (state.mode !== DEFAULT_STATE.mode) put(P.mode, state.mode);
  return params;
}

/** Midnight at the start of a local day, as the API's DateTime (UTC ISO-8601). */
function startOfDay(date: string, plusDays = 0): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(year, month - 1, day + plusDays).toISOString();
}

export interface ListVariables {
  filter: ExperimentFilter;
  orderBy: ExperimentOrder;
}

/** The `experiments` query's filter and order for a state. Dates are the browser's local
 * days: `createdTo` includes its whole day. */
export function toVariables(state: ListState): ListVariables {
  const filter: ExperimentFilter = {};
  if (state.statuses.length) filter.status = [...state.statuses];
  if (state.hypothesisId) filter.hypothesisId = state.hypothesisId;
  if (state.type) filter.type = state.type;
  if (state.model) filter.model = state.model;
  if (state.ownerId) filter.ownerId = state.ownerId;
  if (state.tags.length) filter.tags = [...state.tags];
  if (isDate(state.createdFrom)) filter.createdAfter = startOfDay(state.createdFrom);
  if (isDate(state.createdTo)) filter.createdBefore = startOfDay(state.createdTo, 1);
  if (state.search) filter.search = state.search;
  const orderBy: ExperimentOrder = { field: state.sort, direction: state.direction };
  if (state.sort === "METRIC") orderBy.metricKey = state.metricKey;
  return { filter, orderBy };
}

/** True when any filter (not the sort nor the mode) differs from the default. */
export function hasFilters(state: ListState): boolean {
  return (
    state.statuses.length > 0 ||
    state.tags.length > 0 ||
    [
      state.hypothesisId,
      state.type,
      state.model,
      state.ownerId,
      state.createdFrom,
      state.createdTo,
      state.search,
    ].some(Boolean)
  );
}

/** Clicking a column's sort: a new column sorts descending, the same one flips. */
export function toggleSort(state: ListState, field: ExperimentSortField): ListState {
  if (state.sort === field) {
    return { ...state, direction: state.direction === "DESC" ? "ASC" : "DESC" };
  }
  return { ...state, sort: field, direction: "DESC", metricKey: "" };
}
