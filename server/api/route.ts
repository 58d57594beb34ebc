// The route table's entry type: one object per endpoint drives routing, role checks, request validation and the OpenAPI document.
import type { z } from 'zod';
import type { Actor, Repository, Role } from '../store/repository.js';
import type { ErrorCode } from './errors.js';
import type { Services } from '../services.js';
import type { Cost } from './protection.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as this content type instead of JSON. */
  contentType?: string;
  /** The body as JSON text already (large answers assembled from parts written off the event loop). */
  json?: string | Buffer;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  ifMatch: string | null;
  services: Services;
  /**
   * The store read of this request: services.repo.read, but on a route with `tokenInRead` it checks the caller's
   * token too, in the same round trip as its first single-row read (the answer waits for that check).
   */
  read: Repository['read'];
}

export interface RouteDef<P = any, Q = any, B = any> {
  method: Method;
  /** Express-style path, e.g. /api/drafts/:id. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Least role allowed; null: public. */
  role: Role | null;
  /**
   * A token this process has seen live is checked again in the route's store read (ctx.read) instead of in a read of
   * its own before the route runs: for a route called at a high rate by other systems. The answer (or the route's
   * error) waits for that check, and an unknown token is still looked up before the body is read.
   */
  tokenInRead?: boolean;
  /** For the per-token rate limit: heavy work, other writes (the default for non-GET), stateless evaluations or reads (the default for GET). */
  cost?: Cost;
  params?: z.ZodType<P, any>;
  query?: z.ZodType<Q, any>;
  body?: z.ZodType<B, any>;
  /** Headers the route reads, for the document. */
  requestHeaders?: { name: string; required: boolean; description: string }[];
  response: { status: number; schema?: z.ZodType; description: string; contentType?: string; etag?: boolean };
  errors: ErrorCode[];
  handler(ctx: RouteContext<P, Q, B>): Promise<Reply> | Reply;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

/** A route's rate-limit class: its own, else write for a non-GET and read for a GET. */
export function costOf(r: Pick<RouteDef, 'cost' | 'method'>): Cost {
  return r.cost ?? (r.method === 'get' ? 'read' : 'write');
}
