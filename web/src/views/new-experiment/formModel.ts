/** The New experiment form's own fields (besides the hyperparameters): their drafts, the
 * browser's checks (the service's limits, app/experiments/schemas.py and validators.py),
 * and the `createExperiment` input they make. */
import type { CreateExperimentInput, ExperimentType } from "../../gql/graphql";
import { parsePriority } from "../queue/priority";
import {
  ADVANCED_KEY,
  type FieldErrors,
  type FormField,
  type JsonObject,
  hyperparamKey,
  leafFields,
} from "./schemaForm";

export const TYPES: readonly ExperimentType[] = ["LLM", "ML", "CV"];

const MAX_NAME = 200;
const MAX_FRAMEWORK = 100;
const MAX_DESCRIPTION = 64 * 1024;
const MAX_TAGS = 32;
const MAX_TAG_LENGTH = 64;

/** What a run of each type usually uses: offered until the user types their own. */
export const SUGGESTIONS: Record<ExperimentType, { model: string; framework: string }> = {
  LLM: { model: "llama-3-8b", framework: "pytorch" },
  ML: { model: "xgboost", framework: "scikit-learn" },
  CV: { model: "resnet50", framework: "pytorch" },
};

export interface Basics {
  hypothesisId: string;
  type: ExperimentType;
  name: string;
  model: string;
  framework: string;
  description: string;
  /** Comma-separated. */
  tags: string;
  /** The GPU queue's order (a whole number; "0" is the default: the pool's own order). */
  priority: string;
}

export interface ResourceDrafts {
  /** "" for none (CPU only). */
  gpuType: string;
  gpuCount: string;
  cpuCores: string;
  memoryGb: string;
  maxDurationMinutes: string;
}

export interface ResourceDefaults {
  gpuType?: string | null;
  gpuCount: number;
  cpuCores: number;
  memoryGb: number;
  maxDurationMinutes: number;
}

export function resourceDrafts(defaults: ResourceDefaults): ResourceDrafts {
  return {
    gpuType: defaults.gpuType ?? "",
    gpuCount: String(defaults.gpuCount),
    cpuCores: String(defaults.cpuCores),
    memoryGb: String(defaults.memoryGb),
    maxDurationMinutes: String(defaults.maxDurationMinutes),
  };
}

export const RESOURCE_KEYS = {
  gpuType: "resources.gpuType",
  gpuCount: "resources.gpuCount",
  cpuCores: "resources.cpuCores",
  memoryGb: "resources.memoryGb",
  maxDurationMinutes: "resources.maxDurationMinutes",
} as const satisfies Record<keyof ResourceDrafts, string>;

/** Every key an input of the form owns (where the service's field errors may land). */
export function knownKeys(fields: readonly FormField[]): Set<string> {
  return new Set([
    "hypothesisId",
    "type",
    "name",
    "model",
    "framework",
    "description",
    "tags",
    "priority",
    ...Object.values(RESOURCE_KEYS),
    ADVANCED_KEY,
    ...leafFields(fields).map((field) => hyperparamKey(field.key)),
  ]);
}

export function splitTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

function text(errors: FieldErrors, key: string, value: string, max: number, required: boolean) {
  const trimmed = value.trim();
  if (required && !trimmed) errors[key] = "is required";
  else if (value.length > max) errors[key] = `must be at most ${max} characters`;
}

function integer(
  errors: FieldErrors,
  key: string,
  draft: string,
  min: number,
): number | undefined {
  const value = draft.trim();
  if (!/^\d+$/.test(value)) {
    errors[key] = value ? "must be a whole number" : "is required";
    return undefined;
  }
  const parsed = Number(value);
  if (parsed < min) {
    errors[key] = `must be >= ${min}`;
    return undefined;
  }
  return parsed;
}

/** The `createExperiment` input, or the errors by field key. A priority above 0 is
 * accepted only with `mayRaisePriority` (the signed-in user's, from the service). */
export function buildInput(
  basics: Basics,
  resources: ResourceDrafts,
  hyperparams: JsonObject,
  { mayRaisePriority = false }: { mayRaisePriority?: boolean } = {},
): { input: CreateExperimentInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!basics.hypothesisId) errors["hypothesisId"] = "is required";
  text(errors, "name", basics.name, MAX_NAME, true);
  text(errors, "model", basics.model, MAX_NAME, true);
  text(errors, "framework", basics.framework, MAX_FRAMEWORK, true);
  text(errors, "description", basics.description, MAX_DESCRIPTION, false);
  const tags = splitTags(basics.tags);
  if (tags.length > MAX_TAGS) errors["tags"] = `at most ${MAX_TAGS} tags`;
  const long = tags.find((tag) => tag.length > MAX_TAG_LENGTH);
  if (long) errors["tags"] = `each tag must be 1-${MAX_TAG_LENGTH} characters: ${long.slice(0, 20)}…`;

  const gpuCount = integer(errors, RESOURCE_KEYS.gpuCount, resources.gpuCount, 0);
  const cpuCores = integer(errors, RESOURCE_KEYS.cpuCores, resources.cpuCores, 1);
  const memoryGb = integer(errors, RESOURCE_KEYS.memoryGb, resources.memoryGb, 1);
  const maxDurationMinutes = integer(
    errors,
    RESOURCE_KEYS.maxDurationMinutes,
    resources.maxDurationMinutes,
    1,
  );
  if (gpuCount && !resources.gpuType) errors[RESOURCE_KEYS.gpuType] = "is required when GPU count > 0";
  const priority = parsePriority(basics.priority, mayRaisePriority);
  if (priority.error !== undefined) errors["priority"] = priority.error;

  if (Object.keys(errors).length) return { input: null, errors };
  const input: CreateExperimentInput = {
    hypothesisId: basics.hypothesisId,
    type: basics.type,
    name: basics.name.trim(),
    model: basics.model.trim(),
    framework: basics.framework.trim(),
    hyperparams,
    resources: {
      gpuType: resources.gpuType || null,
      gpuCount: gpuCount ?? 0,
      cpuCores: cpuCores ?? 1,
      memoryGb: memoryGb ?? 1,
      maxDurationMinutes: maxDurationMinutes ?? 1,
    },
  };
  if (basics.description.trim()) input.description = basics.description;
  if (tags.length) input.tags = tags;
  if (priority.value) input.priority = priority.value;
  return { input, errors };
}

export interface PoolLike {
  name: string;
  gpuType: string;
  capacity: number;
  available: number;
}

/** Per GPU type: the free GPUs of its pools, and the most one pool has free (a start takes
 * its GPUs from one pool). */
export function gpuTypes(pools: readonly PoolLike[]): { gpuType: string; free: number; capacity: number; mostInOnePool: number }[] {
  const byType = new Map<string, { free: number; capacity: number; mostInOnePool: number }>();
  for (const pool of pools) {
    const entry = byType.get(pool.gpuType) ?? { free: 0, capacity: 0, mostInOnePool: 0 };
    entry.free += pool.available;
    entry.capacity += pool.capacity;
    entry.mostInOnePool = Math.max(entry.mostInOnePool, pool.available);
    byType.set(pool.gpuType, entry);
  }
  return [...byType.entries()]
    .map(([gpuType, entry]) => ({ gpuType, ...entry }))
    .sort((a, b) => a.gpuType.localeCompare(b.gpuType));
}
