/**
 * A labelled form control with its error message. The label is the accessible name;
 * the message is tied to the control with aria-describedby and aria-invalid, so a
 * screen reader hears it and it is not shown by colour alone.
 */
import type { ComponentChildren } from 'preact';

export interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

export function Field({ id, label, error, hint, children }: FieldProps) {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children(ids, !!error)}
      {error && (
        <p class="error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          <span>{error}</span>
        </p>
      )}
    </div>
  );
}

/** Props for a text-like input inside `Field`. */
export function inputProps(id: string, describedBy: string | undefined, invalid: boolean) {
  return { id, name: id, 'aria-describedby': describedBy, 'aria-invalid': invalid ? ('true' as const) : undefined };
}
