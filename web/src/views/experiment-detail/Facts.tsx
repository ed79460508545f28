import type { ReactNode } from "react";

import { formatDateTime } from "../../lib/format";

/** Terms and values as a description list; a missing value shows as `—`. */
export function Facts({ rows }: { rows: [term: string, value: ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value ?? "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A time in the browser's zone; the ISO time is its tooltip. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <>—</>;
  return (
    <time dateTime={value} title={value}>
      {formatDateTime(value)}
    </time>
  );
}
