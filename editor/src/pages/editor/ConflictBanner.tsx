// Shown when someone else saved the draft meanwhile: who and when, what they changed, and a deliberate choice instead of an overwrite.
import { useTranslation } from 'react-i18next';
import type { RuleSetDocument } from '../../hooks/useRuleSetDocument.js';
import { pick } from '../../i18n/i18n.js';

export function ConflictBanner({ doc }: { doc: RuleSetDocument }) {
  const { t, i18n } = useTranslation();
  const c = doc.conflict;
  if (!c) return null;
  return (
    <div className="banner conflict" role="alert" data-testid="conflict-banner">
      <strong>{t('conflict.title')}</strong>
      <p>{t('conflict.who', { who: c.current.updatedBy, when: new Date(c.current.updatedAt).toLocaleString(i18n.language), revision: c.current.revision })}</p>
      {c.changes && c.changes.length > 0 ? (
        <>
          <p>{t('conflict.theirChanges')}</p>
          <ul>
            {c.changes.slice(0, 30).map((ch, n) => (
              <li key={n}>{pick(ch.text, i18n.language)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('conflict.noDetails')}</p>
      )}
      <div className="actions">
        <button type="button" onClick={() => void doc.takeTheirs()} data-testid="conflict-take-theirs">
          {t('conflict.takeTheirs')}
        </button>
        <button type="button" className="warn-button" onClick={() => void doc.keepMine()} data-testid="conflict-keep-mine">
          {t('conflict.keepMine')}
        </button>
      </div>
    </div>
  );
}
