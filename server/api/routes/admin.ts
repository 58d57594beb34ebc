// Routes for tokens, the audit log and who-am-I: tokens are shown once at creation and stored as sha256 hashes.
import { z } from 'zod';
import { route, type RouteDef } from '../route.js';
import { ApiError } from '../errors.js';
import * as S from '../schemas.js';
import type { StoredToken } from '../../store/repository.js';
import { addToken } from '../../auth.js';
import { appendAudit, verifyAudit } from '../../audit.js';

const tokenSummary = ({ hash: _hash, ...t }: StoredToken): z.infer<typeof S.TokenSummary> => t;

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
    handler: ({ services }) => services.repo.read((s) => ({ body: s.tokens.map(tokenSummary) })),
  }),
  route({
    method: 'post',
    path: '/api/tokens',
    tag: 'Access',
    summary: 'Create a token for a user and role',
    description: 'The response holds the bearer token; it is shown once and stored only as its sha256 hash.',
    role: 'admin',
    body: S.CreateTokenBody,
    response: { status: 201, schema: S.CreatedToken, description: 'The token, with its secret' },
    errors: ['invalid_request'],
    handler: async ({ body, actor, services }) => {
      const created = await services.repo.transact((s) => {
        const now = services.now();
        const made = addToken(s, body.name, body.role, `${actor.name} (${actor.tokenId})`, now);
        appendAudit(s, now, {
          actor: services.actorName(actor),
          action: 'token.create',
          target: made.token.id,
          before: null,
          after: made.token.hash,
          details: { name: body.name, role: body.role },
        });
        return made;
      });
      return { status: 201, body: { ...tokenSummary(created.token), token: created.secret } };
    },
  }),
  route({
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'Access',
    summary: 'Revoke a token',
    role: 'admin',
    params: S.IdParam,
    response: { status: 204, description: 'Revoked' },
    errors: ['not_found'],
    handler: async ({ params, actor, services }) => {
      await services.repo.transact((s) => {
        const t = s.tokens.find((x) => x.id === params.id && x.revokedAt === null);
        if (!t) throw new ApiError('not_found', `No live token ${params.id}`);
        const now = services.now();
        t.revokedAt = now;
        appendAudit(s, now, { actor: services.actorName(actor), action: 'token.revoke', target: t.id, before: t.hash, after: null, details: { name: t.name, role: t.role } });
      });
      return { status: 204 };
    },
  }),
  route({
    method: 'get',
    path: '/api/audit',
    tag: 'Access',
    summary: 'Read the audit log',
    description: 'Append-only: who, when, what, hashes before and after. Each entry carries the hash of the one before; `intact` says the whole chain verifies.',
    role: 'viewer',
    query: S.AuditQuery,
    response: { status: 200, schema: S.AuditResponse, description: 'Entries, oldest first' },
    errors: ['invalid_request'],
    handler: ({ query, services }) =>
      services.repo.read((s) => {
        const entries = s.audit.filter(
          (e) => (query.after === undefined || e.seq > query.after) && (query.target === undefined || e.target === query.target) && (query.action === undefined || e.action === query.action),
        );
        return { body: { entries: entries.slice(0, query.limit ?? 1000), intact: verifyAudit(s.audit) === null } };
      }),
  }),
];
