// Re-scoring and comparison: chosen dossiers under two or more versions (or one version with interpretation switches), totals, verdicts, titles and ranks, changed outcomes highlighted, a per-city drill-down, export to .xlsx and CSV.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../auth/useAuth.js';
import type { DraftSummary } from '../../api/client.js';
import { pick } from '../../i18n/i18n.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { fmt, outcomeLabel, statusClass } from '../../components/analyst/labels.js';
import { analystApi, saveBlob, type AnalystDossier, type BatchColumnSpec, type BatchMatrix, type ExplainResult } from './analystApi.js';
import { interpretationVariants, variantLabel } from './rescore.js';

export function RescorePage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const [list, setList] = useState<AnalystDossier[] | null>(null);
  const [period, setPeriod] = useState('');
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [columns, setColumns] = useState<BatchColumnSpec[]>([]);
  const [matrix, setMatrix] = useState<BatchMatrix | null>(null);
  const [explain, setExplain] = useState<{ id: string; result: ExplainResult } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [addVersion, setAddVersion] = useState('');
  const [addVariant, setAddVariant] = useState('');
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);

  useEffect(() => {
    if (!v.ref) return;
    analystApi.dossiers(api.token, v.ref).then(setList, (e) => setError(e.message));
    setColumns((c) => (c.length ? c : [{ ruleSet: v.ref! }]));
  }, [api, v.ref]);
  // Drafts can be columns too: see what a change would do before it is published.
  useEffect(() => {
    api.drafts().then(setDrafts, () => setDrafts([]));
  }, [api]);

  const periods = [...new Set((list ?? []).map((d) => d.period).filter((p): p is number => p !== null))].sort();
  const chosen = (list ?? []).filter((d) => (!period || String(d.period) === period) && !excluded.has(d.id));
  const variants = v.ruleSet ? interpretationVariants(v.ruleSet) : [];

  async function run() {
    setBusy(true);
    setError(null);
    setExplain(null);
    try {
      setMatrix(await analystApi.batch(api.token, { dossiers: chosen.map((d) => d.id), versions: columns }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function drill(id: string) {
    try {
      setExplain({ id, result: await analystApi.explain(api.token, id, columns) });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const download = async (format: 'xlsx' | 'csv') => {
    if (!matrix) return;
    try {
      const f = await analystApi.exportComparison(api.token, matrix, format, columns[0]?.ruleSet);
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.compare.title')}</h1>
      <p className="hint">{t('analyst.compare.hint')}</p>

      <section className="card">
        <h2>{t('analyst.compare.columns')}</h2>
        <ol className="columns-list" data-testid="compare-columns">
          {columns.map((c, i) => (
            <li key={i} data-testid={`column-${i}`}>
              <strong>{c.label ?? c.ruleSet}</strong>
              {c.interpretations && <span className="muted small"> {Object.entries(c.interpretations).map(([k, o]) => `${k} → ${o}`).join(', ')}</span>}
              {i > 0 && (
                <button type="button" className="link danger" onClick={() => setColumns(columns.filter((_, k) => k !== i))} aria-label={t('analyst.compare.removeColumn')}>
                  ✕
                </button>
              )}
            </li>
          ))}
        </ol>
        <div className="toolbar">
          <label className="inline-field">
            <span>{t('analyst.compare.addVersion')}</span>
            <select value={addVersion} onChange={(e) => setAddVersion(e.target.value)} data-testid="add-version-select">
              <option value="">—</option>
              {v.refs.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
              {drafts.map((d) => (
                <option key={d.id} value={d.id}>
                  {t('analyst.compare.draftOption', { id: d.id, ref: `${d.basedOn.id}@${d.basedOn.version}` })}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!addVersion} onClick={() => (setColumns([...columns, { ruleSet: addVersion }]), setAddVersion(''))} data-testid="add-version">
            {t('analyst.compare.add')}
          </button>
          <label className="inline-field">
            <span>{t('analyst.compare.addVariant', { ref: v.ref ?? '' })}</span>
            <select value={addVariant} onChange={(e) => setAddVariant(e.target.value)} data-testid="add-variant-select">
              <option value="">—</option>
              {variants.map((x) => (
                <option key={`${x.interpretation}=${x.option}`} value={`${x.interpretation}=${x.option}`}>
                  {pick(x.question, lang)} → {pick(x.label, lang)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={!addVariant || !v.ref}
            onClick={() => {
              const [interp, option] = addVariant.split('=');
              setColumns([...columns, { ruleSet: v.ref!, interpretations: { [interp]: option }, label: variantLabel(v.ref!, interp, option) }]);
              setAddVariant('');
            }}
            data-testid="add-variant"
          >
            {t('analyst.compare.add')}
          </button>
        </div>
      </section>

      <section className="card">
        <h2>{t('analyst.compare.dossiers', { count: chosen.length })}</h2>
        <div className="toolbar">
          <label className="inline-field">
            <span>{t('analyst.common.period')}</span>
            <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="compare-period">
              <option value="">{t('analyst.common.allPeriods')}</option>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="dossier-picks">
          {(list ?? [])
            .filter((d) => !period || String(d.period) === period)
            .map((d) => (
              <label key={d.id} className="pick">
                <input
                  type="checkbox"
                  checked={!excluded.has(d.id)}
                  onChange={(e) => {
                    const x = new Set(excluded);
                    if (e.target.checked) x.delete(d.id);
                    else x.add(d.id);
                    setExcluded(x);
                  }}
                  data-testid={`pick-${d.id}`}
                />
                {d.cityName} {d.period}
              </label>
            ))}
        </div>
        <div className="toolbar">
          <button type="button" className="primary" onClick={run} disabled={busy || columns.length < 2 || chosen.length === 0} data-testid="run-compare">
            {t('analyst.compare.run')}
          </button>
          {columns.length < 2 && <span className="muted small">{t('analyst.compare.needTwo')}</span>}
          <span className="spacer" />
          <button type="button" onClick={() => download('xlsx')} disabled={!matrix} data-testid="export-compare-xlsx">
            {t('analyst.compare.exportXlsx')}
          </button>
          <button type="button" onClick={() => download('csv')} disabled={!matrix} data-testid="export-compare-csv">
            {t('analyst.compare.exportCsv')}
          </button>
        </div>
      </section>
      {error && <p className="field-error">{error}</p>}

      {matrix && (
        <section className="card">
          <h2>
            {t('analyst.compare.result')} <span className="badge warn" data-testid="changed-count">{t('analyst.compare.changedCount', { count: matrix.changedDossiers.length })}</span>
          </h2>
          <div className="table-scroll">
            <table className="grid compare-table" data-testid="compare-table">
              <thead>
                <tr>
                  <th rowSpan={2}>{t('analyst.common.city')}</th>
                  {matrix.columns.map((c, i) => (
                    <th key={i} colSpan={4} className="col-group">
                      {c.label}
                    </th>
                  ))}
                  <th rowSpan={2} />
                </tr>
                <tr>
                  {matrix.columns.map((_, i) => [
                    <th key={`t${i}`}>{t('analyst.compare.total')}</th>,
                    <th key={`v${i}`}>{t('analyst.compare.verdict')}</th>,
                    <th key={`ti${i}`}>{t('analyst.compare.titleCol')}</th>,
                    <th key={`r${i}`}>{t('analyst.compare.rank')}</th>,
                  ])}
                </tr>
              </thead>
              <tbody>
                {matrix.rows.map((r) => (
                  <tr key={r.dossierId ?? r.name} data-testid={`compare-row-${r.dossierId}`} data-changed={r.changed} className={r.changed ? 'row-changed' : ''}>
                    <td>
                      {r.name} <span className="id">{r.dossierId}</span>
                    </td>
                    {r.cells.map((c, i) => {
                      const cls = c.changed ? 'changed' : '';
                      if (!c.ok)
                        return (
                          <td key={i} colSpan={4} className="bad small">
                            {t('analyst.status.invalid', { count: c.issues?.length ?? 0 })}
                          </td>
                        );
                      return [
                        <td key={`t${i}`} className={cls} data-testid={`cell-${r.dossierId}-${i}`} data-changed={c.changed}>
                          {fmt(c.total)}
                        </td>,
                        <td key={`v${i}`} className={cls}>
                          <span className={`badge ${statusClass(c.status)}`}>{t(`analyst.status.${c.status}`)}</span>
                        </td>,
                        <td key={`ti${i}`} className={cls} data-testid={`title-${r.dossierId}-${i}`}>
                          {outcomeLabel(v.ruleSet, c.title, lang)}
                        </td>,
                        <td key={`r${i}`} className={cls}>
                          {c.rank ?? '—'}
                        </td>,
                      ];
                    })}
                    <td>
                      {r.dossierId && (
                        <button type="button" className="link" onClick={() => drill(r.dossierId!)} data-testid={`drill-${r.dossierId}`}>
                          {t('analyst.compare.why')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {explain && (
        <section className="card" data-testid="drilldown">
          <h2>{t('analyst.compare.drillTitle', { id: explain.id })}</h2>
          {explain.result.steps.map((s) => {
            const a = explain.result.evaluations[s.from];
            const b = explain.result.evaluations[s.to];
            return (
              <div key={s.to} className="drill-step">
                <h3>
                  {matrix?.columns[s.from]?.label ?? s.from} → {matrix?.columns[s.to]?.label ?? s.to}:{' '}
                  <span data-testid={`drill-total-${s.to}`}>
                    {fmt(a.outcome.total.value)} → {fmt(b.outcome.total.value)}
                  </span>
                  , {outcomeLabel(v.ruleSet, a.outcome.title?.id ?? 'none', lang)} → {outcomeLabel(v.ruleSet, b.outcome.title?.id ?? 'none', lang)}
                </h3>
                <h4>{t('analyst.compare.ruleChanges')}</h4>
                <ul className="small" data-testid="rule-changes">
                  {s.ruleChanges.length === 0 && <li className="muted">{t('analyst.compare.noRuleChanges')}</li>}
                  {s.ruleChanges.map((c, k) => (
                    <li key={k}>{pick(c.text, lang)}</li>
                  ))}
                </ul>
                <h4>{t('analyst.compare.moves')}</h4>
                <table className="grid compact" data-testid="moves">
                  <thead>
                    <tr>
                      <th>{t('analyst.report.item')}</th>
                      <th>{t('analyst.compare.before')}</th>
                      <th>{t('analyst.compare.after')}</th>
                      <th>{t('analyst.compare.delta')}</th>
                      <th>{t('analyst.compare.because')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.moves.map((m) => (
                      <tr key={m.id} data-testid={`move-${m.id}`}>
                        <td>
                          {pick(m.label, lang)} <span className="mono small muted">{m.cites.join(' ')}</span>
                        </td>
                        <td className="small">{m.from.points !== null ? fmt(m.from.points) : t(`analyst.status.${m.from.status}`, { defaultValue: m.from.status })}</td>
                        <td className="small">{m.to.points !== null ? fmt(m.to.points) : t(`analyst.status.${m.to.status}`, { defaultValue: m.to.status })}</td>
                        <td>{m.delta === null ? '' : `${m.delta > 0 ? '+' : ''}${fmt(m.delta)}`}</td>
                        <td className="small">{m.because.map((b) => pick(b, lang)).join('；')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          })}
        </section>
      )}
    </div>
  );
}
