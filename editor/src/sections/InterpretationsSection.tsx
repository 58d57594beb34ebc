// Interpretations: each recorded question with its cited clauses and options, one chosen; choosing sets the parameters the option names.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../pages/editor/useEditor.js';
import { chooseInterpretation } from '../model/ruleSetOps.js';
import { ClauseChips } from '../components/ClauseChips.js';
import { IssueList } from '../components/IssueList.js';
import { pick } from '../i18n/i18n.js';

export function InterpretationsSection() {
  const { t, i18n } = useTranslation();
  const { rs, doc, readOnly, select, selection, issuesAt, words } = useEditor();
  const [error, setError] = useState<string | null>(null);
  if (!rs) return null;
  const lang = i18n.language;
  return (
    <section className="section" aria-label={t('tabs.interpretations')}>
      <p className="hint">{t('interpretations.hint')}</p>
      {error && <p className="field-error">{error}</p>}
      {rs.interpretations.map((it, i) => {
        const path = ['interpretations', i];
        const sel = selection?.path[0] === 'interpretations' && selection.path[1] === i;
        const issues = issuesAt(path);
        return (
          <article key={it.id} className={`card ${sel ? 'selected' : ''}`} data-path={path.join('.')} data-testid={`item-${it.id}`} onClick={() => select({ path, cites: it.cites })}>
            <header className="card-head">
              <div>
                <h3>{pick(it.question, lang)}</h3>
                <code className="id">{it.id}</code>
              </div>
              <ClauseChips cites={it.cites} onPick={() => select({ path, cites: it.cites })} />
            </header>
            <fieldset className="options" disabled={readOnly}>
              <legend className="sr-only">{pick(it.question, lang)}</legend>
              {it.options.map((o) => (
                <label key={o.id} className={`option ${o.id === it.chosen ? 'chosen' : ''} ${o.selectable ? '' : 'disabled'}`}>
                  <input
                    type="radio"
                    name={it.id}
                    value={o.id}
                    checked={o.id === it.chosen}
                    disabled={!o.selectable}
                    onChange={() =>
                      doc.edit((r) => {
                        const out = chooseInterpretation(r, it.id, o.id);
                        if (!out.ok) {
                          setError(out.issues.map((x) => x.message).join('; '));
                          return r;
                        }
                        setError(null);
                        return out.ruleSet;
                      })
                    }
                  />
                  <span>
                    <strong>{pick(o.label, lang)}</strong>
                    {o.variant && <span className="kind-tag">{t('interpretations.variant')}</span>}
                    {!o.selectable && <span className="kind-tag muted">{t('interpretations.notSelectable')}</span>}
                    {o.description && <span className="muted small block">{pick(o.description, lang)}</span>}
                    {Object.keys(o.sets).length > 0 && (
                      <span className="muted small block" data-testid={`sets-${it.id}-${o.id}`}>
                        {t('interpretations.sets')}:{' '}
                        {Object.entries(o.sets)
                          .map(([k, v]) => {
                            const p = rs.parameters.find((x) => x.id === k);
                            return p && words ? `${words.parameterLabel(k)} = ${words.display(p, v)}${p.unit && typeof v === 'number' ? ` ${p.unit}` : ''}` : `${k} = ${String(v)}`;
                          })
                          .join('；')}
                      </span>
                    )}
                  </span>
                </label>
              ))}
            </fieldset>
            {it.rationale && (
              <p className="muted small">
                {t('interpretations.rationale')}: {pick(it.rationale, lang)}
              </p>
            )}
            {issues.length > 0 && <IssueList issues={issues} />}
          </article>
        );
      })}
    </section>
  );
}
