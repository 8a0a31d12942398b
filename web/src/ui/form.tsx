// Forms whose errors are shown at the field, in the reader's language: a 400's details land
// under their input (aria-invalid + aria-describedby); any other error above the button.
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "../api";
import { errorText, fieldErrorText, t } from "../i18n";

export type FormState = {
  busy: boolean;
  error: string | null;
  fields: Record<string, string>;
};

/** Submit handling: runs `action`, maps an ApiError's details to fields, keeps the rest as one message. */
export function useForm() {
  const [state, setState] = useState<FormState>({ busy: false, error: null, fields: {} });
  async function run(action: () => Promise<void>): Promise<boolean> {
    setState({ busy: true, error: null, fields: {} });
    try {
      await action();
      setState({ busy: false, error: null, fields: {} });
      return true;
    } catch (err) {
      const fields: Record<string, string> = {};
      if (err instanceof ApiError) {
        for (const [name, d] of Object.entries(err.fields())) fields[name] = fieldErrorText(d.type, d.message);
      }
      const general = Object.keys(fields).length && err instanceof ApiError && err.code === "invalid_request" ? null : errorText(err);
      setState({ busy: false, error: general, fields });
      return false;
    }
  }
  /** Put an error at a field by hand (e.g. a code the API reports for one field). */
  function setField(name: string, message: string) {
    setState((s) => ({ ...s, fields: { ...s.fields, [name]: message } }));
  }
  return { ...state, run, setField };
}

type FieldProps = {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; name: string; "aria-invalid"?: boolean; "aria-describedby"?: string }) => ComponentChildren;
  /** An id prefix, so that two forms on one page do not share ids. */
  form?: string;
};

/** A labelled field; `children` renders the input with the id and aria attributes it is given. */
export function Field({ label, name, error, hint, children, form = "f" }: FieldProps) {
  const id = `${form}-${name}`;
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      {children({ id, name, "aria-invalid": error ? true : undefined, "aria-describedby": described })}
      {hint ? <small id={`${id}-hint`} class="hint">{hint}</small> : null}
      {error ? (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A character counter for a text limit (`12 / 140 文字`), red when over. */
export function Counter({ value, max }: { value: string; max: number }) {
  const count = [...value].length;
  return <small class={`counter${count > max ? " over" : ""}`} aria-live="polite">{t("common.chars", { count, max })}</small>;
}

export function FormError({ error }: { error: string | null }) {
  return error ? <p class="msg-error" role="alert">{error}</p> : null;
}

/** The values of a form's named inputs as strings. */
export function values(e: JSX.TargetedEvent<HTMLFormElement, Event>): Record<string, string> {
  const data = new FormData(e.currentTarget);
  const out: Record<string, string> = {};
  data.forEach((v, k) => (out[k] = typeof v === "string" ? v : ""));
  return out;
}
