// Bearer tokens and roles: tokens are random, stored only as sha256 hashes; roles are cumulative (admin ⊇ editor ⊇ analyst ⊇ viewer).
import { createHash, randomBytes } from 'node:crypto';
import type { Role, StoreState, StoredToken } from './store/repository.js';
import { nextId } from './store/repository.js';

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

/** Adds a token to the state and returns its record and secret. */
export function addToken(state: StoreState, name: string, role: Role, createdBy: string, now: string): { token: StoredToken; secret: string } {
  const secret = newTokenSecret();
  const token: StoredToken = { id: nextId(state, 'tok'), name, role, hash: sha256(secret), createdAt: now, createdBy, revokedAt: null };
  state.tokens.push(token);
  return { token, secret };
}

/** The live token a secret belongs to, if any. */
export function findToken(state: Readonly<StoreState>, secret: string): StoredToken | undefined {
  const hash = sha256(secret);
  return state.tokens.find((t) => t.hash === hash && t.revokedAt === null);
}
