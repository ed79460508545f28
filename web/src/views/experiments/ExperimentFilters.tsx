import { useEffect, useId, useState } from "react";
import { useQuery } from "urql";

import type { ExperimentFilter, ExperimentSortField, ExperimentType } from "../../gql/graphql";
import { statusLabel } from "../../lib/format";
import type { UpdateList } from "./ExperimentsView";
import { DIRECTIONS, type ListState, SORT_FIELDS, STATUSES, TYPES, hasFilters } from "./listState";
import { OwnerPicker } from "./OwnerPicker";
import { TagsFilter } from "./TagsFilter";
import { type FacetCount, facetLabel, useFacets } from "./facets";
import { HypothesisOptionsQuery } from "./operations";

export const SORT_LABELS: Record<ExperimentSortField, string> = {
  CREATED_AT: "Created",
  STARTED_AT: "Started",
  FINISHED_AT: "Finished",
  DURATION: "Duration",
  COST: "Cost",
  METRIC: "Metric",
  NAME: "Name",
};

/** Typing settles for this long before the list follows. */
const TYPING_DELAY_MS = 350;

interface TextFilterProps {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  /** The committed form of a draft, to tell whether it changed anything */
  normalize?: (draft: string) => string;
  placeholder?: string;
  type?: "text" | "search";
  /** Suggestions: values with their counts (free text stays possible) */
  suggestions?: readonly FacetCount[];
}

/** A text field that updates the list once typing settles (or on Enter). */
function TextFilter({
  label,
  value,
  onCommit,
  normalize = (draft) => draft.trim(),
  placeholder,
  type = "text",
  suggestions,
}: TextFilterProps) {
  const id = useId();
  const listId = `${id}-suggestions`;
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const settled = normalize(draft) === value;
  useEffect(() => {
    if (settled) return;
    const timer = setTimeout(() => onCommit(draft), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, settled, onCommit]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={draft}
        placeholder={placeholder}
        list={suggestions ? listId : undefined}
        autoComplete={suggestions ? "off" : undefined}
        onChange={(event) => {
          const value = event.target.value;
          setDraft(value);
          // a pick from the suggestions applies at once
          const native = event.nativeEvent as InputEvent;
          if (
            native.inputType === "insertReplacementText" &&
            suggestions?.some((s) => s.value === value)
          ) {
            onCommit(value);
          }
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !settled) onCommit(draft);
        }}
      />
      {suggestions ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s.value} value={s.value} label={facetLabel(s)} />
          ))}
        </datalist>
      ) : null}
    </div>
  );
}

interface Props {
  state: ListState;
  /** The list's filter, for the dropdowns' counts */
  filter: ExperimentFilter;
  update: UpdateList;
  clear: () => void;
}

export function ExperimentFilters({ state, filter, update, clear }: Props) {
  const facets = useFacets(filter);
  const ids = {
    hypothesis: useId(),
    type: useId(),
    from: useId(),
    to: useId(),
    sort: useId(),
    direction: useId(),
  };
  const [{ data: hypotheses }] = useQuery({ query: HypothesisOptionsQuery });
  // "Metric" picked but no key typed yet: the URL holds no metric sort until there is one
  const [choosingMetric, setChoosingMetric] = useState(false);
  const sortValue = choosingMetric ? "METRIC" : state.sort;

  const text = (name: keyof ListState) => (value: string) =>
    update({ [name]: value.trim() }, { replace: true });

  return (
    <form
      className="filters card"
      aria-label="Filters and sort"
      onSubmit={(event) => event.preventDefault()}
    >
      <TextFilter label="Search" type="search" value={state.search} onCommit={text("search")} />
      <fieldset className="statuses">
        <legend>Status</legend>
        {STATUSES.map((status) => (
          <label key={status} className="check">
            <input
              type="checkbox"
              checked={state.statuses.includes(status)}
              onChange={(event) =>
                update({
                  statuses: event.target.checked
                    ? [...state.statuses, status]
                    : state.statuses.filter((s) => s !== status),
                })
              }
            />
            {statusLabel(status)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={ids.hypothesis}>Hypothesis</label>
        <select
          id={ids.hypothesis}
          value={state.hypothesisId}
          onChange={(event) => update({ hypothesisId: event.target.value })}
        >
          <option value="">Any</option>
          {hypotheses?.hypotheses.map((h) => (
            <option key={h.id} value={h.id}>
              {h.title}
            </option>
          ))}
          {state.hypothesisId &&
          hypotheses &&
          !hypotheses.hypotheses.some((h) => h.id === state.hypothesisId) ? (
            <option value={state.hypothesisId}>{state.hypothesisId}</option>
          ) : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.type}>Type</label>
        <select
          id={ids.type}
          value={state.type}
          onChange={(event) => update({ type: event.target.value as ExperimentType | "" })}
        >
          <option value="">Any</option>
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      <TextFilter
        label="Model"
        value={state.model}
        onCommit={text("model")}
        suggestions={facets.models}
        placeholder="any"
      />
      <TagsFilter
        tags={state.tags}
        suggestions={facets.tags}
        onChange={(tags) => update({ tags })}
      />
      <OwnerPicker ownerId={state.ownerId} onChange={(ownerId) => update({ ownerId })} />
      <div className="field">
        <label htmlFor={ids.from}>Created from</label>
        <input
          id={ids.from}
          type="date"
          value={state.createdFrom}
          max={state.createdTo || undefined}
          onChange={(event) => update({ createdFrom: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>Created to</label>
        <input
          id={ids.to}
          type="date"
          value={state.createdTo}
          min={state.createdFrom || undefined}
          onChange={(event) => update({ createdTo: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.sort}>Sort by</label>
        <select
          id={ids.sort}
          value={sortValue}
          onChange={(event) => {
            const field = event.target.value as ExperimentSortField;
            if (field === "METRIC") {
              setChoosingMetric(true);
              return;
            }
            setChoosingMetric(false);
            update({ sort: field, metricKey: "" });
          }}
        >
          {SORT_FIELDS.map((field) => (
            <option key={field} value={field}>
              {SORT_LABELS[field]}
            </option>
          ))}
        </select>
      </div>
      {sortValue === "METRIC" ? (
        <TextFilter
          label="Metric key"
          value={state.metricKey}
          placeholder="e.g. val_loss"
          onCommit={(value) => {
            const key = value.trim();
            if (key) setChoosingMetric(false);
            update({ sort: key ? "METRIC" : "CREATED_AT", metricKey: key }, { replace: true });
          }}
        />
      ) : null}
      <div className="field">
        <label htmlFor={ids.direction}>Order</label>
        <select
          id={ids.direction}
          value={state.direction}
          onChange={(event) => update({ direction: event.target.value as "ASC" | "DESC" })}
        >
          {DIRECTIONS.map((direction) => (
            <option key={direction} value={direction}>
              {direction === "DESC" ? "Descending" : "Ascending"}
            </option>
          ))}
        </select>
      </div>
      <div className="field actions">
        <button
          type="button"
          onClick={() => {
            setChoosingMetric(false);
            clear();
          }}
          disabled={!hasFilters(state) && state.sort === "CREATED_AT" && state.direction === "DESC"}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}
