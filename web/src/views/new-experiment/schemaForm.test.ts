import { describe, expect, it } from "vitest";

import {
  type NumberField,
  buildHyperparams,
  describeSchema,
  humanize,
  initialAdvanced,
  initialDrafts,
  leafFields,
  parseDraft,
} from "./schemaForm";

// the shape of the service's CV preset (app/experiments/presets.py), plus a nested group
const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["learning_rate"],
  properties: {
    learning_rate: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.001,
      description: "Learning rate",
    },
    epochs: { type: "integer", minimum: 1, default: 30 },
    max_depth: { type: ["integer", "null"], minimum: 1, default: 6 },
    image_size: {
      type: ["integer", "array"],
      minimum: 1,
      items: { type: "integer", minimum: 1 },
      default: 224,
    },
    augmentations: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: ["random_resized_crop", "horizontal_flip"],
    },
    optimizer: { type: "string", enum: ["sgd", "adam", "adamw"], default: "adamw" },
    objective: { type: "string", minLength: 1 },
    pretrained: { type: "boolean", default: true },
    shuffle: { type: "boolean" },
    adam: {
      type: "object",
      properties: { beta1: { type: "number", minimum: 0, exclusiveMaximum: 1, default: 0.9 } },
    },
  },
  additionalProperties: true,
};

const form = describeSchema(SCHEMA);
const field = (key: string) => {
  const found = leafFields(form.fields).find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
};

describe("schema → fields", () => {
  it("renders what it can, in the schema's order, and leaves the rest to JSON", () => {
    expect(form.fields.map((f) => [f.key, f.kind])).toEqual([
      ["learning_rate", "number"],
      ["epochs", "integer"],
      ["max_depth", "integer"],
      ["augmentations", "list"],
      ["optimizer", "enum"],
      ["objective", "string"],
      ["pretrained", "boolean"],
      ["shuffle", "enum"],
      ["adam", "group"],
    ]);
    expect(form.advancedKeys).toEqual(["image_size"]);
  });

  it("keeps bounds, defaults, required and nullability", () => {
    expect(field("learning_rate")).toMatchObject({
      label: "Learning rate",
      required: true,
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.001,
    });
    expect((field("max_depth") as NumberField).nullable).toBe(true);
    expect(field("shuffle")).toMatchObject({ kind: "enum", options: [true, false] });
  });

  it("groups a nested object", () => {
    const group = form.fields.find((f) => f.key === "adam");
    expect(group?.kind).toBe("group");
    expect(field("adam.beta1")).toMatchObject({ kind: "number", label: "Beta1", exclusiveMaximum: 1 });
  });

  it("words keys", () => {
    expect(humanize("max_seq_length")).toBe("Max seq length");
    expect(humanize("warmupSteps")).toBe("Warmup steps");
  });

  it("has no fields for something that is not a schema", () => {
    expect(describeSchema(null)).toEqual({ fields: [], advancedKeys: [] });
  });
});

describe("drafts", () => {
  it("start from the preset's defaults", () => {
    const drafts = initialDrafts(form.fields, { learning_rate: 0.0002, epochs: 3 });
    expect(drafts).toMatchObject({
      learning_rate: "0.0002",
      epochs: "3",
      max_depth: "6",
      augmentations: "random_resized_crop, horizontal_flip",
      optimizer: '"adamw"',
      objective: "",
      pretrained: true,
      shuffle: "",
      "adam.beta1": "0.9",
    });
    expect(JSON.parse(initialAdvanced(form.advancedKeys, { image_size: 224 }))).toEqual({
      image_size: 224,
    });
    expect(initialAdvanced(form.advancedKeys, {})).toBe("{}");
  });
});

describe("validation in the browser, in the service's words", () => {
  it("checks numbers and their bounds", () => {
    const lr = field("learning_rate");
    expect(parseDraft(lr, "5")).toEqual({ error: "must be <= 1" });
    expect(parseDraft(lr, "0")).toEqual({ error: "must be > 0" });
    expect(parseDraft(lr, "abc")).toEqual({ error: "must be a number" });
    expect(parseDraft(lr, "1e-4")).toEqual({ value: 0.0001 });
    expect(parseDraft(lr, " ")).toEqual({ error: "is required" });
    expect(parseDraft(field("epochs"), "2.5")).toEqual({ error: "must be an integer" });
    expect(parseDraft(field("epochs"), "0")).toEqual({ error: "must be >= 1" });
    expect(parseDraft(field("epochs"), "")).toEqual({ absent: true });
    expect(parseDraft(field("adam.beta1"), "1")).toEqual({ error: "must be < 1" });
  });

  it("sends null for an empty nullable number", () => {
    expect(parseDraft(field("max_depth"), "")).toEqual({ value: null });
  });

  it("checks choices, texts and lists", () => {
    expect(parseDraft(field("optimizer"), '"sgd"')).toEqual({ value: "sgd" });
    expect(parseDraft(field("shuffle"), "false")).toEqual({ value: false });
    expect(parseDraft(field("shuffle"), "")).toEqual({ absent: true });
    expect(parseDraft(field("objective"), " mse ")).toEqual({ value: "mse" });
    expect(parseDraft(field("augmentations"), "a, ,b")).toEqual({ value: ["a", "b"] });
  });
});

describe("the hyperparams document", () => {
  const drafts = initialDrafts(form.fields, {});

  it("is built from the fields and the Advanced JSON", () => {
    const { hyperparams, errors } = buildHyperparams(
      form.fields,
      { ...drafts, objective: "ce" },
      '{"image_size": [256, 192], "adam": {"eps": 1e-8}}',
    );
    expect(errors).toEqual({});
    expect(hyperparams).toEqual({
      learning_rate: 0.001,
      epochs: 30,
      max_depth: 6,
      augmentations: ["random_resized_crop", "horizontal_flip"],
      optimizer: "adamw",
      objective: "ce",
      pretrained: true,
      adam: { beta1: 0.9, eps: 1e-8 },
      image_size: [256, 192],
    });
  });

  it("lets the Advanced JSON override a field", () => {
    const { hyperparams } = buildHyperparams(form.fields, drafts, '{"epochs": 5}');
    expect(hyperparams["epochs"]).toBe(5);
  });

  it("names each field in error, and a bad Advanced JSON", () => {
    const { errors } = buildHyperparams(
      form.fields,
      { ...drafts, learning_rate: "2", epochs: "x" },
      "[1, 2]",
    );
    expect(errors).toEqual({
      "hyperparams.learning_rate": "must be <= 1",
      "hyperparams.epochs": "must be an integer",
      hyperparams: "must be a JSON object",
    });
    expect(buildHyperparams(form.fields, drafts, "{").errors["hyperparams"]).toMatch(/not valid JSON/);
  });
});
