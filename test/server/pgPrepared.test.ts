// On PostgreSQL the store's statements with parameters are prepared once per connection, each under a name of its SQL
// text: the text must never carry a value (an id, a revision, a token), or every new value would prepare one more
// statement on every connection. Every pg client's query() is watched here while the routes read and write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { postgresAvailable } from '../support/suites.js';
import { fullDossier, makeServer, type TestServer } from './helpers.js';

const original = pg.Client.prototype.query;
/** Every statement the store sent, in order: its name (none for one sent unprepared) and text. */
const sent: { name: string | undefined; text: string }[] = [];

function watchQueries(): void {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const a = args[0];
    if (typeof a === 'string') sent.push({ name: undefined, text: a });
    else if (a && typeof a === 'object' && typeof (a as { text?: unknown }).text === 'string') sent.push({ name: (a as { name?: string }).name, text: (a as { text: string }).text });
    return (original as (...x: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
}

let t: TestServer;

describe.skipIf(!postgresAvailable())('PostgreSQL: prepared statements', () => {
  beforeAll(async () => {
    watchQueries();
    t = await makeServer(engine as EngineApi, { versions: [1], store: 'postgres' });
  }, 120_000);

  afterAll(async () => {
    pg.Client.prototype.query = original;
    expect(t.internalErrors).toEqual([]);
    await t.cleanup();
  });

  /** Stores a dossier, revises it, reads it in every way the API offers and evaluates it (stateless and recorded). */
  async function exercise(city: string): Promise<void> {
    const analyst = t.auth('analyst');
    const id = `${city}-2018`;
    const post = await request(t.app).post('/api/dossiers').set(analyst).send({ dossier: fullDossier(city, 1450, 1250) });
    expect(post.status, JSON.stringify(post.body)).toBe(201);
    const put = await request(t.app).put(`/api/dossiers/${id}`).set(analyst).send({ dossier: fullDossier(city, 900, 1250) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    for (const path of [`/api/dossiers/${id}`, `/api/dossiers/${id}/revisions`, `/api/dossiers/${id}/revisions/1`]) {
      const res = await request(t.app).get(path).set(t.auth('viewer'));
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    for (const body of [
      { ruleSet: 'sfc-2017@1', dossierId: id },
      { ruleSet: 'sfc-2017@1', dossierId: id, revision: 1, view: 'full' },
      { ruleSet: 'sfc-2017', dossier: fullDossier(city, 1500, 1250) },
    ]) {
      const res = await request(t.app).post('/api/evaluate').set(analyst).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    // Revision 2 (revenue 900) fails the scale gate; revision 1 passes.
    const stateless = await request(t.app).post('/api/evaluate').set(analyst).send({ ruleSet: 'sfc-2017@1', dossierId: id });
    expect(stateless.body.outcome.status).toBe('failed');
    const recorded = await request(t.app).post('/api/evaluations').set(analyst).send({ ruleSet: 'sfc-2017@1', dossierId: id, revision: 1 });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body.result.outcome.passed, JSON.stringify(recorded.body.result.outcome).slice(0, 200)).toBe(true);
    const again = await request(t.app).get(`/api/evaluations/${recorded.body.id}`).set(t.auth('viewer'));
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  }

  it('name each SQL text once, carry every value as a parameter, and prepare nothing new for new values', async () => {
    await exercise('alpha');
    const namesAfterFirst = new Set(sent.flatMap((s) => (s.name ? [s.name] : [])));
    const from = sent.length;
    await exercise('bravo');
    await exercise('charlie');
    const later = sent.slice(from);

    // The same requests for other dossiers (other ids, revisions, records) used the statements already named.
    const newNames = [...new Set(later.flatMap((s) => (s.name && !namesAfterFirst.has(s.name) ? [s.name] : [])))];
    expect(newNames.map((n) => later.find((s) => s.name === n)!.text)).toEqual([]);
    // A name is one text and a text one name.
    const textOf = new Map<string, string>();
    const nameOf = new Map<string, string>();
    for (const s of sent.filter((x) => x.name)) {
      expect(textOf.get(s.name!) ?? s.text).toBe(s.text);
      expect(nameOf.get(s.text) ?? s.name).toBe(s.name);
      textOf.set(s.name!, s.text);
      nameOf.set(s.text, s.name!);
    }
    // The requests' reads and writes went prepared: only transaction control and the advisory lock go as plain text.
    const plain = [...new Set(later.filter((s) => !s.name).map((s) => s.text.split(' ')[0]))].sort();
    expect(plain.every((w) => ['BEGIN', 'COMMIT', 'ROLLBACK'].includes(w)), plain.join(', ')).toBe(true);
    expect(later.filter((s) => s.name).length).toBeGreaterThan(30);
    // No statement text holds one of the values the requests used.
    for (const s of sent) for (const value of ['alpha-2018', 'bravo-2018', 'charlie-2018', t.tokens.analyst]) expect(s.text).not.toContain(value);
  });
});
