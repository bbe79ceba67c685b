/**
 * A file input that reads in the app's language. The browser's own control says "Choose
 * Files / No file chosen" in the browser's language (English on many phones): here the
 * real input lies, transparent, over a button-like label of ours, so a tap still opens
 * the phone's picker and the keyboard focus ring shows on the visible button.
 *
 * Its accessible name is the field's label followed by the words it shows ("Foto
 * dokumentasi Pilih foto…"): a voice-control user says what is seen (WCAG 2.5.3), and the
 * label stays the name's start. The shown words are hidden from reading on their own, as
 * they are read in the name.
 */
export interface FilePickerProps {
  /** What the visible button says, e.g. "Pilih foto…". */
  text: string;
  /** The id of the field's `<label>`. */
  labelId: string;
  id: string;
  name?: string;
  accept: string;
  multiple?: boolean;
  onChange: (e: Event) => void;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
}

export function FilePicker({ text, labelId, ...input }: FilePickerProps) {
  const textId = `${input.id}-text`;
  return (
    <span class="file-picker">
      <span class="button" id={textId} aria-hidden="true">
        {text}
      </span>
      <input type="file" aria-labelledby={`${labelId} ${textId}`} {...input} />
    </span>
  );
}
