// The evaluation report of one city: verdict and title, gates checklist, indicator radar and table, bonus waterfall, opinions and gap with clause texts, provenance; printable (A4) and exportable as JSON. Viewing reuses a stored evaluation or evaluates without storing; "store evaluation" makes the decision record.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi, useAuth } from '../../auth/useAuth.js';
import { pick } from '../../i18n/i18n.js';
import { keys, useClauseList, useReport } from '../../api/queries.js';
import { errorText } from '../../api/errorText.js';
import { EChart } from '../../components/analyst/EChart.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { QueryState } from '../../components/QueryState.js';
import { fmt, outcomeLabel, statusClass, typeLabel } from '../../components/analyst/labels.js';
import { formatDateTime } from '../../model/format.js';
import { analystApi, saveBlob } from './analystApi.js';
import { citedClauses, gateRows, indicatorRows, waterfall } from './reportData.js';

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? '✓' : '✗') : typeof v === 'number' ? fmt(v) : String(v));

export function ReportPage({ dossierId }: { dossierId: string }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useAuth();
  const qc = useQueryClient();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const report = useReport(v.ref, dossierId);
  const clauseList = useClauseList(v.ruleSet?.policy);
  const clauses = useMemo(() => ({ byId: new Map((clauseList.data ?? []).map((c) => [c.id, c])) }), [clauseList.data]);
  const store = useMutation({
    mutationFn: () => analystApi.evaluate(api, v.ref!, dossierId),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: keys.report(v.ref!, dossierId) }), qc.invalidateQueries({ queryKey: ['analysis', 'dossiers'] })]),
  });
  const rec = report.data ?? null;
  const e = rec?.result ?? null;
  // Without evaluators' scores the result is a self-assessment: labelled so, and it confers no title.
  const selfAssessed = !!e && e.outcome.indicative && e.outcome.confers === false;
  /** A value as people read it: an enum's option labels, never its ids. */
  const showValue = (fact: string, x: unknown): string => {
    const values = v.ruleSet?.facts.find((f) => f.id === fact)?.values;
    const label = (id: unknown) => (values ? (values.find((o) => o.id === id)?.label ?? null) : null);
    if (values && Array.isArray(x)) return x.map((id) => (label(id) ? pick(label(id)!, lang) : String(id))).join(lang.startsWith('en') ? ', ' : '、');
    if (values && typeof x === 'string' && label(x)) return pick(label(x)!, lang);
    return show(x);
  };
  const factName = (id: string) => {
    const f = v.ruleSet?.facts.find((x) => x.id === id) ?? v.ruleSet?.derived.find((x) => x.id === id);
    return f ? pick(f.label, lang) : id;
  };
  const gates = useMemo(() => (e ? gateRows(e) : []), [e]);
  const indicators = useMemo(() => (e ? indicatorRows(e) : []), [e]);
  const wf = useMemo(() => (e ? waterfall(e) : null), [e]);

  const radar = useMemo(
    () =>
      indicators.length
        ? {
            tooltip: {},
            legend: { bottom: 0, data: [t('analyst.report.awarded'), t('analyst.report.maximum')] },
            radar: { indicator: indicators.map((r) => ({ name: `${pick(r.label, lang)} ${fmt(r.awarded)}/${r.max}`, max: r.max })), radius: '62%' },
            series: [
              {
                type: 'radar' as const,
                data: [
                  { value: indicators.map((r) => r.max), name: t('analyst.report.maximum'), lineStyle: { type: 'dashed' as const, color: '#9ca3af' }, itemStyle: { color: '#9ca3af' }, areaStyle: { opacity: 0 } },
                  { value: indicators.map((r) => r.awarded ?? 0), name: t('analyst.report.awarded'), areaStyle: { opacity: 0.25 }, itemStyle: { color: '#1d5fa3' } },
                ],
              },
            ],
          }
        : null,
    [indicators, lang, t],
  );

  const waterfallChart = useMemo(() => {
    if (!wf) return null;
    const names = wf.steps.map((s) => (s.kind === 'bonus' ? pick(s.label, lang).replace(/^(加分|Bonus)[:：]?\s*/, '') : pick(s.label, lang)));
    // The axis starts a little below the lowest point reached (not at 0), so bonus steps of half a point stay visible.
    const lowest = Math.min(...wf.steps.filter((s) => s.kind === 'bonus').map((s) => Math.min(s.start, s.end)), wf.steps[0].end, wf.passMark ?? Infinity);
    const lo = Math.max(0, Math.floor(lowest / 10) * 10 - 10);
    return {
      grid: { left: 48, right: 24, top: 28, bottom: 96 },
      tooltip: { trigger: 'axis' as const },
      xAxis: { type: 'category' as const, data: names, axisLabel: { interval: 0, rotate: 35, fontSize: 10 } },
      yAxis: { type: 'value' as const, min: lo },
      series: [
        { type: 'bar' as const, stack: 'w', itemStyle: { color: 'transparent' }, emphasis: { disabled: true }, data: wf.steps.map((s) => (s.kind === 'total' || s.kind === 'base' ? lo : s.value < 0 ? s.end : s.start)), silent: true },
        {
          type: 'bar' as const,
          stack: 'w',
          data: wf.steps.map((s) => ({
            value: s.kind === 'total' || s.kind === 'base' ? s.value - lo : Math.abs(s.value),
            itemStyle: { color: s.kind === 'total' ? (wf.passMark !== null && (wf.total ?? 0) >= wf.passMark ? '#1f8a4c' : '#c0392b') : s.kind === 'base' ? '#1d5fa3' : s.value < 0 ? '#d97706' : '#5b9bd5' },
          })),
          label: { show: true, position: 'top' as const, formatter: (p: { dataIndex: number }) => { const s = wf.steps[p.dataIndex]; return s.kind === 'bonus' ? `${s.value > 0 ? '+' : ''}${fmt(s.value)}` : fmt(s.value); } },
          markLine: wf.passMark === null ? undefined : { symbol: 'none', lineStyle: { color: '#c0392b', type: 'dashed' as const }, label: { position: 'insideStartTop' as const, formatter: `${t('analyst.report.passMark')} ${wf.passMark}` }, data: [{ yAxis: wf.passMark }] },
        },
      ],
    };
  }, [wf, lang, t]);

  function exportJson() {
    if (!rec) return;
    const record = rec.record ? { id: rec.record.id, createdAt: rec.record.createdAt } : null;
    saveBlob(
      new Blob([JSON.stringify({ record, ruleSetId: rec.ruleSetId, version: rec.version, contentHash: rec.contentHash, dossierId: rec.dossierId, dossierRevision: rec.dossierRevision, dossierHash: rec.dossierHash, evaluation: rec.result }, null, 2)], { type: 'application/json' }),
      `report-${dossierId}-${rec.ruleSetId}@${rec.version}.json`,
    );
  }

  return (
    <div className="page-pad analyst-page report" data-testid="report">
      <div className="toolbar no-print">
        <Link href="~/analyst/dossiers">← {t('analyst.nav.dossiers')}</Link>
        <VersionPicker value={v.ref} refs={v.refs} inForce={v.inForce} onChange={v.setRef} />
        <span className="spacer" />
        {rec && (
          <span className={`badge ${rec.record ? 'ok' : 'warn'}`} data-testid="record-state" data-stored={rec.record ? 'true' : 'false'}>
            {rec.record ? t('analyst.report.storedAs', { id: rec.record.id, at: formatDateTime(rec.record.createdAt, lang) }) : t('analyst.report.notStored')}
          </span>
        )}
        {can('analyst') && rec && !rec.record && (
          <button type="button" onClick={() => store.mutate()} disabled={store.isPending} data-testid="store-evaluation" title={t('analyst.report.storeHint')}>
            {t('analyst.report.store')}
          </button>
        )}
        <button type="button" onClick={() => window.print()} disabled={!e} data-testid="print-report">
          {t('analyst.report.print')}
        </button>
        <button type="button" onClick={exportJson} disabled={!e} data-testid="export-json">
          {t('analyst.report.exportJson')}
        </button>
      </div>
      {store.error && <p className="field-error" role="alert">{errorText(store.error, t)}</p>}
      <QueryState query={report}>{null}</QueryState>
      {e && wf && (
        <>
          <header className="report-head">
            <h1>
              {e.subject.name} {e.subject.period} · {t('analyst.report.title')}
            </h1>
            <p className="muted">
              {typeLabel(v.ruleSet, e.subject.type, lang)} · {e.provenance.ruleSetId}@{e.provenance.version}
            </p>
            <div
              className={`verdict ${statusClass(selfAssessed ? 'undecided' : e.outcome.status)}`}
              data-testid="verdict"
              data-status={e.outcome.status}
              data-title={e.outcome.title?.id ?? ''}
              data-self-assessed={selfAssessed ? 'true' : 'false'}
            >
              <span className="verdict-status">{t(e.outcome.disqualified ? 'analyst.report.disqualified' : selfAssessed ? 'analyst.report.selfAssessment' : `analyst.status.${e.outcome.status}`)}</span>
              <span className="verdict-title">
                {e.outcome.title ? pick(e.outcome.title.label, lang) : e.outcome.indicatedTitle ? t('analyst.report.notConferred', { title: pick(e.outcome.indicatedTitle.label, lang) }) : outcomeLabel(v.ruleSet, 'none', lang)}
              </span>
              <span className="verdict-total" data-testid="verdict-total">
                {t('analyst.report.totalAgainst', { total: e.outcome.total.value !== null ? fmt(e.outcome.total.value) : `${fmt(e.outcome.total.lo)}–${e.outcome.total.hi === null ? '∞' : fmt(e.outcome.total.hi)}`, mark: e.outcome.passMark ?? '—' })}
              </span>
            </div>
            {e.outcome.verdict && (
              <p className="verdict-words" data-testid="verdict-words">
                {pick(e.outcome.verdict, lang)}
              </p>
            )}
          </header>

          <section className="card" aria-labelledby="gates-h">
            <h2 id="gates-h">{t('analyst.report.gates')}</h2>
            <table className="grid compact" data-testid="gates">
              <thead>
                <tr>
                  <th />
                  <th>{t('analyst.report.item')}</th>
                  <th>{t('analyst.report.valueVsThreshold')}</th>
                  <th>{t('analyst.report.clauses')}</th>
                </tr>
              </thead>
              <tbody>
                {gates.map((g) => (
                  <tr key={g.id} data-testid={`gate-${g.id}`} data-status={g.status}>
                    <td className={`check ${statusClass(g.status)}`}>{g.status === 'passed' ? '✓' : g.status === 'failed' ? '✗' : '?'}</td>
                    <td>
                      {pick(g.label, lang)}
                      {g.severity === 'advisory' && <span className="kind-tag">{t('analyst.report.advisory')}</span>}
                      <span className="muted small block">
                        {pick(g.stage, lang)}
                        {g.shownFor && <> · {t(`analyst.report.shownFor.${g.shownFor}`)}</>}
                      </span>
                    </td>
                    <td className="small">
                      {g.comparisons.length ? (
                        g.comparisons.map((c, k) => (
                          <div key={k}>
                            {c.label ? pick(c.label, lang) : factName(c.fact)}: <strong>{showValue(c.fact, c.actual)}</strong>{' '}
                            {typeof c.required === 'boolean' && c.operator === 'equal' ? (
                              c.actual !== c.required && <span className="muted">({t('analyst.report.required', { value: show(c.required) })})</span>
                            ) : (
                              <>
                                {t(`operators.${c.operator}`, { defaultValue: c.operator })} {showValue(c.fact, c.required)}
                              </>
                            )}
                          </div>
                        ))
                      ) : (
                        <span className="muted">{pick(g.text, lang)}</span>
                      )}
                    </td>
                    <td className="mono small">{g.cites.join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="card chart-pair" aria-labelledby="ind-h">
            <h2 id="ind-h">{t('analyst.report.indicators')}</h2>
            <div className="chart-grid">
              {radar && <EChart option={radar} height={340} testId="radar-chart" label={t('analyst.report.radarLabel')} />}
              <table className="grid compact" data-testid="indicator-table">
                <thead>
                  <tr>
                    <th>{t('analyst.report.indicator')}</th>
                    <th>{t('analyst.report.awarded')}</th>
                    <th>{t('analyst.report.maximum')}</th>
                    <th>{t('analyst.report.requirements')}</th>
                  </tr>
                </thead>
                <tbody>
                  {indicators.map((r) => (
                    <tr key={r.id} data-testid={`indicator-${r.id}`}>
                      <td>
                        {pick(r.label, lang)} <span className="mono small muted">{r.cites.join(' ')}</span>
                      </td>
                      <td data-testid={`awarded-${r.id}`}>{fmt(r.awarded)}</td>
                      <td>{r.max}</td>
                      <td>
                        {r.requirementsMet}/{r.requirements}
                        {r.basis === 'indicative' && <span className="kind-tag">{t('analyst.report.indicative')}</span>}
                      </td>
                    </tr>
                  ))}
                  <tr className="sum-row">
                    <th>{t('analyst.report.base')}</th>
                    <th data-testid="base-score">{fmt(e.outcome.baseScore.value)}</th>
                    <th>{indicators.reduce((a, r) => a + r.max, 0)}</th>
                    <th />
                  </tr>
                </tbody>
              </table>
            </div>
          </section>

          <section className="card chart-pair" aria-labelledby="wf-h">
            <h2 id="wf-h">{t('analyst.report.waterfall')}</h2>
            <div className="chart-grid">
              {waterfallChart && <EChart option={waterfallChart} height={360} testId="waterfall-chart" label={t('analyst.report.waterfallLabel')} />}
              <table className="grid compact" data-testid="waterfall-table">
                <thead>
                  <tr>
                    <th>{t('analyst.report.step')}</th>
                    <th>{t('analyst.report.points')}</th>
                    <th>{t('analyst.report.running')}</th>
                  </tr>
                </thead>
                <tbody>
                  {wf.steps.map((s) => (
                    <tr key={s.id} data-testid={`wf-${s.id}`} className={s.kind === 'total' ? 'sum-row' : ''}>
                      <td>
                        {pick(s.label, lang)} <span className="mono small muted">{s.cites.join(' ')}</span>
                      </td>
                      <td>{s.kind === 'bonus' ? `${s.value > 0 ? '+' : ''}${fmt(s.value)}` : fmt(s.value)}</td>
                      <td>{fmt(s.end)}</td>
                    </tr>
                  ))}
                  <tr>
                    <td>{t('analyst.report.passMark')}</td>
                    <td data-testid="pass-mark">{wf.passMark ?? '—'}</td>
                    <td />
                  </tr>
                </tbody>
              </table>
            </div>
          </section>

          <section className="card" aria-labelledby="op-h">
            <h2 id="op-h">{t('analyst.report.opinions')}</h2>
            {e.gapToPass && (e.gapToPass.routes?.length ?? 0) > 1 ? (
              <div className="banner error gap" data-testid="gap-to-pass">
                {e.gapToPass.routes!.map((r, k) => (
                  <div key={r.ruleId} data-testid={`gap-route-${k + 1}`}>
                    <strong>{t(k === 0 ? 'analyst.report.routeFirst' : 'analyst.report.routeOr', { n: k + 1, label: pick(r.label, lang) })}</strong>
                    <ul>
                      {r.needs.map((n, j) => (
                        <li key={j}>
                          {pick(n.text, lang)} <span className="mono small muted">{n.cites.join(' ')}</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            ) : (
              e.gapToPass && (
                <p className="banner error gap" data-testid="gap-to-pass">
                  {pick(e.gapToPass.text, lang)}
                </p>
              )
            )}
            {e.improvementOpinions.length === 0 && <p className="muted">{t('analyst.report.noOpinions')}</p>}
            <ol className="opinions" data-testid="opinions">
              {e.improvementOpinions.map((o, k) => (
                <li key={k}>
                  {pick(o.text, lang)} <span className="mono small muted">{o.cites.join(' ')}</span>
                </li>
              ))}
            </ol>
            {e.missingFacts.length > 0 && (
              <>
                <h4>{t('analyst.report.missing')}</h4>
                <ul>
                  {e.missingFacts.map((m) => (
                    <li key={m.fact}>{pick(m.label, lang)}</li>
                  ))}
                </ul>
              </>
            )}
            {e.warnings.length > 0 && (
              <>
                <h4>{t('analyst.report.warnings')}</h4>
                <ul data-testid="report-warnings">
                  {e.warnings.map((w, k) => (
                    <li key={k} data-code={w.code ?? ''}>
                      {pick(w.text, lang)} <span className="mono small muted">{w.cites.join(' ')}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {citedClauses(e).length > 0 && (
              <>
                <h4>{t('analyst.report.clauseTexts')}</h4>
                <dl className="clause-texts" data-testid="clause-texts">
                  {citedClauses(e).map((id) => {
                    const c = clauses.byId.get(id);
                    return (
                      <div key={id}>
                        <dt className="mono">{id}</dt>
                        <dd>{c ? (lang.startsWith('en') && c.text_en ? c.text_en : c.text_zh) : '—'}</dd>
                      </div>
                    );
                  })}
                </dl>
              </>
            )}
          </section>

          <section className="card provenance" aria-labelledby="prov-h" data-testid="provenance">
            <h2 id="prov-h">{t('analyst.report.provenance')}</h2>
            <dl className="kv small">
              <dt>{t('analyst.report.ruleSet')}</dt>
              <dd>
                {e.provenance.ruleSetId}@{e.provenance.version}
              </dd>
              <dt>{t('analyst.report.hash')}</dt>
              <dd className="mono">{e.provenance.contentHash}</dd>
              <dt>{t('analyst.report.dossierHash')}</dt>
              <dd className="mono">{e.provenance.dossierHash}</dd>
              <dt>{t('analyst.report.engine')}</dt>
              <dd>{e.provenance.engineVersion}</dd>
              <dt>{t('analyst.report.record')}</dt>
              <dd data-testid="provenance-record">{rec!.record ? `${rec!.record.id} · ${formatDateTime(rec!.record.createdAt, lang)}` : t('analyst.report.notStored')}</dd>
            </dl>
          </section>
        </>
      )}
    </div>
  );
}
