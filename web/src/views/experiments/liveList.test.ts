import { describe, expect, it } from "vitest";

import {
  type LiveList,
  type LiveRow,
  appendPage,
  applyChange,
  applyChanges,
  comparatorFor,
  emptyList,
} from "./liveList";

interface Row extends LiveRow {
  status: string;
}

function row(id: string, minute: number, extra: Partial<Row> = {}): Row {
  return {
    id,
    name: `run-${id}`,
    status: "QUEUED",
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(),
    cost: { total: 0 },
    ...extra,
  };
}

const newestFirst = comparatorFor<Row>({ field: "CREATED_AT", direction: "DESC" });
const ids = (list: LiveList<Row>) => list.rows.map((r) => r.id);

/** Rows 9..5 loaded (newest first), more on the server. */
function loaded(hasMore = true): LiveList<Row> {
  return appendPage(
    emptyList<Row>(),
    [9, 8, 7, 6, 5].map((m) => row(`r${m}`, m)),
    hasMore,
  );
}

describe("the client's order matches the server's", () => {
  it("sorts by the value in the direction, then by id in the same direction", () => {
    const byCost = comparatorFor<Row>({ field: "COST", direction: "ASC" });
    const rows = [
      row("b", 1, { cost: { total: 2 } }),
      row("a", 2, { cost: { total: 2 } }),
      row("c", 3, { cost: { total: 1 } }),
    ];
    expect([...rows].sort(byCost ?? undefined).map((r) => r.id)).toEqual(["c", "a", "b"]);
    const byCostDesc = comparatorFor<Row>({ field: "COST", direction: "DESC" });
    expect([...rows].sort(byCostDesc ?? undefined).map((r) => r.id)).toEqual(["b", "a", "c"]);
  });

  it("puts nulls last whichever the direction", () => {
    const rows = [
      row("a", 1, { finishedAt: null }),
      row("b", 2, { finishedAt: "2025-02-01T00:00:00Z" }),
      row("c", 3, { finishedAt: "2025-03-01T00:00:00Z" }),
    ];
    for (const direction of ["ASC", "DESC"] as const) {
      const compare = comparatorFor<Row>({ field: "FINISHED_AT", direction });
      expect([...rows].sort(compare ?? undefined).at(-1)?.id).toBe("a");
    }
  });

  it("cannot judge a metric sort", () => {
    expect(comparatorFor({ field: "METRIC", direction: "DESC", metricKey: "loss" })).toBeNull();
  });
});

describe("pages", () => {
  it("append below, skipping rows already shown", () => {
    let list = loaded();
    list = applyChange(list, { kind: "UPDATED", experiment: row("r4", 4) }, newestFirst);
    expect(ids(list)).toEqual(["r9", "r8", "r7", "r6", "r5"]); // r4 is past the window
    list = applyChange(list, { kind: "CREATED", experiment: row("r10", 10) }, newestFirst);
    list = appendPage(list, [row("r5", 5), row("r4", 4), row("r3", 3)], false);
    expect(ids(list)).toEqual(["r10", "r9", "r8", "r7", "r6", "r5", "r4", "r3"]);
    expect(list.hasMore).toBe(false);
  });
});

describe("live changes", () => {
  it("puts a created row at its place in the sort", () => {
    const list = applyChange(
      loaded(),
      { kind: "CREATED", experiment: row("r7b", 7, { createdAt: "2025-01-01T00:07:30.000Z" }) },
      newestFirst,
    );
    expect(ids(list)).toEqual(["r9", "r8", "r7b", "r7", "r6", "r5"]);
    expect(list.fresh.has("r7b")).toBe(true);
  });

  it("puts the newest row on top", () => {
    const list = applyChange(
      loaded(),
      { kind: "CREATED", experiment: row("r10", 10) },
      newestFirst,
    );
    expect(ids(list)[0]).toBe("r10");
  });

  it("shows a created row below the last loaded one only when no page is left", () => {
    const old = row("r1", 1);
    expect(
      ids(applyChange(loaded(true), { kind: "CREATED", experiment: old }, newestFirst)),
    ).toEqual(["r9", "r8", "r7", "r6", "r5"]);
    expect(
      ids(applyChange(loaded(false), { kind: "CREATED", experiment: old }, newestFirst)).at(-1),
    ).toBe("r1");
  });

  it("replaces an updated row in place", () => {
    const running = row("r7", 7, { status: "RUNNING", cost: { total: 3.5 } });
    const list = applyChange(loaded(), { kind: "UPDATED", experiment: running }, newestFirst);
    expect(ids(list)).toEqual(["r9", "r8", "r7", "r6", "r5"]);
    expect(list.rows[2]).toBe(running);
    expect(list.fresh.has("r7")).toBe(false);
  });

  it("keeps one row for a duplicated event", () => {
    const created = { kind: "CREATED", experiment: row("r10", 10) } as const;
    const list = applyChanges(loaded(), [created, created, created], newestFirst);
    expect(ids(list)).toEqual(["r10", "r9", "r8", "r7", "r6", "r5"]);
  });

  it("moves an updated row to its new place", () => {
    const byCost = comparatorFor<Row>({ field: "COST", direction: "DESC" });
    let list = appendPage(
      emptyList<Row>(),
      [row("a", 1, { cost: { total: 30 } }), row("b", 2, { cost: { total: 20 } })],
      false,
    );
    list = applyChange(
      list,
      { kind: "UPDATED", experiment: row("b", 2, { cost: { total: 40 } }) },
      byCost,
    );
    expect(ids(list)).toEqual(["b", "a"]);
  });

  it("drops an updated row that now sorts past the loaded window", () => {
    const byCost = comparatorFor<Row>({ field: "COST", direction: "DESC" });
    let list = appendPage(
      emptyList<Row>(),
      [row("a", 1, { cost: { total: 30 } }), row("b", 2, { cost: { total: 20 } })],
      true,
    );
    list = applyChange(
      list,
      { kind: "UPDATED", experiment: row("a", 1, { cost: { total: 5 } }) },
      byCost,
    );
    expect(ids(list)).toEqual(["b"]);
    // with nothing left on the server, it stays at the end instead
    list = appendPage(list, [], false);
    list = applyChange(
      list,
      { kind: "UPDATED", experiment: row("a", 1, { cost: { total: 5 } }) },
      byCost,
    );
    expect(ids(list)).toEqual(["b", "a"]);
  });

  it("brings in an updated row that entered the window", () => {
    const list = applyChange(loaded(), { kind: "UPDATED", experiment: row("r8b", 8) }, newestFirst);
    expect(ids(list)).toContain("r8b");
  });

  it("removes a row that left the filter", () => {
    const list = applyChange(loaded(), { kind: "LEFT", experiment: row("r7", 7) }, newestFirst);
    expect(ids(list)).toEqual(["r9", "r8", "r6", "r5"]);
  });

  it("ignores a LEFT for a row not shown", () => {
    const before = loaded();
    expect(applyChange(before, { kind: "LEFT", experiment: row("r1", 1) }, newestFirst)).toBe(
      before,
    );
  });

  it("ignores kinds it does not know", () => {
    const before = loaded();
    expect(applyChange(before, { kind: "RENAMED", experiment: row("r1", 1) }, newestFirst)).toBe(
      before,
    );
  });

  it("counts created rows a metric sort cannot place, and updates shown ones in place", () => {
    let list = loaded();
    list = applyChange(list, { kind: "CREATED", experiment: row("r10", 10) }, null);
    list = applyChange(list, { kind: "UPDATED", experiment: row("r1", 1) }, null);
    expect(list.unplaced).toBe(1);
    expect(ids(list)).toEqual(["r9", "r8", "r7", "r6", "r5"]);
    const renamed = row("r6", 6, { name: "renamed" });
    list = applyChange(list, { kind: "UPDATED", experiment: renamed }, null);
    expect(list.rows[3]).toBe(renamed);
    list = applyChange(list, { kind: "LEFT", experiment: renamed }, null);
    expect(ids(list)).toEqual(["r9", "r8", "r7", "r5"]);
  });
});
