// Sensitivity: sweep one parameter (or flip each interpretation) over the chosen dossiers in a Web Worker running the engine's fast path; a step chart of how many pass and a table of which cities flip where.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n/i18n.js';
import { useAnalystDossiers } from '../../api/queries.js';
import { unitLabel } from '../../components/analyst/labels.js';
import { checkSweep, type SweepField } from './sweepInput.js';
import { EChart } from '../../components/analyst/EChart.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { fmt } from '../../components/analyst/labels.js';
import SensitivityWorker from '../../workers/sensitivity.worker.ts?worker';
import type { SensitivityReply, SensitivityRequest } from '../../workers/sensitivityProtocol.js';

type Sweep = Extract<SensitivityReply, { kind: 'sweep' }>;
type Flips = Extract<SensitivityReply, { kind: 'flips' }>;

/** "passed:comprehensive" → a readable outcome in the UI language. */
function outcomeText(key: string, outcomes: { id: string; label: { zh: string; en: string } }[], lang: string, t: (k: string) => string): string {
  const [status, title] = key.split(':');
  const o = outcomes.find((x) => x.id === title);
  return status === 'passed' && o ? pick(o.label, lang) : t(`analyst.status.${status}`);
}

export function SensitivityPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const dossiers = useAnalystDossiers(v.ref, true).data ?? null;
  const [period, setPeriod] = useState('');
  const [parameter, setParameter] = useState('revenueThreshold');
  const [from, setFrom] = useState('500');
  const [to, setTo] = useState('2000');
  const [steps, setSteps] = useState('16');
  const [scale, setScale] = useState('');
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const [flips, setFlips] = useState<Flips | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ticks, setTicks] = useState(0);
  const worker = useRef<Worker | null>(null);
  // Heartbeats of the main thread counted while the worker runs: evidence that the page kept responding.
  const beats = useRef(0);
  const [lastBeats, setLastBeats] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    const w = new SensitivityWorker();
    worker.current = w;
    w.onmessage = (ev: MessageEvent<SensitivityReply>) => {
      const r = ev.data;
      if (r.id !== seq.current) return;
      setRunning(null);
      setLastBeats(beats.current);
      if (r.kind === 'error') setError(r.message);
      else if (r.kind === 'sweep') setSweep(r);
      else setFlips(r);
    };
    return () => w.terminate();
  }, []);
  // A heartbeat while the worker runs: the page keeps painting (the sweep is off the main thread).
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => {
      beats.current += 1;
      setTicks((x) => x + 1);
    }, 100);
    return () => clearInterval(id);
  }, [running]);

  const numeric = (v.ruleSet?.parameters ?? []).filter((p) => p.type === 'number');
  const param = numeric.find((p) => p.id === parameter);
  const periods = [...new Set((dossiers ?? []).map((d) => d.period).filter((p): p is number => p !== null))].sort();
  const chosen = (dossiers ?? []).filter((d) => (!period || String(d.period) === period) && d.verdict.ok && d.dossier);

  const checked = checkSweep({ from, to, steps, scale }, { min: param?.min, max: param?.max });
  const problem = (field: SweepField) => (checked.ok ? null : (checked.problems.find((p) => p.field === field) ?? null));
  const fieldError = (field: SweepField) => {
    const p = problem(field);
    return p ? (
      <span className="field-error" role="alert" data-testid={`sweep-error-${field}`} data-key={p.key}>
        {t(`analyst.sensitivity.errors.${p.key}`, p.values ?? {})}
      </span>
    ) : null;
  };

  function start(kind: 'sweep' | 'flips') {
    if (!v.ruleSet || !worker.current) return;
    setError(null);
    if (kind === 'sweep' && !checked.ok) return;
    const id = ++seq.current;
    const base = { id, ruleSet: v.ruleSet, dossiers: chosen.map((d) => d.dossier), replicateTo: checked.ok ? checked.copies : 0 };
    let req: SensitivityRequest;
    if (kind === 'sweep' && checked.ok) req = { ...base, kind: 'sweep', parameter, values: checked.values };
    else req = { ...base, kind: 'flips' };
    setRunning(kind);
    setTicks(0);
    beats.current = 0;
    worker.current.postMessage(req);
  }

  const tiers = useMemo(() => [...(v.ruleSet?.outcomes ?? [])].filter((o) => o.rank > 0).sort((a, b) => b.rank - a.rank), [v.ruleSet]);
  const chart = useMemo(() => {
    if (!sweep) return null;
    const r = sweep.result;
    return {
      grid: { left: 56, right: 32, top: 64, bottom: 48 },
      color: ['#1d5fa3', '#1f8a4c', '#d97706', '#7c3aed'],
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0, data: [t('analyst.sensitivity.passing'), ...tiers.map((o) => pick(o.label, lang))] },
      xAxis: { type: 'value' as const, name: unitLabel(r.unit, t), min: Number(r.points[0]?.value), max: Number(r.points.at(-1)?.value) },
      yAxis: { type: 'value' as const, name: t('analyst.sensitivity.cities'), minInterval: 1 },
      series: [
        {
          name: t('analyst.sensitivity.passing'),
          type: 'line' as const,
          step: 'end' as const,
          symbol: r.points.length > 60 ? 'none' : 'circle',
          data: r.points.map((p) => [Number(p.value), p.passed]),
          markLine: { symbol: 'none', lineStyle: { type: 'dashed' as const }, label: { formatter: `${t('analyst.sensitivity.baseline')} ${r.baseline}` }, data: [{ xAxis: Number(r.baseline) }] },
        },
        // One thinner line per title: how many cities hold each outcome tier at each value.
        ...tiers.map((o) => ({
          name: pick(o.label, lang),
          type: 'line' as const,
          step: 'end' as const,
          symbol: 'none',
          lineStyle: { width: 1.5, type: 'dotted' as const },
          data: r.points.map((p) => [Number(p.value), p.titles[o.id] ?? 0]),
        })),
      ],
    };
  }, [sweep, t, tiers, lang]);

  // The table lists the values where the pass count changes (plus the first and last), so a 1,000-value sweep stays readable.
  const changes = useMemo(() => (sweep ? sweep.result.points.filter((p, i, a) => i === 0 || i === a.length - 1 || p.passed !== a[i - 1].passed || JSON.stringify(p.titles) !== JSON.stringify(a[i - 1].titles)) : []), [sweep]);
  const outcomes = v.ruleSet?.outcomes ?? [];

  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.sensitivity.title')}</h1>
      <p className="hint">{t('analyst.sensitivity.hint')}</p>
      <section className="card">
        <div className="toolbar">
          <VersionPicker value={v.ref} refs={v.refs} inForce={v.inForce} onChange={v.setRef} />
          <label className="inline-field">
            <span>{t('analyst.common.period')}</span>
            <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="sweep-period">
              <option value="">{t('analyst.common.allPeriods')}</option>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <span className="muted small">{t('analyst.sensitivity.dossierCount', { count: chosen.length })}</span>
        </div>
        <div className="toolbar">
          <label className="inline-field">
            <span>{t('analyst.sensitivity.parameter')}</span>
            <select
              value={parameter}
              onChange={(e) => {
                setParameter(e.target.value);
                const p = numeric.find((x) => x.id === e.target.value);
                if (p && typeof p.value === 'number') {
                  setFrom(String(p.min ?? Math.round(p.value / 2)));
                  setTo(String(p.max ?? p.value * 2));
                }
              }}
              data-testid="sweep-parameter"
            >
              {numeric.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.label, lang)}
                  {p.unit ? ` · ${unitLabel(p.unit, t)}` : ''}
                </option>
              ))}
            </select>
          </label>
          {param && <span className="muted small">{t('analyst.sensitivity.current', { value: String(param.value), unit: unitLabel(param.unit, t) })}</span>}
        </div>
        <div className="toolbar">
          <label className="inline-field">
            <span>{t('analyst.sensitivity.from')}</span>
            <input value={from} onChange={(e) => setFrom(e.target.value)} className={`narrow ${problem('from') ? 'invalid' : ''}`} aria-invalid={!!problem('from')} data-testid="sweep-from" />
            {fieldError('from')}
          </label>
          <label className="inline-field">
            <span>{t('analyst.sensitivity.to')}</span>
            <input value={to} onChange={(e) => setTo(e.target.value)} className={`narrow ${problem('to') ? 'invalid' : ''}`} aria-invalid={!!problem('to')} data-testid="sweep-to" />
            {fieldError('to')}
          </label>
          <label className="inline-field">
            <span>{t('analyst.sensitivity.steps')}</span>
            <input value={steps} onChange={(e) => setSteps(e.target.value)} className={`narrow ${problem('steps') ? 'invalid' : ''}`} aria-invalid={!!problem('steps')} data-testid="sweep-steps" />
            {fieldError('steps')}
          </label>
          <label className="inline-field" title={t('analyst.sensitivity.scaleHelp')}>
            <span>{t('analyst.sensitivity.scale')}</span>
            <input value={scale} onChange={(e) => setScale(e.target.value)} className={`narrow ${problem('scale') ? 'invalid' : ''}`} aria-invalid={!!problem('scale')} placeholder="—" data-testid="sweep-scale" />
            {fieldError('scale')}
          </label>
          <button type="button" className="primary" onClick={() => start('sweep')} disabled={!!running || !chosen.length || !checked.ok} data-testid="run-sweep">
            {t('analyst.sensitivity.run')}
          </button>
          <button type="button" onClick={() => start('flips')} disabled={!!running || !chosen.length} data-testid="run-flips">
            {t('analyst.sensitivity.flipAll')}
          </button>
          {running && (
            <span className="muted small" data-testid="sweep-running" data-ticks={ticks}>
              {t('analyst.sensitivity.running', { seconds: (ticks / 10).toFixed(1) })}
            </span>
          )}
        </div>
      </section>
      {error && <p className="field-error">{error}</p>}

      {sweep && chart && (
        <section className="card" data-testid="sweep-result">
          <h2>
            {pick(sweep.result.label, lang)}
          </h2>
          <p className="small" data-testid="sweep-timing" data-ms={Math.round(sweep.elapsedMs)} data-dossiers={sweep.dossiers} data-values={sweep.values} data-heartbeats={lastBeats}>
            {t('analyst.sensitivity.timing', { dossiers: sweep.dossiers, values: sweep.values, ms: Math.round(sweep.elapsedMs) })}
          </p>
          <div className="chart-grid">
            <EChart option={chart} height={320} testId="sweep-chart" label={t('analyst.sensitivity.chartLabel')} />
            <div className="table-scroll">
            <table className="grid compact" data-testid="sweep-table">
              <thead>
                <tr>
                  <th>
                    {t('analyst.sensitivity.value')}
                    {sweep.result.unit ? `（${unitLabel(sweep.result.unit, t)}）` : ''}
                  </th>
                  <th>{t('analyst.sensitivity.passing')}</th>
                  {tiers.map((o) => (
                    <th key={o.id}>{pick(o.label, lang)}</th>
                  ))}
                  <th>{t('analyst.sensitivity.failing')}</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((p) => (
                  <tr key={String(p.value)} data-testid={`sweep-point-${p.value}`}>
                    <td>
                      {fmt(Number(p.value))}
                    </td>
                    <td>{p.passed}</td>
                    {tiers.map((o) => (
                      <td key={o.id}>{p.titles[o.id] ?? 0}</td>
                    ))}
                    <td>{p.failed + p.undecided}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          </div>
          <h3>{t('analyst.sensitivity.flipsTitle', { count: sweep.result.flips.length })}</h3>
          <table className="grid compact" data-testid="sweep-flips">
            <thead>
              <tr>
                <th>{t('analyst.common.city')}</th>
                <th>{t('analyst.sensitivity.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {sweep.result.flips.slice(0, 200).map((f) => (
                <tr key={f.subjectId} data-testid={`flip-${f.subjectId}`}>
                  <td>{f.name}</td>
                  <td>
                    {f.changes.map((c, k) => (
                      <div key={k}>
                        {t('analyst.sensitivity.at', { value: fmt(Number(c.at)), unit: unitLabel(sweep.result.unit, t) })}: {outcomeText(c.from, outcomes, lang, t)} → {outcomeText(c.to, outcomes, lang, t)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {flips && (
        <section className="card" data-testid="flips-result">
          <h2>{t('analyst.sensitivity.flipsHeading', { passed: flips.baselinePassed, dossiers: flips.dossiers })}</h2>
          <p className="small muted">{t('analyst.sensitivity.flipTiming', { ms: Math.round(flips.elapsedMs) })}</p>
          <table className="grid compact">
            <thead>
              <tr>
                <th>{t('analyst.sensitivity.interpretation')}</th>
                <th>{t('analyst.sensitivity.passing')}</th>
                <th>{t('analyst.sensitivity.changed')}</th>
              </tr>
            </thead>
            <tbody>
              {flips.flips.map((f) => (
                <tr key={`${f.interpretation}=${f.option}`} data-testid={`flipopt-${f.interpretation}-${f.option}`}>
                  <td>
                    {pick(f.question, lang)} → <strong>{pick(f.label, lang)}</strong>
                  </td>
                  <td>
                    {f.passed} <span className="muted small">({f.passed - flips.baselinePassed >= 0 ? '+' : ''}{f.passed - flips.baselinePassed})</span>
                  </td>
                  <td className="small">
                    {f.changed.filter((c) => c.from !== c.to).map((c) => `${c.name}: ${outcomeText(c.from, outcomes, lang, t)} → ${outcomeText(c.to, outcomes, lang, t)}`).join('；') || <span className="muted">{t('analyst.sensitivity.onlyTotals', { count: f.changed.length })}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
