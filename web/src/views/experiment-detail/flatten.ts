/** JSON documents (hyperparams, config) as readable key / value rows: nested objects
 * flattened to dotted keys (`optimizer.lr`), arrays of plain values kept whole
 * (`[0.9, 0.999]`), arrays holding objects indexed (`layers[0].units`). */

export interface FlatRow {
  key: string;
  /** The value as text: strings as they are, everything else as JSON */
  value: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

export function formatJsonValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value as Json);
}

/** Rows sorted by key (numbers in keys compare as numbers: `layers[2]` before `layers[10]`). */
export function flattenJson(document: unknown): FlatRow[] {
  const rows: FlatRow[] = [];
  const walk = (value: unknown, key: string) => {
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (!entries.length && key) rows.push({ key, value: "{}" });
      for (const [name, inner] of entries) walk(inner, key ? `${key}.${name}` : name);
      return;
    }
    if (Array.isArray(value) && value.length && !value.every(isScalar)) {
      value.forEach((inner, index) => walk(inner, `${key}[${index}]`));
      return;
    }
    rows.push({ key: key || "(value)", value: formatJsonValue(value) });
  };
  walk(document, "");
  const collator = new Intl.Collator("en", { numeric: true });
  return rows.sort((a, b) => collator.compare(a.key, b.key));
}
