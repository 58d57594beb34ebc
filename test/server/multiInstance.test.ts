// Two server processes on one PostgreSQL: racing edits of one draft through both (one wins, one 409), the same draft published through both (one version), dossier and evaluation writes through both while one is SIGKILLed — no acknowledged write lost, no update lost, the audit chain intact.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../support/suites.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { cityDossier, fullDossier } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
let pgServer: TestPostgres;
let databaseUrl: string;
let keyDir: string;
let token = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Instance {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `server/main.ts` on DATABASE_URL, in its own process group so SIGKILL reaches the server itself. */
async function startInstance(): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    // Writes as fast as it can from one token: per-token rate limits would answer 429.
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, AUDIT_KEY_FILE: path.join(keyDir, 'audit-key'), DATA_DIR: path.join(keyDir, 'unused'), RATE_LIMIT_WRITE: 'off', RATE_LIMIT_HEAVY: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${out}`)), 60_000);
    const check = setInterval(() => {
      if (out.includes('Mingcheng server on') && (!out.includes('First start') || /^\s+mc_\S+$/m.test(out))) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(check);
      reject(new Error(`instance exited ${code}:\n${out}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

const killHard = (c: ChildProcess) => {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

async function call(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

let a: Instance;
let b: Instance;

describe.skipIf(!postgresAvailable())('two server instances on one PostgreSQL', () => {
  beforeAll(async () => {
    pgServer = await startTestPostgres();
    databaseUrl = await pgServer.createDatabase();
    keyDir = await mkdtemp(path.join(tmpdir(), 'mc-multi-'));
    // Both start at once on the empty database: the seed runs once, one of them prints the admin token.
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    const printed = [a, b].map((i) => /^\s+(mc_\S+)$/m.exec(i.output())?.[1]).filter(Boolean);
    expect(printed).toHaveLength(1);
    token = printed[0]!;
  }, 180_000);

  afterAll(async () => {
    if (process.env.MC_DEBUG_INSTANCES) console.log(a?.output(), b?.output());
    for (const c of children) killHard(c);
    await pgServer?.stop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  }, 120_000);

  it('seeded once: one copy of each published version and sample dossier', async () => {
    const versions = await call(a.url, 'GET', '/api/rulesets/sfc-2017/versions');
    expect(new Set(versions.body.map((v: { version: number }) => v.version)).size).toBe(versions.body.length);
    const dossiers = await call(b.url, 'GET', '/api/dossiers');
    expect(dossiers.body.length).toBeGreaterThan(0);
    expect(dossiers.body.every((d: { revision: number }) => d.revision === 1)).toBe(true);
  });

  it('racing edits of one draft through both instances: exactly one of each pair wins, the other gets 409', async () => {
    const draft = await call(a.url, 'POST', '/api/drafts', { from: 'sfc-2017@1' });
    expect(draft.status).toBe(201);
    const doc = draft.body.document;
    let etag = draft.headers.get('etag')!;
    const ROUNDS = 15;
    let wins = 0;
    let conflicts = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const [x, y] = await Promise.all(
        [a, b].map((inst, k) => call(inst.url, 'PUT', `/api/drafts/${draft.body.id}`, { document: { ...doc, description: { zh: `第${i}轮 ${k}`, en: `round ${i} by ${k}` } } }, { 'If-Match': etag })),
      );
      const statuses = [x.status, y.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = x.status === 200 ? x : y;
      const loser = x.status === 200 ? y : x;
      expect(loser.body.error.code).toBe('etag_mismatch');
      expect(loser.body.error.current.etag).toBe(winner.headers.get('etag'));
      wins++;
      conflicts++;
      etag = winner.headers.get('etag')!;
    }
    const final = await call(b.url, 'GET', `/api/drafts/${draft.body.id}`);
    // Every win moved the revision on by one: none was lost or applied twice.
    expect(final.body.revision).toBe(1 + wins);
    console.log(`multi-instance: ${ROUNDS} racing edit pairs on one draft: ${wins} won, ${conflicts} answered 409`);
  }, 120_000);

  it('the same draft published through both at once: one version', async () => {
    const draft = await call(b.url, 'POST', '/api/drafts', { from: 'sfc-2017@1' });
    // Publishing needs an approval by another editor: sent through one instance, approved through the other.
    const reviewer = (await call(a.url, 'POST', '/api/tokens', { name: 'reviewer', role: 'editor' })).body.token;
    const sent = await call(a.url, 'POST', `/api/drafts/${draft.body.id}/review/request`, {}, { 'If-Match': draft.headers.get('etag')! });
    const approved = await call(b.url, 'POST', `/api/drafts/${draft.body.id}/review`, { decision: 'approve' }, { 'If-Match': sent.headers.get('etag')!, Authorization: `Bearer ${reviewer}` });
    expect(approved.status).toBe(200);
    const before = (await call(a.url, 'GET', '/api/rulesets/sfc-2017/versions')).body.length;
    const body = { changelog: { zh: '同时发布', en: 'Published twice at once' } };
    const results = await Promise.all([a, b].map((inst) => call(inst.url, 'POST', `/api/drafts/${draft.body.id}/publish`, body, { 'If-Match': approved.headers.get('etag')! })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(201);
    expect([404, 409]).toContain(statuses[1]);
    const after = (await call(b.url, 'GET', '/api/rulesets/sfc-2017/versions')).body;
    expect(after.length).toBe(before + 1);
    expect(after.filter((v: { changelog: { note: { en: string } } | null }) => v.changelog?.note.en === 'Published twice at once')).toHaveLength(1);
    console.log(`multi-instance: one draft published through both instances at once: statuses ${statuses.join(', ')}, ${after.length - before} version made`);
  }, 120_000);

  it('writes through both while one is SIGKILLed: no acknowledged write lost, no update lost, the chain intact', async () => {
    const createdDossiers: string[] = [];
    const createdEvaluations: { id: string; total: unknown }[] = [];
    const shared = 'shared-2018';
    expect((await call(a.url, 'POST', '/api/dossiers', { id: shared, dossier: fullDossier('shared', 1450, 1250) })).status).toBe(201);
    /** Successful read-modify-write updates of the shared dossier, each with the ETag it read. */
    const updates: { instance: string; revision: number; marker: string }[] = [];
    let killed = false;
    // Bounded in time: at most 20 s, and 3 s of writes through the survivor after the kill.
    let stopAt = Date.now() + 20_000;
    const stream = async (inst: Instance, name: string, w: number) => {
      for (let n = 0; Date.now() < stopAt && !(name === 'b' && killed); n++) {
        try {
          const id = `${name}${w}n${n}`;
          const d = await call(inst.url, 'POST', '/api/dossiers', { id, dossier: cityDossier(id, n) });
          if (d.status === 201) createdDossiers.push(id);
          else throw new Error(`dossier ${d.status} ${JSON.stringify(d.body)}`);
          const e = await call(inst.url, 'POST', '/api/evaluations', { ruleSet: 'sfc-2017@1', dossierId: shared });
          if (e.status === 201) createdEvaluations.push({ id: e.body.id, total: e.body.result.outcome.total.value });
          else throw new Error(`evaluation ${e.status}`);
          // A read-modify-write of the shared dossier: on 409 read again and retry.
          for (let tries = 0; tries < 50; tries++) {
            const cur = await call(inst.url, 'GET', `/api/dossiers/${shared}`);
            const marker = `${name}${w}n${n}`;
            const put = await call(inst.url, 'PUT', `/api/dossiers/${shared}`, { dossier: { ...cur.body.dossier, facts: { ...cur.body.dossier.facts, cityName: marker } } }, { 'If-Match': cur.headers.get('etag')! });
            if (put.status === 200) {
              updates.push({ instance: name, revision: put.body.revision, marker });
              break;
            }
            if (put.status !== 409) throw new Error(`update ${put.status}`);
          }
        } catch (err) {
          // Only the killed instance may fail, and only after the kill.
          if (!(name === 'b' && killed)) throw err;
          return;
        }
      }
    };
    const workers = [stream(a, 'a', 0), stream(a, 'a', 1), stream(b, 'b', 0), stream(b, 'b', 1)];
    // Kill b once both have acknowledged a good number of writes.
    while (createdDossiers.filter((x) => x.startsWith('b')).length < 15 && Date.now() < stopAt) await new Promise((r) => setTimeout(r, 20));
    killed = true;
    killHard(b.child);
    stopAt = Math.min(stopAt, Date.now() + 3_000);
    await Promise.all(workers);
    const ackedByB = createdDossiers.filter((x) => x.startsWith('b')).length;

    // Everything acknowledged is there, read through the surviving instance.
    const listed = new Set((await call(a.url, 'GET', '/api/dossiers')).body.map((d: { id: string }) => d.id));
    const lostDossiers = createdDossiers.filter((id) => !listed.has(id));
    expect(lostDossiers).toEqual([]);
    let lostEvaluations = 0;
    for (const e of createdEvaluations) {
      const got = await call(a.url, 'GET', `/api/evaluations/${e.id}`);
      if (got.status !== 200 || got.body.result.outcome.total.value !== e.total) lostEvaluations++;
    }
    expect(lostEvaluations).toBe(0);
    // No lost update: every acknowledged update is its own revision, in a gapless sequence.
    const revisions = (await call(a.url, 'GET', `/api/dossiers/${shared}/revisions`)).body.map((r: { revision: number }) => r.revision);
    expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => i + 1));
    const revs = updates.map((u) => u.revision).sort((x, y) => x - y);
    expect(new Set(revs).size).toBe(revs.length);
    for (const u of updates) {
      const r = await call(a.url, 'GET', `/api/dossiers/${shared}/revisions/${u.revision}`);
      expect(r.body.dossier.facts.cityName).toBe(u.marker);
    }
    // Updates b committed but never answered (it died first) may add revisions; none acknowledged may be missing.
    const unanswered = revisions.length - 1 - updates.length;
    expect(unanswered).toBeGreaterThanOrEqual(0);

    // The chain verifies on the survivor, and on a fresh instance's full check at start-up.
    expect((await call(a.url, 'GET', '/api/admin/integrity')).body).toMatchObject({ writable: true, problems: [], store: 'postgres' });
    const c = await startInstance();
    const report = (await call(c.url, 'GET', '/api/admin/integrity')).body;
    expect(report).toMatchObject({ writable: true, problems: [] });
    expect((await call(c.url, 'POST', '/api/dossiers', { id: 'after-restart', dossier: cityDossier('after', 1) })).status).toBe(201);
    killHard(c.child);
    console.log(
      `multi-instance: ${createdDossiers.length} dossier writes (${ackedByB} through the killed instance) and ${createdEvaluations.length} evaluation writes acknowledged, ` +
        `${updates.length} read-modify-write updates of one dossier acknowledged; lost: ${lostDossiers.length} dossiers, ${lostEvaluations} evaluations, 0 updates ` +
        `(${revisions.length - 1} revisions after the first, ${unanswered} committed but not answered by the killed instance); audit chain of ${report.entries} entries verified by a fresh instance`,
    );
  }, 180_000);
});
