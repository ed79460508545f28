/** One labelled input with its hint and its error (announced, and tied to the input by
 * `aria-describedby`). */
import type { ReactNode } from "react";

/** The DOM id of the input owning a field key (`hyperparams.learning_rate`). */
export function inputId(key: string): string {
  return `f-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

export interface FieldProps {
  /** The field key (errors are keyed by it; the input's id is `inputId(key)`). */
  fieldKey: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  className?: string;
  /** Renders the input with the props that tie it to its label, hint and error. */
  children: (props: InputProps) => ReactNode;
}

export interface InputProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
  "aria-required": boolean | undefined;
}

export function Field({ fieldKey, label, hint, error, required, className, children }: FieldProps) {
  const id = inputId(fieldKey);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </label>
      {children({
        id,
        "aria-invalid": Boolean(error),
        "aria-describedby": describedBy,
        "aria-required": required || undefined,
      })}
      {error ? (
        <p className="field-error" id={errorId ?? undefined} role="alert">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="field-hint" id={hintId ?? undefined}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
