/** Overview: what the experiment is, what it asked for and holds, and how it went. */
import type { ExperimentDetailFragment } from "../../gql/graphql";
import { formatDuration } from "../../lib/format";
import { Facts, Time } from "./Facts";
import { flattenJson } from "./flatten";
import { FAILURE_REASONS } from "./LifecycleActions";

export function OverviewTab({ experiment: e }: { experiment: ExperimentDetailFragment }) {
  const reason = e.failure
    ? (FAILURE_REASONS.find((r) => r.value === e.failure?.reason)?.label ?? e.failure.reason)
    : null;
  const r = e.resources;
  return (
    <div className="overview">
      <div className="overview-cards">
        <section className="card" aria-labelledby="ov-about">
          <h2 id="ov-about">About</h2>
          <Facts
            rows={[
              ["Hypothesis", e.hypothesis.title],
              ["Owner", e.owner.name],
              ["Type", e.type],
              ["Model", e.model],
              ["Approach", e.approach],
              ["Framework", e.framework],
              [
                "Tags",
                e.tags.length ? (
                  <span className="tags">
                    {e.tags.map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </span>
                ) : null,
              ],
              ["Description", e.description],
            ]}
          />
        </section>

        <section className="card" aria-labelledby="ov-run">
          <h2 id="ov-run">Run</h2>
          <Facts
            rows={[
              ["Created", <Time value={e.createdAt} />],
              ["Started", <Time value={e.startedAt} />],
              ["Finished", <Time value={e.finishedAt} />],
              ["Duration", formatDuration(e.durationSeconds)],
              ["Last activity", <Time value={e.lastActivityAt} />],
              [
                "MLflow",
                e.mlflow ? (
                  e.mlflow.url ? (
                    <a href={e.mlflow.url} target="_blank" rel="noreferrer">
                      MLflow run {e.mlflow.runId}
                    </a>
                  ) : (
                    <code>{e.mlflow.runId}</code>
                  )
                ) : null,
              ],
              ["Status message", e.statusMessage],
              ...(e.failure
                ? ([
                    ["Failure reason", reason],
                    ["Failure message", e.failure.message],
                  ] as [string, string | null | undefined][])
                : []),
            ]}
          />
        </section>

        <section className="card" aria-labelledby="ov-resources">
          <h2 id="ov-resources">Resources</h2>
          <Facts
            rows={[
              ["GPU type", r.gpuType ?? (r.gpuCount ? "any" : "none")],
              ["GPUs", String(r.gpuCount)],
              ["CPU cores", String(r.cpuCores)],
              ["Memory", `${r.memoryGb} GB`],
              ["Max duration", formatDuration(r.maxDurationMinutes * 60)],
            ]}
          />
          <h3>Reservation</h3>
          {e.reservation ? (
            <Facts
              rows={[
                ["Pool", e.reservation.pool],
                ["GPUs", String(e.reservation.gpuCount)],
                ["Reserved", <Time value={e.reservation.reservedAt} />],
                ["Expires", <Time value={e.reservation.expiresAt} />],
                [
                  "Released",
                  e.reservation.releasedAt ? <Time value={e.reservation.releasedAt} /> : null,
                ],
              ]}
            />
          ) : (
            <p className="muted">No GPUs reserved.</p>
          )}
        </section>
      </div>

      <JsonTable title="Hyperparameters" document={e.hyperparams} />
      <JsonTable title="Config" document={e.config} />
    </div>
  );
}

function JsonTable({ title, document }: { title: string; document: unknown }) {
  const rows = flattenJson(document);
  const id = `ov-${title.toLowerCase()}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length ? (
        <table className="data kv" aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">
                  <code>{row.key}</code>
                </th>
                <td>
                  <code>{row.value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None.</p>
      )}
    </section>
  );
}
