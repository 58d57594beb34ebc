// Builds the Express app from its dependencies without listening: route table, auth, request validation and the error mapping.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import compression from 'compression';
import { z } from 'zod';
import { ApiError, zodIssues } from './api/errors.js';
import type { Reply, RouteDef } from './api/route.js';
import { costOf, route } from './api/route.js';
import * as S from './api/schemas.js';
import { buildOpenApi, type ApiExamples } from './api/openapi.js';
import { DOCS_CSS, DOCS_INIT, renderDocsPage, swaggerUiDir } from './api/docsPage.js';
import { ruleSetRoutes } from './api/routes/ruleSets.js';
import { draftRoutes } from './api/routes/drafts.js';
import { dossierRoutes } from './api/routes/dossiers.js';
import { evaluationRoutes } from './api/routes/evaluations.js';
import { adminRoutes } from './api/routes/admin.js';
import { policyRoutes } from './api/routes/policies.js';
import { settingsRoutes } from './api/routes/settings.js';
import { analysisRoutes } from './api/routes/analysis.js';
import { createServices, type AppDeps } from './services.js';
import { lookupToken, roleAllows, sha256, tokenState } from './auth.js';
import { StoreError, type Actor, type Repository, type StoredToken } from './store/repository.js';
import { assertWellFormedBody, checkDeclaredBody, parseSize, readJsonBody } from './api/edge.js';
import { createProtection } from './api/protection.js';

export type { AppDeps };

const API_VERSION = '0.1.0';

const PUBLIC_ACTOR: Actor = { tokenId: 'public', name: 'public', role: 'viewer' };

/** Tokens kept as lately found live, per process (see tokenInRead). */
const LIVE_TOKENS_KEPT = 10_000;

/** The secret of an `Authorization: Bearer <token>` header; null when there is none or it has another form. */
function bearerSecret(req: Request): string | null {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : null;
}

// The schemas of a route that takes no params, no query or no body: built once (zod compiles a schema on its first parse).
const NO_PARAMS = z.object({}).strict();
const NO_QUERY = z.object({}).strict();
const NO_BODY = z.undefined({ error: 'this endpoint takes no body' });

/** Every route of the API, in the order they are matched. */
export function apiRoutes(): RouteDef[] {
  return [...ruleSetRoutes(), ...draftRoutes(), ...dossierRoutes(), ...evaluationRoutes(), ...adminRoutes(), ...settingsRoutes(), ...policyRoutes(), ...analysisRoutes()];
}

const LANDING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mingcheng 名城</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>Mingcheng 名城</h1><p>Rules-as-data engine for the China Software Famous City evaluation.</p>
<p>The editor is not built yet. The API is here: <a href="/api/docs">API reference</a> · <a href="/api/openapi.json">openapi.json</a></p></body></html>`;

/**
 * Requests and responses made with Express's methods from the start. Express gives each request and response its
 * methods by changing their prototype (Object.setPrototypeOf in app.handle), and V8 then keeps much of what every
 * request allocates alive through young collections: under load about 3 MB was promoted per collection and each took
 * 8-10 ms, where a plain http handler promotes some kilobytes. Here the prototypes Express sets are those of subclasses
 * of Node's IncomingMessage and ServerResponse, and app.listen has Node's server construct those classes, so the
 * prototype Express sets is already the object's own and nothing changes. A request reaching the app another way
 * (supertest's own server) gets the same prototype chain set as before.
 */
function withExpressPrototypes(app: express.Express): void {
  class ApiRequest extends http.IncomingMessage {}
  Object.setPrototypeOf(ApiRequest.prototype, app.request);
  class ApiResponse<R extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<R> {}
  Object.setPrototypeOf(ApiResponse.prototype, app.response);
  app.request = ApiRequest.prototype as unknown as typeof app.request;
  app.response = ApiResponse.prototype as unknown as typeof app.response;
  app.listen = ((...args: unknown[]) => {
    const server = http.createServer({ IncomingMessage: ApiRequest, ServerResponse: ApiResponse }, app);
    // As Express's own listen: the callback is called once, on listening or on the first error.
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      let called = false;
      const once = (...a: unknown[]) => {
        if (called) return;
        called = true;
        callback(...a);
      };
      args[args.length - 1] = once;
      server.once('error', once);
    }
    return server.listen(...(args as Parameters<typeof server.listen>));
  }) as typeof app.listen;
}

/** The Express application; it does not listen (tests drive it with supertest). */
export function createApp(deps: AppDeps): express.Express {
  const services = createServices(deps);
  const app = express();
  withExpressPrototypes(app);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // gzip or brotli (as the browser asks) for HTML, JS, CSS and JSON: the bundles shrink to about a quarter. The web app's
  // files are compressed whatever their size; API answers from 8 kB up (below that, zlib costs more time than it saves).
  const compressFiles = compression({ threshold: 0 });
  const compressApi = compression({ threshold: 8192 });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/api/') && !req.path.startsWith('/api/docs') ? compressApi : compressFiles)(req, res, next));

  const table = apiRoutes();
  let openapi: Record<string, unknown> | null = null;
  let docsHtml: string | null = null;
  const openApiDoc = () => (openapi ??= buildOpenApi(table, { version: API_VERSION, engineVersion: deps.engine.ENGINE_VERSION, examples: loadExamples() }));
  const meta: RouteDef[] = [
    route({
      method: 'get',
      path: '/api/health',
      tag: 'Meta',
      summary: 'Liveness, engine version and whether the store accepts writes',
      role: null,
      query: S.EmptyQuery,
      response: { status: 200, schema: S.Health, description: 'Up' },
      errors: [],
      handler: async () => {
        const report = await deps.repo.integrity();
        return { body: { ok: true, engineVersion: deps.engine.ENGINE_VERSION, store: { kind: deps.repo.kind, writable: report.writable, problems: report.problems.length } } };
      },
    }),
    route({
      method: 'get',
      path: '/api/openapi.json',
      tag: 'Meta',
      summary: 'This OpenAPI 3.1 document, generated from the route table and its zod schemas',
      role: null,
      query: S.EmptyQuery,
      response: { status: 200, description: 'OpenAPI document' },
      errors: [],
      handler: () => ({ body: openApiDoc() }),
    }),
    route({
      method: 'get',
      path: '/api/docs',
      tag: 'Meta',
      summary: 'The API reference page (Swagger UI on the OpenAPI document): try a request in the page',
      role: null,
      query: S.EmptyQuery,
      response: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [],
      handler: () => ({ body: (docsHtml ??= renderDocsPage(String((openApiDoc().info as { title: string }).title))), contentType: 'text/html; charset=utf-8' }),
    }),
  ];
  table.unshift(...meta);

  const limit = parseSize(deps.bodyLimit ?? '2mb');
  const protection = createProtection(deps.protection);
  app.locals.protection = protection;
  app.use(protection.headers);
  if (protection.accessLog) app.use(protection.accessLog);

  // The reference page's assets: Swagger UI from its npm package, its start script and styles.
  app.use('/api/docs/assets', express.static(swaggerUiDir(), { index: false, maxAge: '1d' }));
  app.get('/api/docs/init.js', (_req: Request, res: Response) => res.type('text/javascript').set('Cache-Control', 'no-cache').send(DOCS_INIT));
  app.get('/api/docs/docs.css', (_req: Request, res: Response) => res.type('text/css').set('Cache-Control', 'no-cache').send(DOCS_CSS));

  // Before anything costs anything (authentication included): a body declared larger than the limit, or not JSON, is refused.
  app.use('/api', (req: Request, res: Response, next: NextFunction) => next(checkDeclaredBody(req, res, limit) ?? undefined));

  // Tokens this process has found live lately, by hash. On a route with tokenInRead such a token is checked again in
  // the route's own first store read (one round trip for both) rather than in a read before it; the answer waits for
  // that check, so a token revoked through any process is refused on its next request. Only a token that was live
  // here has its body read before the check; any other is looked up first, as on every other route.
  const liveTokens = new Map<string, StoredToken>();
  const rememberLive = (hash: string, token: StoredToken) => {
    liveTokens.delete(hash);
    if (liveTokens.size >= LIVE_TOKENS_KEPT) liveTokens.delete(liveTokens.keys().next().value as string);
    liveTokens.set(hash, token);
  };

  for (const r of table) {
    const cost = costOf(r);
    /** Rate limit, body, validation and the handler: the reply, not yet sent. */
    const run = async (req: Request, res: Response, actor: Actor, read: Repository['read']): Promise<Reply> => {
      if (r.role) await protection.limit(cost, req, res);
      const raw = await readJsonBody(req, res, limit);
      assertWellFormedBody(raw);
      const params = parse(r.params ?? NO_PARAMS, req.params, 'params');
      const query = parse(r.query ?? NO_QUERY, req.query, 'query');
      const rawBody = raw === undefined || (isEmptyObject(raw) && !r.body) ? undefined : raw;
      const body = parse(r.body ?? NO_BODY, rawBody, 'body');
      const ifMatchHeader = req.headers['if-match'];
      return r.handler({ params, query, body, actor, ifMatch: typeof ifMatchHeader === 'string' ? ifMatchHeader.trim() : null, services, read });
    };
    app[r.method](r.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        // Everything behind a token is private to its holder; nothing of it may sit in a shared cache.
        if (r.role) res.setHeader('Cache-Control', 'no-store');
        let reply: Reply;
        const secret = r.role && r.tokenInRead ? bearerSecret(req) : null;
        const hash = secret === null ? null : sha256(secret);
        const known = hash === null ? undefined : liveTokens.get(hash);
        if (hash !== null && known && roleAllows(known.role, r.role!)) {
          await protection.checkAuthAddress(req, res);
          res.locals.tokenId = known.id;
          let seen: StoredToken | null | undefined;
          const read: Repository['read'] = (fn, opts) => deps.repo.read(fn, { ...opts, token: { hash, seen: (t) => (seen = t) } });
          let failure: { error: unknown } | null = null;
          try {
            reply = await run(req, res, { tokenId: known.id, name: known.name, role: known.role }, read);
          } catch (error) {
            failure = { error };
          }
          // The route read nothing (its body was refused, say): the token is looked up now. Its verdict comes first.
          if (seen === undefined) seen = await deps.repo.read((tx) => tx.tokens.byHash(hash), { snapshot: false });
          await admit(req, res, hash, seen === null ? { token: null, state: 'unknown' } : { token: seen, state: tokenState(seen, now()) }, r.role!);
          if (failure) throw failure.error;
        } else {
          // Authenticate, then parse: an unknown caller's body is never read.
          const actor = r.role ? await authenticate(req, res, r.role) : PUBLIC_ACTOR;
          reply = await run(req, res, actor, services.repo.read.bind(services.repo));
        }
        const status = reply!.status ?? r.response.status;
        if (deps.checkResponses && r.response.schema && !reply!.contentType && status === r.response.status) {
          const checked = r.response.schema.safeParse(reply!.json !== undefined ? JSON.parse(reply!.json.toString()) : reply!.body);
          if (!checked.success) throw new Error(`${r.method} ${r.path}: response does not match its schema: ${JSON.stringify(checked.error.issues.slice(0, 3))}`);
        }
        for (const [k, v] of Object.entries(reply!.headers ?? {})) res.setHeader(k, v);
        res.status(status);
        if (reply!.json !== undefined) res.type('application/json; charset=utf-8').send(reply!.json);
        else if (reply!.body === undefined) res.end();
        else if (reply!.contentType) res.type(reply!.contentType).send(reply!.body);
        else res.json(reply!.body);
      } catch (err) {
        next(err);
      }
    });
  }

  const now = () => deps.now?.() ?? new Date().toISOString();

  async function authenticate(req: Request, res: Response, needs: NonNullable<RouteDef['role']>): Promise<Actor> {
    await protection.checkAuthAddress(req, res);
    const header = req.headers.authorization;
    if (header === undefined) throw new ApiError('unauthenticated', 'Send Authorization: Bearer <token>');
    const secret = bearerSecret(req);
    if (secret === null) {
      await protection.authFailed(req, 'an Authorization header that is not "Bearer <token>"');
      throw new ApiError('unauthenticated', 'Send Authorization: Bearer <token>', undefined, { reason: 'missing' });
    }
    const found = await deps.repo.read((tx) => lookupToken(tx, secret, now()), { snapshot: false });
    return admit(req, res, sha256(secret), found, needs);
  }

  /** The actor a looked-up token makes, or the refusal (a token that is not live is counted as a failed sign-in). */
  async function admit(req: Request, res: Response, hash: string, found: Awaited<ReturnType<typeof lookupToken>>, needs: NonNullable<RouteDef['role']>): Promise<Actor> {
    if (found.state !== 'live') {
      liveTokens.delete(hash);
      await protection.authFailed(req, `a token that is ${found.state}`);
    }
    // `reason` lets the web app say why it signed out (revoked, expired) rather than just that it did.
    if (found.state === 'unknown') throw new ApiError('unauthenticated', 'Unknown token', undefined, { reason: 'unknown' });
    if (found.state === 'revoked') throw new ApiError('unauthenticated', `The token was revoked at ${found.token.revokedAt}`, undefined, { reason: 'revoked' });
    if (found.state === 'expired') throw new ApiError('unauthenticated', `The token expired at ${found.token.expiresAt}`, undefined, { reason: 'expired' });
    const token = found.token;
    res.locals.tokenId = token.id;
    rememberLive(hash, token);
    if (!roleAllows(token.role, needs)) throw new ApiError('forbidden', `This needs the ${needs} role; the token has ${token.role}`, undefined, { needs, has: token.role });
    return { tokenId: token.id, name: token.name, role: token.role };
  }

  app.use('/api', (_req: Request, _res: Response, next: NextFunction) => next(new ApiError('not_found', 'No such endpoint; see /api/docs')));

  const dist = deps.editorDist;
  if (dist && existsSync(path.join(dist, 'index.html'))) {
    // Vite names every built asset by its content hash, so a browser may keep it for good; index.html is checked each time.
    app.use(
      '/assets',
      express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '365d' }),
    );
    app.use('/assets', (_req: Request, _res: Response, next: NextFunction) => next(new ApiError('not_found', 'No such asset (the page may be from an older build: reload it)')));
    app.use(express.static(dist, { index: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }));
    app.get('/{*rest}', (_req: Request, res: Response) => res.setHeader('Cache-Control', 'no-cache').sendFile(path.join(dist, 'index.html')));
  } else {
    app.get('/', (_req: Request, res: Response) => res.type('html').send(LANDING));
  }
  app.use((_req: Request, _res: Response, next: NextFunction) => next(new ApiError('not_found', 'Not found; the API is under /api')));

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = toApiError(err);
    if (e.code === 'internal') (deps.logError ?? console.error)(err);
    if ((e.code === 'busy' || e.code === 'rate_limited') && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String(e.details?.retryAfterSeconds ?? 5));
    res.status(e.status).json(e.body());
  });
  return app;
}

/** The example exchanges of the reference (server/api/examples.json, made by `npm run examples`). */
function loadExamples(): ApiExamples {
  const file = path.join(import.meta.dirname, 'api', 'examples.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ApiExamples) : {};
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function parse<T>(schema: z.ZodType<T, any>, value: unknown, where: 'params' | 'query' | 'body'): T {
  const out = schema.safeParse(value);
  if (out.success) return out.data;
  const issues = zodIssues(out.error.issues as never, [where]);
  const over = issues.filter((i) => i.code === 'limit_exceeded');
  // A request that is well formed but asks for more work than allowed is refused as such (422), naming the limit.
  if (over.length) throw new ApiError('limit_exceeded', `The request asks for more work than one request may: ${over[0].message}`, issues);
  throw new ApiError('invalid_request', `The request ${where} does not match the schema`, issues);
}

/** Maps anything thrown to an API error; errors of the HTTP layer that carry a 4xx status (a path that does not decode) stay 4xx, the rest is a bug (500). */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) return new ApiError(err.code === 'conflict' ? 'write_conflict' : err.code, err.message, undefined, err.target ? { target: err.target } : undefined);
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new ApiError('invalid_request', e.message ?? 'Bad request');
  return new ApiError('internal', 'Internal error');
}
