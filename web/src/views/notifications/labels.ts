/** How the bell and the list word things. */

/** `Notifications (3)`; plain `Notifications` when nothing is unread (or not known yet). */
export function bellLabel(unread: number | null | undefined): string {
  return unread ? `Notifications (${unread > 999 ? "999+" : unread})` : "Notifications";
}

const KIND_LABELS: Record<string, string> = {
  EXPERIMENT_STARTED: "Started",
  EXPERIMENT_COMPLETED: "Completed",
  EXPERIMENT_FAILED: "Failed",
  EXPERIMENT_STOPPED: "Stopped",
  RESOURCES_UNAVAILABLE: "Resources unavailable",
  RESERVATION_EXPIRING: "Reservation expiring",
  STORAGE_LIMIT_EXCEEDED: "Storage limit exceeded",
};

/** A kind the console knows by its label; another one (a newer server) in words. */
export function kindLabel(kind: string): string {
  const known = KIND_LABELS[kind];
  if (known) return known;
  const words = kind.toLowerCase().replace(/_+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : kind;
}

/** The CSS modifier of a kind: failures and refusals stand out. */
export function kindTone(kind: string): "bad" | "good" | "warn" | "info" {
  if (kind === "EXPERIMENT_FAILED" || kind === "STORAGE_LIMIT_EXCEEDED") return "bad";
  if (kind === "RESOURCES_UNAVAILABLE" || kind === "RESERVATION_EXPIRING") return "warn";
  if (kind === "EXPERIMENT_COMPLETED") return "good";
  return "info";
}
