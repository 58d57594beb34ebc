// The editor's only way to the server: typed HTTP calls whose responses are parsed with the shared zod schemas.
import { z } from 'zod';
import * as S from '../../../server/api/schemas.js';
import type { RuleSet, Issue, I18nText } from '../../../engine/index.js';

export type WhoAmI = z.infer<typeof S.WhoAmI>;
export type Role = WhoAmI['role'];
export type RuleSetSummary = z.infer<typeof S.RuleSetSummary>;
export type VersionSummary = z.infer<typeof S.VersionSummary>;
export type VersionDetail = z.infer<typeof S.VersionDetail>;
export type DraftSummary = z.infer<typeof S.DraftSummary>;
export type DraftDetail = z.infer<typeof S.DraftDetail>;
export type DossierSummary = z.infer<typeof S.DossierSummary>;
export type DossierDetail = z.infer<typeof S.DossierDetail>;
export type GoldenRun = z.infer<typeof S.GoldenRunResponse>;
export type GoldenCase = z.infer<typeof S.GoldenCase>;
export type Change = z.infer<typeof S.ChangeItem>;
export type ClauseText = z.infer<typeof S.ClauseText>;
export type TokenSummary = z.infer<typeof S.TokenSummary>;
export type CreatedToken = z.infer<typeof S.CreatedToken>;
export type AuditResponse = z.infer<typeof S.AuditResponse>;
export type AuditEntry = z.infer<typeof S.AuditEntrySchema>;
export type AuditFilter = { actor?: string; action?: string; target?: string; since?: string; until?: string };
/** Why the server stopped accepting the token (from the 401's `reason`). */
export type SignOutReason = 'revoked' | 'expired' | 'unknown' | 'missing';
export type ParameterNotes = z.infer<typeof S.ParameterNotes>;
export type ReviewState = z.infer<typeof S.ReviewState>;
export type Settings = z.infer<typeof S.Settings>;

/** Conflict details the server sends with a 409 etag_mismatch: who saved, and what changed since our revision. */
export const ConflictDetails = z.object({
  current: z.object({ etag: z.string(), revision: z.number(), updatedAt: z.string(), updatedBy: z.string() }),
  changes: z.array(S.ChangeItem).nullable(),
});
export type ConflictDetails = z.infer<typeof ConflictDetails>;

/** A failed call: HTTP status, the API's error code and message, and its issues and extra fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const ROLE_ORDER: Role[] = ['viewer', 'analyst', 'editor', 'admin'];
/** Whether a role may do what needs `needs` (roles are cumulative, as on the server). */
export function roleAllows(has: Role | undefined, needs: Role): boolean {
  return has !== undefined && ROLE_ORDER.indexOf(has) >= ROLE_ORDER.indexOf(needs);
}

/** A client bound to one bearer token. */
export class ApiClient {
  constructor(
    readonly token: string,
    private readonly base = '',
    /** Called when the server no longer accepts the token (revoked, expired or unknown): the app signs out and says why. */
    private readonly onUnauthorized?: (reason: SignOutReason) => void,
  ) {}

  /** Sends a request with the token; a failure becomes an ApiError with the server's code, issues and extra fields. */
  private async send(method: string, url: string, opts: { body?: unknown; ifMatch?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
    let res: Response;
    try {
      res = await fetch(this.base + url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch (err) {
      throw new ApiError(0, 'network', `The server cannot be reached (${(err as Error).message})`);
    }
    if (res.ok) return res;
    const json: unknown = await res.json().catch(() => undefined);
    const e = S.ErrorBody.safeParse(json);
    if (res.status === 401) {
      const reason = e.success ? e.data.error.reason : undefined;
      this.onUnauthorized?.(reason === 'revoked' || reason === 'expired' || reason === 'missing' ? reason : 'unknown');
    }
    if (!e.success) throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}`);
    const { code, message, issues, ...rest } = e.data.error;
    throw new ApiError(res.status, code, message, issues ?? [], rest);
  }

  /** A JSON call whose answer is parsed with `schema` (null: no body expected). */
  async call<T>(method: string, url: string, schema: z.ZodType<T> | null, opts: { body?: unknown; ifMatch?: string } = {}): Promise<{ data: T; etag: string | null }> {
    const res = await this.send(method, url, opts);
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ApiError(res.status, 'bad_response', `The server answered something that is not JSON (HTTP ${res.status})`);
      }
    }
    if (!schema) return { data: undefined as T, etag: res.headers.get('ETag') };
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${method} ${url}: ${parsed.error.issues[0]?.message}`);
    return { data: parsed.data, etag: res.headers.get('ETag') };
  }

  /** A file answer (a spreadsheet, a CSV): its bytes and the name the server suggests. */
  async file(method: string, url: string, body?: unknown): Promise<{ blob: Blob; filename: string }> {
    const res = await this.send(method, url, { body });
    const cd = res.headers.get('Content-Disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(cd)?.[1] ?? 'download';
    return { blob: await res.blob(), filename };
  }

  async whoami(): Promise<WhoAmI> {
    return (await this.call('GET', '/api/whoami', S.WhoAmI)).data;
  }
  async ruleSets(): Promise<RuleSetSummary[]> {
    return (await this.call('GET', '/api/rulesets', z.array(S.RuleSetSummary))).data;
  }
  async versions(id: string): Promise<VersionSummary[]> {
    return (await this.call('GET', `/api/rulesets/${encodeURIComponent(id)}/versions`, z.array(S.VersionSummary))).data;
  }
  async version(id: string, version: number): Promise<VersionDetail> {
    return (await this.call('GET', `/api/rulesets/${encodeURIComponent(id)}/versions/${version}`, S.VersionDetail)).data;
  }
  async diff(id: string, from: string, to: string): Promise<Change[]> {
    return (await this.call('GET', `/api/rulesets/${encodeURIComponent(id)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, S.DiffResponse)).data.changes;
  }
  async drafts(): Promise<DraftSummary[]> {
    return (await this.call('GET', '/api/drafts', z.array(S.DraftSummary))).data;
  }
  async createDraft(ruleSetId: string, version: number): Promise<DraftDetail> {
    return (await this.call('POST', '/api/drafts', S.DraftDetail, { body: { from: `${ruleSetId}@${version}` } })).data;
  }
  async draft(id: string): Promise<DraftDetail> {
    return (await this.call('GET', `/api/drafts/${encodeURIComponent(id)}`, S.DraftDetail)).data;
  }
  /** Saves the whole document; `etag` is the revision it was edited from (a stale one gets a 409 ApiError with ConflictDetails). */
  async saveDraft(id: string, document: RuleSet, etag: string): Promise<DraftDetail> {
    return (await this.call('PUT', `/api/drafts/${encodeURIComponent(id)}`, S.DraftDetail, { body: { document }, ifMatch: etag })).data;
  }
  async deleteDraft(id: string, etag: string): Promise<void> {
    await this.call('DELETE', `/api/drafts/${encodeURIComponent(id)}`, null, { ifMatch: etag });
  }
  async goldenCases(draftId: string): Promise<GoldenCase[]> {
    return (await this.call('GET', `/api/drafts/${encodeURIComponent(draftId)}/golden`, S.GoldenCasesResponse)).data.cases;
  }
  async runGolden(draftId: string): Promise<GoldenRun> {
    return (await this.call('POST', `/api/drafts/${encodeURIComponent(draftId)}/golden/run`, S.GoldenRunResponse)).data;
  }
  async rebaseline(draftId: string, caseIds: string[], reason: string, etag: string): Promise<z.infer<typeof S.RebaselineResponse>> {
    return (await this.call('POST', `/api/drafts/${encodeURIComponent(draftId)}/golden/rebaseline`, S.RebaselineResponse, { body: { caseIds, reason }, ifMatch: etag })).data;
  }
  /** Publishes the draft as a version in force from `effectiveFrom` (ISO day). */
  async publish(draftId: string, changelog: I18nText, etag: string, effectiveFrom: string): Promise<VersionSummary> {
    return (await this.call('POST', `/api/drafts/${encodeURIComponent(draftId)}/publish`, S.VersionSummary, { body: { changelog, effectiveFrom }, ifMatch: etag })).data;
  }
  /** Sends the draft for review by another editor. */
  async requestReview(draftId: string, note: string, etag: string): Promise<DraftSummary> {
    return (await this.call('POST', `/api/drafts/${encodeURIComponent(draftId)}/review/request`, S.DraftSummary, { body: note.trim() ? { note } : {}, ifMatch: etag })).data;
  }
  /** A reviewer's decision on the revision `etag` names. */
  async decideReview(draftId: string, decision: 'approve' | 'request_changes', comment: string, etag: string): Promise<DraftSummary> {
    return (await this.call('POST', `/api/drafts/${encodeURIComponent(draftId)}/review`, S.DraftSummary, { body: { decision, ...(comment.trim() ? { comment } : {}) }, ifMatch: etag })).data;
  }
  async settings(): Promise<Settings> {
    return (await this.call('GET', '/api/settings', S.Settings)).data;
  }
  async dossiers(): Promise<DossierSummary[]> {
    return (await this.call('GET', '/api/dossiers', z.array(S.DossierSummary))).data;
  }
  async dossier(id: string): Promise<DossierDetail> {
    return (await this.call('GET', `/api/dossiers/${encodeURIComponent(id)}`, S.DossierDetail)).data;
  }
  async inForce(id: string, date: string): Promise<VersionSummary> {
    return (await this.call('GET', `/api/rulesets/${encodeURIComponent(id)}/in-force?date=${date}`, S.VersionSummary)).data;
  }
  async tokens(): Promise<TokenSummary[]> {
    return (await this.call('GET', '/api/tokens', z.array(S.TokenSummary))).data;
  }
  async createToken(body: { name: string; role: Role; expiresAt?: string }): Promise<CreatedToken> {
    return (await this.call('POST', '/api/tokens', S.CreatedToken, { body })).data;
  }
  async revokeToken(id: string): Promise<void> {
    await this.call('DELETE', `/api/tokens/${encodeURIComponent(id)}`, null);
  }
  async audit(filter: AuditFilter = {}): Promise<AuditResponse> {
    const q = Object.entries(filter)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
      .join('&');
    return (await this.call('GET', `/api/audit${q ? `?${q}` : ''}`, S.AuditResponse)).data;
  }
  async versionByHash(hash: string): Promise<VersionDetail> {
    return (await this.call('GET', `/api/versions/${encodeURIComponent(hash)}`, S.VersionDetail)).data;
  }
  async parameterNotes(policy: string): Promise<ParameterNotes> {
    return (await this.call('GET', `/api/policies/${encodeURIComponent(policy)}/parameter-notes`, S.ParameterNotes)).data;
  }
  async clauses(policy: string): Promise<ClauseText[]> {
    return (await this.call('GET', `/api/policies/${encodeURIComponent(policy)}/clauses`, z.array(S.ClauseText))).data;
  }
}
