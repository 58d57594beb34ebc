// Re-scoring and comparison: chosen dossiers under two or more versions (or one version with interpretation switches), totals, verdicts, titles and ranks, each column against the base column, changed outcomes highlighted, a per-city drill-down, export to .xlsx and CSV.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../auth/useAuth.js';
import { pick } from '../../i18n/i18n.js';
import { useAnalystDossiers, useDrafts } from '../../api/queries.js';
import { errorText } from '../../api/errorText.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { FilterSelect, periodOptions, useDownload } from '../../components/analyst/Toolbar.js';
import { columnsFor, DataTable, type Column } from '../../components/DataTable.js';
import { fmt, outcomeLabel, statusClass } from '../../components/analyst/labels.js';
import { analystApi, type BatchColumnSpec, type BatchMatrix, type ExplainResult } from './analystApi.js';
import { interpretationVariants, switchText, variantLabel } from './rescore.js';

type Row = BatchMatrix['rows'][number];
const col = columnsFor<Row>();

/** The drill-down of one city: each column against the base, the rule changes and the items they moved. */
function Drilldown({ explain, matrix, ruleSetLabel }: { explain: { id: string; result: ExplainResult }; matrix: BatchMatrix | null; ruleSetLabel(id: string | null): string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const ref = useRef<HTMLElement>(null);
  // "Why" opens where the person is looking: the panel scrolls into view and takes the focus.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'start', behavior: 'auto' });
    ref.current?.focus({ preventScroll: true });
  }, [explain]);
  const name = matrix?.rows.find((r) => r.dossierId === explain.id)?.name ?? explain.id;
  return (
    <section className="card drilldown" data-testid="drilldown" ref={ref} tabIndex={-1} aria-labelledby="drill-h">
      <h2 id="drill-h">{t('analyst.compare.drillTitle', { name })}</h2>
      {explain.result.steps.map((s) => {
        const a = explain.result.evaluations[s.from];
        const b = explain.result.evaluations[s.to];
        return (
          <div key={s.to} className="drill-step">
            <h3>
              {matrix?.columns[s.to]?.label ?? s.to} {t('analyst.compare.againstBase', { base: matrix?.columns[s.from]?.label ?? s.from })}:{' '}
              <span data-testid={`drill-total-${s.to}`}>
                {fmt(a.outcome.total.value)} → {fmt(b.outcome.total.value)}
              </span>
              , {ruleSetLabel(a.outcome.title?.id ?? 'none')} → {ruleSetLabel(b.outcome.title?.id ?? 'none')}
            </h3>
            <h4>{t('analyst.compare.ruleChanges')}</h4>
            <ul className="small" data-testid={s.to === 1 ? 'rule-changes' : `rule-changes-${s.to}`}>
              {s.ruleChanges.length === 0 && <li className="muted">{t('analyst.compare.noRuleChanges')}</li>}
              {s.ruleChanges.map((c, k) => (
                <li key={k}>{pick(c.text, lang)}</li>
              ))}
            </ul>
            <h4>{t('analyst.compare.moves')}</h4>
            <table className="grid compact" data-testid={s.to === 1 ? 'moves' : `moves-${s.to}`}>
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
                    <td className="small">{m.from.points !== null ? fmt(m.from.points) : t(`analyst.status.${m.from.status}`, { defaultValue: pick(m.from.text, lang) })}</td>
                    <td className="small">{m.to.points !== null ? fmt(m.to.points) : t(`analyst.status.${m.to.status}`, { defaultValue: pick(m.to.text, lang) })}</td>
                    <td>{m.delta === null ? '' : `${m.delta > 0 ? '+' : ''}${fmt(m.delta)}`}</td>
                    <td className="small">{m.because.map((x) => pick(x, lang)).join('；')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

export function RescorePage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const list = useAnalystDossiers(v.ref);
  const drafts = useDrafts();
  const [period, setPeriod] = useState('');
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [extra, setExtra] = useState<BatchColumnSpec[]>([]);
  const [addVersion, setAddVersion] = useState('');
  const [addVariant, setAddVariant] = useState('');
  const download = useDownload();
  // The base column is the analyst's version (in force today unless chosen); the added columns are compared with it.
  const columns = useMemo(() => (v.ref ? [{ ruleSet: v.ref }, ...extra] : extra), [v.ref, extra]);
  const dossiers = (list.data ?? []).filter((d) => !period || String(d.period) === period);
  const chosen = dossiers.filter((d) => !excluded.has(d.id));
  const variants = v.ruleSet ? interpretationVariants(v.ruleSet) : [];
  const batch = useMutation({ mutationFn: () => analystApi.batch(api, { dossiers: chosen.map((d) => d.id), versions: columns }) });
  const explain = useMutation({ mutationFn: async (id: string) => ({ id, result: await analystApi.explain(api, id, columns) }) });
  const matrix = batch.data ?? null;
  const titleLabel = (id: string | null) => outcomeLabel(v.ruleSet, id, lang);

  const tableColumns = useMemo(() => {
    if (!matrix) return [] as Column<Row>[];
    const groups = matrix.columns.map((c, i) =>
      col.group({
        id: `col-${i}`,
        header: () => (i === 0 ? t('analyst.compare.baseColumn', { label: c.label }) : c.label),
        meta: { className: 'col-group' },
        columns: ([
          col.accessor((r) => r.cells[i]?.total ?? -1, {
            id: `total-${i}`,
            header: () => t('analyst.compare.total'),
            meta: { cellProps: (r: Row) => ({ className: r.cells[i]?.changed ? 'changed' : '', 'data-testid': `cell-${r.dossierId}-${i}`, 'data-changed': String(!!r.cells[i]?.changed) }) },
            cell: (x) => {
              const cell = x.row.original.cells[i];
              if (!cell?.ok) return <span className="bad small">{t('analyst.status.invalid', { count: cell?.issues?.length ?? 0 })}</span>;
              const base = x.row.original.cells[0];
              const d = i > 0 && base?.ok && cell.total !== null && base.total !== null ? Math.round((cell.total - base.total) * 100) / 100 : 0;
              return (
                <>
                  {fmt(cell.total)}
                  {d !== 0 && <span className="delta small"> ({d > 0 ? '+' : ''}{fmt(d)})</span>}
                </>
              );
            },
          }),
          col.accessor((r) => r.cells[i]?.status ?? '', {
            id: `status-${i}`,
            header: () => t('analyst.compare.verdict'),
            meta: { cellProps: (r: Row) => ({ className: r.cells[i]?.changed ? 'changed' : '' }) },
            cell: (x) => (x.getValue() ? <span className={`badge ${statusClass(x.getValue())}`}>{t(`analyst.status.${x.getValue()}`)}</span> : ''),
          }),
          col.accessor((r) => r.cells[i]?.titleRank ?? -1, {
            id: `title-${i}`,
            header: () => t('analyst.compare.titleCol'),
            meta: { cellProps: (r: Row) => ({ className: r.cells[i]?.changed ? 'changed' : '', 'data-testid': `title-${r.dossierId}-${i}` }) },
            cell: (x) => (x.row.original.cells[i]?.ok ? titleLabel(x.row.original.cells[i].title) : ''),
          }),
          col.accessor((r) => r.cells[i]?.rank ?? 9999, {
            id: `rank-${i}`,
            header: () => t('analyst.compare.rank'),
            meta: { cellProps: (r: Row) => ({ className: r.cells[i]?.changed ? 'changed' : '' }) },
            cell: (x) => x.row.original.cells[i]?.rank ?? '—',
          }),
        ] as Column<Row>[]),
      }),
    );
    return [
      col.accessor('name', {
        header: () => t('analyst.common.city'),
        meta: { search: true },
        cell: (x) => (
          <>
            {x.getValue()} <span className="id">{x.row.original.dossierId}</span>
          </>
        ),
      }),
      ...groups,
      col.display({
        id: 'why',
        header: () => '',
        cell: (x) =>
          x.row.original.dossierId && (
            <button type="button" className="link" onClick={() => explain.mutate(x.row.original.dossierId!)} data-testid={`drill-${x.row.original.dossierId}`}>
              {t('analyst.compare.why')}
            </button>
          ),
      }),
    ] as Column<Row>[];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [matrix, t, lang, v.ruleSet]);

  const err = batch.error ?? explain.error;
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
              {i === 0 && <span className="kind-tag">{t('analyst.compare.base')}</span>}
              {c.interpretations && (
                <span className="muted small">
                  {' '}
                  {Object.entries(c.interpretations)
                    .map(([k, o]) => switchText(v.ruleSet, k, o, lang))
                    .join('；')}
                </span>
              )}
              {i > 0 && (
                <button type="button" className="link danger" onClick={() => setExtra(extra.filter((_, k) => k !== i - 1))} aria-label={t('analyst.compare.removeColumn')}>
                  ✕
                </button>
              )}
            </li>
          ))}
        </ol>
        <div className="toolbar">
          <FilterSelect
            label={t('analyst.compare.addVersion')}
            value={addVersion}
            all="—"
            options={[...v.refs.map((r) => ({ value: r, label: r })), ...(drafts.data ?? []).map((d) => ({ value: d.id, label: t('analyst.compare.draftOption', { id: d.id, ref: `${d.basedOn.id}@${d.basedOn.version}` }) }))]}
            onChange={setAddVersion}
            testId="add-version-select"
          />
          <button type="button" disabled={!addVersion} onClick={() => (setExtra([...extra, { ruleSet: addVersion }]), setAddVersion(''))} data-testid="add-version">
            {t('analyst.compare.add')}
          </button>
          <FilterSelect
            label={t('analyst.compare.addVariant', { ref: v.ref ?? '' })}
            value={addVariant}
            all="—"
            options={variants.map((x) => ({ value: `${x.interpretation}=${x.option}`, label: `${pick(x.question, lang)} → ${pick(x.label, lang)}` }))}
            onChange={setAddVariant}
            testId="add-variant-select"
          />
          <button
            type="button"
            disabled={!addVariant || !v.ref}
            onClick={() => {
              const [interp, option] = addVariant.split('=');
              setExtra([...extra, { ruleSet: v.ref!, interpretations: { [interp]: option }, label: variantLabel(v.ref!, v.ruleSet, interp, option, lang) }]);
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
          <FilterSelect label={t('analyst.common.period')} value={period} options={periodOptions(list.data ?? [])} onChange={setPeriod} testId="compare-period" all={t('analyst.common.allPeriods')} />
        </div>
        <div className="dossier-picks">
          {dossiers.map((d) => (
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
          <button type="button" className="primary" onClick={() => (explain.reset(), batch.mutate())} disabled={batch.isPending || columns.length < 2 || chosen.length === 0} data-testid="run-compare">
            {t('analyst.compare.run')}
          </button>
          {columns.length < 2 && <span className="muted small">{t('analyst.compare.needTwo')}</span>}
          <span className="spacer" />
          <button type="button" onClick={() => download.run(() => analystApi.exportComparison(api, matrix!, 'xlsx', columns[0]?.ruleSet))} disabled={!matrix} data-testid="export-compare-xlsx">
            {t('analyst.compare.exportXlsx')}
          </button>
          <button type="button" onClick={() => download.run(() => analystApi.exportComparison(api, matrix!, 'csv', columns[0]?.ruleSet))} disabled={!matrix} data-testid="export-compare-csv">
            {t('analyst.compare.exportCsv')}
          </button>
        </div>
      </section>
      {(err || download.error) && (
        <p className="field-error" role="alert">
          {err ? errorText(err, t) : download.error}
        </p>
      )}
      {batch.isPending && <p className="muted">{t('common.loading')}</p>}

      {matrix && (
        <section className="card">
          <h2>
            {t('analyst.compare.result')}{' '}
            <span className="badge warn" data-testid="changed-count">
              {t('analyst.compare.changedCount', { count: matrix.changedDossiers.length })}
            </span>
          </h2>
          <p className="muted small">{t('analyst.compare.againstBaseHint')}</p>
          <DataTable
            columns={tableColumns}
            data={matrix.rows}
            testId="compare-table"
            className="grid compare-table"
            rowId={(r) => r.dossierId ?? r.name ?? ''}
            rowTestId="compare-row-"
            rowProps={(r) => ({ className: r.changed ? 'row-changed' : '', 'data-changed': String(r.changed) })}
          />
        </section>
      )}
      {explain.isPending && <p className="muted">{t('common.loading')}</p>}
      {explain.data && <Drilldown explain={explain.data} matrix={matrix} ruleSetLabel={titleLabel} />}
    </div>
  );
}
