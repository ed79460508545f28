/** The Run Monitor's data: the experiment, its metric series and its log tail, kept live
 * from `runMonitor` and gap-free across dropped connections (`resume.ts`). */
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient, type Client } from "urql";

import { SeriesBuffer, mergeKeyedPoints, type KeyedPointLike } from "../../charts";
import type {
  MonitorExperimentQuery as ExperimentAnswer,
  MonitorLogLineFragment,
  RunMonitorSubscription as MonitorEvent,
} from "../../gql/graphql";
import { addSample, workOf, type ProgressSample } from "./eta";
import { MetricSeriesQuery } from "../../api/metricSeries";
import { MonitorExperimentQuery, MonitorLogsQuery, RunMonitorSubscription } from "./operations";
import { ResumeTracker, SyncGate, mergeLines } from "./resume";

/** How many log lines the tail holds. */
export const TAIL_LINES = 500;
/** Wait before subscribing again after the subscription ended with an error. */
const RESUBSCRIBE_MS = 1000;

export type MonitorExperiment = NonNullable<ExperimentAnswer["experiment"]>;
export type MonitorProgress = MonitorExperiment["progress"];
export type LogLine = MonitorLogLineFragment;
type Event = MonitorEvent["runMonitor"];

export interface RunMonitorState {
  /** The experiment as last read (status and progress are overlaid live). */
  experiment: MonitorExperiment | null;
  /** When `experiment` was read (epoch ms): the server's ETA counts down from it. */
  readAt: number;
  status: MonitorExperiment["status"] | null;
  failure: MonitorExperiment["failure"];
  progress: MonitorProgress | null;
  /** The progress reports seen, for the ETA (`eta.ts`). */
  samples: ProgressSample[];
  /** Metric keys, sorted; each one's points are in `buffers`. */
  keys: string[];
  buffers: ReadonlyMap<string, SeriesBuffer>;
  /** Grows with every merge into `buffers`. */
  revision: number;
  lines: LogLine[];
  /** An error reading the experiment (NOT_FOUND…), shown instead of the monitor. */
  error: string | null;
}

function messageOf(error: { message: string; graphQLErrors?: { message: string }[] }): string {
  return error.graphQLErrors?.[0]?.message ?? error.message;
}

async function readExperiment(client: Client, id: string): Promise<MonitorExperiment> {
  const answer = await client
    .query(MonitorExperimentQuery, { id }, { requestPolicy: "network-only" })
    .toPromise();
  if (answer.error) throw new Error(messageOf(answer.error));
  const experiment = answer.data?.experiment;
  if (!experiment) throw new Error("This experiment was not found.");
  return experiment;
}

/**
 * Subscribes to `runMonitor` for experiment `id` once `maxPoints` (the charts' width in
 * points) is known, reads what it does not hold after each `StatusEvent` (the history on
 * the first one; after a reconnect, what was stored while the socket was down), and
 * merges the live events in place.
 */
export function useRunMonitor(id: string, maxPoints: number | null): RunMonitorState & {
  /** The experiment again (after Stop, say). */
  refresh: () => void;
} {
  const client = useClient();
  const buffers = useRef(new Map<string, SeriesBuffer>());
  const [state, setState] = useState<RunMonitorState>(() => ({
    experiment: null,
    readAt: 0,
    status: null,
    failure: null,
    progress: null,
    samples: [],
    keys: [],
    buffers: buffers.current,
    revision: 0,
    lines: [],
    error: null,
  }));
  const maxPointsRef = useRef(maxPoints);
  maxPointsRef.current = maxPoints;
  const ready = maxPoints !== null;
  const gateRef = useRef<SyncGate | null>(null);

  useEffect(() => {
    if (!ready) return;
    const map = new Map<string, SeriesBuffer>();
    buffers.current = map;
    const tracker = new ResumeTracker();
    let closed = false;
    let held: LogLine[] = [];

    const mergePoints = (points: readonly KeyedPointLike[]): void => {
      if (points.length === 0) return;
      const before = map.size;
      mergeKeyedPoints(map, points);
      setState((s) => ({
        ...s,
        buffers: map,
        revision: s.revision + 1,
        keys: map.size !== before ? [...map.keys()].sort() : s.keys,
      }));
    };
    const mergeLog = (lines: readonly LogLine[]): void => {
      if (lines.length === 0) return;
      held = mergeLines(held, lines, TAIL_LINES);
      const shown = held;
      setState((s) => ({ ...s, lines: shown }));
    };
    const noteProgress = (progress: MonitorProgress): void => {
      const work = workOf(progress);
      const at = Date.now();
      setState((s) => ({
        ...s,
        progress,
        samples: work ? addSample(s.samples, { at, ...work }) : s.samples,
      }));
    };

    const sync = async (): Promise<void> => {
      const epoch = tracker.beginSync();
      const experiment = await readExperiment(client, id);
      if (closed) return;
      setState((s) => ({
        ...s,
        experiment,
        readAt: Date.now(),
        status: experiment.status,
        failure: experiment.failure,
        error: null,
      }));
      const reads = tracker.metricReads(
        experiment.metricSummaries.map((m) => ({ key: m.key, lastStep: m.lastStep ?? null })),
      );
      const points = maxPointsRef.current ?? 1000;
      await Promise.all(
        reads.map(async ({ key, stepFrom }) => {
          const answer = await client
            .query(
              MetricSeriesQuery,
              { id, key, maxPoints: points, stepFrom },
              { requestPolicy: "network-only" },
            )
            .toPromise();
          if (answer.error) throw new Error(messageOf(answer.error));
          const series = answer.data?.experiment?.metric;
          if (!series || closed) return;
          mergePoints(series.points.map((p) => ({ ...p, key })));
          const last = series.points[series.points.length - 1];
          const stored = experiment.metricSummaries.find((m) => m.key === key)?.lastStep;
          tracker.readMetric(key, Math.max(last?.step ?? -1, stored ?? -1));
        }),
      );
      let after = tracker.logReadAfter(experiment.lastLogSeq, TAIL_LINES);
      while (after !== null && !closed) {
        const answer = await client
          .query(
            MonitorLogsQuery,
            { id, after, first: TAIL_LINES },
            { requestPolicy: "network-only" },
          )
          .toPromise();
        if (answer.error) throw new Error(messageOf(answer.error));
        const page = answer.data?.experiment?.logs;
        if (!page) break;
        mergeLog(page.lines);
        const next = page.nextAfter ?? after;
        tracker.readLog(next);
        after = page.hasMore && next > after ? next : null;
      }
      tracker.endSync(epoch);
    };
    const gate = new SyncGate(async () => {
      try {
        await sync();
      } catch (error) {
        if (!closed) setState((s) => ({ ...s, error: (error as Error).message }));
      }
    });
    gateRef.current = gate;

    const onEvent = (event: Event): void => {
      switch (event.__typename) {
        case "MetricsEvent":
          tracker.live(event.points);
          mergePoints(event.points);
          break;
        case "LogsEvent":
          tracker.liveLines(event.lines);
          mergeLog(event.lines);
          break;
        case "ProgressEvent":
          noteProgress(event.progress);
          break;
        case "StatusEvent":
          // a (re)start of the live feed, or a status change: read what is missing
          tracker.statusSeen();
          setState((s) => ({ ...s, status: event.status, failure: event.failure }));
          void gate.request();
          break;
      }
    };

    let subscription: { unsubscribe(): void } | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const subscribe = (): void => {
      subscription = client.subscription(RunMonitorSubscription, { id }).subscribe((result) => {
        if (closed) return;
        if (result.data) onEvent(result.data.runMonitor);
        if (result.error) {
          const codes = result.error.graphQLErrors.map((e) => e.extensions?.["code"]);
          if (codes.includes("NOT_FOUND") || codes.includes("FORBIDDEN")) {
            setState((s) => ({ ...s, error: messageOf(result.error!) }));
            return;
          }
          // SUBSCRIPTION_LAGGED, a server restart…: subscribe again; its StatusEvent syncs
          subscription?.unsubscribe();
          retry = setTimeout(subscribe, RESUBSCRIBE_MS);
        }
      });
    };
    subscribe();
    return () => {
      closed = true;
      gateRef.current = null;
      if (retry !== null) clearTimeout(retry);
      subscription?.unsubscribe();
    };
  }, [client, id, ready]);

  const refresh = useCallback(() => {
    void gateRef.current?.request();
  }, []);

  return { ...state, refresh };
}
