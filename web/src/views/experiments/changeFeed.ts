/** One `experimentsChanged` subscription per view, shared by whatever shows the list
 * (the table or the Kanban board) and the parts that refresh after changes (stats,
 * counts, leaderboard). Events are batched: a burst becomes one render. */
import { useEffect, useMemo, useState } from "react";
import { useClient } from "urql";

import { useAuth } from "../../auth/AuthContext";
import type { ExperimentFilter, ExperimentRowFragment } from "../../gql/graphql";
import type { LiveChange } from "./liveList";
import { ExperimentsChangedSubscription } from "./operations";

export type RowChange = LiveChange<ExperimentRowFragment>;
export type ChangeListener = (changes: readonly RowChange[]) => void;

/** Events are delivered this long after the first of a burst. */
const BATCH_MS = 50;
/** Summaries (stats, counts, leaderboard) refetch this long after changes settle. */
export const REFRESH_DEBOUNCE_MS = 400;

export class ChangeFeed {
  private listeners = new Set<ChangeListener>();

  listen(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(changes: readonly RowChange[]): void {
    for (const listener of this.listeners) listener(changes);
  }
}

export interface LiveFeed {
  feed: ChangeFeed;
  /** Grows after each settled burst of changes: a dependency for summaries to refetch. */
  version: number;
  /** The subscription's error, until it is open again. */
  error: string | null;
  /** Grows when the subscription ended on an error (it fell behind, say) and was opened
   * again, or the websocket is back after a drop: events may have been missed, so the
   * lists reload (a key for them). */
  epoch: number;
}

/** After an error, the subscription is opened again this long after. */
const RETRY_MS = 1000;

/** Subscribes to `experimentsChanged(filter)`; a new filter is a new subscription. */
export function useChangeFeed(filter: ExperimentFilter): LiveFeed {
  const client = useClient();
  const feed = useMemo(() => new ChangeFeed(), []);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  const filterKey = JSON.stringify(filter);
  const { onReconnect } = useAuth();
  useEffect(() => onReconnect(() => setEpoch((e) => e + 1)), [onReconnect]);

  useEffect(() => {
    let pending: RowChange[] = [];
    let batchTimer: ReturnType<typeof setTimeout> | undefined;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      batchTimer = undefined;
      const batch = pending;
      pending = [];
      feed.emit(batch);
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => setVersion((v) => v + 1), REFRESH_DEBOUNCE_MS);
    };
    const source = client.subscription(ExperimentsChangedSubscription, {
      filter: JSON.parse(filterKey) as ExperimentFilter,
    });
    const { unsubscribe } = source.subscribe((result) => {
      if (result.error) {
        setError(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
        retryTimer ??= setTimeout(() => setEpoch((e) => e + 1), RETRY_MS);
        return;
      }
      const change = result.data?.experimentsChanged;
      if (!change) return;
      setError(null);
      pending.push(change);
      batchTimer ??= setTimeout(flush, BATCH_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(batchTimer);
      clearTimeout(refreshTimer);
      clearTimeout(retryTimer);
    };
  }, [client, feed, filterKey, epoch]);

  return { feed, version, error, epoch };
}
