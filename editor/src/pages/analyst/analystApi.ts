// The analyst pages' HTTP calls, made through the one ApiClient (so a revoked or expired token signs out everywhere): JSON parsed with the shared zod schemas, files as blobs.
import { z } from 'zod';
import * as S from '../../../../server/api/schemas.js';
import * as A from '../../../../server/api/analysisSchemas.js';
import type { ApiClient } from '../../api/client.js';
import type { Dossier, Evaluation } from '../../../../engine/index.js';

export type AnalystDossier = z.infer<typeof A.AnalystDossier>;
export type ImportResult = z.infer<typeof A.ImportResponse>;
export type SheetIssue = z.infer<typeof A.SheetIssue>;
export type BatchMatrix = z.infer<typeof S.BatchResponse>;
export type BatchColumnSpec = { ruleSet: string; interpretations?: Record<string, string>; label?: string };
export type ExplainResult = z.infer<typeof A.ExplainResponse>;
export type CohortAnswer = z.infer<typeof S.CohortResponse>;
export type EvaluationRecord = z.infer<typeof S.EvaluationRecord>;
export type ReportAnswer = z.infer<typeof A.ReportResponse>;

/** Offers a blob as a download (an <a download> click). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const q = (o: Record<string, string | number | boolean | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

const data = async <T,>(p: Promise<{ data: T }>) => (await p).data;

export const analystApi = {
  dossiers: (api: ApiClient, ruleSet: string, opts: { period?: number; full?: boolean } = {}) =>
    data(api.call('GET', `/api/analysis/dossiers?${q({ ruleSet, period: opts.period, full: opts.full ? 'true' : undefined })}`, z.array(A.AnalystDossier))),
  importFile: (api: ApiClient, ruleSet: string, file: { format: 'xlsx' | 'csv'; filename: string; content: string }, dryRun: boolean) =>
    data(api.call('POST', `/api/analysis/import?${q({ ruleSet, dryRun: dryRun ? 'true' : undefined })}`, A.ImportResponse, { body: file })),
  template: (api: ApiClient, ruleSet: string) => api.file('GET', `/api/analysis/template?${q({ ruleSet })}`),
  exportDossiers: (api: ApiClient, ruleSet: string, format: 'xlsx' | 'csv', period?: number) => api.file('GET', `/api/analysis/export?${q({ ruleSet, format, period })}`),
  batch: (api: ApiClient, body: { dossiers?: string[]; filter?: { period?: number }; versions: BatchColumnSpec[] }) => data(api.call('POST', '/api/batch', S.BatchResponse, { body })),
  exportComparison: (api: ApiClient, matrix: BatchMatrix, format: 'xlsx' | 'csv', ruleSet?: string) =>
    api.file('POST', '/api/analysis/comparison/export', { matrix, format, ...(ruleSet ? { ruleSet } : {}) }),
  explain: (api: ApiClient, dossierId: string, columns: BatchColumnSpec[]) =>
    data(
      api.call('POST', '/api/analysis/explain', A.ExplainResponse, {
        body: { dossierId, columns: columns.map(({ ruleSet, interpretations, label }) => ({ ruleSet, ...(interpretations ? { interpretations } : {}), ...(label ? { label } : {}) })) },
      }),
    ),
  /** The report's evaluation: a stored record with the same hashes when there is one, else evaluated and not stored. */
  report: (api: ApiClient, ruleSet: string, dossierId: string) => data(api.call('POST', '/api/analysis/report', A.ReportResponse, { body: { ruleSet, dossierId } })),
  /** Stores an evaluation record (the decision log). */
  evaluate: (api: ApiClient, ruleSet: string, dossierId: string, interpretations?: Record<string, string>) =>
    data(api.call('POST', '/api/evaluations', S.EvaluationRecord, { body: { ruleSet, dossierId, ...(interpretations ? { interpretations } : {}) } })),
  exportCohort: (api: ApiClient, answer: CohortAnswer, ruleSet?: string) => api.file('POST', '/api/analysis/cohort/export', { answer, ...(ruleSet ? { ruleSet } : {}) }),
  cohort: (api: ApiClient, ruleSet: string, period: number, mode: 'award' | 'dynamic') => data(api.call('POST', '/api/cohort', S.CohortResponse, { body: { ruleSet, period, mode } })),
  createDossier: (api: ApiClient, dossier: Dossier) => data(api.call('POST', '/api/dossiers', S.DossierDetail, { body: { dossier } })),
  saveDossier: (api: ApiClient, id: string, dossier: Dossier) => data(api.call('PUT', `/api/dossiers/${encodeURIComponent(id)}`, S.DossierDetail, { body: { dossier } })),
  validateDossier: (api: ApiClient, ruleSet: string, dossier: Dossier) => data(api.call('POST', '/api/dossiers/validate', S.DossierValidationResponse, { body: { ruleSet, dossier } })),
};

export type { Evaluation };

/** Reads a file picked by the analyst into the import body: .xlsx as base64, .csv as text. */
export async function readPickedFile(file: File): Promise<{ format: 'xlsx' | 'csv'; filename: string; content: string }> {
  if (/\.csv$/i.test(file.name)) return { format: 'csv', filename: file.name, content: await file.text() };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { format: 'xlsx', filename: file.name, content: btoa(bin) };
}
