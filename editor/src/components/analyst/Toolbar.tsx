// The pieces every analyst toolbar repeats: a select with an "all" choice, a search box, and downloads whose failures are reported in words.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/errorText.js';
import { saveBlob } from '../../pages/analyst/analystApi.js';

/** A labelled select; `all` adds a first choice with the empty value. */
export function FilterSelect({ label, value, options, onChange, testId, all }: { label: string; value: string; options: { value: string; label: string }[]; onChange(v: string): void; testId: string; all?: string }) {
  return (
    <label className="inline-field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The distinct years of a list, oldest first, as select options. */
export function periodOptions(items: { period: number | null }[]): { value: string; label: string }[] {
  return [...new Set(items.map((d) => d.period).filter((p): p is number => p !== null))].sort().map((p) => ({ value: String(p), label: String(p) }));
}

/** A search box. */
export function SearchBox({ value, onChange, placeholder, testId }: { value: string; onChange(v: string): void; placeholder: string; testId: string }) {
  return <input type="search" className="search-box" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} aria-label={placeholder} data-testid={testId} />;
}

/** Downloads: `run(make)` saves the file `make` fetches; a failure becomes `error` in the UI language. */
export function useDownload(): { run(make: () => Promise<{ blob: Blob; filename: string }>): Promise<void>; error: string | null; busy: boolean } {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return {
    error,
    busy,
    run: async (make) => {
      setError(null);
      setBusy(true);
      try {
        const f = await make();
        saveBlob(f.blob, f.filename);
      } catch (e) {
        setError(errorText(e, t));
      } finally {
        setBusy(false);
      }
    },
  };
}
