// A card for one rule item (gate, indicator, bonus, outcome rule): label, id, cited clauses and its inline issues; choosing it shows the clause text.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { I18nText } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import type { JsonPath } from '../model/ruleSetOps.js';
import { ClauseChips } from '../components/ClauseChips.js';
import { IssueList } from '../components/IssueList.js';
import { pick } from '../i18n/i18n.js';

export function ItemCard({ path, id, label, cites, children, extra }: { path: JsonPath; id: string; label: I18nText; cites: string[]; children?: ReactNode; extra?: ReactNode }) {
  const { i18n } = useTranslation();
  const { select, selection, issuesAt, words } = useEditor();
  const raw = pick(label, i18n.language);
  // The label with its {parameter} placeholders filled from the draft; the template itself in the tooltip.
  const shown = words ? words.label(label) : raw;
  const issues = issuesAt(path);
  const sel = selection && selection.path.length === path.length && selection.path.every((k, n) => path[n] === k);
  return (
    <article
      className={`card ${sel ? 'selected' : ''} ${issues.length ? 'has-issue' : ''}`}
      data-path={path.join('.')}
      data-testid={`item-${id}`}
      onClick={() => select({ path, cites })}
    >
      <header className="card-head">
        <div>
          <h3 title={shown !== raw ? raw : undefined}>{shown}</h3>
          <code className="id">{id}</code>
        </div>
        <div className="card-extra">
          {extra}
          <ClauseChips cites={cites} onPick={() => select({ path, cites })} />
        </div>
      </header>
      {children}
      {issues.length > 0 && <IssueList issues={issues} />}
    </article>
  );
}

