// Issues shown inline next to the item they concern.
import type { Issue } from '../../../engine/index.js';

export function IssueList({ issues }: { issues: Issue[] }) {
  return (
    <ul className="inline-issues">
      {issues.map((i, n) => (
        <li key={n} className={i.severity === 'warning' ? 'warning' : 'error'}>
          <code>{i.code}</code> {i.message}
        </li>
      ))}
    </ul>
  );
}
