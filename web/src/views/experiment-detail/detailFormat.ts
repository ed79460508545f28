/** How the detail view writes metric values, byte sizes and API problems. */
import type { CombinedError } from "urql";

import type { ApiProblem } from "./rest";

const EMPTY = "—";

/** Integers with separators, other numbers to 6 significant digits, and the special
 * values by name. */
export function formatNumber(value: number | null | undefined): string {
  if (value == null) return EMPTY;
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    return new Intl.NumberFormat("en-US").format(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/** `2025-01-02 13:45:07` in the browser's time zone (log lines: to the second). */
export function formatLogTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return EMPTY;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A GraphQL failure as the contract's code and message (the first error's), or the
 * network failure. */
export function problemFromGraphQL(error: CombinedError): ApiProblem {
  const first = error.graphQLErrors[0];
  if (first) {
    const code = first.extensions?.["code"];
    const details = first.extensions?.["details"];
    return {
      code: typeof code === "string" ? code : "ERROR",
      message: first.message,
      details:
        typeof details === "object" && details !== null
          ? (details as Record<string, unknown>)
          : undefined,
    };
  }
  return {
    code: "NETWORK_ERROR",
    message: error.networkError?.message ?? "The service did not answer.",
  };
}
