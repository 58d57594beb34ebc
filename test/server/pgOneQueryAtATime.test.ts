// On PostgreSQL a connection runs one statement at a time, and the store hands it one at a time: the routes that read
// several dossiers in one read (Promise.all over a read view, which the in-memory stores allow) used to give
// node-postgres a query while another on the same connection was still running, which it queues but warns about
// ("Calling client.query() when the client is already executing a query is deprecated", a queue pg 9 removes).
// Every pg client's query() is watched here: none may start while another on the same client is unsettled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { postgresAvailable } from '../support/suites.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

const IDS = ['alpha-2018', 'bravo-2018', 'charlie-2018', 'delta-2018'];

/** Queries started while another on the same client was in flight (their SQL and where they were asked for). */
const overlaps: string[] = [];
/** node-postgres's own warnings about it (a deprecation warning is emitted once per process). */
const warnings: string[] = [];
let queries = 0;
const original = pg.Client.prototype.query;
const inFlight = new WeakMap<object, number>();
const onWarning = (w: Error) => {
  if (w.message.includes('already executing a query')) warnings.push(`${w.message}\n${w.stack ?? ''}`);
};

function watchQueries(): void {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    queries++;
    const n = inFlight.get(this) ?? 0;
    if (n > 0) overlaps.push(`${String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text).slice(0, 100)}\n${new Error().stack?.split('\n').slice(2, 9).join('\n')}`);
    inFlight.set(this, n + 1);
    const out = (original as (...a: unknown[]) => unknown).apply(this, args);
    const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(done, done);
    else done();
    return out;
  } as typeof pg.Client.prototype.query;
}

let t: TestServer;

describe.skipIf(!postgresAvailable())('PostgreSQL: one query at a time on a connection', () => {
  beforeAll(async () => {
    watchQueries();
    process.on('warning', onWarning);
    t = await makeServer(engine as EngineApi, { versions: [1], store: 'postgres' });
    for (const [i, id] of IDS.entries()) {
      const res = await request(t.app).post('/api/dossiers').set(t.auth('analyst')).send({ dossier: fullDossier(id.replace('-2018', ''), 1450 + 100 * i, 1250) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // A second revision, so the latest is not the only one.
    const put = await request(t.app).put('/api/dossiers/bravo-2018').set(t.auth('analyst')).send({ dossier: fullDossier('bravo', 900, 1250) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }, 120_000);

  afterAll(async () => {
    pg.Client.prototype.query = original;
    process.off('warning', onWarning);
    expect(t.internalErrors).toEqual([]);
    await t.cleanup();
  });

  it('routes reading several dossiers in one read, and a dump of the store, start no query while another is running', async () => {
    const analyst = t.auth('analyst');
    const before = queries;

    const cohort = await request(t.app).post('/api/cohort').set(analyst).send({ ruleSet: 'sfc-2017@1', period: 2018 });
    expect(cohort.status, JSON.stringify(cohort.body)).toBe(200);
    const batch = await request(t.app).post('/api/batch').set(analyst).send({ filter: { period: 2018 }, versions: [{ ruleSet: 'sfc-2017@1' }] });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    // Each dossier with its own latest revision, in id order: bravo's second revision (revenue 900) fails.
    expect(batch.body.rows.map((r: { dossierId: string; revision: number }) => `${r.dossierId}@${r.revision}`)).toEqual(['alpha-2018@1', 'bravo-2018@2', 'charlie-2018@1', 'delta-2018@1']);
    expect(batch.body.rows.map((r: { cells: { passed: boolean }[] }) => r.cells[0].passed)).toEqual([true, false, true, true]);
    const listed = await request(t.app).get('/api/analysis/dossiers?ruleSet=sfc-2017@1&period=2018').set(t.auth('viewer'));
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body).toHaveLength(IDS.length);
    for (const q of ['period=2018', `ids=${IDS.join(',')}`]) {
      const csv = await request(t.app).get(`/api/analysis/export?ruleSet=sfc-2017@1&format=csv&${q}`).set(t.auth('viewer'));
      expect(csv.status, csv.text).toBe(200);
      for (const id of IDS) expect(csv.text).toContain(id.replace('-2018', ''));
    }
    const sweep = await request(t.app).post('/api/analysis/sweep').set(analyst).send({ ruleSet: 'sfc-2017@1', dossierIds: IDS, parameter: 'revenueThreshold', values: [900, 1500] });
    expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
    const flips = await request(t.app).post('/api/analysis/flips').set(analyst).send({ ruleSet: 'sfc-2017@1', dossierIds: IDS });
    expect(flips.status, JSON.stringify(flips.body)).toBe(200);
    const dump = JSON.parse(await t.snapshot()) as { dossiers: { id: string; revisions: { revision: number }[] }[] };
    expect(dump.dossiers.map((d) => `${d.id}:${d.revisions.map((r) => r.revision).join(',')}`)).toEqual(['alpha-2018:1', 'bravo-2018:1,2', 'charlie-2018:1', 'delta-2018:1']);

    // The watch saw these requests' queries (so it watches the store's clients), and none overlapped.
    expect(queries - before).toBeGreaterThan(IDS.length * 4);
    expect({ overlaps, warnings }).toEqual({ overlaps: [], warnings: [] });
  });
});
