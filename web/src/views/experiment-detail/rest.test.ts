import { describe, expect, it } from "vitest";

import { filenameFrom, logsTextUrl, problemFrom } from "./rest";

describe("problemFrom", () => {
  it("reads the contract's error body", () => {
    const body = JSON.stringify({
      error: { code: "ARTIFACT_TOO_LARGE", message: "over 10 MiB", details: { limit: 10 } },
    });
    expect(problemFrom(413, body)).toEqual({
      code: "ARTIFACT_TOO_LARGE",
      message: "over 10 MiB",
      details: { limit: 10 },
    });
  });

  it("describes an answer that is not one by its status", () => {
    expect(problemFrom(502, "<html>Bad gateway</html>")).toEqual({
      code: "HTTP_502",
      message: "The service answered 502.",
    });
    expect(problemFrom(500, JSON.stringify({ error: "plain" })).code).toBe("HTTP_500");
  });
});

describe("filenameFrom", () => {
  it("takes the quoted, the bare and the encoded file name", () => {
    expect(filenameFrom('attachment; filename="experiment-1.log"', "x")).toBe("experiment-1.log");
    expect(filenameFrom("attachment; filename=model.pt", "x")).toBe("model.pt");
    expect(filenameFrom("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", "x")).toBe(
      "résumé.txt",
    );
  });

  it("falls back when there is none", () => {
    expect(filenameFrom(null, "fallback.bin")).toBe("fallback.bin");
    expect(filenameFrom("attachment", "fallback.bin")).toBe("fallback.bin");
  });
});

it("builds the log export URL", () => {
  expect(logsTextUrl("a b")).toBe("/api/v1/experiments/a%20b/logs?format=text");
});
