// Routes for tokens, the audit log, the store's integrity and who-am-I: tokens are shown once at creation and stored as sha256 hashes.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { StoredToken } from '../../store/repository.js';
import { addToken, liveAdmins, roleAllows, tokenState } from '../../auth.js';
import { appendAudit } from '../../audit.js';

const tokenSummary = ({ id, name, role, createdAt, createdBy, revokedAt, expiresAt }: StoredToken, now: string): z.infer<typeof S.TokenSummary> => ({
  id,
  name,
  role,
  createdAt,
  createdBy,
  revokedAt,
  expiresAt: expiresAt ?? null,
  state: tokenState({ revokedAt, expiresAt }, now),
});

export const adminRoutes = (): RouteDef[] => [
  route({
    method: 'get',
    path: '/api/whoami',
    tag: 'Access',
    summary: "The calling token's name and role",
    role: 'viewer',
    query: S.EmptyQuery,
    response: { status: 200, schema: S.WhoAmI, description: 'The caller' },
    errors: [],
    handler: ({ actor }) => ({ body: actor }),
  }),
  route({
    method: 'get',
    path: '/api/tokens',
    tag: 'Access',
    summary: 'List tokens (never their secrets)',
    role: 'admin',
    query: S.EmptyQuery,
    response: { status: 200, schema: z.array(S.TokenSummary), description: 'Tokens, revoked ones included' },
    errors: [],
    handler: async ({ services }) => {
      const now = services.now();
      return services.repo.read(async (tx) => ({ body: (await tx.tokens.list()).map((t) => tokenSummary(t, now)) }));
    },
  }),
  route({
    method: 'post',
    path: '/api/tokens',
    tag: 'Access',
    summary: 'Create a token for a user and role',
    description: 'The response holds the bearer token; it is shown once and stored only as its sha256 hash (the audit entry names the token, not the hash).',
    role: 'admin',
    body: S.CreateTokenBody,
    response: { status: 201, schema: S.CreatedToken, description: 'The token, with its secret' },
    errors: ['invalid_request', 'store_read_only'],
    handler: async ({ body, actor, services }) => {
      const now = services.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt).toISOString() : null;
      if (expiresAt && expiresAt <= now) throw new ApiError('invalid_request', 'The expiry must be in the future', [{ code: 'expiry_in_past', path: ['body', 'expiresAt'], message: `${body.expiresAt} is not after ${now}` }]);
      const created = await services.repo.transact((tx) => addToken(tx, body.name, body.role, services.actorName(actor), now, expiresAt));
      return { status: 201, body: { ...tokenSummary(created.token, now), token: created.secret } };
    },
  }),
  route({
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'Access',
    summary: 'Revoke a token',
    description: 'Revoking the last live admin token is refused (409 last_admin): an administrator must always be able to sign in. To recover a store whose admin tokens are all lost, run `npm run admin:token` on the server.',
    role: 'admin',
    params: S.IdParam,
    response: { status: 204, description: 'Revoked' },
    errors: ['not_found', 'last_admin', 'store_read_only'],
    handler: async ({ params, actor, services }) => {
      await services.repo.transact(async (tx) => {
        const t = await tx.tokens.get(params.id);
        if (!t || t.revokedAt !== null) throw new ApiError('not_found', `No live token ${params.id}`);
        if (t.role === 'admin' && (await liveAdmins(tx)).length <= 1) throw new ApiError('last_admin', `${t.id} is the last live admin token; create another admin token before revoking it`);
        const now = services.now();
        await tx.tokens.revoke(t.id, now);
        await appendAudit(tx, now, { actor: services.actorName(actor), action: 'token.revoke', target: t.id, before: null, after: null, details: { name: t.name, role: t.role } });
      });
      return { status: 204 };
    },
  }),
  route({
    method: 'get',
    path: '/api/audit',
    tag: 'Access',
    summary: 'Read the audit log',
    description:
      'Append-only: who, when, what, hashes before and after; evaluations are recorded too. Each entry carries the keyed hash of the one before. ' +
      'Editors and admins read every entry; viewers and analysts only the entries of their own actions (`scope: own`).',
    role: 'viewer',
    query: S.AuditQuery,
    response: { status: 200, schema: S.AuditResponse, description: 'Entries, oldest first' },
    errors: ['invalid_request'],
    handler: async ({ query, actor, services }) => {
      const all = roleAllows(actor.role, 'editor');
      const family = query.action?.endsWith('.') ? query.action : undefined;
      const who = query.actor?.toLowerCase();
      const listed = await services.repo.read((tx) =>
        tx.audit.list({ after: query.after, target: query.target, action: family ? undefined : query.action, ...(all ? {} : { actor: services.actorName(actor) }) }),
      );
      // A family of actions (draft.), an actor's name in part and a span of days are filtered here.
      const entries = listed.filter(
        (e) =>
          (family === undefined || e.action.startsWith(family)) &&
          (who === undefined || e.actor.toLowerCase().includes(who)) &&
          (query.since === undefined || e.at.slice(0, 10) >= query.since) &&
          (query.until === undefined || e.at.slice(0, 10) <= query.until),
      );
      const report = await services.repo.integrity();
      const broken = report.problems.map((p) => /^audit:(\d+)$/.exec(p.target ?? '')?.[1]).find((x) => x !== undefined);
      return {
        body: { entries: entries.slice(0, query.limit ?? 1000), intact: report.writable, scope: all ? 'all' : 'own', brokenAt: report.writable ? null : broken ? Number(broken) : null, total: report.entries, matching: entries.length },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/audit/head',
    tag: 'Access',
    summary: 'The head of the audit chain, for anchoring elsewhere',
    description: 'Record seq and hash outside the server now and then; later, the entry with that seq must still have that hash (GET /api/audit?after=seq-1&limit=1).',
    role: 'editor',
    query: S.EmptyQuery,
    response: { status: 200, schema: S.ChainHead, description: 'The last entry of the chain' },
    errors: ['not_found'],
    handler: async ({ services }) => {
      const head = await services.repo.read((tx) => tx.audit.head());
      if (!head) throw new ApiError('not_found', 'The audit log is empty');
      return { body: head };
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/integrity',
    tag: 'Access',
    summary: "The store's integrity: the audit chain, the records it proves and the published documents",
    description:
      'Checked at start-up and before each append. A broken chain, a cut-off log, a record that no longer matches its audit entry or a wrong audit key makes the store read-only (writes answer 503 store_read_only); ' +
      'a published version whose document no longer matches its content hash is not served (409 integrity_mismatch). Restore the store from a backup to repair it.',
    role: 'admin',
    query: S.EmptyQuery,
    response: { status: 200, schema: S.IntegrityReportSchema, description: 'The last check' },
    errors: [],
    handler: async ({ services }) => ({ body: { ...(await services.repo.integrity()), store: services.repo.kind } }),
  }),
];
