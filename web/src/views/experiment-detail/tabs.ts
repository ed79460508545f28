/** The detail view's tabs; the selected one lives in the URL (`?tab=logs`) so a reload or a
 * pasted link opens it. */

export const TABS = [
  { id: "overview", label: "Overview" },
  { id: "metrics", label: "Metrics" },
  { id: "logs", label: "Logs" },
  { id: "artifacts", label: "Artifacts" },
  { id: "code", label: "Code" },
  { id: "costs", label: "Costs" },
] as const;

export type TabId = (typeof TABS)[number]["id"];

export const DEFAULT_TAB: TabId = "overview";
export const TAB_PARAM = "tab";

export function isTabId(value: string): value is TabId {
  return TABS.some((tab) => tab.id === value);
}

/** The tab the URL names; the Overview when it names none or an unknown one. */
export function tabFromParams(params: URLSearchParams): TabId {
  const value = params.get(TAB_PARAM)?.trim().toLowerCase() ?? "";
  return isTabId(value) ? value : DEFAULT_TAB;
}

/** The URL parameters with `tab` selected (the Overview is the bare URL); others kept. */
export function withTab(params: URLSearchParams, tab: TabId): URLSearchParams {
  const next = new URLSearchParams(params);
  if (tab === DEFAULT_TAB) next.delete(TAB_PARAM);
  else next.set(TAB_PARAM, tab);
  return next;
}

/** The tab an arrow / Home / End key moves to from `current` (WAI-ARIA tabs pattern). */
export function tabForKey(current: TabId, key: string): TabId | null {
  const index = TABS.findIndex((tab) => tab.id === current);
  const last = TABS.length - 1;
  let next: number;
  switch (key) {
    case "ArrowRight":
      next = index === last ? 0 : index + 1;
      break;
    case "ArrowLeft":
      next = index === 0 ? last : index - 1;
      break;
    case "Home":
      next = 0;
      break;
    case "End":
      next = last;
      break;
    default:
      return null;
  }
  return TABS[next]?.id ?? null;
}
