// Every schema and semantic issue of the document; clicking one jumps to its place in the visual view (or the JSON view when no form shows it).
import { useTranslation } from 'react-i18next';
import type { Issue } from '../../../engine/index.js';
import { useIssueText } from '../components/issueText.js';

export function ProblemsPanel({ issues, onJump }: { issues: Issue[]; onJump(issue: Issue, where: 'visual' | 'json'): void }) {
  const { t } = useTranslation();
  const words = useIssueText();
  const errors = issues.filter((i) => i.severity !== 'warning').length;
  return (
    <section className="panel" aria-label={t('problems.title')} data-testid="problems-panel">
      <h2>
        {t('problems.title')}{' '}
        <span className={`badge ${errors ? 'bad' : 'ok'}`} data-testid="problem-count">
          {errors ? t('problems.errors', { count: errors }) : t('problems.none')}
        </span>
        {issues.length - errors > 0 && <span className="badge warn">{t('problems.warnings', { count: issues.length - errors })}</span>}
      </h2>
      <ul className="problems">
        {issues.slice(0, 200).map((i, n) => {
          const w = words(i);
          const path = i.path.length ? i.path.join('.') : t('problems.root');
          return (
            <li key={n} className={i.severity === 'warning' ? 'warning' : 'error'}>
              <button type="button" className="problem" onClick={() => onJump(i, 'visual')} data-testid="problem" title={path}>
                <span className="path">{w.place || path}</span>
                <span className="msg">
                  {t(`issues.${i.code}`, { defaultValue: '' }) && <strong>{t(`issues.${i.code}`)}</strong>} {w.message}
                </span>
              </button>
              <button type="button" className="link small" onClick={() => onJump(i, 'json')}>
                {t('problems.inJson')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
