import { describe, expect, it } from "vitest";

import { flattenJson, formatJsonValue } from "./flatten";

describe("flattenJson", () => {
  it("flattens nested objects to dotted keys, sorted", () => {
    expect(flattenJson({ optimizer: { name: "adamw", lr: 0.0003 }, epochs: 3 })).toEqual([
      { key: "epochs", value: "3" },
      { key: "optimizer.lr", value: "0.0003" },
      { key: "optimizer.name", value: "adamw" },
    ]);
  });

  it("keeps arrays of plain values whole and indexes arrays of objects", () => {
    expect(
      flattenJson({ betas: [0.9, 0.999], layers: [{ units: 64 }, { units: 32, act: null }] }),
    ).toEqual([
      { key: "betas", value: "[0.9,0.999]" },
      { key: "layers[0].units", value: "64" },
      { key: "layers[1].act", value: "null" },
      { key: "layers[1].units", value: "32" },
    ]);
  });

  it("orders numbered keys as numbers", () => {
    const rows = flattenJson({ l: Array.from({ length: 11 }, (_, i) => ({ i })) });
    expect(rows.map((row) => row.key).slice(0, 3)).toEqual(["l[0].i", "l[1].i", "l[2].i"]);
    expect(rows.at(-1)?.key).toBe("l[10].i");
  });

  it("shows empty containers and an empty document", () => {
    expect(flattenJson({ extra: {}, tags: [] })).toEqual([
      { key: "extra", value: "{}" },
      { key: "tags", value: "[]" },
    ]);
    expect(flattenJson({})).toEqual([]);
  });

  it("writes strings as they are and other values as JSON", () => {
    expect(formatJsonValue("text")).toBe("text");
    expect(formatJsonValue(true)).toBe("true");
    expect(formatJsonValue({ a: 1 })).toBe('{"a":1}');
  });
});
