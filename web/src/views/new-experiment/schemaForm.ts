/** The hyperparameter form from a preset's JSON Schema: which fields to render, their
 * drafts (what the inputs hold), the browser's validation of them (the same rules and
 * words as the service's), and the hyperparams document they make.
 *
 * Rendered: number, integer (nullable too), string, boolean, enum and string-list fields,
 * with nested objects as groups. Anything else (a property of several types, a list of
 * numbers) is edited in the "Advanced: edit as JSON" textarea, together with any extra keys;
 * keys there override the fields. */

export type JsonSchema = Record<string, unknown>;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

interface Common {
  /** Dotted path under hyperparams: `learning_rate`, `optimizer.beta1`. */
  key: string;
  label: string;
  description: string | null;
  required: boolean;
  default: Json | undefined;
}

export interface NumberField extends Common {
  kind: "number" | "integer";
  nullable: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface StringField extends Common {
  kind: "string";
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface BooleanField extends Common {
  kind: "boolean";
}

export interface EnumField extends Common {
  kind: "enum";
  options: (string | number | boolean)[];
}

export interface ListField extends Common {
  kind: "list";
  /** Each item's minimum length (a comma-separated input). */
  itemMinLength?: number;
}

export interface GroupField extends Common {
  kind: "group";
  fields: FormField[];
}

export type LeafField = NumberField | StringField | BooleanField | EnumField | ListField;
export type FormField = LeafField | GroupField;

export interface SchemaForm {
  fields: FormField[];
  /** Top-level properties the form cannot render: edited as JSON. */
  advancedKeys: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** `learning_rate` → `Learning rate`, `maxSeqLength` → `Max seq length`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}

function types(schema: Record<string, unknown>): string[] {
  const type = schema["type"];
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  if (Array.isArray(schema["enum"])) return ["enum"];
  if (isObject(schema["properties"])) return ["object"];
  return [];
}

function describe(key: string, schema: unknown, required: boolean): FormField | null {
  if (!isObject(schema)) return null;
  const common: Common = {
    key,
    label: typeof schema["title"] === "string" ? schema["title"] : humanize(key.split(".").pop() ?? key),
    description: typeof schema["description"] === "string" ? schema["description"] : null,
    required,
    default: schema["default"] as Json | undefined,
  };
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues)) {
    const options = enumValues.filter(
      (v): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v),
    );
    return options.length === enumValues.length ? { ...common, kind: "enum", options } : null;
  }
  const kinds = types(schema);
  const nonNull = kinds.filter((t) => t !== "null");
  const nullable = kinds.includes("null");
  if (nonNull.length !== 1) return null;
  const [kind] = nonNull;
  switch (kind) {
    case "number":
    case "integer": {
      const field: NumberField = { ...common, kind, nullable };
      for (const bound of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
        const value = num(schema[bound]);
        if (value !== undefined) field[bound] = value;
      }
      return field;
    }
    case "string": {
      if (nullable) return null;
      const field: StringField = { ...common, kind: "string" };
      const minLength = num(schema["minLength"]);
      const maxLength = num(schema["maxLength"]);
      if (minLength !== undefined) field.minLength = minLength;
      if (maxLength !== undefined) field.maxLength = maxLength;
      if (typeof schema["pattern"] === "string") field.pattern = schema["pattern"];
      return field;
    }
    case "boolean":
      if (nullable) return null;
      // without a default a checkbox could not say "not set": a choice of three instead
      return common.default === undefined
        ? { ...common, kind: "enum", options: [true, false] }
        : { ...common, kind: "boolean" };
    case "array": {
      const items = schema["items"];
      if (nullable || !isObject(items) || types(items).join() !== "string") return null;
      if (["minItems", "maxItems", "uniqueItems"].some((k) => k in schema)) return null;
      const field: ListField = { ...common, kind: "list" };
      const itemMinLength = num(items["minLength"]);
      if (itemMinLength !== undefined) field.itemMinLength = itemMinLength;
      return field;
    }
    case "object": {
      if (nullable) return null;
      const group = describeProperties(schema, `${key}.`);
      // a group is all-or-nothing: one it cannot render whole goes to the JSON
      if (group.advancedKeys.length || !group.fields.length) return null;
      return { ...common, kind: "group", fields: group.fields };
    }
    default:
      return null;
  }
}

function describeProperties(schema: Record<string, unknown>, prefix: string): SchemaForm {
  const properties = isObject(schema["properties"]) ? schema["properties"] : {};
  const required = new Set(
    Array.isArray(schema["required"]) ? schema["required"].filter((r) => typeof r === "string") : [],
  );
  const fields: FormField[] = [];
  const advancedKeys: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const field = describe(`${prefix}${name}`, property, required.has(name));
    if (field) fields.push(field);
    else advancedKeys.push(name);
  }
  return { fields, advancedKeys };
}

/** The form of a preset's `hyperparamSchema`. */
export function describeSchema(schema: unknown): SchemaForm {
  return isObject(schema) ? describeProperties(schema, "") : { fields: [], advancedKeys: [] };
}

/** Every rendered input (groups flattened), in order. */
export function leafFields(fields: readonly FormField[]): LeafField[] {
  return fields.flatMap((field) => (field.kind === "group" ? leafFields(field.fields) : [field]));
}

// --- drafts ----------------------------------------------------------------------------

/** What an input holds: text for text inputs and selects, a flag for a checkbox. */
export type Draft = string | boolean;
export type Drafts = Record<string, Draft>;

function getPath(document: unknown, key: string): unknown {
  let value: unknown = document;
  for (const part of key.split(".")) {
    if (!isObject(value) || !(part in value)) return undefined;
    value = value[part];
  }
  return value;
}

function setPath(document: JsonObject, key: string, value: Json): void {
  const parts = key.split(".");
  let target: JsonObject = document;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (!isObject(next)) target[part] = {};
    target = target[part] as JsonObject;
  }
  target[parts[parts.length - 1] as string] = value;
}

/** An enum option as a select's value (`"adamw"`, `"8"`, `"true"`). */
export const optionValue = (option: string | number | boolean): string => JSON.stringify(option);

function draftOf(field: LeafField, value: unknown): Draft {
  if (field.kind === "boolean") return value === true;
  if (value === undefined || value === null) return "";
  if (field.kind === "enum") return optionValue(value as string | number | boolean);
  if (field.kind === "list") return Array.isArray(value) ? value.join(", ") : "";
  return typeof value === "string" ? value : String(value);
}

/** The inputs' starting values: `values` (the preset's defaults) where given, else each
 * field's schema default. */
export function initialDrafts(fields: readonly FormField[], values: unknown): Drafts {
  const drafts: Drafts = {};
  for (const field of leafFields(fields)) {
    const given = getPath(values, field.key);
    drafts[field.key] = draftOf(field, given === undefined ? field.default : given);
  }
  return drafts;
}

/** The Advanced JSON's starting text: the values of the keys the form cannot render. */
export function initialAdvanced(advancedKeys: readonly string[], values: unknown): string {
  const picked: JsonObject = {};
  for (const key of advancedKeys) {
    const value = getPath(values, key);
    if (value !== undefined) picked[key] = value as Json;
  }
  return Object.keys(picked).length ? JSON.stringify(picked, null, 2) : "{}";
}

// --- validation ------------------------------------------------------------------------

const fmt = (value: number) => String(value);

/** A number's bounds in the service's words (`must be > 0`); null when within them. */
export function boundsProblem(field: NumberField, value: number): string | null {
  if (field.exclusiveMinimum !== undefined && !(value > field.exclusiveMinimum))
    return `must be > ${fmt(field.exclusiveMinimum)}`;
  if (field.minimum !== undefined && value < field.minimum) return `must be >= ${fmt(field.minimum)}`;
  if (field.exclusiveMaximum !== undefined && !(value < field.exclusiveMaximum))
    return `must be < ${fmt(field.exclusiveMaximum)}`;
  if (field.maximum !== undefined && value > field.maximum) return `must be <= ${fmt(field.maximum)}`;
  return null;
}

/** `> 0 and <= 1`, for the hint under a number. */
export function boundsHint(field: NumberField): string {
  const parts: string[] = [];
  if (field.exclusiveMinimum !== undefined) parts.push(`> ${fmt(field.exclusiveMinimum)}`);
  if (field.minimum !== undefined) parts.push(`>= ${fmt(field.minimum)}`);
  if (field.exclusiveMaximum !== undefined) parts.push(`< ${fmt(field.exclusiveMaximum)}`);
  if (field.maximum !== undefined) parts.push(`<= ${fmt(field.maximum)}`);
  return parts.join(" and ");
}

type Parsed = { value: Json } | { absent: true } | { error: string };

/** One input's value for the document, or why it cannot be sent. */
export function parseDraft(field: LeafField, draft: Draft | undefined): Parsed {
  if (field.kind === "boolean") return { value: draft === true };
  const text = typeof draft === "string" ? draft.trim() : "";
  if (text === "") {
    if (field.kind === "number" || field.kind === "integer") {
      if (field.nullable) return { value: null };
    }
    if (field.kind === "list" && !field.required) return { absent: true };
    return field.required ? { error: "is required" } : { absent: true };
  }
  switch (field.kind) {
    case "number":
    case "integer": {
      const value = Number(text);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(value)) {
        return { error: field.kind === "integer" ? "must be an integer" : "must be a number" };
      }
      if (field.kind === "integer" && !Number.isInteger(value)) return { error: "must be an integer" };
      const problem = boundsProblem(field, value);
      return problem ? { error: problem } : { value };
    }
    case "string": {
      if (field.minLength !== undefined && text.length < field.minLength)
        return { error: field.minLength === 1 ? "must not be empty" : `must be at least ${field.minLength} characters` };
      if (field.maxLength !== undefined && text.length > field.maxLength)
        return { error: `must be at most ${field.maxLength} characters` };
      if (field.pattern !== undefined) {
        try {
          if (!new RegExp(field.pattern, "u").test(text)) return { error: `must match ${field.pattern}` };
        } catch {
          // a pattern this browser cannot compile: the service checks it
        }
      }
      return { value: text };
    }
    case "enum": {
      const option = field.options.find((o) => optionValue(o) === text);
      return option === undefined
        ? { error: `must be one of: ${field.options.map(String).join(", ")}` }
        : { value: option };
    }
    case "list": {
      const items = text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
      return { value: items };
    }
  }
}

/** Errors by field key (`hyperparams.<key>`, or `hyperparams` for the Advanced JSON). */
export type FieldErrors = Record<string, string>;

export const ADVANCED_KEY = "hyperparams";
export const hyperparamKey = (key: string) => `${ADVANCED_KEY}.${key}`;

/** Parse the Advanced JSON: an object, or why not. */
export function parseAdvanced(text: string): { value: JsonObject } | { error: string } {
  if (!text.trim()) return { value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `is not valid JSON: ${(error as Error).message}` };
  }
  return isObject(value) ? { value: value as JsonObject } : { error: "must be a JSON object" };
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/** The hyperparams document of the form, or the errors by field key. */
export function buildHyperparams(
  fields: readonly FormField[],
  drafts: Drafts,
  advanced: string,
): { hyperparams: JsonObject; errors: FieldErrors } {
  const document: JsonObject = {};
  const errors: FieldErrors = {};
  for (const field of leafFields(fields)) {
    const parsed = parseDraft(field, drafts[field.key]);
    if ("error" in parsed) errors[hyperparamKey(field.key)] = parsed.error;
    else if ("value" in parsed) setPath(document, field.key, parsed.value);
  }
  const extra = parseAdvanced(advanced);
  if ("error" in extra) {
    errors[ADVANCED_KEY] = extra.error;
    return { hyperparams: document, errors };
  }
  return { hyperparams: deepMerge(document, extra.value), errors };
}
