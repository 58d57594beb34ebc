// The analyst's dossier list (city, period, type, verdict) with the spreadsheet template, import (checked first, all or nothing) and export.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useAuth } from '../../auth/useAuth.js';
import { ApiError } from '../../api/client.js';
import { useAnalystVersion } from '../../components/analyst/useAnalystVersion.js';
import { VersionPicker } from '../../components/analyst/VersionPicker.js';
import { fmt, outcomeLabel, statusClass, typeLabel } from '../../components/analyst/labels.js';
import { analystApi, readPickedFile, saveBlob, type AnalystDossier, type ImportResult, type SheetIssue } from './analystApi.js';

type Pending = { file: Awaited<ReturnType<typeof readPickedFile>>; preview: ImportResult } | null;

export function DossiersPage() {
  const { t, i18n } = useTranslation();
  const { api, can } = useAuth();
  const token = api!.token;
  const v = useAnalystVersion();
  const [period, setPeriod] = useState('');
  const [list, setList] = useState<AnalystDossier[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<SheetIssue[] | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    if (!v.ref) return;
    try {
      setList(await analystApi.dossiers(token, v.ref));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [token, v.ref]);
  useEffect(() => {
    void load();
  }, [load]);

  const periods = [...new Set((list ?? []).map((d) => d.period).filter((p): p is number => p !== null))].sort();
  const shown = (list ?? []).filter((d) => !period || String(d.period) === period);

  async function pick(file: File) {
    setIssues(null);
    setPending(null);
    setDone(null);
    setError(null);
    setBusy(true);
    try {
      const body = await readPickedFile(file);
      const preview = await analystApi.importFile(token, v.ref!, body, true);
      setPending({ file: body, preview });
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.cells)) setIssues(e.body.cells as SheetIssue[]);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  async function confirmImport() {
    if (!pending) return;
    setBusy(true);
    try {
      setDone(await analystApi.importFile(token, v.ref!, pending.file, false));
      setPending(null);
      await load();
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.cells)) setIssues(e.body.cells as SheetIssue[]);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const download = async (p: Promise<{ blob: Blob; filename: string }>) => {
    try {
      const f = await p;
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="page-pad analyst-page">
      <h1>{t('analyst.dossiers.title')}</h1>
      <p className="hint">{t('analyst.dossiers.hint')}</p>
      <div className="toolbar">
        <VersionPicker value={v.ref} refs={v.refs} onChange={v.setRef} />
        <label className="inline-field">
          <span>{t('analyst.common.period')}</span>
          <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="period-filter">
            <option value="">{t('analyst.common.allPeriods')}</option>
            {periods.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => download(analystApi.template(token, v.ref!))} disabled={!v.ref} data-testid="download-template">
          {t('analyst.dossiers.template')}
        </button>
        <button type="button" onClick={() => download(analystApi.exportDossiers(token, v.ref!, 'xlsx', period ? Number(period) : undefined))} disabled={!v.ref} data-testid="export-xlsx">
          {t('analyst.dossiers.exportXlsx')}
        </button>
        <button type="button" onClick={() => download(analystApi.exportDossiers(token, v.ref!, 'csv', period ? Number(period) : undefined))} disabled={!v.ref} data-testid="export-csv">
          {t('analyst.dossiers.exportCsv')}
        </button>
        {can('analyst') && (
          <>
            <label className="button primary" data-testid="import-label">
              {t('analyst.dossiers.import')}
              <input ref={fileRef} type="file" accept=".xlsx,.csv" className="sr-only" data-testid="import-file" onChange={(e) => e.target.files?.[0] && pick(e.target.files[0])} disabled={busy || !v.ref} />
            </label>
            <Link href="~/analyst/dossiers/new" className="button" data-testid="new-dossier">
              {t('analyst.dossiers.new')}
            </Link>
          </>
        )}
      </div>
      {error && <p className="field-error">{error}</p>}
      {busy && <p className="muted">{t('common.loading')}</p>}

      {issues && (
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
                  <td>{i.sheet}</td>
                  <td>{i.row}</td>
                  <td>{i.column ?? '—'}</td>
                  <td className="mono small">{i.field ?? ''}</td>
                  <td>
                    <span className="kind-tag">{i.code}</span> {i.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pending && (
        <div className="banner info" data-testid="import-preview">
          <strong>{t('analyst.dossiers.previewTitle', { file: pending.file.filename, count: pending.preview.dossiers.length })}</strong>
          <ul className="small">
            {pending.preview.dossiers.map((d) => (
              <li key={d.id} data-testid={`import-row-${d.id}`}>
                {t(`analyst.dossiers.action.${d.action}`)} · {d.id} ({d.sheet} {t('analyst.dossiers.row')} {d.row})
              </li>
            ))}
          </ul>
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

      {list && (
        <table className="grid" data-testid="dossier-table">
          <thead>
            <tr>
              <th>{t('analyst.common.city')}</th>
              <th>{t('analyst.common.period')}</th>
              <th>{t('analyst.common.type')}</th>
              <th>{t('analyst.dossiers.verdict', { ref: v.ref ?? '' })}</th>
              <th>{t('analyst.dossiers.lastEvaluation')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <tr key={d.id} data-testid={`dossier-row-${d.id}`}>
                <td>
                  {d.cityName ?? '—'} <span className="id">{d.id}</span>
                </td>
                <td>{d.period ?? '—'}</td>
                <td>{typeLabel(v.ruleSet, d.type, i18n.language)}</td>
                <td data-testid={`verdict-${d.id}`} data-status={d.verdict.status ?? 'invalid'}>
                  {d.verdict.ok ? (
                    <>
                      <span className={`badge ${statusClass(d.verdict.status)}`}>{t(`analyst.status.${d.verdict.status}`)}</span> {outcomeLabel(v.ruleSet, d.verdict.title, i18n.language)} · {fmt(d.verdict.total)}
                    </>
                  ) : (
                    <span className="badge bad" title={(d.verdict.issues ?? []).map((i) => i.message).join('\n')}>
                      {t('analyst.status.invalid', { count: d.verdict.issues?.length ?? 0 })}
                    </span>
                  )}
                </td>
                <td className="small">
                  {d.lastEvaluation ? (
                    <>
                      {d.lastEvaluation.ref} · {t(`analyst.status.${d.lastEvaluation.status}`)} · {fmt(d.lastEvaluation.total)}
                      <span className="muted"> {new Date(d.lastEvaluation.createdAt).toLocaleDateString(i18n.language)}</span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="row-actions">
                  <Link href={`~/analyst/report/${encodeURIComponent(d.id)}`} className="button" data-testid={`report-${d.id}`}>
                    {t('analyst.dossiers.report')}
                  </Link>
                  {can('analyst') && (
                    <Link href={`~/analyst/dossiers/${encodeURIComponent(d.id)}/edit`} className="button" data-testid={`edit-${d.id}`}>
                      {t('analyst.dossiers.edit')}
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
