// Bearer tokens and roles: tokens are random, stored only as sha256 hashes; roles are cumulative (admin ⊇ editor ⊇ analyst ⊇ viewer).
import { createHash, randomBytes } from 'node:crypto';
import type { ReadTx, Role, StoredToken, WriteTx } from './store/repository.js';

export const ROLES = ['viewer', 'analyst', 'editor', 'admin'] as const satisfies readonly Role[];

/** Whether a token with role `has` may do what needs role `needs`. */
export function roleAllows(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

/** 'sha256:<hex>' of a string. */
export function sha256(text: string): string {
  return 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A new random bearer token; shown once, never stored. */
export function newTokenSecret(): string {
  return 'mc_' + randomBytes(24).toString('base64url');
}

/** Stores a new token and its audit entry (which names the token, never a hash of its secret); `expiresAt` (ISO) makes it stop working then. Returns the record and the secret. */
export async function addToken(tx: WriteTx, name: string, role: Role, createdBy: string, now: string, expiresAt: string | null = null): Promise<{ token: StoredToken; secret: string }> {
  const secret = newTokenSecret();
  const token: StoredToken = { id: await tx.nextId('tok'), name, role, hash: sha256(secret), createdAt: now, createdBy, revokedAt: null, ...(expiresAt ? { expiresAt } : {}) };
  await tx.tokens.insert(token);
  await tx.audit.append({ at: now, actor: createdBy, action: 'token.create', target: token.id, before: null, after: null, details: { name, role, ...(expiresAt ? { expiresAt } : {}) } });
  return { token, secret };
}

/** Whether a stored token works at `now`: live, revoked or past its expiry. */
export function tokenState(t: Pick<StoredToken, 'revokedAt' | 'expiresAt'>, now: string): 'live' | 'revoked' | 'expired' {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.parse(now)) return 'expired';
  return 'live';
}

/** The token a secret belongs to and whether it works at `now`; unknown when no token has that secret. */
export async function lookupToken(tx: ReadTx, secret: string, now: string): Promise<{ token: StoredToken; state: 'live' | 'revoked' | 'expired' } | { token: null; state: 'unknown' }> {
  const token = await tx.tokens.byHash(sha256(secret));
  return token ? { token, state: tokenState(token, now) } : { token: null, state: 'unknown' };
}

/** The live token a secret belongs to at `now`, if any. */
export async function findToken(tx: ReadTx, secret: string, now: string = new Date().toISOString()): Promise<StoredToken | undefined> {
  const found = await lookupToken(tx, secret, now);
  return found.state === 'live' ? found.token : undefined;
}

/** Live admin tokens (revoking the last one is refused, so an administrator can always sign in). */
export async function liveAdmins(tx: ReadTx): Promise<StoredToken[]> {
  return (await tx.tokens.list()).filter((t) => t.role === 'admin' && t.revokedAt === null);
}
