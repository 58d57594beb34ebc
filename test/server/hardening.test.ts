// Hostile input at the edge: lone surrogates and overflowing numbers on every write route, bodies too large (declared or streamed), authentication before parsing, limits on work, zip bombs, rate limits, security headers, the access log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import net from 'node:net';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as engine from '../../engine/index.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';
import { bodyText, INFINITY, leafPaths, replaceAt, writeRequests, type WriteRequest } from './writeRequests.js';
import { zipBomb } from './zipBomb.js';

let t: TestServer;
let writes: WriteRequest[];

beforeAll(async () => {
  t = await makeServer(engine, { bodyLimit: '3mb' });
  writes = await writeRequests(t);
}, 60_000);
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

/** Identity of the store file: every committed write renames a new file into place. */
const storeVersion = () => {
  const st = statSync(path.join(t.dataDir, 'db.json'), { bigint: true });
  return `${st.ino}/${st.mtimeNs}/${st.size}`;
};

/** Sends raw text to a listening copy of the app and resolves with the status line, the time it took and whether the server closed the connection. */
async function raw(app: TestServer['app'], send: (socket: net.Socket) => void): Promise<{ head: string; ms: number; closed: boolean }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const t0 = performance.now();
      const socket = net.connect(port, '127.0.0.1', () => send(socket));
      let data = '';
      let answered = -1;
      socket.on('data', (b) => {
        data += b.toString('latin1');
        if (answered < 0) answered = performance.now() - t0;
      });
      socket.on('error', () => undefined); // the server may reset while we still write
      socket.on('close', () => resolve({ head: data.split('\r\n')[0] + '\n' + data.slice(data.indexOf('\r\n\r\n') + 4), ms: answered < 0 ? performance.now() - t0 : answered, closed: true }));
      setTimeout(() => {
        socket.destroy();
        if (answered < 0) reject(new Error('no answer in 10 s'));
      }, 10_000).unref();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('text and numbers that JSON carries but data cannot', () => {
  it('refuses a lone UTF-16 surrogate in any body of every write route with 400 naming the path, and stores nothing', async () => {
    for (const w of writes) {
      // The deepest text in the body, or a field of its own when the route takes no body.
      const texts = leafPaths(w.body ?? {}).filter((x) => typeof x.value === 'string');
      const at = texts.at(-1)?.path ?? ['note'];
      const body = replaceAt(w.body ?? {}, at, 'ab\ud800cd');
      const before = storeVersion();
      const res = await request(t.app)[w.method](w.url).set(t.auth('admin')).set(w.headers ?? {}).set('Content-Type', 'application/json').send(bodyText(body));
      expect(res.status, `${w.method} ${w.url}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.issues[0], `${w.method} ${w.url}`).toMatchObject({ code: 'ill_formed_string', path: ['body', ...at] });
      expect(storeVersion(), `${w.method} ${w.url} changed the store`).toBe(before);
    }
  });

  it('refuses a lone surrogate in a field name too', async () => {
    const res = await request(t.app).post('/api/cohort').set(t.auth('analyst')).set('Content-Type', 'application/json').send('{"ruleSet":"sfc-2017@1","period":2018,"interpretations":{"\\udc00x":"y"}}');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ code: 'ill_formed_string', path: ['body', 'interpretations', '\udc00x'] });
    // A surrogate pair is text like any other.
    const pair = await request(t.app).post('/api/dossiers/validate').set(t.auth('viewer')).send({ ruleSet: 'sfc-2017@1', dossier: fullDossier('pair', 1450, 1250) });
    expect(pair.status).toBe(200);
  });

  it('refuses a number that overflows to Infinity (1e309) in any body of every write route with 400 naming the path, and stores nothing', async () => {
    for (const w of writes) {
      const numbers = leafPaths(w.body ?? {}).filter((x) => typeof x.value === 'number');
      const at = numbers.at(-1)?.path ?? ['n'];
      const body = replaceAt(w.body ?? {}, at, INFINITY);
      const before = storeVersion();
      const res = await request(t.app)[w.method](w.url).set(t.auth('admin')).set(w.headers ?? {}).set('Content-Type', 'application/json').send(bodyText(body));
      expect(res.status, `${w.method} ${w.url}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.issues[0], `${w.method} ${w.url}`).toMatchObject({ code: 'non_finite_number', path: ['body', ...at] });
      expect(storeVersion(), `${w.method} ${w.url} changed the store`).toBe(before);
    }
    const negative = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json').send(bodyText({ dossier: fullDossier('neg', 1, 1) }).replace('"softwareRevenue":1', '"softwareRevenue":-1e400'));
    expect(negative.status).toBe(400);
    expect(negative.body.error.issues[0]).toMatchObject({ code: 'non_finite_number', path: ['body', 'dossier', 'facts', 'softwareRevenue'] });
  });
});

describe('bodies too large, and authentication before parsing', () => {
  it('answers a declared Content-Length over the limit with 413 at once and closes the connection, before authenticating', async () => {
    // 10 GB declared, 1 kB sent: the answer may not wait for the rest, and no token is needed to be told.
    const res = await raw(t.app, (s) => s.write('POST /api/dossiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n' + '{"a":"' + 'x'.repeat(1000)));
    expect(res.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(res.head.slice(res.head.indexOf('\n') + 1)).error).toMatchObject({ code: 'payload_too_large', issues: [{ code: 'too_large', path: ['body'] }] });
    expect(res.closed).toBe(true);
    expect(res.ms).toBeLessThan(5_000);
  });

  it('stops reading a chunked body at the limit: 413 while the client is still sending', async () => {
    let sent = 0;
    const res = await raw(t.app, (s) => {
      s.write(`POST /api/dossiers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tokens.analyst}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const chunk = 'x'.repeat(64 * 1024);
      const more = () => {
        // Up to 64 MB, far more than the 3 MB limit; the server answers long before.
        if (s.destroyed || sent > 64 * 1024 ** 2) return;
        sent += chunk.length;
        if (s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) setImmediate(more);
        else s.once('drain', more);
      };
      more();
    });
    expect(res.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(64 * 1024 ** 2);
  });

  it('authenticates before it parses: a bad token with a malformed body is 401, not 400', async () => {
    const bad = await request(t.app).post('/api/dossiers').set('Authorization', 'Bearer mc_wrong').set('Content-Type', 'application/json').send('{"dossier":');
    expect(bad.status).toBe(401);
    const none = await request(t.app).post('/api/dossiers').set('Content-Type', 'application/json').send('{"dossier":');
    expect(none.status).toBe(401);
    const good = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json').send('{"dossier":');
    expect(good.status).toBe(400);
    expect(good.body.error.code).toBe('malformed_json');
  });

  it('refuses compressed request bodies and charsets other than UTF-8 with 415', async () => {
    const gz = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{}');
    expect(gz.status).toBe(415);
    const latin = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).set('Content-Type', 'application/json; charset=latin1').send('{}');
    expect(latin.status).toBe(415);
  });
});

describe('limits on the work of one request', () => {
  it('refuses a sweep that repeats a dossier (the request that froze the server for 42.7 s) with the repeated ids named', async () => {
    const res = await request(t.app)
      .post('/api/analysis/sweep')
      .set(t.auth('analyst'))
      .send({ ruleSet: 'sfc-2017@1', dossierIds: Array(2000).fill('seedcity-2018'), parameter: 'passMarkComprehensive', from: 80, to: 120, steps: 10_000 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('limit_exceeded');
    const codes = new Set(res.body.error.issues.map((i: { code: string }) => i.code));
    expect(codes).toEqual(new Set(['duplicate_id', 'limit_exceeded']));
    expect(res.body.error.issues.find((i: { code: string }) => i.code === 'duplicate_id').path).toEqual(['body', 'dossierIds', 1]);
  });

  it('refuses a sweep of more than 1,000,000 dossiers × values with 422 naming the limit; duplicates alone are 400', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `city-${i}`);
    const res = await request(t.app).post('/api/analysis/sweep').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierIds: ids, parameter: 'passMarkComprehensive', from: 80, to: 120, steps: 10_000 });
    expect(res.status).toBe(422);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ code: 'limit_exceeded', path: ['body', 'values'], hint: 'the limit is 1,000,000' })]);
    const dup = await request(t.app).post('/api/analysis/sweep').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierIds: ['seedcity-2018', 'seedcity-2018'], parameter: 'passMarkComprehensive', values: [90, 100] });
    expect(dup.status).toBe(400);
    expect(dup.body.error.issues).toEqual([expect.objectContaining({ code: 'duplicate_id', path: ['body', 'dossierIds', 1] })]);
  });

  it('checks the limits of stored selections after reading them: a cohort over its size, a batch over its cells', async () => {
    const small = await makeServer(engine, { limits: { cohortDossiers: 1, batchCells: 2, sweepCells: 3 } });
    try {
      for (const id of ['a1', 'a2']) expect((await request(small.app).post('/api/dossiers').set(small.auth('analyst')).send({ dossier: fullDossier(id, 1450, 1250) })).status).toBe(201);
      const cohort = await request(small.app).post('/api/cohort').set(small.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 2018 });
      expect(cohort.status).toBe(422);
      expect(cohort.body.error.issues[0]).toMatchObject({ code: 'limit_exceeded', path: ['body', 'period'], hint: 'the limit is 1' });
      const batch = await request(small.app).post('/api/batch').set(small.auth('analyst')).send({ filter: { period: 2018 }, versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', label: 'again' }] });
      expect(batch.status).toBe(422);
      expect(batch.body.error.issues[0]).toMatchObject({ code: 'limit_exceeded', hint: 'the limit is 2' });
      const sweep = await request(small.app).post('/api/analysis/sweep').set(small.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 2018, parameter: 'revenueThreshold', values: [900, 1000] });
      expect(sweep.status).toBe(422);
      expect(sweep.body.error.issues[0]).toMatchObject({ code: 'limit_exceeded', path: ['body', 'values'] });
    } finally {
      await small.cleanup();
    }
  });

  it('refuses a rule set of more JSON values than a rule set may have, before validating it', async () => {
    const huge = { id: 'x', parameters: Array.from({ length: 210_000 }, () => 0) };
    const res = await request(t.app).post('/api/rulesets/validate').set(t.auth('viewer')).send({ document: huge });
    expect(res.status).toBe(422);
    expect(res.body.error.issues[0]).toMatchObject({ code: 'limit_exceeded', path: ['body', 'document'] });
  });
});

describe('a workbook that inflates beyond the caps (zip bomb)', () => {
  it('refuses a 1.6 MB upload that inflates to 1.5 GiB with 413 before exceljs reads it, and memory stays under 200 MB more', async () => {
    const bomb = zipBomb({ inflated: 1536 * 1024 ** 2 });
    expect(bomb.length).toBeLessThan(2 * 1024 ** 2);
    const content = bomb.toString('base64');
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const res = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'xlsx', filename: 'bomb.xlsx', content });
      expect(res.status).toBe(413);
      expect(res.body.error.issues[0]).toMatchObject({ code: 'zip_entry_too_large', path: ['body', 'content'], hint: 'xl/worksheets/sheet1.xml' });
      expect(res.body.error.message).toContain('1.5 GiB');
      // One that lies about its size is stopped while inflating, at the cap.
      const liar = zipBomb({ inflated: 1536 * 1024 ** 2, declared: 4096 }).toString('base64');
      const res2 = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'xlsx', filename: 'liar.xlsx', content: liar });
      expect(res2.status).toBe(413);
      expect(res2.body.error.issues[0]).toMatchObject({ code: 'zip_entry_too_large' });
    } finally {
      clearInterval(sampler);
    }
    expect((peak - rss0) / 1024 ** 2).toBeLessThan(200);
  });
});

describe('rate limits and failed sign-ins', () => {
  it('answers 429 with Retry-After once a token has used its heavy or write requests in the window; other tokens go on', async () => {
    const lines: string[] = [];
    const r = await makeServer(engine, { protection: { rateLimits: { heavy: 2, write: 3, windowMs: 60_000 }, authFailures: false, securityLog: (l) => lines.push(l) } });
    try {
      const sweep = { ruleSet: 'sfc-2017@1', parameter: 'revenueThreshold', values: [900] };
      expect((await request(r.app).post('/api/dossiers').set(r.auth('analyst')).send({ dossier: fullDossier('rl', 1450, 1250) })).status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await request(r.app).post('/api/analysis/sweep').set(r.auth('analyst')).send(sweep)).status).toBe(200);
      const limited = await request(r.app).post('/api/analysis/sweep').set(r.auth('analyst')).send(sweep);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-policy']).toContain('q=2');
      // Another token has its own count; reads are not limited.
      expect((await request(r.app).post('/api/analysis/sweep').set(r.auth('editor')).send(sweep)).status).toBe(200);
      expect((await request(r.app).get('/api/dossiers').set(r.auth('analyst'))).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await request(r.app).post('/api/dossiers/validate').set(r.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'rl-2018' })).status).toBe(200);
      const writeLimited = await request(r.app).post('/api/dossiers/validate').set(r.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'rl-2018' });
      expect(writeLimited.status).toBe(429);
    } finally {
      await r.cleanup();
    }
  });

  it('counts stateless evaluations in their own class: they do not use the write limit, and writes are limited as before', async () => {
    const r = await makeServer(engine, { protection: { rateLimits: { heavy: 2, write: 2, evaluate: 4, windowMs: 60_000 }, authFailures: false } });
    try {
      const decide = { ruleSet: 'sfc-2017@1', dossier: fullDossier('rl', 1450, 1250) };
      for (let i = 0; i < 4; i++) {
        const ok = await request(r.app).post('/api/evaluate').set(r.auth('analyst')).send(decide);
        expect(ok.status).toBe(200);
        expect(ok.headers['ratelimit-policy']).toContain('q=4');
      }
      const limited = await request(r.app).post('/api/evaluate').set(r.auth('analyst')).send(decide);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(limited.body.error.message).toContain('stateless evaluations');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Four evaluations used none of the two writes; the writes are still cut off after two.
      const validate = { ruleSet: 'sfc-2017@1', dossier: decide.dossier };
      for (let i = 0; i < 2; i++) {
        const ok = await request(r.app).post('/api/dossiers/validate').set(r.auth('analyst')).send(validate);
        expect(ok.status).toBe(200);
        expect(ok.headers['ratelimit-policy']).toContain('q=2');
      }
      expect((await request(r.app).post('/api/dossiers/validate').set(r.auth('analyst')).send(validate)).status).toBe(429);
      // And writes used none of the evaluations: another token's evaluations start from their own count.
      expect((await request(r.app).post('/api/evaluate').set(r.auth('editor')).send(decide)).status).toBe(200);
      // The reference names each operation's class.
      const doc = (await request(r.app).get('/api/openapi.json')).body;
      expect(doc.paths['/api/evaluate'].post['x-rate-limit']).toBe('evaluate');
      expect(doc.paths['/api/evaluations'].post['x-rate-limit']).toBe('write');
      expect(doc.paths['/api/analysis/sweep'].post['x-rate-limit']).toBe('heavy');
      expect(doc.info.description).toContain('evaluate 120,000');
    } finally {
      await r.cleanup();
    }
  });

  it('counts and logs failed sign-ins (never the token), and refuses an address after too many with 429', async () => {
    const lines: string[] = [];
    const r = await makeServer(engine, { protection: { rateLimits: false, authFailures: { max: 3, windowMs: 60_000 }, securityLog: (l) => lines.push(l) } });
    try {
      for (let i = 0; i < 3; i++) expect((await request(r.app).get('/api/whoami').set('Authorization', `Bearer mc_guess${i}`)).status).toBe(401);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(/failed sign-in #3: a token that is unknown; GET \/api\/whoami from .* \(3 from this address in the window\)/);
      expect(lines.join('\n')).not.toContain('mc_guess');
      const locked = await request(r.app).get('/api/whoami').set(r.auth('viewer'));
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((r.app.locals.protection as { authFailures: number }).authFailures).toBe(3);
    } finally {
      await r.cleanup();
    }
  });

  it('writes an access log with method, path, status, time and token id, never the token', async () => {
    const lines: string[] = [];
    const r = await makeServer(engine, { protection: { rateLimits: false, authFailures: false, accessLog: (l) => lines.push(l) } });
    try {
      await request(r.app).get('/api/whoami?x=1').set(r.auth('viewer'));
      await request(r.app).get('/api/health');
      await new Promise((res) => setTimeout(res, 20));
      // The query is left out (the route refuses it: 400).
      expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/api\/whoami 400 [\d.]+ ms tok-\d+$/);
      expect(lines[1]).toMatch(/ GET \/api\/health 200 [\d.]+ ms -$/);
      expect(lines.join('\n')).not.toContain(r.tokens.viewer);
    } finally {
      await r.cleanup();
    }
  });
});

describe('security headers', () => {
  it('sends CSP, nosniff, frame denial and referrer policy on every response, and no-store behind a token', async () => {
    for (const [url, auth] of [
      ['/api/health', false],
      ['/api/nope', false],
      ['/', false],
      ['/api/docs', false],
      ['/api/dossiers', true],
    ] as const) {
      const res = await request(t.app).get(url).set(auth ? t.auth('viewer') : {});
      const csp = res.headers['content-security-policy'];
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      if (auth) expect(res.headers['cache-control']).toBe('no-store');
    }
    const token = await request(t.app).post('/api/tokens').set(t.auth('admin')).send({ name: 'shown-once', role: 'viewer' });
    expect(token.status).toBe(201);
    expect(token.headers['cache-control']).toBe('no-store');
  });
});
