/** The service's `VALIDATION_FAILED` → messages under the form's fields.
 *
 * `details.fields` maps a field path to a message: `name`, `resources.gpuCount`,
 * `hyperparams.learning_rate`, `hyperparams.image_size.1`, `tags.0`, and (when the input
 * itself could not be read) the same under `input.`. A path lands on the input with that
 * key; a deeper path lands on its nearest input above it, the rest of the path leading its
 * message (`image_size.1: must be >= 1` under the Advanced JSON); a path no input owns is
 * returned apart, for the form's own alert. */
import type { CombinedError } from "urql";

import type { FieldErrors } from "./schemaForm";

export interface PlacedErrors {
  fields: FieldErrors;
  /** `[path, message]` pairs no input owns. */
  unplaced: [string, string][];
}

const INPUT_PREFIX = "input.";

function remainderLabel(rest: string[]): string {
  if (rest.length === 1 && /^\d+$/.test(rest[0] ?? "")) return `item ${Number(rest[0]) + 1}`;
  return rest.join(".");
}

export function placeServerErrors(
  details: Record<string, string>,
  known: ReadonlySet<string>,
): PlacedErrors {
  const fields: FieldErrors = {};
  const unplaced: [string, string][] = [];
  for (const [rawPath, message] of Object.entries(details)) {
    const path = rawPath.startsWith(INPUT_PREFIX) ? rawPath.slice(INPUT_PREFIX.length) : rawPath;
    const parts = path.split(".");
    let placed = false;
    for (let end = parts.length; end > 0; end -= 1) {
      const key = parts.slice(0, end).join(".");
      if (!known.has(key)) continue;
      const rest = parts.slice(end);
      const text = rest.length ? `${remainderLabel(rest)}: ${message}` : message;
      fields[key] = fields[key] ? `${fields[key]}; ${text}` : text;
      placed = true;
      break;
    }
    if (!placed) unplaced.push([rawPath, message]);
  }
  return { fields, unplaced };
}

/** The code of an API error (`VALIDATION_FAILED`, `RESOURCES_UNAVAILABLE`…), if it has one. */
export function errorCode(error: CombinedError | undefined | null): string | null {
  const code = error?.graphQLErrors[0]?.extensions?.["code"];
  return typeof code === "string" ? code : null;
}

/** `details.fields` of a `VALIDATION_FAILED`, or null for any other error. */
export function validationFields(error: CombinedError | undefined | null): Record<string, string> | null {
  if (!error || errorCode(error) !== "VALIDATION_FAILED") return null;
  const details = error.graphQLErrors[0]?.extensions?.["details"];
  const fields = (details as { fields?: unknown } | undefined)?.fields;
  if (typeof fields !== "object" || fields === null) return {};
  return Object.fromEntries(
    Object.entries(fields as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
}

/** An error's message without urql's `[GraphQL] ` prefix. */
export function errorText(error: { message: string }): string {
  return error.message.replace(/^\[(GraphQL|Network)\] /, "");
}
