import { describe, expect, it } from "vitest";

import { type ChildPage, type ChildRun, withPage } from "./nesting";

const run = (id: string): ChildRun => ({ id, name: `run ${id}`, status: "QUEUED" });

function page(ids: string[], total: number, endCursor: string | null, more: boolean): ChildPage {
  return {
    totalCount: total,
    pageInfo: { hasNextPage: more, endCursor },
    edges: ids.map((id) => ({ node: run(id) })),
  };
}

describe("the child runs listing", () => {
  it("starts from the first page", () => {
    expect(withPage(null, page(["a", "b"], 3, "c-b", true), null)).toEqual({
      runs: [run("a"), run("b")],
      total: 3,
      endCursor: "c-b",
      hasNextPage: true,
    });
  });

  it("appends a later page, each run once, with that page's count and cursor", () => {
    const first = withPage(null, page(["a", "b"], 3, "c-b", true), null);
    const next = withPage(first, page(["b", "c"], 4, "c-c", false), "c-b");
    expect(next.runs.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(next).toMatchObject({ total: 4, endCursor: "c-c", hasNextPage: false });
  });

  it("replaces what was shown when the first page is read again", () => {
    const first = withPage(null, page(["a", "b"], 2, "c-b", false), null);
    const again = withPage(first, page(["b"], 1, "c-b", false), null);
    expect(again.runs.map((r) => r.id)).toEqual(["b"]);
    expect(again.total).toBe(1);
  });

  it("has no cursor for an empty page", () => {
    expect(withPage(null, page([], 0, null, false), null)).toEqual({
      runs: [],
      total: 0,
      endCursor: null,
      hasNextPage: false,
    });
  });
});
