// Someone else saved the draft meanwhile: their changes and mine merged automatically (announced), or, for the items both of us changed, the two versions side by side with a choice per item; nothing is dropped without being shown.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { RuleSetDocument } from '../../hooks/useRuleSetDocument.js';
import { conflictItems, type MergeConflict } from '../../model/merge.js';
import { pick } from '../../i18n/i18n.js';
import type { I18nText } from '../../../../engine/index.js';

type Choice = 'mine' | 'theirs';

/** The words for an item: its label (or question) from the rule set, never a bare id when there is a label. */
function itemTitle(item: MergeConflict['item'], lang: string): { label: string; id: string } {
  const o = (item.mine ?? item.theirs ?? item.base) as { id?: string; label?: I18nText; question?: I18nText; title?: I18nText } | undefined;
  const text = o?.label ?? o?.question ?? o?.title;
  return { label: text ? pick(text, lang) : '', id: o?.id ?? '' };
}

function Value({ v, lang }: { v: unknown; lang: string }) {
  const { t } = useTranslation();
  if (v === undefined) return <em className="muted">{t('conflict.absent')}</em>;
  if (v === null) return <span>—</span>;
  if (typeof v !== 'object') return <span className="mono">{String(v)}</span>;
  if (!Array.isArray(v) && 'zh' in v && 'en' in v) return <span>{pick(v as I18nText, lang)}</span>;
  return <pre className="conflict-json">{JSON.stringify(v, null, 2)}</pre>;
}

function fieldName(field: string, t: TFunction): string {
  if (!field) return t('conflict.wholeItem');
  const head = field.split('.')[0];
  const known = t(`conflict.fields.${head}`, { defaultValue: '' });
  return known ? (field === head ? known : `${known}（${field.slice(head.length + 1)}）`) : field;
}

export function ConflictBanner({ doc }: { doc: RuleSetDocument }) {
  const { t, i18n } = useTranslation();
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const c = doc.conflict;
  if (!c) return null;
  const lang = i18n.language;
  const items = conflictItems(c.conflicts);
  const all = items.every((g) => choices[g.itemKey]);
  const setAll = (ch: Choice) => setChoices(Object.fromEntries(items.map((g) => [g.itemKey, ch])));
  return (
    <div className="banner conflict sticky-banner" role="alert" data-testid="conflict-banner">
      <strong>{t('conflict.title')}</strong>
      <p>{t('conflict.who', { who: c.current.updatedBy, when: new Date(c.current.updatedAt).toLocaleString(lang), revision: c.current.revision })}</p>
      <p>{t('conflict.mergedRest', { count: items.length })}</p>
      <div className="conflict-items">
        {items.map((g) => {
          const title = itemTitle(g.item, lang);
          return (
            <fieldset key={g.itemKey} className="conflict-item" data-testid={`conflict-item-${title.id || g.itemKey}`}>
              <legend>
                {title.label || g.itemKey} {title.id && <code className="id">{title.id}</code>}
              </legend>
              <table className="grid small conflict-sides">
                <thead>
                  <tr>
                    <th>{t('conflict.field')}</th>
                    <th>{t('conflict.base')}</th>
                    <th>{t('conflict.mine')}</th>
                    <th>{t('conflict.theirs', { who: c.current.updatedBy })}</th>
                  </tr>
                </thead>
                <tbody>
                  {g.fields.map((f) => (
                    <tr key={f.key}>
                      <td>{fieldName(f.field, t)}</td>
                      <td className="muted">
                        <Value v={f.base} lang={lang} />
                      </td>
                      <td className={choices[g.itemKey] === 'mine' ? 'chosen' : ''} data-testid="conflict-mine">
                        <Value v={f.mine} lang={lang} />
                      </td>
                      <td className={choices[g.itemKey] === 'theirs' ? 'chosen' : ''} data-testid="conflict-theirs">
                        <Value v={f.theirs} lang={lang} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="conflict-choice">
                <label>
                  <input type="radio" name={`choice-${g.itemKey}`} checked={choices[g.itemKey] === 'mine'} onChange={() => setChoices((x) => ({ ...x, [g.itemKey]: 'mine' }))} data-testid="choose-mine" /> {t('conflict.keepMineItem')}
                </label>
                <label>
                  <input type="radio" name={`choice-${g.itemKey}`} checked={choices[g.itemKey] === 'theirs'} onChange={() => setChoices((x) => ({ ...x, [g.itemKey]: 'theirs' }))} data-testid="choose-theirs" /> {t('conflict.takeTheirsItem')}
                </label>
              </div>
            </fieldset>
          );
        })}
      </div>
      {c.changes && c.changes.length > 0 && (
        <details className="small">
          <summary>{t('conflict.theirChanges')}</summary>
          <ul>
            {c.changes.slice(0, 50).map((ch, n) => (
              <li key={n}>{pick(ch.text, lang)}</li>
            ))}
          </ul>
        </details>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={!all} onClick={() => void doc.resolve(choices).then(() => setChoices({}))} data-testid="conflict-apply">
          {t('conflict.apply')}
        </button>
        <button type="button" onClick={() => setAll('mine')}>
          {t('conflict.allMine')}
        </button>
        <button type="button" onClick={() => setAll('theirs')}>
          {t('conflict.allTheirs')}
        </button>
        <button type="button" className="warn-button" onClick={() => void doc.takeTheirs()} data-testid="conflict-take-theirs">
          {t('conflict.takeTheirs')}
        </button>
      </div>
    </div>
  );
}

/** Their changes were merged with mine without a conflict: say so, and what they changed. */
export function MergeNotice({ doc }: { doc: RuleSetDocument }) {
  const { t, i18n } = useTranslation();
  const m = doc.merged;
  if (!m) return null;
  return (
    <div className="banner info" role="status" data-testid="merge-notice">
      <strong>{t('conflict.mergedTitle', { who: m.current.updatedBy, revision: m.current.revision })}</strong>
      {m.changes && m.changes.length > 0 ? (
        <ul className="small">
          {m.changes.slice(0, 30).map((ch, n) => (
            <li key={n}>{pick(ch.text, i18n.language)}</li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('conflict.noDetails')}</p>
      )}
      <button type="button" className="link small" onClick={doc.dismissMerged}>
        {t('common.close')}
      </button>
    </div>
  );
}
