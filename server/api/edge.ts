// The HTTP edge: what a request body must be before any route sees it — declared size, media type, JSON, nesting depth, well-formed text, finite numbers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import type { Issue } from '../engine.js';
import { ApiError } from './errors.js';

/** Bodies nest no deeper than this: the recursive schema checks would overflow the stack, and no real document comes close. */
export const MAX_DEPTH = 64;
/** At most this many problems are listed for one body. */
const MAX_ISSUES = 20;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes of a size such as 2097152, '2mb' or '512kb'. */
export function parseSize(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size);
  if (!m) throw new Error(`not a size: ${size}`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
}

/** The declared body length, or null when the request has no Content-Length (chunked or no body). */
function declaredLength(req: IncomingMessage): number | null {
  const h = req.headers['content-length'];
  if (h === undefined) return null;
  const n = Number(h);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Whether the request carries a body at all. */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
}

/**
 * The error for a body that is too large; the connection is closed after the answer, so the rest of the body is never
 * read (a client that declared 10 GB is told at once instead of being drained for minutes).
 */
export function tooLarge(res: ServerResponse, limit: number, declared: number | null): ApiError {
  res.setHeader('Connection', 'close');
  return new ApiError('payload_too_large', `The body is larger than the limit of ${limit} bytes`, [
    { code: 'too_large', path: ['body'], message: declared === null ? `more than ${limit} bytes sent` : `Content-Length ${declared} exceeds ${limit} bytes` },
  ]);
}

/** Refuses, before anything else is done for the request, a body whose declared length is over the limit or whose media type is not JSON. */
export function checkDeclaredBody(req: IncomingMessage, res: ServerResponse, limit: number): ApiError | null {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) return tooLarge(res, limit, declared);
  if (!hasBody(req)) return null;
  const type = String(req.headers['content-type'] ?? '');
  const [media, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
  if (media !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(media)) return new ApiError('unsupported_media_type', 'Send the body as application/json');
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return new ApiError('unsupported_media_type', `JSON is UTF-8; charset ${charset} is not accepted`);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') return new ApiError('unsupported_media_type', `Compressed request bodies (Content-Encoding: ${encoding}) are not accepted`);
  return null;
}

/** Reads and parses a JSON body of at most `limit` bytes; undefined when there is none. Call after checkDeclaredBody. */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  let text: string;
  try {
    text = await getRawBody(req, { length: declaredLength(req) ?? undefined, limit, encoding: 'utf8' });
  } catch (err) {
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.too.large') throw tooLarge(res, limit, declaredLength(req));
    if (e.type === 'request.aborted') throw new ApiError('invalid_request', 'The request was aborted before its body arrived');
    throw new ApiError('invalid_request', `The body could not be read: ${e.message ?? 'unknown error'}`, [{ code: 'unreadable_body', path: ['body'], message: e.message ?? 'unreadable' }]);
  }
  // Like express.json({strict: true}): an object or an array, nothing else at the top.
  const first = /^[\s\uFEFF]*(.)/.exec(text)?.[1];
  if (first === undefined) return undefined;
  if (first !== '{' && first !== '[') throw new ApiError('malformed_json', 'The body is not valid JSON: it must be an object or an array');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ApiError('malformed_json', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Problems with a parsed JSON body that schemas cannot see or that would break hashing later: nesting deeper than
 * MAX_DEPTH, text with a lone UTF-16 surrogate ("\ud800" is valid JSON but no Unicode text: canonical JSON and
 * hashing refuse it), numbers that overflowed to ±Infinity (1e309). Walked without recursion; paths are JSON paths.
 */
export function bodyIssues(body: unknown, maxDepth = MAX_DEPTH): Issue[] {
  type Node = { v: unknown; key: string | number; parent: Node | null; depth: number };
  const issues: Issue[] = [];
  const pathOf = (n: Node | null, extra?: string): (string | number)[] => {
    const out: (string | number)[] = extra === undefined ? [] : [extra];
    for (let x = n; x; x = x.parent) out.unshift(x.key);
    return out;
  };
  const stack: Node[] = [{ v: body, key: 'body', parent: null, depth: 1 }];
  while (stack.length && issues.length < MAX_ISSUES) {
    const n = stack.pop()!;
    const v = n.v;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) issues.push({ code: 'ill_formed_string', path: pathOf(n), message: 'text with a lone UTF-16 surrogate (such as \\ud800) is not Unicode text' });
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) issues.push({ code: 'non_finite_number', path: pathOf(n), message: 'a number too large for a double (it overflows to Infinity); send at most 1.7976931348623157e308' });
    } else if (v && typeof v === 'object') {
      if (n.depth > maxDepth) {
        issues.push({ code: 'too_deep', path: ['body'], message: `nesting deeper than ${maxDepth} levels` });
        break;
      }
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: n, depth: n.depth + 1 });
      else
        for (const k of Object.keys(v)) {
          if (!isWellFormed(k)) issues.push({ code: 'ill_formed_string', path: pathOf(n, k), message: 'a field name with a lone UTF-16 surrogate is not Unicode text' });
          stack.push({ v: (v as Record<string, unknown>)[k], key: k, parent: n, depth: n.depth + 1 });
        }
    }
  }
  return issues;
}

const wellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
/** Whether a string is Unicode text (no lone surrogate). */
export function isWellFormed(s: string): boolean {
  if (wellFormed) return wellFormed.call(s);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Throws invalid_request (400) naming each problem's path, when the body has any. */
export function assertWellFormedBody(body: unknown): void {
  if (body === undefined) return;
  const issues = bodyIssues(body);
  if (issues.length === 0) return;
  const deep = issues.some((i) => i.code === 'too_deep');
  throw new ApiError('invalid_request', deep ? `The body nests deeper than ${MAX_DEPTH} levels` : 'The body holds values that are not valid data', issues);
}
