/** The GPU queue's priority as the console offers it: higher starts first, then FIFO;
 * -1000 to 1000; above 0 only for a user whose `mayRaisePriority` (the service's rule,
 * `access.may_raise_priority`, read from `me`) — everyone else is offered 0 or less. */

export const PRIORITY_MIN = -1000;
export const PRIORITY_MAX = 1000;

/** The named levels the compact control offers (the table's select). */
export const PRIORITY_LEVELS: readonly { value: number; name: string }[] = [
  { value: 100, name: "Urgent" },
  { value: 10, name: "High" },
  { value: 0, name: "Normal" },
  { value: -10, name: "Low" },
];

/** Why a user without `mayRaisePriority` is offered 0 or less. */
export const RAISE_LIMIT =
  "Only team leads, curators and admins may put a run ahead of the others (above 0).";

export function priorityRange(mayRaise: boolean): { min: number; max: number } {
  return { min: PRIORITY_MIN, max: mayRaise ? PRIORITY_MAX : 0 };
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `\u2212${-value}` : "0";
}

/** "Normal (0)", "High (+10)", "Custom (+37)". */
export function priorityLabel(value: number): string {
  const level = PRIORITY_LEVELS.find((l) => l.value === value);
  return `${level ? level.name : "Custom"} (${signed(value)})`;
}

/** The values the compact control offers, highest first: the levels the user may set,
 * and the current value (whatever it is: someone else may have set it). */
export function priorityOptions(
  current: number,
  mayRaise: boolean,
): { value: number; label: string; disabled: boolean }[] {
  const { max } = priorityRange(mayRaise);
  const values = new Set(PRIORITY_LEVELS.map((l) => l.value).filter((v) => v <= max));
  values.add(current);
  return (
    [...values]
      .sort((a, b) => b - a)
      // the current value above what the user may set stays shown, not choosable again
      .map((value) => ({ value, label: priorityLabel(value), disabled: value > max }))
  );
}

/** A typed priority: the whole number, or why not (as the form's field errors read). */
export function parsePriority(
  draft: string,
  mayRaise: boolean,
): { value: number; error?: undefined } | { value?: undefined; error: string } {
  const text = draft.trim();
  if (!text) return { error: "is required" };
  if (!/^[-+]?\d+$/.test(text)) return { error: "must be a whole number" };
  const value = Number(text);
  const { min, max } = priorityRange(mayRaise);
  if (value < min) return { error: `must be >= ${min}` };
  if (value > max) {
    // the limit's reason is the field's hint (RAISE_LIMIT), shown beside the error
    return { error: mayRaise ? `must be <= ${max}` : "must be 0 or less" };
  }
  return { value };
}
