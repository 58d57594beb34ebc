// Seeded property test: thousands of generated bodies at every write route (mutated valid bodies, lone surrogates, numbers that overflow to Infinity, any JSON, text that is not JSON); none may give a 5xx, and every refused one leaves the store unchanged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import request from 'supertest';
import fc from 'fast-check';
import * as engine from '../../engine/index.js';
import { makeServer, type TestServer } from './helpers.js';
import { bodyText, INFINITY, leafPaths, replaceAt, writeRequests, type WriteRequest } from './writeRequests.js';

const RUNS = Number(process.env.MALFORMED_RUNS ?? 5000);

let t: TestServer;
let writes: WriteRequest[];

beforeAll(async () => {
  t = await makeServer(engine);
  writes = await writeRequests(t);
}, 120_000);
afterAll(async () => {
  await t.cleanup();
});

type Path = (string | number)[];
type Op = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

/** The body with one value replaced, removed or given a new sibling. */
function mutate(body: unknown, path: Path, op: Op): unknown {
  if (path.length === 0) {
    if (op.kind === 'replace') return op.value;
    if (op.kind === 'add') return body && typeof body === 'object' && !Array.isArray(body) ? { ...body, [op.key]: op.value } : body;
    return undefined;
  }
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  const [head, ...rest] = path;
  const next = mutate(copy[head], rest, op);
  if (next === undefined && rest.length === 0 && op.kind === 'delete') {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}

// Text that JSON carries but that is not Unicode: lone high or low surrogates, alone or inside other text.
const illFormed = fc.constantFrom('\ud800', '\udfff', 'abc\ud83d', '\ude00xyz', '名\udbff城', '\udc00\ud800');
// Numbers, INFINITY standing for 1e309 (JSON.stringify cannot write it; the text is patched before sending).
const edgeNumber = fc.constantFrom(INFINITY, -0, 0.1 + 0.2, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, -1, 0);
const weird = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: illFormed },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'sfc-2017@0', 'sfc-2017@99', '../../etc/passwd', '__proto__', null, true, [], {}, 'x'.repeat(5000), '\u0000', '\u202e') },
  { weight: 1, arbitrary: fc.array(illFormed, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(illFormed, fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 2 }) },
);

const request$ = fc.oneof(
  // A valid request with one value replaced, removed, or a new field added (maybe with an ill-formed name).
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      route: fc.nat(),
      pathPick: fc.nat(),
      op: fc.oneof(
        fc.record({ kind: fc.constant('replace' as const), value: weird }),
        fc.record({ kind: fc.constant('delete' as const) }),
        fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string({ maxLength: 8 }), illFormed, fc.constantFrom('__proto__', 'constructor', 'extra')), value: weird }),
      ),
    }),
  },
  // A valid request whose deepest text or number is made ill-formed or infinite.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('poisoned' as const), route: fc.nat(), text: fc.boolean(), bad: illFormed }) },
  // Any JSON at all as the body.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), route: fc.nat(), body: fc.jsonValue({ maxDepth: 4 }) }) },
  // Text that is mostly not JSON, sent as JSON or as another media type.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      route: fc.nat(),
      text: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"a":', '[1,,2]', '{"dossier":{"facts":{}}', '\u0000', 'null', '"str"', '1e999', '{"a":1e309}', '["\\ud800"]', '{"\\udfff":1}')),
      type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/merge-patch+json'),
    }),
  },
);

it(`gives no 5xx for ${RUNS} generated bodies at every write route, and every refusal leaves the store unchanged (seeded)`, async () => {
  let refused = 0;
  let accepted = 0;
  const statuses = new Map<number, number>();
  const perRoute = new Map<string, number>();
  const kinds = new Map<string, number>();
  // Every write changes the store's files (lowdb) or its audit head (PostgreSQL).
  let before = await t.storeVersion();
  await fc.assert(
    fc.asyncProperty(request$, async (r) => {
      const w = writes[r.route % writes.length];
      let req = request(t.app)[w.method](w.url).set(t.auth('admin')).set(w.headers ?? {});
      if (r.kind === 'mutated') {
        const ps = leafPaths(w.body ?? {});
        const body = mutate(w.body ?? {}, ps[r.pathPick % ps.length].path, r.op);
        if (body !== undefined) req = req.set('Content-Type', 'application/json').send(bodyText(body));
      } else if (r.kind === 'poisoned') {
        const leaves = leafPaths(w.body ?? {}).filter((x) => typeof x.value === (r.text ? 'string' : 'number'));
        const at = leaves.at(-1)?.path ?? ['extra'];
        req = req.set('Content-Type', 'application/json').send(bodyText(replaceAt(w.body ?? {}, at, r.text ? r.bad : INFINITY)));
      } else if (r.kind === 'json') req = req.set('Content-Type', 'application/json').send(bodyText(r.body));
      else req = req.set('Content-Type', r.type).send(r.text);
      const res = await req;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      perRoute.set(`${w.method} ${w.route}`, (perRoute.get(`${w.method} ${w.route}`) ?? 0) + 1);
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      const after = await t.storeVersion();
      const changed = after !== before;
      // The next request is compared with this state, also while fast-check shrinks a failure.
      before = after;
      expect(res.status, `${w.method} ${w.url}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      if (res.status >= 400) {
        refused++;
        expect(res.body.error.code).toEqual(expect.any(String));
        expect(changed, `${w.method} ${w.url} → ${res.status} changed the store`).toBe(false);
      } else accepted++;
    }),
    { seed: 20260101, numRuns: RUNS },
  );
  expect(t.internalErrors).toEqual([]);
  expect(refused).toBeGreaterThan(RUNS * 0.8);
  // Every write route got its share.
  expect(perRoute.size).toBe(writes.length);
  expect(Math.min(...perRoute.values())).toBeGreaterThan(RUNS / writes.length / 3);
  console.log(
    `generated bodies: ${RUNS} requests at ${perRoute.size} write routes (${Math.min(...perRoute.values())}–${Math.max(...perRoute.values())} each; ${JSON.stringify(Object.fromEntries(kinds))}), ` +
      `${refused} refused with 4xx and the store unchanged, ${accepted} valid and accepted, 0 × 5xx; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
}, 600_000);
