/** New experiment (`/experiments/new`, `?hypothesis=<id>` preselects one): pick the
 * hypothesis and the type; the type's preset fills the hyperparameters (from its JSON
 * Schema, with its defaults) and the resources. The browser checks each field by the
 * schema's rules before sending; the service's `VALIDATION_FAILED` field errors land under
 * their fields too. The priority (the GPU queue's order) is offered above 0 only to a user
 * the service says may raise it; others see the limit. `Create` opens the new experiment;
 * `Create and start` starts it as well — or, without free GPUs, puts it in the GPU queue
 * (`wait: true`) — and opens it (its page shows its place in the queue); it says so when
 * the start was refused (no pool of its GPU type: it then stays queued). */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";

import { paths } from "../../app/paths";
import type { ExperimentType, NewExperimentOptionsQuery } from "../../gql/graphql";
import { RAISE_LIMIT, priorityRange } from "../queue/priority";
import { useMayRaisePriority } from "../queue/QueueControls";
import { Field } from "./Field";
import { HyperparamField, HyperparamFields } from "./HyperparamFields";
import { ResourcesFields } from "./ResourcesFields";
import {
  type Basics,
  type ResourceDrafts,
  SUGGESTIONS,
  TYPES,
  buildInput,
  knownKeys,
  resourceDrafts,
} from "./formModel";
import "./newExperiment.css";
import {
  CreateExperimentMutation,
  NewExperimentOptionsQuery as OptionsQuery,
  StartExperimentMutation,
} from "./operations";
import {
  ADVANCED_KEY,
  type Draft,
  type Drafts,
  type FieldErrors,
  type SchemaForm,
  buildHyperparams,
  describeSchema,
  initialAdvanced,
  initialDrafts,
} from "./schemaForm";
import { errorCode, errorText, placeServerErrors, validationFields } from "./serverErrors";

type Preset = NewExperimentOptionsQuery["presets"][number];

/** The hyperparameter shown as the run's `Total epochs` rather than among the others. */
const EPOCHS = "epochs";

interface Created {
  id: string;
  name: string;
  /** Why the start failed (the experiment stays QUEUED). */
  startError: { code: string | null; message: string } | null;
}

export function NewExperimentView() {
  const [{ data, error, fetching }] = useQuery({ query: OptionsQuery });
  useEffect(() => {
    document.title = "New experiment · Experiment Service";
  }, []);
  return (
    <section className="new-experiment" aria-labelledby="new-experiment-title">
      <div className="view-header">
        <h1 id="new-experiment-title">New experiment</h1>
      </div>
      {error ? (
        <p className="error" role="alert">
          Could not load the presets: {errorText(error)}
        </p>
      ) : null}
      {!data && fetching ? <p className="muted">Loading the presets…</p> : null}
      {data ? <NewExperimentForm hypotheses={data.hypotheses} presets={data.presets} /> : null}
    </section>
  );
}

interface FormProps {
  hypotheses: NewExperimentOptionsQuery["hypotheses"];
  presets: Preset[];
}

function presetState(preset: Preset | undefined): {
  form: SchemaForm;
  drafts: Drafts;
  advanced: string;
  resources: ResourceDrafts;
} {
  const form = describeSchema(preset?.hyperparamSchema);
  return {
    form,
    drafts: initialDrafts(form.fields, preset?.defaults),
    advanced: initialAdvanced(form.advancedKeys, preset?.defaults),
    resources: resourceDrafts(
      preset?.defaultResources ?? { gpuCount: 0, cpuCores: 1, memoryGb: 4, maxDurationMinutes: 60 },
    ),
  };
}

function NewExperimentForm({ hypotheses, presets }: FormProps) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const asked = params.get("hypothesis") ?? "";
  const firstType: ExperimentType = TYPES.find((t) => presets.some((p) => p.type === t)) ?? "ML";

  const [basics, setBasics] = useState<Basics>(() => ({
    hypothesisId: hypotheses.some((h) => h.id === asked) ? asked : "",
    type: firstType,
    name: "",
    description: "",
    tags: "",
    priority: "0",
    ...SUGGESTIONS[firstType],
  }));
  // model and framework follow the type's suggestion until the user types their own
  const [edited, setEdited] = useState<{ model: boolean; framework: boolean }>({
    model: false,
    framework: false,
  });
  const preset = presets.find((p) => p.type === basics.type);
  const [state, setState] = useState(() => presetState(preset));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"create" | "start" | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [, create] = useMutation(CreateExperimentMutation);
  const [, start] = useMutation(StartExperimentMutation);
  const mayRaisePriority = useMayRaisePriority();
  const priorityLimits = priorityRange(mayRaisePriority);
  const formRef = useRef<HTMLFormElement>(null);
  const focusError = useRef(false);

  const known = useMemo(() => knownKeys(state.form.fields), [state.form]);
  const epochs = state.form.fields.find((f) => f.key === EPOCHS && f.kind !== "group");
  const otherFields = state.form.fields.filter((f) => f !== epochs);

  // after a refused submit, the first field in error takes the focus
  useEffect(() => {
    if (!focusError.current) return;
    focusError.current = false;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const clearError = useCallback((key: string) => {
    setErrors((current) => {
      if (!(key in current)) return current;
      const next = { ...current };
      delete next[key];
      return next;
    });
  }, []);

  const setBasic = (name: keyof Basics, value: string) => {
    clearError(name);
    if (name === "model" || name === "framework") setEdited((e) => ({ ...e, [name]: true }));
    setBasics((current) => ({ ...current, [name]: value }));
  };

  const chooseType = (type: ExperimentType) => {
    setBasics((current) => ({
      ...current,
      type,
      model: edited.model ? current.model : SUGGESTIONS[type].model,
      framework: edited.framework ? current.framework : SUGGESTIONS[type].framework,
    }));
    setState(presetState(presets.find((p) => p.type === type)));
    // errors of the old preset's fields mean nothing now
    setErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith("hyperparams") && !key.startsWith("resources"))),
    );
  };

  const setDraft = (key: string, draft: Draft) => {
    clearError(`hyperparams.${key}`);
    setState((current) => ({ ...current, drafts: { ...current.drafts, [key]: draft } }));
  };

  const setResource = (name: keyof ResourceDrafts, value: string) => {
    clearError(`resources.${name}`);
    setState((current) => ({ ...current, resources: { ...current.resources, [name]: value } }));
  };

  const startIt = async (experiment: { id: string; name: string }) => {
    const started = await start({ id: experiment.id });
    if (started.error) {
      setCreated({
        ...experiment,
        startError: { code: errorCode(started.error), message: errorText(started.error) },
      });
      return;
    }
    navigate(paths.experiment(experiment.id));
  };

  const submit = async (andStart: boolean) => {
    setFormError(null);
    const hyper = buildHyperparams(state.form.fields, state.drafts, state.advanced);
    const built = buildInput(basics, state.resources, hyper.hyperparams, { mayRaisePriority });
    const found = { ...hyper.errors, ...built.errors };
    if (Object.keys(found).length || !built.input) {
      focusError.current = true;
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(andStart ? "start" : "create");
    try {
      const result = await create({ input: built.input });
      if (result.error || !result.data) {
        const fields = validationFields(result.error);
        if (fields) {
          const placed = placeServerErrors(fields, known);
          focusError.current = true;
          setErrors(placed.fields);
          setFormError(
            placed.unplaced.length
              ? `The service refused: ${placed.unplaced.map(([path, message]) => `${path} ${message}`).join("; ")}`
              : "The service refused some fields: see the messages under them.",
          );
        } else {
          setFormError(`Could not create the experiment: ${result.error ? errorText(result.error) : "no answer"}`);
        }
        return;
      }
      const experiment = result.data.createExperiment;
      if (!andStart) {
        navigate(paths.experiment(experiment.id));
        return;
      }
      await startIt(experiment);
    } finally {
      setBusy(null);
    }
  };

  const retryStart = async () => {
    if (!created) return;
    setBusy("start");
    try {
      await startIt(created);
    } finally {
      setBusy(null);
    }
  };

  const createAnother = () => {
    setCreated(null);
    setBasics((current) => ({ ...current, name: "" }));
  };

  return (
    <form
      ref={formRef}
      className="experiment-form"
      aria-label="New experiment"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(false);
      }}
    >
      <fieldset className="card form-section">
        <legend>Experiment</legend>
        {hypotheses.length === 0 ? (
          <p className="notice">
            No hypothesis to file it under yet: create one first (<code>createHypothesis</code> in{" "}
            <a href="/graphql">GraphiQL</a>).
          </p>
        ) : null}
        <div className="field-grid">
          <Field fieldKey="hypothesisId" label="Hypothesis" error={errors["hypothesisId"]} required className="wide">
            {(props) => (
              <select {...props} value={basics.hypothesisId} onChange={(e) => setBasic("hypothesisId", e.target.value)}>
                <option value="">Choose a hypothesis…</option>
                {hypotheses.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset className="type-picker wide">
            <legend>Type</legend>
            <div className="type-options">
              {TYPES.map((type) => {
                const p = presets.find((x) => x.type === type);
                return (
                  <label key={type} className={basics.type === type ? "type-option chosen" : "type-option"}>
                    <input
                      type="radio"
                      name="type"
                      value={type}
                      checked={basics.type === type}
                      disabled={!p}
                      aria-labelledby={`type-${type}`}
                      aria-describedby={`type-${type}-description`}
                      onChange={() => chooseType(type)}
                    />
                    <span className="type-name" id={`type-${type}`}>
                      {type}
                    </span>
                    <span className="type-description" id={`type-${type}-description`}>
                      {p?.description ?? "no preset"}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
          <Field fieldKey="name" label="Name" error={errors["name"]} required>
            {(props) => (
              <input
                {...props}
                type="text"
                autoComplete="off"
                placeholder="e.g. lr-sweep-3e-4"
                value={basics.name}
                onChange={(e) => setBasic("name", e.target.value)}
              />
            )}
          </Field>
          <Field fieldKey="model" label="Model" error={errors["model"]} required>
            {(props) => (
              <input {...props} type="text" autoComplete="off" value={basics.model} onChange={(e) => setBasic("model", e.target.value)} />
            )}
          </Field>
          <Field fieldKey="framework" label="Framework" error={errors["framework"]} required>
            {(props) => (
              <input
                {...props}
                type="text"
                autoComplete="off"
                value={basics.framework}
                onChange={(e) => setBasic("framework", e.target.value)}
              />
            )}
          </Field>
          {epochs && epochs.kind !== "group" ? (
            <HyperparamField
              field={epochs}
              label="Total epochs"
              draft={state.drafts[epochs.key]}
              error={errors[`hyperparams.${epochs.key}`]}
              onChange={setDraft}
            />
          ) : null}
          <Field fieldKey="tags" label="Tags" error={errors["tags"]} hint="comma-separated">
            {(props) => (
              <input {...props} type="text" autoComplete="off" value={basics.tags} onChange={(e) => setBasic("tags", e.target.value)} />
            )}
          </Field>
          <Field
            fieldKey="priority"
            label="Priority"
            error={errors["priority"]}
            hint={
              mayRaisePriority
                ? `The GPU queue's order: higher starts first (${priorityLimits.min} to ${priorityLimits.max}); 0 keeps the pool's order.`
                : `The GPU queue's order: 0 or less; below 0 lets others start first. ${RAISE_LIMIT}`
            }
          >
            {(props) => (
              <input
                {...props}
                type="number"
                step={1}
                min={priorityLimits.min}
                max={priorityLimits.max}
                value={basics.priority}
                onChange={(e) => setBasic("priority", e.target.value)}
              />
            )}
          </Field>
          <Field fieldKey="description" label="Description" error={errors["description"]} className="wide">
            {(props) => (
              <textarea {...props} rows={3} value={basics.description} onChange={(e) => setBasic("description", e.target.value)} />
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="card form-section">
        <legend>Hyperparameters</legend>
        <p className="field-hint">
          From the {basics.type} preset&apos;s schema, with its defaults. Each is checked here and again by the
          service.
        </p>
        <HyperparamFields fields={otherFields} drafts={state.drafts} errors={errors} onChange={setDraft} />
        <Field
          fieldKey={ADVANCED_KEY}
          label="Advanced: edit as JSON"
          error={errors[ADVANCED_KEY]}
          className="advanced"
          hint={
            state.form.advancedKeys.length
              ? `A JSON object for what the fields above cannot show (${state.form.advancedKeys.join(", ")}) and any other hyperparameter; its keys override the fields.`
              : "A JSON object for any other hyperparameter; its keys override the fields."
          }
        >
          {(props) => (
            <textarea
              {...props}
              rows={Math.min(12, Math.max(3, state.advanced.split("\n").length + 1))}
              spellCheck={false}
              className="json"
              value={state.advanced}
              onChange={(e) => {
                clearError(ADVANCED_KEY);
                const advanced = e.target.value;
                setState((current) => ({ ...current, advanced }));
              }}
            />
          )}
        </Field>
      </fieldset>

      <fieldset className="card form-section">
        <legend>Resources</legend>
        <ResourcesFields drafts={state.resources} errors={errors} onChange={setResource} />
      </fieldset>

      {formError ? (
        <p className="error" role="alert">
          {formError}
        </p>
      ) : null}
      {created ? (
        <div className="error start-refused" role="alert">
          <p>
            Created <Link to={paths.experiment(created.id)}>{created.name}</Link>, but it could not start
            {created.startError?.code === "RESOURCES_UNAVAILABLE" ? " (resources unavailable)" : ""}:{" "}
            {created.startError?.message}.
          </p>
          <p>
            It stays <strong>Queued</strong>: start it from <Link to={paths.experiment(created.id)}>its page</Link>{" "}
            when GPUs are free.
          </p>
          <div className="form-actions">
            <button type="button" onClick={() => void retryStart()} disabled={busy !== null}>
              {busy === "start" ? "Starting…" : "Try to start again"}
            </button>
            <button type="button" onClick={createAnother} disabled={busy !== null}>
              Create another
            </button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          <button type="submit" disabled={busy !== null}>
            {busy === "create" ? "Creating…" : "Create"}
          </button>
          <button type="button" className="primary" disabled={busy !== null} onClick={() => void submit(true)}>
            {busy === "start" ? "Starting…" : "Create and start"}
          </button>
          <Link to={paths.experiments}>Cancel</Link>
        </div>
      )}
    </form>
  );
}
