// Parameters as an editable table grouped as the rule set groups them: value (checked as you type), unit, description and cited clauses.
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { I18nText, Parameter } from '../../../engine/index.js';
import type { ParameterWords } from '../model/labels.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { setParameterField, setParameterValue } from '../model/ruleSetOps.js';
import { NumberInput } from '../components/NumberInput.js';
import { ClauseChips } from '../components/ClauseChips.js';
import { IssueList } from '../components/IssueList.js';
import { pick } from '../i18n/i18n.js';

const CITE = /^[NMI][0-9.]+$/;

function CitesInput({ p, onChange, readOnly }: { p: Parameter; onChange(c: string[]): void; readOnly: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState(p.cites.join(', '));
  const [bad, setBad] = useState(false);
  return (
    <span className="num-input">
      <input
        type="text"
        className={bad ? 'invalid small' : 'small'}
        aria-label={t('parameters.cites')}
        value={text}
        readOnly={readOnly}
        onChange={(e) => {
          setText(e.target.value);
          const ids = e.target.value.split(/[,，\s]+/).filter(Boolean);
          const ok = ids.every((x) => CITE.test(x));
          setBad(!ok);
          if (ok) onChange(ids);
        }}
      />
      {bad && <span className="field-error">{t('input.badClauseId')}</span>}
    </span>
  );
}

function ValueCell({ p, index }: { p: Parameter; index: number }) {
  const { t } = useTranslation();
  const { doc, readOnly, words } = useEditor();
  const set = (v: Parameter['value']) => doc.edit((r) => setParameterValue(r, p.id, v));
  if (p.type === 'number')
    return (
      <NumberInput
        value={typeof p.value === 'number' ? p.value : null}
        min={p.min}
        max={p.max}
        nullable={p.nullable}
        readOnly={readOnly}
        ariaLabel={t('parameters.valueOf', { id: p.id })}
        testId={`param-value-${p.id}`}
        onChange={set}
      />
    );
  if (p.type === 'boolean')
    return (
      <select data-testid={`param-value-${p.id}`} disabled={readOnly} value={String(p.value)} onChange={(e) => set(e.target.value === 'true')} aria-label={t('parameters.valueOf', { id: p.id })}>
        <option value="true">{t('common.yes')}</option>
        <option value="false">{t('common.no')}</option>
      </select>
    );
  return (
    <select data-testid={`param-value-${p.id}`} disabled={readOnly} value={String(p.value)} onChange={(e) => set(e.target.value)} aria-label={t('parameters.valueOf', { id: p.id })} data-index={index}>
      {(p.options ?? [String(p.value)]).map((o) => (
        <option key={o} value={o}>
          {words?.optionLabel(p, o) ?? o}
        </option>
      ))}
    </select>
  );
}

/** The parameter's description: the rule set's own (editable in a draft), else the policy notes' with where it comes from and a way to adopt it. */
function DescriptionCell({ p }: { p: Parameter }) {
  const { t, i18n } = useTranslation();
  const { doc, readOnly, words } = useEditor();
  const lang = i18n.language;
  const d = words?.description(p) ?? null;
  const note = d?.from === 'notes' ? d : null;
  return (
    <>
      {readOnly ? (
        d?.from === 'ruleSet' && <div className="small" data-testid={`param-description-${p.id}`}>{d.text}</div>
      ) : (
        <textarea
          className="small"
          rows={1}
          aria-label={t('parameters.description')}
          value={p.description ? pick(p.description, lang) : ''}
          placeholder={note ? t('parameters.noOwnDescription') : '—'}
          data-testid={`param-description-${p.id}`}
          onChange={(e) => {
            const text = e.target.value;
            doc.edit((r) => {
              const cur = r.parameters.find((x) => x.id === p.id)?.description ?? { zh: '', en: '' };
              const next = lang.startsWith('en') ? { ...cur, en: text } : { ...cur, zh: text };
              if (!next.zh && !next.en) return setParameterField(r, p.id, 'description', undefined);
              return setParameterField(r, p.id, 'description', { zh: next.zh || next.en, en: next.en || next.zh });
            });
          }}
        />
      )}
      {note && (
        <div className="param-note small" data-testid={`param-note-${p.id}`}>
          {note.text} <span className="note-source">{t('parameters.fromNotes', { source: note.source })}</span>
          {!readOnly && (
            <button
              type="button"
              className="link small"
              onClick={(e) => {
                e.stopPropagation();
                const adopted = noteText(words, p);
                if (adopted) doc.edit((r) => setParameterField(r, p.id, 'description', adopted));
              }}
              data-testid={`adopt-note-${p.id}`}
            >
              {t('parameters.adoptNote')}
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** Both languages of a policy note's description, to adopt it into the draft. */
function noteText(words: ParameterWords | null, p: Parameter): I18nText | undefined {
  return words?.note(p.id)?.description;
}

export function ParametersSection() {
  const { t, i18n } = useTranslation();
  const { rs, base, doc, readOnly, select, selection, issuesAt, words } = useEditor();
  const [filter, setFilter] = useState('');
  const [onlyChanged, setOnlyChanged] = useState(false);
  if (!rs) return null;
  const lang = i18n.language;
  const q = filter.trim().toLowerCase();
  const baseValue = new Map(base?.parameters.map((p) => [p.id, p.value]) ?? []);
  const changed = (p: Parameter) => base !== null && (!baseValue.has(p.id) || baseValue.get(p.id) !== p.value);
  const changedCount = rs.parameters.filter(changed).length;
  const rows = rs.parameters
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !q || [p.id, p.label.zh, p.label.en, p.unit ?? '', ...p.cites].some((s) => s.toLowerCase().includes(q)))
    .filter(({ p }) => !onlyChanged || changed(p));
  const groups = [...new Set(rows.map((r) => r.p.group ?? ''))];
  return (
    <section className="section" aria-label={t('tabs.parameters')}>
      <div className="section-head">
        <p className="hint">{t('parameters.hint')}</p>
        {base && (
          <label className="small">
            <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} data-testid="only-changed" /> {t('parameters.onlyChanged', { count: changedCount })}
          </label>
        )}
        <input type="search" data-native-undo className="search" placeholder={t('parameters.search')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t('parameters.search')} />
      </div>
      <table className="grid params">
        <thead>
          <tr>
            <th>{t('parameters.name')}</th>
            <th>{t('parameters.value')}</th>
            <th>{t('parameters.unit')}</th>
            <th>{t('parameters.description')}</th>
            <th>{t('parameters.cites')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <Fragment key={g || '-'}>
              <tr className="group-row">
                <th colSpan={5}>{t(`parameters.groups.${g || 'other'}`, { defaultValue: g || t('parameters.groups.other') })}</th>
              </tr>
              {rows
                .filter((r) => (r.p.group ?? '') === g)
                .map(({ p, i }) => {
                  const issues = issuesAt(['parameters', i]);
                  const sel = selection?.path[0] === 'parameters' && selection.path[1] === i;
                  return (
                    <Fragment key={p.id}>
                      <tr
                        data-testid={`param-row-${p.id}`}
                        data-path={`parameters.${i}`}
                        className={`${sel ? 'selected' : ''} ${issues.length ? 'has-issue' : ''} ${changed(p) ? 'changed' : ''}`}
                        data-changed={changed(p) ? 'true' : undefined}
                        onClick={() => select({ path: ['parameters', i], cites: p.cites })}
                      >
                        <td>
                          <div className="label">{pick(p.label, lang)}</div>
                          <code className="id">{p.id}</code>
                        </td>
                        <td>
                          <ValueCell p={p} index={i} />
                          {changed(p) && (
                            <div className="was small" data-testid={`param-was-${p.id}`}>
                              {baseValue.has(p.id) ? t('parameters.was', { value: words ? words.display(p, baseValue.get(p.id) ?? null) : String(baseValue.get(p.id)) }) : t('parameters.new')}
                            </div>
                          )}
                          {(p.min !== undefined || p.max !== undefined) && (
                            <div className="muted small">
                              {p.min !== undefined && `≥ ${p.min}`} {p.max !== undefined && `≤ ${p.max}`}
                            </div>
                          )}
                        </td>
                        <td>
                          <input
                            type="text"
                            className="small unit-input"
                            aria-label={t('parameters.unit')}
                            value={p.unit ?? ''}
                            readOnly={readOnly}
                            onChange={(e) => doc.edit((r) => setParameterField(r, p.id, 'unit', e.target.value || undefined))}
                          />
                        </td>
                        <td>
                          <DescriptionCell p={p} />
                        </td>
                        <td>
                          <ClauseChips cites={p.cites} onPick={() => select({ path: ['parameters', i], cites: p.cites })} />
                          {!readOnly && sel && <CitesInput p={p} readOnly={readOnly} onChange={(c) => doc.edit((r) => setParameterField(r, p.id, 'cites', c))} />}
                        </td>
                      </tr>
                      {issues.length > 0 && (
                        <tr className="issue-row">
                          <td colSpan={5}>
                            <IssueList issues={issues} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}
