/** Resources: GPU type (each with the GPUs its pools have free now), count, CPU, memory,
 * maximum duration; and the pools themselves. */
import { useQuery } from "urql";

import type { QueueOrder } from "../../gql/graphql";
import { formatMoney } from "../../lib/format";
import { Field } from "./Field";
import { RESOURCE_KEYS, type ResourceDrafts, gpuTypes } from "./formModel";
import { ResourcePoolsQuery } from "./operations";
import type { FieldErrors } from "./schemaForm";
import { errorText } from "./serverErrors";

interface Props {
  drafts: ResourceDrafts;
  errors: FieldErrors;
  onChange: (name: keyof ResourceDrafts, value: string) => void;
}

/** How each queue order reads in the pools' table (the API's `QueueOrder`). */
const QUEUE_ORDERS: Record<QueueOrder, { label: string; title: string }> = {
  FIFO: { label: "Arrival", title: "Within a priority, the first to join starts first" },
  WIDEST_FIRST: {
    label: "Widest first",
    title: "Within a priority and a day, the runs asking for the most GPUs start first, then the shortest",
  },
};

const NUMBERS: { name: Exclude<keyof ResourceDrafts, "gpuType">; label: string; min: number }[] = [
  { name: "gpuCount", label: "GPU count", min: 0 },
  { name: "cpuCores", label: "CPU cores", min: 1 },
  { name: "memoryGb", label: "Memory (GB)", min: 1 },
  { name: "maxDurationMinutes", label: "Max duration (minutes)", min: 1 },
];

export function ResourcesFields({ drafts, errors, onChange }: Props) {
  const [{ data, error }] = useQuery({ query: ResourcePoolsQuery });
  const pools = data?.resourcePools ?? [];
  const types = gpuTypes(pools);
  const chosen = types.find((t) => t.gpuType === drafts.gpuType);
  const count = Number(drafts.gpuCount);
  const short = chosen && Number.isInteger(count) && count > chosen.mostInOnePool;
  return (
    <>
      <div className="field-grid">
        <Field
          fieldKey={RESOURCE_KEYS.gpuType}
          label="GPU type"
          error={errors[RESOURCE_KEYS.gpuType]}
          hint={
            short
              ? `Only ${chosen.mostInOnePool} ${chosen.gpuType} free in one pool now: a start would wait in the GPU queue.`
              : undefined
          }
        >
          {(props) => (
            <select
              {...props}
              value={drafts.gpuType}
              onChange={(event) => onChange("gpuType", event.target.value)}
            >
              <option value="">None (CPU only)</option>
              {types.map((t) => (
                <option key={t.gpuType} value={t.gpuType}>
                  {t.gpuType} — {t.free} of {t.capacity} free
                </option>
              ))}
              {drafts.gpuType && data && !chosen ? (
                <option value={drafts.gpuType}>{drafts.gpuType} — no pool</option>
              ) : null}
            </select>
          )}
        </Field>
        {NUMBERS.map(({ name, label, min }) => (
          <Field key={name} fieldKey={RESOURCE_KEYS[name]} label={label} error={errors[RESOURCE_KEYS[name]]}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={min}
                step={1}
                value={drafts[name]}
                onChange={(event) => onChange(name, event.target.value)}
              />
            )}
          </Field>
        ))}
      </div>
      {error ? (
        <p className="error" role="alert">
          Could not load the GPU pools: {errorText(error)}
        </p>
      ) : null}
      {pools.length ? (
        <table className="data pools" aria-label="GPU pools">
          <thead>
            <tr>
              <th scope="col">Pool</th>
              <th scope="col">GPU</th>
              <th scope="col">Free</th>
              <th scope="col">Reserved</th>
              <th scope="col">Capacity</th>
              <th scope="col">Per GPU-hour</th>
              <th scope="col">Queue order</th>
            </tr>
          </thead>
          <tbody>
            {pools.map((pool) => (
              <tr key={pool.name} className={pool.gpuType === drafts.gpuType ? "chosen" : undefined}>
                <td>{pool.name}</td>
                <td>{pool.gpuType}</td>
                <td className="num">
                  <strong>{pool.available}</strong>
                  <span className="free-bar" aria-hidden="true">
                    <span style={{ width: `${pool.capacity ? (100 * pool.available) / pool.capacity : 0}%` }} />
                  </span>
                </td>
                <td className="num">{pool.reserved}</td>
                <td className="num">{pool.capacity}</td>
                <td className="num">{formatMoney(pool.hourlyCostPerGpu, "USD")}</td>
                <td title={QUEUE_ORDERS[pool.queueOrder].title}>{QUEUE_ORDERS[pool.queueOrder].label}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
