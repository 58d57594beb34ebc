// The analyst's dossier list (search by city; sort by any column; filter by year, type, province and verdict) with the spreadsheet template, import (checked first, all or nothing) and export.
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useQueryClient } from '@tanstack/react-query';
import { useApi, useAuth } from '../../auth/useAuth.js';
import { ApiError } from '../../api/client.js';
import { errorText } from '../../api/errorText.js';
import { pick } from '../../i18n/i18n.js';
import { useAnalystDossiers } from '../../api/queries.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { FilterSelect, SearchBox, periodOptions, useDownload } from '../../components/analyst/Toolbar.js';
import { columnsFor, DataTable } from '../../components/DataTable.js';
import { QueryState } from '../../components/QueryState.js';
import { fmt, outcomeLabel, statusClass, typeLabel } from '../../components/analyst/labels.js';
import { formatDate } from '../../model/format.js';
import { analystApi, readPickedFile, type AnalystDossier, type ImportResult, type SheetIssue } from './analystApi.js';

type Pending = { file: Awaited<ReturnType<typeof readPickedFile>>; preview: ImportResult } | null;
const col = columnsFor<AnalystDossier>();
/** The verdict a row is filtered and sorted by: its status, or "invalid" when the dossier does not pass the checks. */
const verdictOf = (d: AnalystDossier) => (d.verdict.ok ? (d.verdict.status ?? 'undecided') : 'invalid');

/** The import's refusal: each bad cell by sheet, row and column, the problem in words. */
function ImportIssues({ issues }: { issues: SheetIssue[] }) {
  const { t } = useTranslation();
  return (
    <div className="banner error" role="alert" data-testid="import-issues">
      <strong>{t('analyst.dossiers.importRefused', { count: issues.length })}</strong>
      <table className="grid compact">
        <thead>
          <tr>
            <th>{t('analyst.dossiers.sheet')}</th>
            <th>{t('analyst.dossiers.row')}</th>
            <th>{t('analyst.dossiers.column')}</th>
            <th>{t('analyst.dossiers.field')}</th>
            <th>{t('analyst.dossiers.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((i, k) => (
            <tr key={k} data-testid="import-issue" data-cell={`${i.column ?? ''}${i.row}`} data-code={i.code}>
              <td>{i.sheet.replace(/ [A-Za-z ]+$/, '')}</td>
              <td>{i.row}</td>
              <td>{i.column ?? '—'}</td>
              <td className="mono small">{i.field ?? ''}</td>
              <td>{t(`analyst.sheetIssues.${i.code}`, { defaultValue: t(`issues.${i.code}`, { defaultValue: t('errors.issueOther', { code: i.code, where: i.field ?? '—' }) }) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DossiersPage() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useAuth();
  const qc = useQueryClient();
  const lang = i18n.language;
  const v = useAnalystVersion();
  const list = useAnalystDossiers(v.ref);
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState({ period: '', type: '', province: '', verdict: '' });
  const [issues, setIssues] = useState<SheetIssue[] | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const download = useDownload();
  const rows = list.data ?? [];

  const importFailed = (e: unknown) => {
    if (e instanceof ApiError && Array.isArray(e.body.cells)) setIssues(e.body.cells as SheetIssue[]);
    else setError(errorText(e, t));
  };
  async function pickFile(file: File) {
    setIssues(null);
    setPending(null);
    setDone(null);
    setError(null);
    setBusy(true);
    try {
      const body = await readPickedFile(file);
      setPending({ file: body, preview: await analystApi.importFile(api, v.ref!, body, true) });
    } catch (e) {
      importFailed(e);
    } finally {
      setBusy(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  }
  async function confirmImport() {
    if (!pending) return;
    setBusy(true);
    try {
      setDone(await analystApi.importFile(api, v.ref!, pending.file, false));
      setPending(null);
      await qc.invalidateQueries({ queryKey: ['analysis'] });
    } catch (e) {
      importFailed(e);
    } finally {
      setBusy(false);
    }
  }

  const columns = useMemo(
    () => [
      col.accessor((d) => d.cityName ?? d.id, {
        id: 'city',
        header: () => t('analyst.common.city'),
        meta: { search: true },
        cell: (c) => (
          <>
            {c.getValue()} <span className="id">{c.row.original.id}</span>
          </>
        ),
      }),
      col.accessor((d) => (d.period === null ? '' : String(d.period)), { id: 'period', header: () => t('analyst.common.period'), filterFn: 'equalsString' }),
      col.accessor((d) => d.type ?? '', { id: 'type', header: () => t('analyst.common.type'), filterFn: 'equalsString', cell: (c) => typeLabel(v.ruleSet, c.getValue() || null, lang) }),
      col.accessor((d) => d.province ?? '', { id: 'province', header: () => t('analyst.common.province'), filterFn: 'equalsString', cell: (c) => c.getValue() || '—' }),
      col.accessor(verdictOf, {
        id: 'verdict',
        header: () => t('analyst.dossiers.verdict', { ref: v.ref ?? '' }),
        filterFn: 'equalsString',
        // Sorted by total within the verdict, so "sort by verdict" also ranks the cities.
        sortFn: (a, b) => (verdictOf(a.original) === verdictOf(b.original) ? (a.original.verdict.total ?? -1) - (b.original.verdict.total ?? -1) : verdictOf(a.original) < verdictOf(b.original) ? -1 : 1),
        meta: { cellProps: (d: AnalystDossier) => ({ 'data-testid': `verdict-${d.id}`, 'data-status': d.verdict.status ?? 'invalid' }) },
        cell: (c) => {
          const d = c.row.original;
          return d.verdict.ok ? (
            <>
              <span className={`badge ${statusClass(d.verdict.status)}`}>{t(`analyst.status.${d.verdict.status}`)}</span> {outcomeLabel(v.ruleSet, d.verdict.title, lang)} · {fmt(d.verdict.total)}
            </>
          ) : (
            <span className="badge bad">{t('analyst.status.invalid', { count: d.verdict.issues?.length ?? 0 })}</span>
          );
        },
      }),
      col.accessor((d) => d.verdict.total ?? -1, { id: 'total', header: () => t('analyst.compare.total'), cell: (c) => fmt(c.row.original.verdict.total) }),
      col.accessor((d) => d.lastEvaluation?.createdAt ?? '', {
        id: 'lastEvaluation',
        header: () => t('analyst.dossiers.lastEvaluation'),
        meta: { className: 'small' },
        cell: (c) => {
          const e = c.row.original.lastEvaluation;
          return e ? (
            <>
              {e.ref} · {t(`analyst.status.${e.status}`)} · {fmt(e.total)} <span className="muted">{formatDate(e.createdAt, lang)}</span>
            </>
          ) : (
            <span className="muted">—</span>
          );
        },
      }),
      col.display({
        id: 'actions',
        header: () => '',
        cell: (c) => (
          <div className="row-actions">
            <Link href={`~/analyst/report/${encodeURIComponent(c.row.original.id)}`} className="button" data-testid={`report-${c.row.original.id}`}>
              {t('analyst.dossiers.report')}
            </Link>
            {can('analyst') && (
              <Link href={`~/analyst/dossiers/${encodeURIComponent(c.row.original.id)}/edit`} className="button" data-testid={`edit-${c.row.original.id}`}>
                {t('analyst.dossiers.edit')}
              </Link>
            )}
          </div>
        ),
      }),
    ],
    [t, lang, v.ruleSet, v.ref, can],
  );

  const distinct = (f: (d: AnalystDossier) => string | null) => [...new Set(rows.map(f).filter((x): x is string => !!x))].sort();
  const setFilter = (k: keyof typeof filters) => (value: string) => setFilters((f) => ({ ...f, [k]: value }));
  const period = filters.period ? Number(filters.period) : undefined;

  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.dossiers.title')}</h1>
      <p className="hint">{t('analyst.dossiers.hint')}</p>
      <div className="toolbar">
        <VersionPicker value={v.ref} refs={v.refs} inForce={v.inForce} onChange={v.setRef} />
        <span className="spacer" />
        <button type="button" onClick={() => download.run(() => analystApi.template(api, v.ref!))} disabled={!v.ref} data-testid="download-template">
          {t('analyst.dossiers.template')}
        </button>
        <button type="button" onClick={() => download.run(() => analystApi.exportDossiers(api, v.ref!, 'xlsx', period))} disabled={!v.ref} data-testid="export-xlsx">
          {t('analyst.dossiers.exportXlsx')}
        </button>
        <button type="button" onClick={() => download.run(() => analystApi.exportDossiers(api, v.ref!, 'csv', period))} disabled={!v.ref} data-testid="export-csv">
          {t('analyst.dossiers.exportCsv')}
        </button>
        {can('analyst') && (
          <>
            <label className="button primary" data-testid="import-label">
              {t('analyst.dossiers.import')}
              <input ref={fileRef} type="file" accept=".xlsx,.csv" className="sr-only" data-testid="import-file" onChange={(e) => e.target.files?.[0] && pickFile(e.target.files[0])} disabled={busy || !v.ref} />
            </label>
            <Link href="~/analyst/dossiers/new" className="button" data-testid="new-dossier">
              {t('analyst.dossiers.new')}
            </Link>
          </>
        )}
      </div>
      <div className="toolbar filters" data-testid="dossier-filters">
        <SearchBox value={search} onChange={setSearch} placeholder={t('analyst.dossiers.search')} testId="dossier-search" />
        <FilterSelect label={t('analyst.common.period')} value={filters.period} options={periodOptions(rows)} onChange={setFilter('period')} testId="period-filter" all={t('analyst.common.allPeriods')} />
        <FilterSelect label={t('analyst.common.type')} value={filters.type} options={distinct((d) => d.type).map((x) => ({ value: x, label: typeLabel(v.ruleSet, x, lang) }))} onChange={setFilter('type')} testId="type-filter" all={t('analyst.common.all')} />
        <FilterSelect label={t('analyst.common.province')} value={filters.province} options={distinct((d) => d.province).map((x) => ({ value: x, label: x }))} onChange={setFilter('province')} testId="province-filter" all={t('analyst.common.all')} />
        <FilterSelect
          label={t('analyst.dossiers.verdictFilter')}
          value={filters.verdict}
          options={['passed', 'failed', 'undecided', 'invalid'].map((x) => ({ value: x, label: t(`analyst.verdictFilter.${x}`) }))}
          onChange={setFilter('verdict')}
          testId="verdict-filter"
          all={t('analyst.common.all')}
        />
      </div>
      {(error || download.error) && <p className="field-error" role="alert">{error ?? download.error}</p>}
      {busy && <p className="muted">{t('common.loading')}</p>}
      {issues && <ImportIssues issues={issues} />}
      {pending && (
        <div className="banner info" data-testid="import-preview">
          <strong>{t('analyst.dossiers.previewTitle', { file: pending.file.filename, count: pending.preview.dossiers.length })}</strong>
          <ul className="small">
            {pending.preview.dossiers.map((d) => (
              <li key={d.id} data-testid={`import-row-${d.id}`}>
                {t(`analyst.dossiers.action.${d.action}`)} · {d.id} ({t('analyst.dossiers.rowAt', { row: d.row })})
              </li>
            ))}
          </ul>
          {(pending.preview.warnings?.length ?? 0) > 0 && (
            <ul className="small" data-testid="import-warnings">
              {pending.preview.warnings.map((w, k) => (
                <li key={k} data-code={w.code}>
                  ⚠ {w.sheet} {t('analyst.dossiers.row')} {w.row}
                  {w.column ? ` ${w.column}` : ''}：{w.text ? pick(w.text, i18n.language) : w.message}
                </li>
              ))}
            </ul>
          )}
          <div className="actions">
            <button type="button" className="primary" onClick={confirmImport} disabled={busy} data-testid="import-confirm">
              {t('analyst.dossiers.confirmImport')}
            </button>
            <button type="button" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {done && (
        <div className="banner success" role="status" data-testid="import-done">
          {t('analyst.dossiers.imported', {
            created: done.dossiers.filter((d) => d.action === 'create').length,
            updated: done.dossiers.filter((d) => d.action === 'update').length,
            unchanged: done.dossiers.filter((d) => d.action === 'unchanged').length,
          })}
        </div>
      )}
      <QueryState query={list}>
        <DataTable columns={columns} data={rows} testId="dossier-table" rowId={(d) => d.id} rowTestId="dossier-row-" search={search} filters={filters} empty={t('analyst.dossiers.noMatch')} />
      </QueryState>
    </div>
  );
}
