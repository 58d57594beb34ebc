// Issues shown inline next to the item they concern.
import { useTranslation } from 'react-i18next';
import type { Issue } from '../../../engine/index.js';
import { useIssueText } from './issueText.js';

export function IssueList({ issues }: { issues: Issue[] }) {
  const { t } = useTranslation();
  const words = useIssueText();
  return (
    <ul className="inline-issues">
      {issues.map((i, n) => (
        <li key={n} className={i.severity === 'warning' ? 'warning' : 'error'}>
          {t(`issues.${i.code}`, { defaultValue: '' }) ? <strong>{t(`issues.${i.code}`)}</strong> : <code>{i.code}</code>} {words(i).message}
        </li>
      ))}
    </ul>
  );
}
