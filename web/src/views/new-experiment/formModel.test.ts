import { describe, expect, it } from "vitest";

import { type Basics, buildInput, gpuTypes, knownKeys, resourceDrafts, splitTags } from "./formModel";
import { describeSchema } from "./schemaForm";

const basics: Basics = {
  hypothesisId: "h1",
  type: "CV",
  name: " resnet-baseline ",
  model: "resnet50",
  framework: "pytorch",
  description: "",
  tags: "baseline, sweep, baseline",
  priority: "0",
};
const resources = resourceDrafts({
  gpuType: "A100",
  gpuCount: 1,
  cpuCores: 16,
  memoryGb: 64,
  maxDurationMinutes: 480,
});

describe("the createExperiment input", () => {
  it("is made from valid drafts", () => {
    const { input, errors } = buildInput(basics, resources, { learning_rate: 0.001 });
    expect(errors).toEqual({});
    expect(input).toEqual({
      hypothesisId: "h1",
      type: "CV",
      name: "resnet-baseline",
      model: "resnet50",
      framework: "pytorch",
      hyperparams: { learning_rate: 0.001 },
      resources: { gpuType: "A100", gpuCount: 1, cpuCores: 16, memoryGb: 64, maxDurationMinutes: 480 },
      tags: ["baseline", "sweep"],
    });
  });

  it("sends a priority other than 0, above 0 only for who may raise it", () => {
    expect(buildInput({ ...basics, priority: "-5" }, resources, {}).input?.priority).toBe(-5);
    expect(buildInput(basics, resources, {}).input).not.toHaveProperty("priority");
    const refused = buildInput({ ...basics, priority: "20" }, resources, {});
    expect(refused.input).toBeNull();
    expect(refused.errors["priority"]).toBe("must be 0 or less");
    const lead = buildInput({ ...basics, priority: "20" }, resources, {}, { mayRaisePriority: true });
    expect(lead.input?.priority).toBe(20);
    expect(buildInput({ ...basics, priority: "x" }, resources, {}).errors["priority"]).toBe(
      "must be a whole number",
    );
  });

  it("sends no GPU type for a CPU-only run", () => {
    const cpu = resourceDrafts({ gpuType: null, gpuCount: 0, cpuCores: 8, memoryGb: 32, maxDurationMinutes: 120 });
    expect(buildInput(basics, cpu, {}).input?.resources?.gpuType).toBeNull();
  });

  it("names each field in error, under the service's keys", () => {
    const { input, errors } = buildInput(
      { ...basics, hypothesisId: "", name: "  ", framework: "x".repeat(101) },
      { ...resources, gpuType: "", gpuCount: "2", cpuCores: "0", memoryGb: "1.5", maxDurationMinutes: "" },
      {},
    );
    expect(input).toBeNull();
    expect(errors).toEqual({
      hypothesisId: "is required",
      name: "is required",
      framework: "must be at most 100 characters",
      "resources.gpuType": "is required when GPU count > 0",
      "resources.cpuCores": "must be >= 1",
      "resources.memoryGb": "must be a whole number",
      "resources.maxDurationMinutes": "is required",
    });
  });

  it("splits tags", () => {
    expect(splitTags(" a, ,b,a ")).toEqual(["a", "b"]);
  });
});

describe("keys the form owns", () => {
  it("covers the fields, the resources and each rendered hyperparameter", () => {
    const form = describeSchema({ properties: { lr: { type: "number" }, size: { type: ["integer", "array"] } } });
    const keys = knownKeys(form.fields);
    expect(keys.has("name")).toBe(true);
    expect(keys.has("resources.gpuCount")).toBe(true);
    expect(keys.has("hyperparams.lr")).toBe(true);
    expect(keys.has("hyperparams.size")).toBe(false);
    expect(keys.has("hyperparams")).toBe(true);
  });
});

describe("GPU pools", () => {
  it("sums the free GPUs per type and knows the most one pool has", () => {
    expect(
      gpuTypes([
        { name: "t4-b", gpuType: "T4", capacity: 4, available: 1 },
        { name: "a100", gpuType: "A100", capacity: 16, available: 12 },
        { name: "t4-a", gpuType: "T4", capacity: 16, available: 9 },
      ]),
    ).toEqual([
      { gpuType: "A100", free: 12, capacity: 16, mostInOnePool: 12 },
      { gpuType: "T4", free: 10, capacity: 20, mostInOnePool: 9 },
    ]);
  });
});
