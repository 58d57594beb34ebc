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

/** Stores a new token and its audit entry (which names the token, never a hash of its secret); returns the record and the secret. */
export async function addToken(tx: WriteTx, name: string, role: Role, createdBy: string, now: string): Promise<{ token: StoredToken; secret: string }> {
  const secret = newTokenSecret();
  const token: StoredToken = { id: await tx.nextId('tok'), name, role, hash: sha256(secret), createdAt: now, createdBy, revokedAt: null };
  await tx.tokens.insert(token);
  await tx.audit.append({ at: now, actor: createdBy, action: 'token.create', target: token.id, before: null, after: null, details: { name, role } });
  return { token, secret };
}

/** The live token a secret belongs to, if any. */
export async function findToken(tx: ReadTx, secret: string): Promise<StoredToken | undefined> {
  const t = await tx.tokens.byHash(sha256(secret));
  return t && t.revokedAt === null ? t : undefined;
}

/** Live admin tokens (revoking the last one is refused, so an administrator can always sign in). */
export async function liveAdmins(tx: ReadTx): Promise<StoredToken[]> {
  return (await tx.tokens.list()).filter((t) => t.role === 'admin' && t.revokedAt === null);
}
