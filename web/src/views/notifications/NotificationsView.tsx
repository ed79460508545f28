/** Notifications (`/notifications`): the caller's, newest first, unread ones marked, each
 * linking to its experiment; `Mark as read` per item and `Mark all as read`. New ones
 * arrive live (the bell's subscription invalidates this list); after a dropped websocket
 * the list is read again. */
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { useClient, useMutation, useQuery } from "urql";

import { paths } from "../../app/paths";
import { useAuth } from "../../auth/AuthContext";
import type { NotificationItemFragment } from "../../gql/graphql";
import { formatDateTime } from "../../lib/format";
import "./notifications.css";
import { kindLabel, kindTone } from "./labels";
import {
  MarkReadMutation,
  NOTIFICATION_CONTEXT,
  NotificationsQuery,
  UnreadCountQuery,
  UnreadIdsQuery,
} from "./operations";

/** Shown at first, then this many more per `Show more` (the API gives at most 500). */
const PAGE = 50;
const MAX_LISTED = 500;

function errorText(error: { message: string }): string {
  return error.message.replace(/^\[(GraphQL|Network)\] /, "");
}

export function NotificationsView() {
  const client = useClient();
  const [first, setFirst] = useState(PAGE);
  const [{ data, fetching, error }, reread] = useQuery({
    query: NotificationsQuery,
    variables: { first },
    context: NOTIFICATION_CONTEXT,
  });
  const { onReconnect } = useAuth();
  useEffect(
    () => onReconnect(() => reread({ requestPolicy: "network-only" })),
    [onReconnect, reread],
  );
  const [{ data: counted }] = useQuery({ query: UnreadCountQuery, context: NOTIFICATION_CONTEXT });
  const [, markRead] = useMutation(MarkReadMutation);
  const [allState, setAllState] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });

  useEffect(() => {
    document.title = "Notifications · Experiment Service";
  }, []);

  const unread = counted?.unreadNotificationCount ?? 0;
  const items = data?.notifications ?? [];

  const markAll = useCallback(async () => {
    setAllState({ busy: true, error: null });
    // every unread one, not only those listed: in batches of the API's maximum
    for (;;) {
      const listed = await client
        .query(UnreadIdsQuery, { first: MAX_LISTED }, { requestPolicy: "network-only" })
        .toPromise();
      if (listed.error) {
        setAllState({ busy: false, error: errorText(listed.error) });
        return;
      }
      const ids = listed.data?.notifications.map((n) => n.id) ?? [];
      if (!ids.length) break;
      const marked = await markRead({ ids }, NOTIFICATION_CONTEXT);
      if (marked.error) {
        setAllState({ busy: false, error: errorText(marked.error) });
        return;
      }
      if (ids.length < MAX_LISTED || !marked.data?.markNotificationsRead) break;
    }
    setAllState({ busy: false, error: null });
  }, [client, markRead]);

  return (
    <section className="notifications" aria-labelledby="notifications-title">
      <div className="view-header">
        <h1 id="notifications-title">Notifications</h1>
        <div className="notifications-actions">
          <span className="muted" aria-live="polite">
            {unread ? `${unread} unread` : "All read"}
          </span>
          <button
            type="button"
            onClick={() => void markAll()}
            disabled={allState.busy || unread === 0}
          >
            Mark all as read
          </button>
        </div>
      </div>
      {allState.error ? (
        <p className="error" role="alert">
          Could not mark them read: {allState.error}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          Could not load notifications: {errorText(error)}
        </p>
      ) : null}
      {!data && fetching ? <p className="muted">Loading notifications…</p> : null}
      {data && items.length === 0 ? (
        <p className="notice">
          No notifications yet. You are told here when an experiment you own or watch starts,
          finishes, fails or cannot get its GPUs.
        </p>
      ) : null}
      {items.length ? (
        <ol className="notification-list" aria-label="Notifications">
          {items.map((item) => (
            <NotificationEntry key={item.id} item={item} />
          ))}
        </ol>
      ) : null}
      {items.length >= first && first < MAX_LISTED ? (
        <button
          type="button"
          className="load-more"
          disabled={fetching}
          onClick={() => setFirst((n) => Math.min(MAX_LISTED, n + PAGE))}
        >
          Show more
        </button>
      ) : null}
    </section>
  );
}

function NotificationEntry({ item }: { item: NotificationItemFragment }) {
  const [{ fetching, error }, markRead] = useMutation(MarkReadMutation);
  const isUnread = item.readAt == null;
  return (
    <li className={isUnread ? "notification unread" : "notification"}>
      <div className="notification-head">
        {isUnread ? <span className="unread-mark">Unread</span> : null}
        <span className={`kind kind-${kindTone(item.kind)}`}>{kindLabel(item.kind)}</span>
        <time dateTime={item.createdAt} title={item.createdAt}>
          {formatDateTime(item.createdAt)}
        </time>
      </div>
      <p className="notification-message">{item.message}</p>
      <div className="notification-foot">
        {item.experiment ? (
          <Link to={paths.experiment(item.experiment.id)}>{item.experiment.name}</Link>
        ) : (
          <span className="muted">The experiment is gone</span>
        )}
        {isUnread ? (
          <button
            type="button"
            disabled={fetching}
            aria-label={`Mark as read: ${item.message}`}
            onClick={() => void markRead({ ids: [item.id] }, NOTIFICATION_CONTEXT)}
          >
            Mark as read
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          Could not mark it read: {errorText(error)}
        </p>
      ) : null}
    </li>
  );
}
