import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";

import { formatBytes, formatLogTime, formatNumber, problemFromGraphQL } from "./detailFormat";

describe("formatNumber", () => {
  it("writes integers with separators and others to 6 significant digits", () => {
    expect(formatNumber(12000)).toBe("12,000");
    expect(formatNumber(0.123456789)).toBe("0.123457");
    expect(formatNumber(-2.5)).toBe("-2.5");
    expect(formatNumber(0.00001234)).toBe("1.2340e-5");
  });

  it("names the special values", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe("−∞");
  });
});

describe("formatBytes", () => {
  it("picks the unit", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(12 * 1024 * 1024)).toBe("12.0 MiB");
    expect(formatBytes(-1)).toBe("—");
  });
});

describe("problemFromGraphQL", () => {
  it("takes the code, message and details of the first error", () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError("cannot start an experiment that is RUNNING", {
          extensions: { code: "INVALID_TRANSITION", details: { status: "RUNNING" } },
        }),
      ],
    });
    expect(problemFromGraphQL(error)).toEqual({
      code: "INVALID_TRANSITION",
      message: "cannot start an experiment that is RUNNING",
      details: { status: "RUNNING" },
    });
  });

  it("says when the service did not answer", () => {
    const error = new CombinedError({ networkError: new Error("Failed to fetch") });
    expect(problemFromGraphQL(error)).toEqual({
      code: "NETWORK_ERROR",
      message: "Failed to fetch",
    });
  });
});

describe("formatLogTime", () => {
  it("writes the local time to the second, and keeps what it cannot read", () => {
    const local = new Date(2025, 0, 2, 13, 45, 7).toISOString();
    expect(formatLogTime(local)).toBe("2025-01-02 13:45:07");
    expect(formatLogTime("not a time")).toBe("not a time");
  });
});
