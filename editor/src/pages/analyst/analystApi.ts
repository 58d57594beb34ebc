// The analyst pages' HTTP calls: JSON answers parsed with the shared zod schemas, files fetched as blobs; errors as the editor's ApiError.
import { z } from 'zod';
import * as S from '../../../../server/api/schemas.js';
import * as A from '../../../../server/api/analysisSchemas.js';
import { ApiError } from '../../api/client.js';
import type { Dossier, Evaluation } from '../../../../engine/index.js';

export type AnalystDossier = z.infer<typeof A.AnalystDossier>;
export type ImportResult = z.infer<typeof A.ImportResponse>;
export type SheetIssue = z.infer<typeof A.SheetIssue>;
export type BatchMatrix = z.infer<typeof S.BatchResponse>;
export type BatchColumnSpec = { ruleSet: string; interpretations?: Record<string, string>; label?: string };
export type ExplainResult = z.infer<typeof A.ExplainResponse>;
export type CohortAnswer = z.infer<typeof S.CohortResponse>;
export type EvaluationRecord = z.infer<typeof S.EvaluationRecord>;

async function send(token: string, method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'network', `The server cannot be reached (${(err as Error).message})`);
  }
  if (!res.ok) {
    const json = await res.json().catch(() => null);
    const e = S.ErrorBody.safeParse(json);
    if (!e.success) throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}`);
    const { code, message, issues, ...rest } = e.data.error;
    throw new ApiError(res.status, code, message, issues ?? [], rest);
  }
  return res;
}

async function json<T>(token: string, method: string, url: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  const res = await send(token, method, url, body);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${method} ${url}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** A file answer: its bytes and the name the server suggests. */
export async function fetchFile(token: string, method: string, url: string, body?: unknown): Promise<{ blob: Blob; filename: string }> {
  const res = await send(token, method, url, body);
  const cd = res.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(cd)?.[1] ?? 'download';
  return { blob: await res.blob(), filename };
}

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

export const analystApi = {
  dossiers: (token: string, ruleSet: string, opts: { period?: number; full?: boolean } = {}) =>
    json(token, 'GET', `/api/analysis/dossiers?${q({ ruleSet, period: opts.period, full: opts.full ? 'true' : undefined })}`, z.array(A.AnalystDossier)),
  importFile: (token: string, ruleSet: string, file: { format: 'xlsx' | 'csv'; filename: string; content: string }, dryRun: boolean) =>
    json(token, 'POST', `/api/analysis/import?${q({ ruleSet, dryRun: dryRun ? 'true' : undefined })}`, A.ImportResponse, file),
  template: (token: string, ruleSet: string) => fetchFile(token, 'GET', `/api/analysis/template?${q({ ruleSet })}`),
  exportDossiers: (token: string, ruleSet: string, format: 'xlsx' | 'csv', period?: number) => fetchFile(token, 'GET', `/api/analysis/export?${q({ ruleSet, format, period })}`),
  batch: (token: string, body: { dossiers?: string[]; filter?: { period?: number }; versions: BatchColumnSpec[] }) => json(token, 'POST', '/api/batch', S.BatchResponse, body),
  exportComparison: (token: string, matrix: BatchMatrix, format: 'xlsx' | 'csv', ruleSet?: string) =>
    fetchFile(token, 'POST', '/api/analysis/comparison/export', { matrix, format, ...(ruleSet ? { ruleSet } : {}) }),
  explain: (token: string, dossierId: string, columns: BatchColumnSpec[]) =>
    json(token, 'POST', '/api/analysis/explain', A.ExplainResponse, { dossierId, columns: columns.map(({ ruleSet, interpretations, label }) => ({ ruleSet, ...(interpretations ? { interpretations } : {}), ...(label ? { label } : {}) })) }),
  evaluate: (token: string, ruleSet: string, dossierId: string, interpretations?: Record<string, string>) =>
    json(token, 'POST', '/api/evaluations', S.EvaluationRecord, { ruleSet, dossierId, ...(interpretations ? { interpretations } : {}) }),
  /** The newest stored evaluation record of a dossier under a version (viewers read records; only analysts create them). */
  latestEvaluation: async (token: string, ruleSet: string, dossierId: string) => {
    const [ruleSetId, version] = ruleSet.split('@');
    const list = await json(token, 'GET', `/api/evaluations?${q({ dossierId, ruleSetId, version })}`, z.array(S.EvaluationSummary));
    const newest = [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    return newest ? json(token, 'GET', `/api/evaluations/${encodeURIComponent(newest.id)}`, S.EvaluationRecord) : null;
  },
  cohort: (token: string, ruleSet: string, period: number, mode: 'award' | 'dynamic') => json(token, 'POST', '/api/cohort', S.CohortResponse, { ruleSet, period, mode }),
  createDossier: (token: string, dossier: Dossier) => json(token, 'POST', '/api/dossiers', S.DossierDetail, { dossier }),
  saveDossier: (token: string, id: string, dossier: Dossier) => json(token, 'PUT', `/api/dossiers/${encodeURIComponent(id)}`, S.DossierDetail, { dossier }),
  validateDossier: (token: string, ruleSet: string, dossier: Dossier) => json(token, 'POST', '/api/dossiers/validate', S.DossierValidationResponse, { ruleSet, dossier }),
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
