/** Run Monitor (`/experiments/:id/monitor`): status, progress with ETA, elapsed time and
 * cost, one live chart per metric key, the live log tail, `Stop` and `Download logs` —
 * live from `runMonitor`, gap-free across dropped connections (`useRunMonitor`). */
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";

import { paths } from "../../app/paths";
import { useAuth } from "../../auth/AuthContext";
import { useChartWidth } from "../../charts";
import { formatDuration, formatMoney, statusLabel } from "../../lib/format";
import { downloadLogs } from "./downloadLogs";
import { estimateEta } from "./eta";
import { elapsedSeconds, liveCost, progressText } from "./header";
import { LogTail } from "./LogTail";
import { MetricPanel } from "./MetricPanel";
import "./monitor.css";
import { StopControl } from "./StopControl";
import { TAIL_LINES, useRunMonitor } from "./useRunMonitor";

/** The time, once a second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

export function MonitorView() {
  const { id = "" } = useParams();
  const { token } = useAuth();
  const { ref: chartsRef, maxPoints } = useChartWidth();
  const monitor = useRunMonitor(id, maxPoints);
  const { experiment, status } = monitor;
  const running = status === "RUNNING";
  const now = useNow(running);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  useEffect(() => {
    document.title = `${experiment ? `${experiment.name} · ` : ""}Run monitor · Experiment Service`;
  }, [experiment]);

  if (monitor.error && !experiment) {
    return (
      <section aria-labelledby="monitor-title">
        <h1 id="monitor-title">Run monitor</h1>
        <p className="error" role="alert">
          {monitor.error}
        </p>
        <p>
          <Link to={paths.experiments}>Back to the experiments</Link>
        </p>
      </section>
    );
  }

  const progress = monitor.progress ?? experiment?.progress ?? null;
  const fraction = progress?.fraction ?? null;
  const eta = running ? estimateEta(monitor.samples, now) : null;
  let etaText = "—";
  if (eta) etaText = `${formatDuration(eta.seconds)}${eta.stalled ? " (stalled)" : ""}`;
  else if (running && progress?.etaSeconds != null) {
    etaText = formatDuration(Math.max(0, progress.etaSeconds - (now - monitor.readAt) / 1000));
  }
  const cost = experiment
    ? liveCost(experiment.cost, experiment.reservation, running, now)
    : null;
  const elapsed = experiment
    ? elapsedSeconds(experiment.startedAt, running ? null : experiment.finishedAt, now)
    : null;

  const onDownload = async (): Promise<void> => {
    if (!token) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      await downloadLogs(id, token);
    } catch (error) {
      setDownloadError((error as Error).message);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="monitor" aria-labelledby="monitor-title">
      <div className="monitor-head">
        <div>
          <p className="monitor-kicker">Run monitor</p>
          <h1 id="monitor-title">
            {experiment ? (
              <Link to={paths.experiment(id)}>{experiment.name}</Link>
            ) : (
              <span className="muted">Loading…</span>
            )}
          </h1>
        </div>
        <div className="monitor-actions">
          {experiment && running && experiment.allowedActions.includes("STOP") ? (
            <StopControl experimentId={id} name={experiment.name} onStopped={monitor.refresh} />
          ) : null}
          <span className="monitor-download">
            <button type="button" disabled={downloading || !token} onClick={() => void onDownload()}>
              Download logs
            </button>
            {downloadError ? (
              <span className="error" role="alert">
                {downloadError}
              </span>
            ) : null}
          </span>
        </div>
      </div>

      <dl className="monitor-figures">
        <div>
          <dt>Status</dt>
          <dd aria-live="polite">
            {status ? (
              <span className={`status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>
            ) : (
              "—"
            )}
            {monitor.failure ? (
              <span className="monitor-failure">
                {" "}
                {monitor.failure.reason}
                {monitor.failure.message ? `: ${monitor.failure.message}` : ""}
              </span>
            ) : null}
          </dd>
        </div>
        <div className="monitor-progress">
          <dt id="monitor-progress-label">Progress</dt>
          <dd>
            <progress
              aria-labelledby="monitor-progress-label"
              value={fraction ?? undefined}
              max={1}
            />
            <span className="monitor-progress__text">{progress ? progressText(progress) : "—"}</span>
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{etaText}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{formatDuration(elapsed)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd title={cost ? `GPU ${formatMoney(cost.gpu, cost.currency)} · CPU ${formatMoney(cost.cpu ?? 0, cost.currency)} · API ${formatMoney(cost.api, cost.currency)}` : undefined}>
            {cost ? formatMoney(cost.total, cost.currency) : "—"}
          </dd>
        </div>
      </dl>
      {monitor.error ? (
        <p className="error" role="alert">
          {monitor.error}
        </p>
      ) : null}

      <section className="monitor-metrics" aria-labelledby="monitor-metrics-title">
        <h2 id="monitor-metrics-title">Metrics</h2>
        <div ref={chartsRef} className="monitor-charts">
          {monitor.keys.map((key) => {
            const buffer = monitor.buffers.get(key);
            return buffer && maxPoints !== null ? (
              <MetricPanel
                key={key}
                experimentId={id}
                metricKey={key}
                buffer={buffer}
                revision={buffer.revision}
                maxPoints={maxPoints}
              />
            ) : null;
          })}
        </div>
        {experiment && monitor.keys.length === 0 ? (
          <p className="muted">No metrics logged yet: charts appear as the first points arrive.</p>
        ) : null}
      </section>

      <LogTail lines={monitor.lines} limit={TAIL_LINES} />
    </section>
  );
}
