import { describe, expect, it } from "vitest";

import {
  DEFAULT_STATE,
  type ListState,
  hasFilters,
  parseListState,
  toSearchParams,
  toVariables,
  toggleSort,
} from "./listState";

const parse = (query: string) => parseListState(new URLSearchParams(query));

describe("URL → list state", () => {
  it("is the default list for an empty URL", () => {
    expect(parse("")).toEqual(DEFAULT_STATE);
  });

  it("reads every filter and the sort", () => {
    expect(
      parse(
        "status=FAILED,RUNNING&hypothesis=h1&type=LLM&model=llama&owner=u1&tags=a,b" +
          "&from=2025-01-02&to=2025-01-31&q=lr%20sweep&sort=METRIC&metric=val_loss&dir=ASC" +
          "&view=board",
      ),
    ).toEqual({
      statuses: ["RUNNING", "FAILED"], // in the lifecycle's order
      hypothesisId: "h1",
      type: "LLM",
      model: "llama",
      ownerId: "u1",
      tags: ["a", "b"],
      createdFrom: "2025-01-02",
      createdTo: "2025-01-31",
      search: "lr sweep",
      sort: "METRIC",
      direction: "ASC",
      metricKey: "val_loss",
      mode: "board",
    } satisfies ListState);
  });

  it("drops what it does not know", () => {
    const state = parse(
      "status=RUNNING,BOGUS,,RUNNING&type=GPT&sort=random&dir=up&from=2025-02-30&to=yesterday" +
        "&view=grid",
    );
    expect(state.mode).toBe("table");
    expect(state.statuses).toEqual(["RUNNING"]);
    expect(state.type).toBe("");
    expect(state.sort).toBe("CREATED_AT");
    expect(state.direction).toBe("DESC");
    expect(state.createdFrom).toBe("");
    expect(state.createdTo).toBe("");
  });

  it("sorts by creation when METRIC comes without a metric key", () => {
    expect(parse("sort=METRIC").sort).toBe("CREATED_AT");
    expect(parse("sort=COST&metric=loss").metricKey).toBe("");
  });

  it("trims values and removes duplicate tags", () => {
    const state = parse("model=%20llama%20&tags=%20a%20,b,a,");
    expect(state.model).toBe("llama");
    expect(state.tags).toEqual(["a", "b"]);
  });
});

describe("list state → URL", () => {
  it("leaves the defaults out", () => {
    expect(toSearchParams(DEFAULT_STATE).toString()).toBe("");
  });

  it("round-trips through the URL", () => {
    const query =
      "status=RUNNING%2CFAILED&hypothesis=h1&type=CV&model=resnet&owner=u7&tags=x%2Cy" +
      "&from=2025-03-01&to=2025-03-02&q=ablation&sort=METRIC&metric=acc&dir=ASC&view=board";
    const state = parse(query);
    expect(parse(toSearchParams(state).toString())).toEqual(state);
    expect(toSearchParams(state).toString()).toBe(query);
  });

  it("writes no metric sort without a key", () => {
    const params = toSearchParams({ ...DEFAULT_STATE, sort: "METRIC", metricKey: "  " });
    expect(params.has("sort")).toBe(false);
    expect(params.has("metric")).toBe(false);
  });
});

describe("list state → query variables", () => {
  it("sends no filter for the default list, newest first", () => {
    expect(toVariables(DEFAULT_STATE)).toEqual({
      filter: {},
      orderBy: { field: "CREATED_AT", direction: "DESC" },
    });
  });

  it("sends each filter under the API's names", () => {
    const { filter, orderBy } = toVariables(
      parse("status=QUEUED&hypothesis=h1&type=ML&model=m&owner=u&tags=t&q=s&sort=COST&dir=ASC"),
    );
    expect(filter).toEqual({
      status: ["QUEUED"],
      hypothesisId: "h1",
      type: "ML",
      model: "m",
      ownerId: "u",
      tags: ["t"],
      search: "s",
    });
    expect(orderBy).toEqual({ field: "COST", direction: "ASC" });
  });

  it("turns local days into a half-open range that includes the last day", () => {
    const { filter } = toVariables(parse("from=2025-01-02&to=2025-01-31"));
    expect(filter.createdAfter).toBe(new Date(2025, 0, 2).toISOString());
    expect(filter.createdBefore).toBe(new Date(2025, 1, 1).toISOString());
  });

  it("names the metric when sorting by one", () => {
    expect(toVariables(parse("sort=METRIC&metric=loss")).orderBy).toEqual({
      field: "METRIC",
      direction: "DESC",
      metricKey: "loss",
    });
  });
});

describe("sorting and filters", () => {
  it("sorts a new column descending, then flips it", () => {
    const byCost = toggleSort(DEFAULT_STATE, "COST");
    expect([byCost.sort, byCost.direction]).toEqual(["COST", "DESC"]);
    const flipped = toggleSort(byCost, "COST");
    expect([flipped.sort, flipped.direction]).toEqual(["COST", "ASC"]);
  });

  it("knows when a filter is set", () => {
    expect(hasFilters(DEFAULT_STATE)).toBe(false);
    expect(hasFilters({ ...DEFAULT_STATE, sort: "COST" })).toBe(false);
    expect(hasFilters({ ...DEFAULT_STATE, mode: "board" })).toBe(false);
    expect(hasFilters(parse("tags=a"))).toBe(true);
    expect(hasFilters(parse("to=2025-01-01"))).toBe(true);
  });
});
