/** The header's bell: the caller's unread count, live. Each new notification from the
 * `notifications` subscription (and each `markNotificationsRead`) invalidates the count
 * and the list, which urql then refetches. The feed sends only what happens while it is
 * connected, so the count is also asked again when the websocket is back after a drop, the
 * page comes back into view or the browser back online (what it may have missed). */
import { useEffect } from "react";
import { useNavigate } from "react-router";
import { useQuery, useSubscription } from "urql";

import { paths } from "../../app/paths";
import { useAuth } from "../../auth/AuthContext";
import "./notifications.css";
import { bellLabel } from "./labels";
import { NOTIFICATION_CONTEXT, NewNotificationsSubscription, UnreadCountQuery } from "./operations";

export function Bell() {
  const navigate = useNavigate();
  const [{ data }, recount] = useQuery({ query: UnreadCountQuery, context: NOTIFICATION_CONTEXT });
  useSubscription({ query: NewNotificationsSubscription, context: NOTIFICATION_CONTEXT });
  const { onReconnect } = useAuth();
  useEffect(
    () => onReconnect(() => recount({ requestPolicy: "network-only" })),
    [onReconnect, recount],
  );
  useEffect(() => {
    const again = () => {
      if (document.visibilityState === "visible") recount({ requestPolicy: "network-only" });
    };
    document.addEventListener("visibilitychange", again);
    window.addEventListener("online", again);
    return () => {
      document.removeEventListener("visibilitychange", again);
      window.removeEventListener("online", again);
    };
  }, [recount]);
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    <button
      type="button"
      className={unread ? "bell unread" : "bell"}
      onClick={() => navigate(paths.notifications)}
    >
      <svg className="bell-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16h15.4L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0Z" />
      </svg>
      {bellLabel(unread)}
    </button>
  );
}
