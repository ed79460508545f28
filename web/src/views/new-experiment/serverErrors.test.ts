import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";

import { errorCode, placeServerErrors, validationFields } from "./serverErrors";

const known = new Set([
  "hypothesisId",
  "name",
  "model",
  "framework",
  "tags",
  "resources.gpuType",
  "resources.gpuCount",
  "hyperparams",
  "hyperparams.learning_rate",
  "hyperparams.optimizer.beta1",
]);

describe("the service's field paths → the form's inputs", () => {
  it("puts a message under the input with that key", () => {
    expect(
      placeServerErrors(
        {
          name: "must be 1-200 characters",
          "resources.gpuCount": "must be 0-8",
          "hyperparams.learning_rate": "must be <= 1",
        },
        known,
      ),
    ).toEqual({
      fields: {
        name: "must be 1-200 characters",
        "resources.gpuCount": "must be 0-8",
        "hyperparams.learning_rate": "must be <= 1",
      },
      unplaced: [],
    });
  });

  it("reads paths under the input prefix the GraphQL layer adds", () => {
    expect(placeServerErrors({ "input.hypothesisId": "bad id" }, known).fields).toEqual({
      hypothesisId: "bad id",
    });
  });

  it("puts a nested hyperparameter under its group's input", () => {
    expect(placeServerErrors({ "hyperparams.optimizer.beta1": "must be < 1" }, known).fields).toEqual({
      "hyperparams.optimizer.beta1": "must be < 1",
    });
  });

  it("puts what no field renders under the Advanced JSON, naming the path", () => {
    const placed = placeServerErrors(
      { "hyperparams.image_size.1": "must be >= 1", "hyperparams.extra": "must be a finite number" },
      known,
    );
    expect(placed.fields).toEqual({
      hyperparams: "image_size.1: must be >= 1; extra: must be a finite number",
    });
  });

  it("names a list item by its position", () => {
    expect(placeServerErrors({ "tags.0": "must be 1-50 characters" }, known).fields).toEqual({
      tags: "item 1: must be 1-50 characters",
    });
  });

  it("returns what no input owns apart", () => {
    expect(placeServerErrors({ "git.repoUrl": "must be a git URL", first: "x" }, known)).toEqual({
      fields: {},
      unplaced: [
        ["git.repoUrl", "must be a git URL"],
        ["first", "x"],
      ],
    });
  });
});

describe("reading API errors", () => {
  const failed = (extensions: Record<string, unknown>) =>
    new CombinedError({ graphQLErrors: [new GraphQLError("invalid input", { extensions })] });

  it("finds the fields of a VALIDATION_FAILED", () => {
    const error = failed({ code: "VALIDATION_FAILED", details: { fields: { name: "is required" } } });
    expect(errorCode(error)).toBe("VALIDATION_FAILED");
    expect(validationFields(error)).toEqual({ name: "is required" });
  });

  it("has no fields for another code", () => {
    const error = failed({ code: "RESOURCES_UNAVAILABLE", details: { available: 0 } });
    expect(errorCode(error)).toBe("RESOURCES_UNAVAILABLE");
    expect(validationFields(error)).toBeNull();
    expect(validationFields(undefined)).toBeNull();
  });
});
