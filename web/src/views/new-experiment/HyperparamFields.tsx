/** The hyperparameters rendered from the preset's JSON Schema (schemaForm.ts): numbers and
 * texts as inputs, choices as selects, flags as checkboxes, lists as comma-separated text,
 * nested objects as groups. */
import { Field } from "./Field";
import {
  type Draft,
  type Drafts,
  type FieldErrors,
  type FormField,
  type LeafField,
  boundsHint,
  hyperparamKey,
  optionValue,
} from "./schemaForm";

interface Props {
  fields: readonly FormField[];
  drafts: Drafts;
  errors: FieldErrors;
  onChange: (key: string, draft: Draft) => void;
}

export function HyperparamFields({ fields, drafts, errors, onChange }: Props) {
  return (
    <div className="field-grid">
      {fields.map((field) =>
        field.kind === "group" ? (
          <fieldset key={field.key} className="field-group">
            <legend>{field.label}</legend>
            {field.description ? <p className="field-hint">{field.description}</p> : null}
            <HyperparamFields fields={field.fields} drafts={drafts} errors={errors} onChange={onChange} />
          </fieldset>
        ) : (
          <HyperparamField
            key={field.key}
            field={field}
            draft={drafts[field.key]}
            error={errors[hyperparamKey(field.key)]}
            onChange={onChange}
          />
        ),
      )}
    </div>
  );
}

function hintOf(field: LeafField): string {
  const parts: string[] = [];
  if (field.description && field.description !== field.label) parts.push(field.description);
  if (field.kind === "number" || field.kind === "integer") {
    const bounds = boundsHint(field);
    if (bounds) parts.push(bounds);
    if (field.kind === "integer") parts.push("whole number");
    if (field.nullable) parts.push("empty for none");
  }
  if (field.kind === "list") parts.push("comma-separated");
  if (field.default !== undefined && field.kind !== "boolean") {
    parts.push(`default ${Array.isArray(field.default) ? field.default.join(", ") : String(field.default)}`);
  }
  return parts.join(" · ");
}

export function HyperparamField({
  field,
  draft,
  error,
  onChange,
  label,
}: {
  field: LeafField;
  draft: Draft | undefined;
  error: string | undefined;
  onChange: (key: string, draft: Draft) => void;
  /** Overrides the schema's label (`Total epochs` for `epochs`). */
  label?: string;
}) {
  const key = hyperparamKey(field.key);
  const hint = (
    <>
      <code>{field.key}</code>
      {hintOf(field) ? ` · ${hintOf(field)}` : ""}
    </>
  );
  if (field.kind === "boolean") {
    return (
      <Field fieldKey={key} label={label ?? field.label} hint={hint} error={error} className="field-check">
        {(props) => (
          <input
            {...props}
            type="checkbox"
            checked={draft === true}
            onChange={(event) => onChange(field.key, event.target.checked)}
          />
        )}
      </Field>
    );
  }
  const text = typeof draft === "string" ? draft : "";
  if (field.kind === "enum") {
    return (
      <Field fieldKey={key} label={label ?? field.label} hint={hint} error={error} required={field.required}>
        {(props) => (
          <select {...props} value={text} onChange={(event) => onChange(field.key, event.target.value)}>
            {field.required && field.default !== undefined ? null : <option value="">Not set</option>}
            {field.options.map((option) => (
              <option key={optionValue(option)} value={optionValue(option)}>
                {String(option)}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }
  const numeric = field.kind === "number" || field.kind === "integer";
  return (
    <Field fieldKey={key} label={label ?? field.label} hint={hint} error={error} required={field.required}>
      {(props) => (
        <input
          {...props}
          type="text"
          inputMode={numeric ? (field.kind === "integer" ? "numeric" : "decimal") : undefined}
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(event) => onChange(field.key, event.target.value)}
        />
      )}
    </Field>
  );
}
