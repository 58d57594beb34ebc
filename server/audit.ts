// The audit log: append-only entries chained by hash, so a rewritten entry is detectable.
import canonicalize from 'canonicalize';
import type { AuditEntry, StoreState } from './store/repository.js';
import { sha256 } from './auth.js';

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  details?: Record<string, unknown>;
}

/** Appends one entry (who, when, what, hashes before and after) to the log. */
export function appendAudit(state: StoreState, now: string, input: AuditInput): AuditEntry {
  const prev = state.audit.at(-1) ?? null;
  const body = { seq: (prev?.seq ?? 0) + 1, at: now, ...input, prevHash: prev?.hash ?? null };
  const entry: AuditEntry = { ...body, hash: sha256(canonicalize(body) ?? '') };
  state.audit.push(entry);
  return entry;
}

/** Checks the hash chain; returns the seq of the first broken entry, or null when intact. */
export function verifyAudit(entries: readonly AuditEntry[]): number | null {
  let prevHash: string | null = null;
  for (const e of entries) {
    const { hash, ...body } = e;
    if (e.prevHash !== prevHash || sha256(canonicalize(body) ?? '') !== hash) return e.seq;
    prevHash = hash;
  }
  return null;
}
