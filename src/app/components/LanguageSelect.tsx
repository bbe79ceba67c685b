/** The language choice, each language named in itself (Pengaturan, and the monitoring screens). */
import { LANGS, type Lang } from '../../domain';

const LANG_NAMES: Record<Lang, string> = { id: 'Bahasa Indonesia', en: 'English' };

export function LanguageSelect({ id, label, lang, onChange }: { id: string; label: string; lang: Lang; onChange: (lang: Lang) => void }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={lang} onChange={(e) => onChange((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
