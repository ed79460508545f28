import { describe, expect, it } from "vitest";

import { safeNext, signInPath } from "./next";

describe("where sign-in returns to", () => {
  it("keeps a path of the console, query included", () => {
    expect(safeNext("/experiments/x?tab=logs")).toBe("/experiments/x?tab=logs");
  });

  it("refuses other hosts and odd values", () => {
    for (const bad of [null, "", "https://evil.test/", "//evil.test", "/\\evil.test", "x"]) {
      expect(safeNext(bad)).toBe("/");
    }
  });

  it("never returns to the sign-in page itself", () => {
    expect(safeNext("/signin?next=/x")).toBe("/");
  });

  it("builds the sign-in link", () => {
    expect(signInPath("/")).toBe("/signin");
    expect(signInPath("/?status=RUNNING")).toBe("/signin?next=%2F%3Fstatus%3DRUNNING");
  });
});
