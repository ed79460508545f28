import { describe, expect, it } from "vitest";

import { visibleRows } from "./windowing";

const base = { offset: 40, rowHeight: 40, overscan: 5, viewport: 400 };

describe("the rows rendered for a scroll position", () => {
  it("renders the first screen and the overscan at the top", () => {
    expect(visibleRows({ ...base, scrollTop: 0, count: 10_000 })).toEqual({
      start: 0,
      end: 15,
      before: 0,
      after: (10_000 - 15) * 40,
    });
  });

  it("renders a screen in the middle with spacers that keep the scroll height", () => {
    const window = visibleRows({ ...base, scrollTop: 40 + 40 * 5000, count: 10_000 });
    expect([window.start, window.end]).toEqual([4995, 5015]);
    expect(window.before + (window.end - window.start) * 40 + window.after).toBe(10_000 * 40);
  });

  it("stops at the last row", () => {
    const window = visibleRows({ ...base, scrollTop: 40 * 10_000, count: 10_000 });
    expect(window.end).toBe(10_000);
    expect(window.after).toBe(0);
    expect(window.start).toBeLessThan(10_000);
  });

  it("renders everything when it all fits", () => {
    expect(visibleRows({ ...base, scrollTop: 0, count: 6 })).toEqual({
      start: 0,
      end: 6,
      before: 0,
      after: 0,
    });
  });

  it("renders nothing for no rows", () => {
    expect(visibleRows({ ...base, scrollTop: 120, count: 0 }).end).toBe(0);
  });

  it("keeps a window past the end (rows removed under the scroll position) valid", () => {
    const window = visibleRows({ ...base, scrollTop: 40 * 500, count: 20 });
    expect(window.start).toBeLessThanOrEqual(window.end);
    expect(window.end).toBe(20);
  });
});
