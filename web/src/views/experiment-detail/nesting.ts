/** The Child runs listing of the detail view, grown a page at a time. */
import type { ExperimentStatus } from "../../gql/graphql";

export const CHILDREN_PAGE_SIZE = 50;

export interface ChildRun {
  id: string;
  name: string;
  status: ExperimentStatus;
}

export interface ChildRuns {
  runs: ChildRun[];
  total: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ChildPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: { node: ChildRun }[];
}

/** The listing after a page read `after` the cursor: the first page (`after` null)
 * replaces what was shown, a later one is appended (a run shown already is kept once); the
 * count and the cursor are the newest page's. */
export function withPage(current: ChildRuns | null, page: ChildPage, after: string | null) {
  const kept = after && current ? current.runs : [];
  const seen = new Set(kept.map((run) => run.id));
  const added = page.edges.map((edge) => edge.node).filter((run) => !seen.has(run.id));
  return {
    runs: [...kept, ...added],
    total: page.totalCount,
    endCursor: page.pageInfo.endCursor ?? null,
    hasNextPage: page.pageInfo.hasNextPage,
  } satisfies ChildRuns;
}
