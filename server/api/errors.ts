// API errors as data: the one table from error code to HTTP status, and the error body every failure uses.
import type { Issue } from '../engine.js';

/** Every error code the API answers with, and its HTTP status. */
export const ERROR_STATUS = {
  malformed_json: 400, // the body is not JSON
  invalid_request: 400, // params, query or body do not match the route's schema (wrong types, unknown fields)
  unauthenticated: 401, // no bearer token, or an unknown or revoked one
  forbidden: 403, // the token's role is below the route's
  not_found: 404, // unknown route or id
  no_version_in_force: 404, // no published version is in force at the date asked
  etag_mismatch: 409, // If-Match names a revision that is no longer current
  already_exists: 409, // an id that is taken
  published_immutable: 409, // published versions never change
  write_conflict: 409, // another write changed the record first (on a store shared by several servers); retry on the current state
  last_admin: 409, // revoking the last live admin token
  review_state: 409, // the draft's review does not allow this: publishing without an approval of its current revision, deciding on a draft not sent for review
  reviewer_is_author: 403, // approving or sending back a draft one has saved oneself (four eyes)
  integrity_mismatch: 409, // stored data no longer matches its hash (a changed published document, a truncated or edited result); it is not served
  blob_missing: 410, // stored data a record refers to is gone from the store
  payload_too_large: 413, // body above the limit (refused from its Content-Length at once), or a workbook that inflates beyond its caps
  unsupported_media_type: 415, // a body that is not application/json
  invalid_rule_set: 422, // the rule set does not pass schema or semantic checks
  invalid_dossier: 422, // the dossier does not pass the rule set's checks
  invalid_effective_date: 422, // a new version would start before the version it is based on
  invalid_interpretation: 422, // interpretation switches that do not exist
  golden_failed: 422, // golden cases fail, so the draft cannot be published
  not_failing: 422, // re-baselining a case that passes or does not exist
  identity_changed: 422, // a draft edit changes id, status, version, basedOn or changelog
  evaluation_failed: 422, // the engine rejected the input
  limit_exceeded: 422, // more work than one request may ask for (a sweep's dossiers × values, a batch's cells, a cohort's size); the issue names the limit
  precondition_required: 428, // a draft edit or a publish without If-Match
  rate_limited: 429, // too many requests from this token (or failed sign-ins from this address) in the window; Retry-After says when to retry
  internal: 500, // a bug; never caused by input
  store_read_only: 503, // the store's integrity check failed (see GET /api/admin/integrity): writes are refused until it is restored
  busy: 503, // heavy requests are queued beyond the limit; Retry-After says when to retry
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error the API answers with; thrown inside handlers and turned into `{error:{code,message,issues?}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  body(): { error: { code: ErrorCode; message: string; issues?: Issue[] } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}), ...(this.details ?? {}) } };
  }
}

/** Converts zod issues to API issues with JSON paths. */
export function zodIssues(
  issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[]; params?: { code?: string; limit?: number } }[],
  prefix: (string | number)[] = [],
): Issue[] {
  return issues.map((i) => ({
    // A refinement names its own code (limit_exceeded, duplicate_id) in params.
    code: i.code === 'unrecognized_keys' ? 'unknown_field' : i.code === 'custom' && i.params?.code ? i.params.code : i.code,
    path: [...prefix, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: i.keys ? `${i.message}: ${i.keys.join(', ')}` : i.message,
    ...(i.params?.limit !== undefined ? { hint: `the limit is ${i.params.limit.toLocaleString('en')}` } : {}),
  }));
}
