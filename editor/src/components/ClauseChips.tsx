// Clause ids as small buttons; choosing one shows the clause's text in the side column.
import { useTranslation } from 'react-i18next';

export function ClauseChips({ cites, onPick }: { cites: string[]; onPick?(): void }) {
  const { t } = useTranslation();
  if (!cites.length) return <span className="muted">—</span>;
  return (
    <span className="chips">
      {cites.map((c) => (
        <button key={c} type="button" className="chip" title={t('clause.show')} onClick={(e) => { e.stopPropagation(); onPick?.(); }}>
          {c}
        </button>
      ))}
    </span>
  );
}
