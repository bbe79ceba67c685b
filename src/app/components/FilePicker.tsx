/**
 * A file input that reads in the app's language. The browser's own control says "Choose
 * Files / No file chosen" in the browser's language (English on many phones): here the
 * real input lies, transparent, over a button-like label of ours, so a tap still opens
 * the phone's picker, the input keeps the field's label as its accessible name, and the
 * keyboard focus ring shows on the visible button.
 */
export interface FilePickerProps {
  /** What the visible button says, e.g. "Pilih foto…". */
  text: string;
  id: string;
  name?: string;
  accept: string;
  multiple?: boolean;
  onChange: (e: Event) => void;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
}

export function FilePicker({ text, ...input }: FilePickerProps) {
  return (
    <span class="file-picker">
      <span class="button" aria-hidden="true">
        {text}
      </span>
      <input type="file" {...input} />
    </span>
  );
}
