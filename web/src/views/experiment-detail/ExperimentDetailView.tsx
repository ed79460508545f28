/** Experiment detail (`/experiments/:id`): the header (status, hypothesis, parent run, owner,
 * progress, cost, the lifecycle buttons the caller may use), its child runs and the tabs,
 * the selected one in the URL (`?tab=logs`). The experiment updates live from
 * `experimentUpdated`; the nested runs are read when the page opens (`NestedRuns.tsx`). */
import "./detail.css";

import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery, useSubscription } from "urql";

import { paths } from "../../app/paths";
import { useAuth } from "../../auth/AuthContext";
import type { ExperimentDetailFragment } from "../../gql/graphql";
import {
  formatMoney,
  formatProgress,
  formatQueue,
  progressFraction,
  statusLabel,
} from "../../lib/format";
import { DetailQueueControls } from "../queue/QueueControls";
import { priorityLabel } from "../queue/priority";
import { AnswerOrder } from "./answerOrder";
import { ArtifactsTab } from "./ArtifactsTab";
import { CodeTab } from "./CodeTab";
import { CostsTab } from "./CostsTab";
import { LifecycleActions } from "./LifecycleActions";
import { LogsTab } from "./LogsTab";
import { MetricsTab } from "./MetricsTab";
import { ChildRunsSection, ParentRunFact, useNesting } from "./NestedRuns";
import { ExperimentDetailQuery, ExperimentUpdatedSubscription } from "./operations";
import { OverviewTab } from "./OverviewTab";
import { TABS, type TabId, tabForKey, tabFromParams, withTab } from "./tabs";

export function ExperimentDetailView() {
  const { id = "" } = useParams();
  // another experiment is another page: nothing of this one's state carries over
  return <ExperimentDetail key={id} id={id} />;
}

function ExperimentDetail({ id }: { id: string }) {
  const [{ data, fetching, error }, reread] = useQuery({
    query: ExperimentDetailQuery,
    variables: { id },
  });
  // the subscription's first answer is the experiment as it is once it is open
  // (includeCurrent), so no change between the query and the subscription is missed
  const [{ data: live }] = useSubscription({
    query: ExperimentUpdatedSubscription,
    variables: { id },
  });
  // the newest of: the query's answers, the live pushes, the moves' answers
  const [experiment, setExperiment] = useState<ExperimentDetailFragment | null>(null);
  const [order] = useState(() => new AnswerOrder());
  const judgeQuery = useRef(order.begin());
  const readAgain = useRef(() => {});
  readAgain.current = () => {
    judgeQuery.current = order.begin();
    reread({ requestPolicy: "network-only" });
  };
  // the live feed does not replay what a dropped websocket missed: read it again
  const { onReconnect } = useAuth();
  useEffect(() => onReconnect(() => readAgain.current()), [onReconnect]);
  useEffect(() => {
    if (!data?.experiment) return;
    if (judgeQuery.current() === "show") setExperiment(data.experiment);
    else readAgain.current();
  }, [data]);
  useEffect(() => {
    if (!live?.experimentUpdated) return;
    order.pushed();
    setExperiment(live.experimentUpdated);
  }, [live, order]);
  const beginMove = useCallback(() => {
    const judge = order.begin();
    return (answer: ExperimentDetailFragment) => {
      if (judge() === "show") setExperiment(answer);
      else readAgain.current();
    };
  }, [order]);

  useEffect(() => {
    document.title = `${experiment?.name ?? "Experiment"} · Experiment Service`;
  }, [experiment?.name]);

  if (!experiment) {
    if (fetching || (!data && !error)) return <p className="muted">Loading the experiment…</p>;
    return (
      <section aria-labelledby="detail-missing">
        <h1 id="detail-missing">Experiment not found</h1>
        {error ? (
          <p className="error" role="alert">
            Could not load the experiment: {error.message.replace(/^\[(GraphQL|Network)\] /, "")}
          </p>
        ) : (
          <p>There is no experiment with this ID, or it is not visible to you.</p>
        )}
        <p>
          <Link to={paths.experiments}>Back to the experiments</Link>
        </p>
      </section>
    );
  }
  return <DetailPage experiment={experiment} beginMove={beginMove} />;
}

function DetailPage({
  experiment: e,
  beginMove,
}: {
  experiment: ExperimentDetailFragment;
  beginMove: () => (experiment: ExperimentDetailFragment) => void;
}) {
  const fraction = progressFraction(e.progress);
  const nesting = useNesting(e.id);
  return (
    <article className="experiment-detail" aria-labelledby="detail-title">
      <header className="detail-header card">
        <p className="crumbs">
          <Link to={paths.experiments}>Experiments</Link>
        </p>
        <div className="title-row">
          <h1 id="detail-title">{e.name}</h1>
          <span
            className={`status status-${e.status.toLowerCase()}`}
            role="status"
            aria-label="Status"
          >
            {statusLabel(e.status)}
          </span>
        </div>
        <dl className="header-facts">
          <div>
            <dt>Hypothesis</dt>
            <dd>
              <Link to={`${paths.experiments}?hypothesis=${encodeURIComponent(e.hypothesis.id)}`}>
                {e.hypothesis.title}
              </Link>
            </dd>
          </div>
          <ParentRunFact nesting={nesting} />
          <div>
            <dt>Owner</dt>
            <dd>{e.owner.name}</dd>
          </div>
          <div>
            <dt>Progress</dt>
            <dd className="progress-fact">
              {fraction != null ? (
                <progress max={1} value={fraction} aria-label="Progress" />
              ) : null}
              <span>{formatProgress(e.progress)}</span>
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{formatMoney(e.cost.total, e.cost.currency)}</dd>
          </div>
          {e.queue ? (
            <div>
              <dt>GPU queue</dt>
              <dd aria-label="GPU queue">
                {formatQueue(e.queue)} <span className="muted">({e.queue.pool})</span>
              </dd>
            </div>
          ) : null}
          {e.status === "QUEUED" ? (
            <div>
              <dt>Priority</dt>
              <dd>{priorityLabel(e.priority)}</dd>
            </div>
          ) : null}
        </dl>
        <div className="header-actions">
          <LifecycleActions experiment={e} beginMove={beginMove} />
          <Link className="monitor-link" to={paths.monitor(e.id)}>
            Open monitor
          </Link>
        </div>
        <DetailQueueControls
          experiment={e}
          beginChange={() => {
            const show = beginMove();
            return (state) => show({ ...e, ...state });
          }}
        />
      </header>
      <ChildRunsSection nesting={nesting} />
      <DetailTabs experiment={e} />
    </article>
  );
}

function DetailTabs({ experiment }: { experiment: ExperimentDetailFragment }) {
  const [params, setParams] = useSearchParams();
  const selected = tabFromParams(params);
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());

  const select = useCallback(
    (tab: TabId, focus = false) => {
      setParams((current) => withTab(current, tab), { replace: true });
      if (focus) tabRefs.current.get(tab)?.focus();
    },
    [setParams],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const next = tabForKey(selected, event.key);
    if (!next) return;
    event.preventDefault();
    select(next, true);
  };

  return (
    <div className="detail-tabs">
      <div role="tablist" aria-label="Experiment sections" className="tablist">
        {TABS.map((tab) => {
          const active = tab.id === selected;
          return (
            <button
              key={tab.id}
              ref={(node) => {
                if (node) tabRefs.current.set(tab.id, node);
                else tabRefs.current.delete(tab.id);
              }}
              type="button"
              role="tab"
              id={`detail-tab-${tab.id}`}
              aria-selected={active}
              aria-controls={active ? `detail-panel-${tab.id}` : undefined}
              tabIndex={active ? 0 : -1}
              onClick={() => select(tab.id)}
              onKeyDown={onKeyDown}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`detail-panel-${selected}`}
        aria-labelledby={`detail-tab-${selected}`}
        className="tabpanel"
      >
        <TabPanel tab={selected} experiment={experiment} />
      </div>
    </div>
  );
}

function TabPanel({ tab, experiment }: { tab: TabId; experiment: ExperimentDetailFragment }) {
  switch (tab) {
    case "overview":
      return <OverviewTab experiment={experiment} />;
    case "metrics":
      return <MetricsTab experimentId={experiment.id} />;
    case "logs":
      return <LogsTab experimentId={experiment.id} />;
    case "artifacts":
      return (
        <ArtifactsTab
          experimentId={experiment.id}
          mayUpload={experiment.allowedActions.includes("UPLOAD_ARTIFACT")}
        />
      );
    case "code":
      return <CodeTab git={experiment.git ?? null} />;
    case "costs":
      return <CostsTab experiment={experiment} />;
  }
}
