/**
 * A file input that reads in the app's language. The browser's own control says "Choose
 * Files / No file chosen" in the browser's language (English on many phones): here the
 * real input lies, transparent, over a button-like label of ours, so a tap still opens
 * the phone's picker and the keyboard focus ring shows on the visible button.
 *
 * Its accessible name is the field's label alone, exactly as DOMAIN.md gives it ("Foto
 * dokumentasi"); the words it shows ("Pilih foto…") are its description, read after the
 * name, and hidden from reading on their own.
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
  const textId = `${input.id}-text`;
  const describedBy = [textId, input['aria-describedby']].filter(Boolean).join(' ');
  return (
    <span class="file-picker">
      <span class="button" id={textId} aria-hidden="true">
        {text}
      </span>
      <input type="file" {...input} aria-describedby={describedBy} />
    </span>
  );
}
