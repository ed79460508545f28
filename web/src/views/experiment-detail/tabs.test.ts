import { describe, expect, it } from "vitest";

import { DEFAULT_TAB, tabForKey, tabFromParams, withTab } from "./tabs";

describe("the tab in the URL", () => {
  it("reads a known tab and falls back to the Overview", () => {
    expect(tabFromParams(new URLSearchParams("tab=logs"))).toBe("logs");
    expect(tabFromParams(new URLSearchParams("tab=Costs"))).toBe("costs");
    expect(tabFromParams(new URLSearchParams("tab=nope"))).toBe(DEFAULT_TAB);
    expect(tabFromParams(new URLSearchParams(""))).toBe(DEFAULT_TAB);
  });

  it("writes the tab, keeping other parameters; the Overview is the bare URL", () => {
    expect(withTab(new URLSearchParams("x=1"), "artifacts").toString()).toBe("x=1&tab=artifacts");
    expect(withTab(new URLSearchParams("tab=logs&x=1"), "overview").toString()).toBe("x=1");
  });

  it("moves with the arrow keys, wrapping, and Home / End", () => {
    expect(tabForKey("overview", "ArrowRight")).toBe("metrics");
    expect(tabForKey("overview", "ArrowLeft")).toBe("costs");
    expect(tabForKey("costs", "ArrowRight")).toBe("overview");
    expect(tabForKey("logs", "Home")).toBe("overview");
    expect(tabForKey("logs", "End")).toBe("costs");
    expect(tabForKey("logs", "Enter")).toBeNull();
  });
});
