// Cohort and dynamic evaluation for a period: every city evaluated, the cap and promotion/demotion applied, the resulting titles and each change against the title held before, with its reason and clause.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../auth/useAuth.js';
import { pick } from '../../i18n/i18n.js';
import { useClauses } from '../../hooks/useClauses.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { fmt, outcomeLabel } from '../../components/analyst/labels.js';
import { analystApi, type AnalystDossier, type CohortAnswer } from './analystApi.js';

const CHANGE_CLASS: Record<string, string> = { promoted: 'ok', awarded: 'ok', kept: '', demoted: 'warn', 'over-cap': 'warn', 'not-passed': 'bad', revoked: 'bad', undecided: 'warn' };

export function CohortPage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const clauses = useClauses(api, v.ruleSet?.policy);
  const [list, setList] = useState<AnalystDossier[] | null>(null);
  const [period, setPeriod] = useState('');
  const [mode, setMode] = useState<'dynamic' | 'award'>('dynamic');
  const [answer, setAnswer] = useState<CohortAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!v.ref) return;
    analystApi.dossiers(api.token, v.ref).then((l) => {
      setList(l);
      const ps = [...new Set(l.map((d) => d.period).filter((p): p is number => p !== null))].sort();
      setPeriod((p) => p || String(ps.at(-1) ?? ''));
    }, (e) => setError(e.message));
  }, [api, v.ref]);
  const periods = [...new Set((list ?? []).map((d) => d.period).filter((p): p is number => p !== null))].sort();

  async function run() {
    setError(null);
    try {
      setAnswer(await analystApi.cohort(api.token, v.ref!, Number(period), mode));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const r = answer?.result;
  const tiers = [...(v.ruleSet?.outcomes ?? [])].filter((o) => o.rank > 0).sort((a, b) => b.rank - a.rank);
  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.cohort.title')}</h1>
      <p className="hint">{t('analyst.cohort.hint')}</p>
      <div className="toolbar">
        <VersionPicker value={v.ref} refs={v.refs} onChange={v.setRef} />
        <label className="inline-field">
          <span>{t('analyst.common.period')}</span>
          <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="cohort-period">
            {periods.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('analyst.cohort.mode')}</span>
          <select value={mode} onChange={(e) => setMode(e.target.value as 'dynamic' | 'award')} data-testid="cohort-mode">
            <option value="dynamic">{t('analyst.cohort.dynamic')}</option>
            <option value="award">{t('analyst.cohort.award')}</option>
          </select>
        </label>
        <button type="button" className="primary" onClick={run} disabled={!period || !v.ref} data-testid="run-cohort">
          {t('analyst.cohort.run')}
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
      {r && (
        <>
          <section className="card" data-testid="cohort-titles">
            <h2>{t('analyst.cohort.titles', { period: r.period })}</h2>
            {tiers.map((o) => (
              <p key={o.id}>
                <strong>{pick(o.label, lang)}</strong>（{(r.titles[o.id] ?? []).length}）：{(r.titles[o.id] ?? []).map((id) => r.members.find((m) => m.subjectId === id)?.name ?? id).join('、') || '—'}
              </p>
            ))}
          </section>
          <section className="card">
            <h2>{t('analyst.cohort.changes')}</h2>
            <table className="grid" data-testid="cohort-table">
              <thead>
                <tr>
                  <th>{t('analyst.common.city')}</th>
                  <th>{t('analyst.cohort.held')}</th>
                  <th>{t('analyst.cohort.qualified')}</th>
                  <th>{t('analyst.cohort.result')}</th>
                  <th>{t('analyst.cohort.change')}</th>
                  <th>{t('analyst.compare.total')}</th>
                  <th>{t('analyst.cohort.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {r.members.map((m) => (
                  <tr key={m.subjectId} data-testid={`member-${m.subjectId}`} data-change={m.change}>
                    <td>{m.name}</td>
                    <td>{outcomeLabel(v.ruleSet, m.held, lang)}</td>
                    <td>{outcomeLabel(v.ruleSet, m.qualified, lang)}</td>
                    <td>
                      <strong>{outcomeLabel(v.ruleSet, m.result, lang)}</strong>
                    </td>
                    <td>
                      <span className={`badge ${CHANGE_CLASS[m.change] ?? ''}`}>{t(`analyst.cohort.changeKinds.${m.change}`)}</span>
                    </td>
                    <td>
                      {fmt(m.total)}
                      {m.rank !== null && <span className="muted small"> #{m.rank}</span>}
                    </td>
                    <td className="small">
                      {m.reasons.map((x, k) => (
                        <div key={k}>
                          {pick(x.text, lang)}{' '}
                          {x.cites.map((c) => (
                            <abbr key={c} className="mono muted" title={clauses.byId.get(c)?.text_zh ?? ''}>
                              {c}{' '}
                            </abbr>
                          ))}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">
              {r.provenance.ruleSetId}@{r.provenance.version} · {r.provenance.contentHash.slice(0, 20)}…
            </p>
          </section>
        </>
      )}
    </div>
  );
}
