import { describe, expect, it } from "vitest";

import { mlflowLinkTarget } from "./mlflowLinks";

describe("mlflowLinkTarget", () => {
  it("sends a run link to the run's page", () => {
    expect(mlflowLinkTarget("#/experiments/h-1/runs/r-2")).toBe("/experiments/r-2");
  });
  it("sends an experiment link to its hypothesis's experiments", () => {
    expect(mlflowLinkTarget("#/experiments/h-1")).toBe("/?hypothesis=h-1");
  });
  it("leaves other hashes alone", () => {
    expect(mlflowLinkTarget("")).toBeNull();
    expect(mlflowLinkTarget("#section")).toBeNull();
    expect(mlflowLinkTarget("#/models/m")).toBeNull();
  });
});
