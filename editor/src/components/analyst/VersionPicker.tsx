// A select of the published rule-set versions the analyst pages evaluate under; the one in force today is marked.
import { useTranslation } from 'react-i18next';

export function VersionPicker({ value, refs, inForce, onChange, testId = 'version-picker', label }: { value: string | null; refs: string[]; inForce?: string | null; onChange(r: string): void; testId?: string; label?: string }) {
  const { t } = useTranslation();
  return (
    <label className="inline-field">
      <span>{label ?? t('analyst.common.version')}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {refs.map((r) => (
          <option key={r} value={r}>
            {r === inForce ? t('analyst.common.inForceOption', { ref: r }) : r}
          </option>
        ))}
      </select>
    </label>
  );
}
