// The audit chain: each entry's hash is an HMAC (keyed by a secret kept outside the data) over the entry and the previous entry's hash, so an edit re-hashed by hand is detected.
import { createHmac } from 'node:crypto';
import { canonical } from './canonical.js';
import type { AuditEntry, AuditInput, ChainHead, WriteTx } from './store/repository.js';

export type { AuditInput };

const PREFIX = 'hmac-sha256:';

/**
 * The bytes an entry's MAC covers: its fields in a fixed order, details in canonical JSON (a database may reorder
 * their keys), and any other field an entry may carry, canonically too. A JSON array of strings and numbers is as
 * unambiguous as canonical JSON of the whole entry and several times cheaper, which matters when a store of
 * tens of thousands of entries is verified at every start.
 */
function macInput(e: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { seq, at, actor, action, target, before, after, details, prevHash, hash: _hash, ...rest } = e;
  const extra = Object.keys(rest).length ? canonical(rest) : null;
  return JSON.stringify([seq, at, actor, action, target, before, after, details === undefined || details === null ? null : canonical(details), prevHash, extra]);
}

/** The keyed hash of an entry. */
export function auditMac(key: Buffer, e: Omit<AuditEntry, 'hash'>): string {
  return PREFIX + createHmac('sha256', key).update(macInput(e), 'utf8').digest('hex');
}

/** The keyed hash of the chain head, stored beside the log so a cut-off tail is noticed. */
export function headMac(key: Buffer, head: { seq: number; hash: string }): string {
  return PREFIX + createHmac('sha256', key).update(`head\n${head.seq}\n${head.hash}`, 'utf8').digest('hex');
}

/** A short public id of the key, stored with the data so a wrong key file is named as such. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('mingcheng audit key id', 'utf8').digest('hex').slice(0, 16);
}

/** Builds the next entry after `prev`. */
export function chainEntry(key: Buffer, prev: { seq: number; hash: string } | null, input: AuditInput): AuditEntry {
  const b = { seq: (prev?.seq ?? 0) + 1, ...input, prevHash: prev?.hash ?? null };
  if (b.details === undefined) delete b.details;
  return { ...b, hash: auditMac(key, b) };
}

/** Where a chain stops verifying: the seq of the first bad entry and why, or null when every entry verifies. */
export function verifyChain(key: Buffer, entries: readonly AuditEntry[], prev: { seq: number; hash: string } | null = null): { seq: number; reason: string } | null {
  let p = prev;
  for (const e of entries) {
    const expectedSeq = (p?.seq ?? 0) + 1;
    if (e.seq !== expectedSeq) return { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (found ${e.seq})` };
    if (e.prevHash !== (p?.hash ?? null)) return { seq: e.seq, reason: `entry ${e.seq} does not point at the entry before it` };
    if (auditMac(key, e) !== e.hash) return { seq: e.seq, reason: `entry ${e.seq} was changed after it was written (its keyed hash does not match)` };
    p = { seq: e.seq, hash: e.hash };
  }
  return null;
}

/** Appends one entry (who, when, what, hashes before and after) to the log inside a transaction. */
export function appendAudit(tx: WriteTx, at: string, input: Omit<AuditInput, 'at'>): Promise<AuditEntry> {
  return tx.audit.append({ at, ...input });
}

/** The head as exported for anchoring. */
export function headOf(e: AuditEntry | undefined): ChainHead | null {
  return e ? { seq: e.seq, hash: e.hash, at: e.at } : null;
}
