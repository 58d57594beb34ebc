// Builds the OpenAPI 3.1 document from the route table and its zod schemas (z.toJSONSchema); nothing in it is written by hand.
import { z } from 'zod';
import { costOf, type RouteDef } from './route.js';
import { DEFAULT_RATE_LIMITS } from './protection.js';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import * as S from './schemas.js';
import { Condition } from '../../engine/schema/condition.js';
import { ConditionTrace } from '../../engine/schema/evaluation.js';

type Json = Record<string, any>;

const REF = '#/components/schemas/';

/** Named schemas: every zod schema exported by schemas.ts, plus the recursive ones of the engine. */
function namedSchemas(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  names.set(Condition as z.ZodType, 'Condition');
  names.set(ConditionTrace as z.ZodType, 'ConditionTrace');
  for (const [name, value] of Object.entries(S)) if (value instanceof z.ZodType && !names.has(value)) names.set(value, name);
  return names;
}

const opId = (r: RouteDef) =>
  r.method +
  r.path
    .replace(/^\/api/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => (p.startsWith(':') ? 'By' + p[1].toUpperCase() + p.slice(2) : p[0].toUpperCase() + p.slice(1).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())))
    .join('');

/** One JSON Schema pass over a set of named schemas; returns components with refs rewritten to `prefix + name`. */
function pass(entries: [z.ZodType, string][], io: 'input' | 'output', prefix: string): Record<string, Json> {
  const reg = z.registry<{ id: string }>();
  for (const [schema, id] of entries) if (!reg.has(schema)) reg.add(schema, { id });
  const out = z.toJSONSchema(reg, { io, uri: (id) => `${REF}${prefix}${id}`, unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as { schemas: Record<string, Json> };
  const shared = out.schemas.__shared?.$defs ?? {};
  delete out.schemas.__shared;
  const result: Record<string, Json> = {};
  for (const [k, v] of Object.entries(shared)) result[`${prefix}Shared_${k}`] = v as Json;
  for (const [k, v] of Object.entries(out.schemas)) {
    const { $id: _id, $schema: _schema, ...rest } = v;
    result[`${prefix}${k}`] = rest;
  }
  const text = JSON.stringify(result).replaceAll(`${REF}${prefix}__shared#/$defs/`, `${REF}${prefix}Shared_`);
  return JSON.parse(text);
}

function paramsOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema || !(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, s]) => {
    const { $schema: _s, description, ...js } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
    return { name, in: where, required: where === 'path' || !s.safeParse(undefined).success, schema: js, ...(description ? { description } : {}) };
  });
}

const ERROR_TABLE = Object.entries(ERROR_STATUS)
  .map(([code, status]) => `| ${status} | \`${code}\` |`)
  .join('\n');

/** An example exchange, keyed `method path` as in the document ("post /api/drafts/{id}/publish"). */
export type ApiExamples = Record<string, { request?: unknown; response: unknown; status: number }>;

/** The OpenAPI 3.1 document of the given routes; `examples` adds a request and response example to the operations it names. */
export function buildOpenApi(routes: RouteDef[], info: { version: string; engineVersion: string; examples?: ApiExamples }): Json {
  const names = namedSchemas();
  const nameOf = (s: z.ZodType, fallback: string) => names.get(s) ?? fallback;
  const requestEntries: [z.ZodType, string][] = [];
  const responseEntries: [z.ZodType, string][] = [[S.ErrorBody, 'ErrorBody']];
  // Domain schemas get their own components, so routes refer to them instead of repeating them.
  const shared: [z.ZodType, string][] = [
    [Condition as z.ZodType, 'Condition'],
    [ConditionTrace as z.ZodType, 'ConditionTrace'],
    [S.I18nText, 'I18nText'],
    [S.Issue, 'Issue'],
    [S.RuleSet, 'RuleSet'],
    [S.Dossier, 'Dossier'],
    [S.GoldenCase, 'GoldenCase'],
    [S.Evaluation, 'Evaluation'],
    [S.CohortResult, 'CohortResult'],
  ];
  responseEntries.push(...shared, [S.EvaluationDecision, 'EvaluationDecision']);
  requestEntries.push(...shared.filter(([, n]) => n !== 'ConditionTrace' && n !== 'Evaluation' && n !== 'CohortResult'));
  for (const r of routes) {
    if (r.body && !(r.body instanceof z.ZodOptional)) requestEntries.push([r.body, nameOf(r.body, opId(r) + 'Body')]);
    if (r.response.schema) responseEntries.push([r.response.schema, nameOf(r.response.schema, opId(r) + 'Response')]);
  }
  const output = pass(responseEntries, 'output', '');
  const input = pass(requestEntries, 'input', 'In_');
  // A request schema identical to its response form keeps one name; otherwise it is suffixed "Input".
  const rename = new Map<string, string>();
  for (const [k, v] of Object.entries(input)) {
    const bare = k.slice(3);
    const free = !output[bare] || JSON.stringify(output[bare]) === JSON.stringify(v).replaceAll(`${REF}In_`, REF);
    rename.set(k, free && !bare.startsWith('Shared_') ? bare : bare.startsWith('Shared_') ? `InputShared_${bare.slice(7)}` : `${bare}Input`);
  }
  let inputText = JSON.stringify(input);
  for (const [from, to] of rename) inputText = inputText.replaceAll(`"${REF}${from}"`, `"${REF}${to}"`);
  const renamedInput: Record<string, Json> = JSON.parse(inputText);
  const schemas: Record<string, Json> = { ...output };
  for (const [k, v] of Object.entries(renamedInput)) {
    const to = rename.get(k)!;
    if (!schemas[to]) schemas[to] = v;
  }

  const paths: Json = {};
  for (const r of routes) {
    const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const errors = new Set<ErrorCode>(r.errors);
    if (r.role) {
      errors.add('unauthenticated' as ErrorCode);
      errors.add('forbidden' as ErrorCode);
    }
    if (r.body) {
      errors.add('malformed_json');
      errors.add('invalid_request');
      errors.add('payload_too_large');
      errors.add('unsupported_media_type');
    }
    if (r.params || r.query) errors.add('invalid_request');
    const byStatus = new Map<number, string[]>();
    for (const code of errors) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
    const responses: Json = {};
    const ok: Json = { description: r.response.description };
    if (r.response.schema) {
      const name = r.response.schema === S.ErrorBody ? 'ErrorBody' : nameOf(r.response.schema, opId(r) + 'Response');
      ok.content = { [r.response.contentType ?? 'application/json']: { schema: { $ref: REF + name } } };
    }
    if (r.response.etag) ok.headers = { ETag: { description: 'Version tag for If-Match', schema: { type: 'string' } } };
    responses[String(r.response.status)] = ok;
    for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      if (responses[String(status)]) continue;
      responses[String(status)] = { description: codes.map((c) => `\`${c}\``).join(', '), content: { 'application/json': { schema: { $ref: REF + 'ErrorBody' } } } };
    }
    const op: Json = {
      operationId: opId(r),
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      'x-role': r.role ?? 'public',
      ...(r.role ? { 'x-rate-limit': costOf(r) } : {}),
      security: r.role ? [{ bearer: [] }] : [],
      parameters: [
        ...paramsOf(r.params, 'path'),
        ...paramsOf(r.query, 'query'),
        ...(r.requestHeaders ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } })),
      ],
      responses,
    };
    if (r.body && !(r.body instanceof z.ZodOptional)) {
      const name = rename.get('In_' + nameOf(r.body, opId(r) + 'Body'))!;
      op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: REF + name } } } };
    }
    const example = info.examples?.[`${r.method} ${p}`];
    if (example) {
      if (example.request !== undefined && op.requestBody) op.requestBody.content['application/json'].example = example.request;
      const res = responses[String(example.status)]?.content?.['application/json'];
      if (res) res.example = example.response;
    }
    (paths[p] ??= {})[r.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Mingcheng (名城) API',
      version: info.version,
      description:
        'Rule sets, drafts, dossiers and evaluations for the China Software Famous City evaluation (MIIT 2017 measures). ' +
        `Engine ${info.engineVersion}.\n\nAuthentication: \`Authorization: Bearer <token>\`. Roles are cumulative: viewer (read) ⊂ analyst (evaluate, batch, dossiers) ⊂ editor (drafts, publish) ⊂ admin (tokens).\n\n` +
        `Rate limits per token and minute, by the class each operation names in \`x-rate-limit\` (defaults; the server's operator may change them): ` +
        `heavy ${DEFAULT_RATE_LIMITS.heavy} (sweeps, batches, cohorts, golden runs, spreadsheets), write ${DEFAULT_RATE_LIMITS.write} (other changes), ` +
        `evaluate ${DEFAULT_RATE_LIMITS.evaluate.toLocaleString('en')} (POST /api/evaluate, the stateless decision for other systems: it stores nothing), read unlimited. ` +
        'Past a limit: 429 `rate_limited` with `Retry-After` and `RateLimit` headers.\n\n' +
        'Every error is `{"error": {"code", "message", "issues"?}}`; issues are `{code, path, message}` with `path` a JSON path into the request. Codes and statuses:\n\n| status | code |\n|---|---|\n' +
        ERROR_TABLE,
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
