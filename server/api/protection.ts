// What protects the server around the routes: security headers (helmet, with the editor's CSP), per-token rate limits and failed sign-ins (express-rate-limit), and the optional access log (morgan).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import morgan from 'morgan';
import { MemoryStore, rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { ApiError } from './errors.js';

export interface ProtectionOptions {
  /** Requests per token per window, by cost (`false`: no per-token limits). */
  rateLimits?: { windowMs?: number; heavy?: number; write?: number; evaluate?: number } | false;
  /** Failed sign-ins from one address per window before it is refused with 429 (`false`: no limit; they are still logged). */
  authFailures?: { windowMs?: number; max?: number } | false;
  /** Where access-log lines go (method, path, status, time, token id — never the token); absent: no access log. */
  accessLog?: ((line: string) => void) | null;
  /** Where failed sign-ins are reported; default console.warn. */
  securityLog?: (line: string) => void;
}

/**
 * What a route costs, for its rate limit: heavy work (sweeps, batches, cohorts, golden runs, spreadsheets), other
 * writes, stateless evaluations (POST /api/evaluate: stores nothing, called by other systems) and reads.
 */
export type Cost = 'heavy' | 'write' | 'evaluate' | 'read';

/**
 * Per token and window. Stateless evaluations get 120,000 a minute (2,000 a second on average): twice the rate a
 * 2-core server is built to answer them at (bench:api's target, 1,000 a second), so a system calling at that rate is
 * held back by the server's capacity and never by a 429, while one token's runaway loop is still cut off.
 */
export const DEFAULT_RATE_LIMITS = { windowMs: 60_000, heavy: 60, write: 600, evaluate: 120_000 } as const;

const LIMITED = { heavy: 'heavy requests', write: 'requests', evaluate: 'stateless evaluations' } as const;
export const DEFAULT_AUTH_FAILURES = { windowMs: 15 * 60_000, max: 30 } as const;

// The editor: scripts, styles, fonts and workers from its own origin (Monaco and its workers, echarts are bundled by Vite);
// inline styles because Monaco and echarts set them; data:/blob: images for charts saved as pictures; no frames, no plugins.
const EDITOR_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

// The API reference at /api/docs, served from an npm package's files: the same origin-only rules; its bundle may start
// web workers from blob: URLs and set inline styles. It gets no inline scripts: a start-up script goes in a file.
const DOCS_CSP = { ...EDITOR_CSP };

const helmetWith = (directives: Record<string, string[]>) =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The server speaks plain HTTP unless a proxy in front of it adds TLS; upgrading its own requests would break it.
    strictTransportSecurity: false,
  });

export interface Protection {
  /** Security headers on every response. */
  headers: RequestHandler;
  /** The access log, when one is configured. */
  accessLog: RequestHandler | null;
  /** Refuses an address that failed to sign in too often lately (429 with Retry-After). */
  checkAuthAddress(req: Request, res: Response): Promise<void>;
  /** Counts and logs a failed sign-in. */
  authFailed(req: Request, reason: string): Promise<void>;
  /** Applies the calling token's rate limit for a route of this cost (429 with Retry-After). */
  limit(cost: Cost, req: Request, res: Response): Promise<void>;
  /** Failed sign-ins since the app started. */
  readonly authFailures: number;
}

const run = (mw: RequestHandler, req: Request, res: Response) =>
  new Promise<void>((resolve, reject) => mw(req, res, ((err?: unknown) => (err ? reject(err) : resolve())) as NextFunction));

/** Builds the protection of one app. */
export function createProtection(opts: ProtectionOptions = {}): Protection {
  const editorHeaders = helmetWith(EDITOR_CSP);
  const docsHeaders = helmetWith(DOCS_CSP);
  const securityLog = opts.securityLog ?? ((line: string) => console.warn(line));

  const limits = opts.rateLimits === false ? null : { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits };
  const limiter = (cost: Exclude<Cost, 'read'>, max: number) =>
    rateLimit({
      windowMs: limits!.windowMs,
      limit: max,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: cost,
      keyGenerator: (_req, res) => `${cost}:${(res as Response).locals.tokenId}`,
      handler: (_req, _res, next, options) =>
        next(new ApiError('rate_limited', `Too many ${LIMITED[cost]} from this token: at most ${options.limit} per ${Math.round(options.windowMs / 1000)} s`)),
    });
  const limiters = limits ? { heavy: limiter('heavy', limits.heavy), write: limiter('write', limits.write), evaluate: limiter('evaluate', limits.evaluate) } : null;

  const failures = opts.authFailures === false ? null : { ...DEFAULT_AUTH_FAILURES, ...opts.authFailures };
  const failureStore = new MemoryStore();
  failureStore.init({ windowMs: failures?.windowMs ?? DEFAULT_AUTH_FAILURES.windowMs } as never);
  let authFailures = 0;
  const address = (req: Request) => ipKeyGenerator(req.socket.remoteAddress ?? 'unknown');

  const accessLog = opts.accessLog
    ? morgan<IncomingMessage, ServerResponse>(
        (tokens, req, res) => {
          const path = (req as Request).originalUrl.split('?')[0];
          const tokenId = (res as Response).locals?.tokenId ?? '-';
          return `${new Date().toISOString()} ${req.method} ${path} ${res.statusCode} ${tokens['response-time'](req, res) ?? '-'} ms ${tokenId}`;
        },
        { stream: { write: (line: string) => opts.accessLog!(line.trimEnd()) } },
      )
    : null;

  return {
    headers: (req, res, next) => (req.path === '/api/docs' || req.path.startsWith('/api/docs/') ? docsHeaders : editorHeaders)(req, res, next),
    accessLog: accessLog as RequestHandler | null,
    async checkAuthAddress(req, res) {
      if (!failures) return;
      const info = await failureStore.get(address(req));
      if (info && info.totalHits >= failures.max) {
        const seconds = Math.max(1, Math.ceil(((info.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
        res.setHeader('Retry-After', String(seconds));
        throw new ApiError('rate_limited', `Too many failed sign-ins from this address; retry in ${seconds} s`);
      }
    },
    async authFailed(req, reason) {
      authFailures++;
      const info = await failureStore.increment(address(req));
      securityLog(`${new Date().toISOString()} failed sign-in #${authFailures}: ${reason}; ${req.method} ${req.originalUrl.split('?')[0]} from ${req.socket.remoteAddress ?? 'unknown'} (${info.totalHits} from this address in the window)`);
    },
    async limit(cost, req, res) {
      if (!limiters || cost === 'read') return;
      await run(limiters[cost], req, res);
    },
    get authFailures() {
      return authFailures;
    },
  };
}
