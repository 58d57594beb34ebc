// The original text of the clauses the selected item cites, from the project's copy of the policy (Chinese original; English beside it in English mode).
import { useTranslation } from 'react-i18next';
import type { ClauseText } from '../api/client.js';
import { useEditor } from '../pages/editor/useEditor.js';

export function ClausePanel({ clauses }: { clauses: Map<string, ClauseText> }) {
  const { t, i18n } = useTranslation();
  const { selection } = useEditor();
  const en = i18n.language.startsWith('en');
  return (
    <section className="panel" aria-label={t('clause.title')} data-testid="clause-panel">
      <h2>{t('clause.title')}</h2>
      {!selection || selection.cites.length === 0 ? (
        <p className="muted">{t('clause.none')}</p>
      ) : (
        selection.cites.map((id) => {
          const c = clauses.get(id);
          return (
            <div key={id} className="clause">
              <div className="clause-head">
                <strong>{id}</strong> {c?.chapter_zh && <span className="muted small">{en ? (c.chapter_en ?? c.chapter_zh) : c.chapter_zh}</span>}
              </div>
              {c ? (
                <>
                  <blockquote lang="zh-CN">{c.text_zh}</blockquote>
                  {c.remarks_zh && (
                    <blockquote lang="zh-CN" className="remarks">
                      {t('clause.remarks')}：{c.remarks_zh}
                    </blockquote>
                  )}
                  {en && c.text_en && <blockquote lang="en" className="translation">{c.text_en}</blockquote>}
                </>
              ) : (
                <p className="muted">{t('clause.missing')}</p>
              )}
            </div>
          );
        })
      )}
    </section>
  );
}
