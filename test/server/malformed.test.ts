// Seeded property test: thousands of malformed bodies at the write endpoints; none may give a 500, and every refused one leaves the store unchanged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import request from 'supertest';
import fc from 'fast-check';
import * as engine from '../../engine/index.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

const RUNS = Number(process.env.MALFORMED_RUNS ?? 3000);

let t: TestServer;
let templates: { method: 'post' | 'put' | 'delete'; url: string; body: unknown }[];

beforeAll(async () => {
  t = await makeServer(engine);
  const draft = await request(t.app).post('/api/drafts').set(t.auth('editor')).send({ from: 'sfc-2017@1' });
  // A draft citing an unknown clause never publishes, so a publish body that happens to be valid changes nothing either.
  const doc = draft.body.document;
  const broken = { ...doc, facts: doc.facts.map((f: any, i: number) => (i === 0 ? { ...f, cites: ['I9.9'] } : f)) };
  expect((await request(t.app).put(`/api/drafts/${draft.body.id}`).set(t.auth('editor')).set('If-Match', draft.headers.etag).send({ document: broken })).status).toBe(200);
  expect((await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier('seedcity', 1450, 1250) })).status).toBe(201);
  const d = draft.body.id;
  expect((await request(t.app).post(`/api/drafts/${d}/validate`).set(t.auth('editor'))).body.valid).toBe(false);
  // Spares for the DELETE routes, so a valid request does not remove what the other routes use.
  const spare = await request(t.app).post('/api/drafts').set(t.auth('editor')).send({ from: 'sfc-2017@1' });
  expect((await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier('spare', 1450, 1250) })).status).toBe(201);
  templates = [
    { method: 'post', url: '/api/drafts', body: { from: 'sfc-2017@1' } },
    // No If-Match is sent to PUTs: a body that is still valid gets 428, so only validation is exercised there.
    { method: 'put', url: `/api/drafts/${d}`, body: { document: broken } },
    { method: 'put', url: `/api/drafts/${d}/golden`, body: { cases: [] } },
    { method: 'post', url: `/api/drafts/${d}/golden/rebaseline`, body: { caseIds: ['x'], reason: 'r' } },
    { method: 'post', url: `/api/drafts/${d}/publish`, body: { changelog: { zh: '改', en: 'change' } } },
    { method: 'post', url: `/api/drafts/${d}/validate`, body: undefined },
    { method: 'delete', url: `/api/drafts/${spare.body.id}`, body: undefined },
    { method: 'post', url: '/api/dossiers', body: { dossier: fullDossier('prop', 1450, 1250) } },
    { method: 'put', url: '/api/dossiers/seedcity-2018', body: { dossier: fullDossier('seedcity', 1500, 1250) } },
    { method: 'delete', url: '/api/dossiers/spare-2018', body: undefined },
    { method: 'post', url: '/api/dossiers/validate', body: { ruleSet: 'sfc-2017@1', dossierId: 'seedcity-2018' } },
    { method: 'post', url: '/api/evaluations', body: { ruleSet: 'sfc-2017@1', dossier: fullDossier('inline', 1450, 1250) } },
    { method: 'post', url: '/api/batch', body: { dossiers: ['seedcity-2018'], versions: [{ ruleSet: 'sfc-2017@1' }] } },
    { method: 'post', url: '/api/cohort', body: { ruleSet: 'sfc-2017@1', period: 2018 } },
    { method: 'post', url: '/api/tokens', body: { name: 'n', role: 'viewer' } },
    { method: 'put', url: '/api/rulesets/sfc-2017/versions/1', body: { document: doc } },
  ];
});
afterAll(async () => {
  await t.cleanup();
});

type Path = (string | number)[];

function paths(v: unknown, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(prefix);
  if (depth < 12 && v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, Array.isArray(v) ? Number(k) : k], out, depth + 1);
  return out;
}

type Op = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

/** The body with one value replaced, removed or given an unknown sibling. */
function mutate(body: unknown, path: Path, op: Op): unknown {
  if (path.length === 0) return op.kind === 'replace' ? op.value : op.kind === 'add' && body && typeof body === 'object' && !Array.isArray(body) ? { ...body, [op.key]: op.value } : op.kind === 'delete' ? undefined : body;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  const [head, ...rest] = path;
  const next = mutate(copy[head], rest, op);
  if (next === undefined && rest.length === 0 && op.kind === 'delete') {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1e308, -0.5, '', ' ', 'sfc-2017@0', '../../etc', '__proto__', null, true, [], {}, { __proto__: { admin: true } }, 'x'.repeat(5000)),
);

const request$ = fc.oneof(
  // A valid template with one value replaced, removed, or an unknown field added.
  fc.record({
    kind: fc.constant('mutated' as const),
    route: fc.nat(),
    pathPick: fc.nat(),
    op: fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), value: weird }),
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'extra')), value: weird }),
    ),
  }),
  // Any JSON at all as the body.
  fc.record({ kind: fc.constant('json' as const), route: fc.nat(), body: fc.jsonValue({ maxDepth: 4 }) }),
  // Text that is mostly not JSON, sent as JSON or as another media type.
  fc.record({
    kind: fc.constant('raw' as const),
    route: fc.nat(),
    text: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"a":', '[1,,2]', '{"dossier":{"facts":{}}', '\u0000', 'null', '"str"', '1e999')),
    type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
  }),
);

it(`gives no 500 and changes nothing for ${RUNS} malformed requests (seeded)`, async () => {
  let refused = 0;
  let accepted = 0;
  const statuses = new Map<number, number>();
  let before = await t.storeVersion();
  await fc.assert(
    fc.asyncProperty(request$, async (r) => {
      const tpl = templates[r.route % templates.length];
      let req = request(t.app)[tpl.method](tpl.url).set(t.auth('admin'));
      if (r.kind === 'mutated') {
        const ps = paths(tpl.body);
        const body = mutate(tpl.body, ps[r.pathPick % ps.length], r.op);
        if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
      } else if (r.kind === 'json') req = req.set('Content-Type', 'application/json').send(JSON.stringify(r.body));
      else req = req.set('Content-Type', r.type).send(r.text);
      const res = await req;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const after = await t.storeVersion();
      const changed = after !== before;
      // The next request is compared with this state, also while fast-check shrinks a failure.
      before = after;
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      if (res.status >= 400) {
        refused++;
        expect(res.body.error.code).toEqual(expect.any(String));
        expect(changed, `${tpl.method} ${tpl.url} → ${res.status} changed the store`).toBe(false);
      } else accepted++;
    }),
    { seed: 20260101, numRuns: RUNS },
  );
  expect(t.internalErrors).toEqual([]);
  expect(refused).toBeGreaterThan(RUNS * 0.8);
  console.log(`malformed bodies: ${RUNS} requests, ${refused} refused with 4xx and store unchanged, ${accepted} still valid and accepted; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
}, 300_000);
