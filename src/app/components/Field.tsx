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
  /**
   * The message is also said aloud when it shows: for one that comes without a save (a
   * picked file refused). A save's messages are read as focus moves to their fields.
   */
  live?: boolean;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

export function Field({ id, label, error, hint, live, children }: FieldProps) {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const message = error && (
    <p class="error" id={`${id}-error`}>
      <span aria-hidden="true">⚠ </span>
      <span>{error}</span>
    </p>
  );
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      {/* Its id lets a control be named by the label and words of its own (FilePicker). */}
      <label for={id} id={`${id}-label`}>
        {label}
      </label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children(ids, !!error)}
      {/* A live region is read when what it holds changes: it is there before the message. */}
      {live ? <div role="status">{message}</div> : message}
    </div>
  );
}

/** Props for a text-like input inside `Field`. */
export function inputProps(id: string, describedBy: string | undefined, invalid: boolean) {
  return { id, name: id, 'aria-describedby': describedBy, 'aria-invalid': invalid ? ('true' as const) : undefined };
}
