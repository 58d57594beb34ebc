// Decision records that prove themselves, on lowdb and PostgreSQL: each kind of tampering with a closed store is found when it is opened again, and the store answers with a clear integrity error (never a 500); the admin token is never re-minted.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import canonicalize from 'canonicalize';
import pg from 'pg';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { createApp } from '../../server/app.js';
import { addToken } from '../../server/auth.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { openLowdbRepository, type StartupInfo } from '../../server/store/lowdbRepository.js';
import { openPgRepository } from '../../server/store/pgRepository.js';
import { loadAuditKey } from '../../server/store/auditKey.js';
import type { AuditEntry, Repository } from '../../server/store/repository.js';
import { postgresAvailable } from '../support/suites.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { fullDossier, RULES_DIR } from './helpers.js';

const eng = engine as EngineApi;
const sha = (text: string) => 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 120_000);

/** A copy of rules/ with only sfc-2017@1, so the tests do not depend on later versions. */
let rulesCopy: Promise<string> | null = null;
function rules(): Promise<string> {
  rulesCopy ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-integrity-rules-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'sfc-2017'), { recursive: true });
    await cp(path.join(RULES_DIR, 'policy'), path.join(dir, 'policy'), { recursive: true });
    for (const f of ['v1.json', 'v1.golden.json']) await cp(path.join(RULES_DIR, 'sfc-2017', f), path.join(dir, 'sfc-2017', f));
    return dir;
  })();
  return rulesCopy;
}

interface Populated {
  tokens: { admin: string; analyst: string };
  evaluationId: string;
}

/** Seeds a store and writes through the API: a dossier, two revisions, an evaluation. */
async function populate(repo: Repository): Promise<Populated> {
  const rulesDir = await rules();
  const clauses = await loadClauseIds(rulesDir);
  const seeded = await seedStore(repo, eng, { rulesDir, clauseIds: (p) => clauses.get(p) ?? [], now: '2026-01-01T00:00:00.000Z', samples: false });
  const analyst = await repo.transact(async (tx) => (await addToken(tx, 'analyst', 'analyst', 'test', '2026-01-01T00:00:00.000Z')).secret);
  const app = createApp({ repo, engine: eng, clauseIds: (p) => clauses.get(p) ?? [] });
  const A = { Authorization: `Bearer ${analyst}` };
  expect((await request(app).post('/api/dossiers').set(A).send({ dossier: fullDossier('alpha', 1450, 1250) })).status).toBe(201);
  expect((await request(app).put('/api/dossiers/alpha-2018').set(A).send({ dossier: fullDossier('alpha', 1500, 1250) })).status).toBe(200);
  const ev = await request(app).post('/api/evaluations').set(A).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2018' });
  expect(ev.status).toBe(201);
  return { tokens: { admin: seeded.adminToken!, analyst }, evaluationId: ev.body.id };
}

/** How to tamper with a closed store of one kind, as someone with access to the data but not to the audit key would. */
interface Tamper {
  /** Changes an entry and re-hashes it and every later one (unkeyed sha256, as a hand edit would). */
  rehashAuditEntry(seq: number): Promise<void>;
  dropLastAuditEntries(n: number): Promise<void>;
  editEvaluationTotal(id: string, total: number): Promise<void>;
  /** Stores an edited copy of the published document and points the version at it. */
  swapPublishedDocument(ruleSetId: string, version: number): Promise<void>;
  /** Edits the published document's stored bytes in place. */
  editPublishedDocumentInPlace(ruleSetId: string, version: number): Promise<void>;
  truncateResult(id: string): Promise<void>;
  removeResult(id: string): Promise<void>;
  /** Not tampering: revokes every admin token through the store. */
  revokeEveryAdmin(): Promise<void>;
}

/** A store with no live admin token (the API refuses to revoke the last one; the store itself does not, and a format-1 store may be in this state). */
async function revokeEveryAdmin(open: () => Promise<Repository>): Promise<void> {
  const repo = await open();
  await repo.transact(async (tx) => {
    for (const t of await tx.tokens.list()) {
      if (t.role !== 'admin' || t.revokedAt !== null) continue;
      await tx.tokens.revoke(t.id, '2026-01-02T00:00:00.000Z');
      await tx.audit.append({ at: '2026-01-02T00:00:00.000Z', actor: 'test', action: 'token.revoke', target: t.id, before: null, after: null });
    }
  });
  await repo.close();
}

interface Kit {
  name: 'lowdb' | 'postgres';
  available: boolean;
  /** A populated, closed store: reopen it, tamper with it. */
  make(): Promise<{ open(): Promise<Repository>; tamper: Tamper; populated: Populated; env: Record<string, string> }>;
}

/** The key in a file outside the store, as the server and the recovery command read it. */
async function keyFile(key: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-integrity-key-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'audit-key'), key.toString('hex'), { mode: 0o600 });
  return path.join(dir, 'audit-key');
}

/** Re-hashes a chain from `from` on with plain sha256 (what someone without the key can do). */
function rehash(entries: AuditEntry[], fromSeq: number): AuditEntry[] {
  const out = entries.slice();
  for (let i = out.findIndex((e) => e.seq === fromSeq); i < out.length; i++) {
    const { hash: _h, ...body } = { ...out[i], prevHash: i ? out[i - 1].hash : null };
    out[i] = { ...body, hash: sha(canonicalize(body) ?? '') };
  }
  return out;
}

const editedDocument = (doc: { parameters: { id: string; value: unknown }[] }) => ({ ...doc, parameters: doc.parameters.map((p) => (p.id === 'revenueThreshold' ? { ...p, value: 1 } : p)) });

const lowdbKit: Kit = {
  name: 'lowdb',
  available: true,
  async make() {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-integrity-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const key = randomBytes(32);
    const open = () => openLowdbRepository(dir, { auditKey: key });
    const repo = await open();
    const populated = await populate(repo);
    // Closing compacts: db.json then holds every record.
    await repo.close();
    const dbFile = path.join(dir, 'db.json');
    const edit = async (fn: (db: any) => void | Promise<void>) => {
      const db = JSON.parse(await readFile(dbFile, 'utf8'));
      await fn(db);
      await writeFile(dbFile, JSON.stringify(db));
    };
    const blobFile = (address: string) => path.join(dir, 'blobs', `${address.slice(7)}.json`);
    return {
      open,
      populated,
      env: { DATA_DIR: dir, AUDIT_KEY_FILE: await keyFile(key) },
      tamper: {
        rehashAuditEntry: (seq) =>
          edit((db) => {
            db.audit = rehash(db.audit.map((e: AuditEntry) => (e.seq === seq ? { ...e, actor: 'someone else' } : e)), seq);
            db.head = { ...db.head, hash: db.audit.at(-1).hash };
          }),
        dropLastAuditEntries: (n) =>
          edit((db) => {
            db.audit = db.audit.slice(0, -n);
          }),
        editEvaluationTotal: (id, total) =>
          edit((db) => {
            db.evaluations.find((e: { id: string }) => e.id === id).outcome.total = total;
          }),
        swapPublishedDocument: (id, version) =>
          edit(async (db) => {
            const v = db.versions.find((x: { ruleSetId: string; version: number }) => x.ruleSetId === id && x.version === version);
            const text = JSON.stringify(editedDocument(JSON.parse(await readFile(blobFile(v.documentBlob), 'utf8'))));
            await writeFile(blobFile(sha(text)), text);
            v.documentBlob = sha(text);
          }),
        editPublishedDocumentInPlace: async (id, version) => {
          const v = JSON.parse(await readFile(dbFile, 'utf8')).versions.find((x: { ruleSetId: string; version: number }) => x.ruleSetId === id && x.version === version);
          await writeFile(blobFile(v.documentBlob), JSON.stringify(editedDocument(JSON.parse(await readFile(blobFile(v.documentBlob), 'utf8')))));
        },
        truncateResult: async (id) => {
          const e = JSON.parse(await readFile(dbFile, 'utf8')).evaluations.find((x: { id: string }) => x.id === id);
          await truncate(blobFile(e.resultHash), Math.floor((await stat(blobFile(e.resultHash))).size / 2));
        },
        removeResult: async (id) => {
          const e = JSON.parse(await readFile(dbFile, 'utf8')).evaluations.find((x: { id: string }) => x.id === id);
          await unlink(blobFile(e.resultHash));
        },
        revokeEveryAdmin: () => revokeEveryAdmin(open),
      },
    };
  },
};

let pgServer: TestPostgres | null = null;
const pgKit: Kit = {
  name: 'postgres',
  available: postgresAvailable(),
  async make() {
    if (!pgServer) {
      pgServer = await startTestPostgres();
      cleanups.push(() => pgServer!.stop());
    }
    const url = await pgServer.createDatabase();
    const key = randomBytes(32);
    const open = () => openPgRepository(url, { auditKey: key, poolSize: 4 });
    const repo = await open();
    const populated = await populate(repo);
    await repo.close();
    /** Runs SQL as the database owner with triggers (append-only, foreign keys) switched off for the session, as a superuser could. */
    const sql = async (fn: (c: pg.Client) => Promise<void>) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query('SET session_replication_role = replica');
        await fn(c);
      } finally {
        await c.end();
      }
    };
    const audit = async (c: pg.Client): Promise<AuditEntry[]> =>
      (await c.query('SELECT * FROM audit ORDER BY seq')).rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at,
        actor: r.actor,
        action: r.action,
        target: r.target,
        before: r.before,
        after: r.after,
        ...(r.details ? { details: r.details } : {}),
        prevHash: r.prev_hash,
        hash: r.hash,
      }));
    return {
      open,
      populated,
      env: { DATABASE_URL: url, AUDIT_KEY_FILE: await keyFile(key) },
      tamper: {
        rehashAuditEntry: (seq) =>
          sql(async (c) => {
            const entries = rehash((await audit(c)).map((e) => (e.seq === seq ? { ...e, actor: 'someone else' } : e)), seq);
            for (const e of entries.filter((x) => x.seq >= seq)) await c.query('UPDATE audit SET actor = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [e.seq, e.actor, e.prevHash, e.hash]);
            await c.query('UPDATE audit_head SET hash = $1', [entries.at(-1)!.hash]);
          }),
        dropLastAuditEntries: (n) =>
          sql(async (c) => {
            await c.query('DELETE FROM audit WHERE seq > (SELECT max(seq) FROM audit) - $1', [n]);
          }),
        editEvaluationTotal: (id, total) =>
          sql(async (c) => {
            await c.query(`UPDATE evaluations SET record = jsonb_set(record, '{outcome,total}', to_jsonb($2::numeric)) WHERE id = $1`, [id, total]);
          }),
        swapPublishedDocument: (id, version) =>
          sql(async (c) => {
            const { rows } = await c.query('SELECT b.body FROM versions v JOIN blobs b ON b.address = v.document_blob WHERE rule_set_id = $1 AND version = $2', [id, version]);
            const text = JSON.stringify(editedDocument(JSON.parse(rows[0].body)));
            await c.query('INSERT INTO blobs (address, body) VALUES ($1, $2)', [sha(text), text]);
            await c.query('UPDATE versions SET document_blob = $3 WHERE rule_set_id = $1 AND version = $2', [id, version, sha(text)]);
          }),
        editPublishedDocumentInPlace: (id, version) =>
          sql(async (c) => {
            const { rows } = await c.query('SELECT b.address, b.body FROM versions v JOIN blobs b ON b.address = v.document_blob WHERE rule_set_id = $1 AND version = $2', [id, version]);
            await c.query('UPDATE blobs SET body = $2 WHERE address = $1', [rows[0].address, JSON.stringify(editedDocument(JSON.parse(rows[0].body)))]);
          }),
        truncateResult: (id) =>
          sql(async (c) => {
            await c.query('UPDATE blobs SET body = left(body, length(body) / 2) WHERE address = (SELECT result_blob FROM evaluations WHERE id = $1)', [id]);
          }),
        removeResult: (id) =>
          sql(async (c) => {
            await c.query('DELETE FROM blobs WHERE address = (SELECT result_blob FROM evaluations WHERE id = $1)', [id]);
          }),
        revokeEveryAdmin: () => revokeEveryAdmin(open),
      },
    };
  },
};

/** `npm run admin:token` as an operator runs it. */
function adminTokenCommand(env: Record<string, string>): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/adminToken.ts'], { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b) => (text += b));
    child.stderr.on('data', (b) => (text += b));
    child.on('exit', (code) => resolve({ code, text }));
  });
}

const appOf = (repo: Repository) => createApp({ repo, engine: eng, clauseIds: () => [], logError: (e) => internal.push(e) });
const internal: unknown[] = [];

for (const kit of [lowdbKit, pgKit]) {
  describe.skipIf(!kit.available)(`integrity: ${kit.name}`, () => {
    const opened: Repository[] = [];
    afterAll(async () => {
      for (const r of opened) await r.close().catch(() => undefined);
      expect(internal).toEqual([]);
    }, 120_000);
    const reopen = async (open: () => Promise<Repository>) => {
      const r = await open();
      opened.push(r);
      return r;
    };

    it('an untouched store verifies and accepts writes', async () => {
      const s = await kit.make();
      const repo = await reopen(s.open);
      expect(await repo.integrity()).toMatchObject({ writable: true, problems: [] });
      const res = await request(appOf(repo)).get('/api/health');
      expect(res.body.store).toEqual({ kind: kit.name, writable: true, problems: 0 });
    }, 120_000);

    it('finds an audit entry edited and re-hashed by hand, and stops writes with a clear error', async () => {
      const s = await kit.make();
      await s.tamper.rehashAuditEntry(3);
      const repo = await reopen(s.open);
      const report = await repo.integrity();
      expect(report.writable).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ code: 'audit_chain_broken', target: 'audit:3' }));
      const app = appOf(repo);
      const A = { Authorization: `Bearer ${s.populated.tokens.analyst}` };
      const write = await request(app).post('/api/dossiers').set(A).send({ dossier: fullDossier('beta', 1450, 1250) });
      expect(write.status).toBe(503);
      expect(write.body.error.code).toBe('store_read_only');
      expect((await request(app).get('/api/dossiers').set(A)).status).toBe(200);
      expect((await request(app).get('/api/health')).body.store.writable).toBe(false);
      const admin = await request(app).get('/api/admin/integrity').set({ Authorization: `Bearer ${s.populated.tokens.admin}` });
      expect(admin.body).toMatchObject({ writable: false, store: kit.name, problems: expect.arrayContaining([expect.objectContaining({ code: 'audit_chain_broken' })]) });
    }, 120_000);

    it('finds a cut-off audit log', async () => {
      const s = await kit.make();
      await s.tamper.dropLastAuditEntries(2);
      const repo = await reopen(s.open);
      expect(await repo.integrity()).toMatchObject({ writable: false, problems: expect.arrayContaining([expect.objectContaining({ code: 'audit_truncated' })]) });
    }, 120_000);

    it('finds an edited evaluation record and does not serve it', async () => {
      const s = await kit.make();
      await s.tamper.editEvaluationTotal(s.populated.evaluationId, 999);
      const repo = await reopen(s.open);
      expect(await repo.integrity()).toMatchObject({
        writable: false,
        problems: expect.arrayContaining([expect.objectContaining({ code: 'record_mismatch', target: `evaluation:${s.populated.evaluationId}` })]),
      });
      const res = await request(appOf(repo)).get(`/api/evaluations/${s.populated.evaluationId}`).set({ Authorization: `Bearer ${s.populated.tokens.analyst}` });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('integrity_mismatch');
    }, 120_000);

    it.each(['swapPublishedDocument', 'editPublishedDocumentInPlace'] as const)('finds an edited published document (%s) and refuses to serve or evaluate under it', async (how) => {
      const s = await kit.make();
      await s.tamper[how]('sfc-2017', 1);
      const repo = await reopen(s.open);
      const report = await repo.integrity();
      expect(report.problems).toContainEqual(expect.objectContaining({ code: 'version_content_mismatch', target: 'sfc-2017@1' }));
      const app = appOf(repo);
      const A = { Authorization: `Bearer ${s.populated.tokens.analyst}` };
      const got = await request(app).get('/api/rulesets/sfc-2017/versions/1').set(A);
      expect(got.status).toBe(409);
      expect(got.body.error).toMatchObject({ code: 'integrity_mismatch', target: 'sfc-2017@1' });
      const ev = await request(app).post('/api/evaluations').set(A).send({ ruleSet: 'sfc-2017@1', dossierId: 'alpha-2018' });
      expect(ev.status).toBe(409);
      expect(ev.body.error.code).toBe('integrity_mismatch');
    }, 120_000);

    it('answers a cut-short result 409 and a missing one 410, never 500', async () => {
      const s = await kit.make();
      await s.tamper.truncateResult(s.populated.evaluationId);
      let repo = await reopen(s.open);
      const A = { Authorization: `Bearer ${s.populated.tokens.analyst}` };
      const cut = await request(appOf(repo)).get(`/api/evaluations/${s.populated.evaluationId}`).set(A);
      expect(cut.status).toBe(409);
      expect(cut.body.error).toMatchObject({ code: 'integrity_mismatch', target: `evaluation:${s.populated.evaluationId}` });
      expect((await request(appOf(repo)).post(`/api/evaluations/${s.populated.evaluationId}/replay`).set(A)).status).toBe(409);
      await repo.close();
      await s.tamper.removeResult(s.populated.evaluationId);
      repo = await reopen(s.open);
      const gone = await request(appOf(repo)).get(`/api/evaluations/${s.populated.evaluationId}`).set(A);
      expect(gone.status).toBe(410);
      expect(gone.body.error.code).toBe('blob_missing');
    }, 120_000);

    it('never re-mints an admin token because none is live; refuses to revoke the last one', async () => {
      const s = await kit.make();
      let repo = await reopen(s.open);
      const app = appOf(repo);
      const admin = { Authorization: `Bearer ${s.populated.tokens.admin}` };
      const tokens = (await request(app).get('/api/tokens').set(admin)).body;
      const adminId = tokens.find((t: { role: string }) => t.role === 'admin').id;
      const refused = await request(app).delete(`/api/tokens/${adminId}`).set(admin);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('last_admin');
      await repo.close();
      await s.tamper.revokeEveryAdmin();
      repo = await reopen(s.open);
      const rulesDir = await rules();
      const seeded = await seedStore(repo, eng, { rulesDir, clauseIds: () => [], now: '2026-01-03T00:00:00.000Z', samples: false });
      expect(seeded.adminToken).toBeNull();
      expect((await repo.read((tx) => tx.tokens.list())).filter((t) => t.role === 'admin' && t.revokedAt === null)).toEqual([]);
      await repo.close();
      // The documented recovery, run on the server: a new admin token, recorded in the audit log.
      const out = await adminTokenCommand(s.env);
      expect(out.code, out.text).toBe(0);
      const secret = /^\s+(mc_\S+)$/m.exec(out.text)?.[1];
      expect(secret).toBeDefined();
      repo = await reopen(s.open);
      expect((await request(appOf(repo)).get('/api/whoami').set({ Authorization: `Bearer ${secret}` })).body).toMatchObject({ role: 'admin', name: 'admin' });
      expect((await repo.read((tx) => tx.audit.list({ action: 'token.create' }))).at(-1)).toMatchObject({ actor: expect.stringMatching(/^console/), before: null, after: null });
      if (kit.name === 'lowdb') {
        // While a server holds the file store, the command refuses rather than write beside it.
        const busy = await adminTokenCommand(s.env);
        expect(busy.code).toBe(2);
        expect(busy.text).toMatch(/already open|in use/);
      }
    }, 120_000);
  });
}

describe('integrity: lowdb files', () => {
  it('removes crash leftovers (temp files, blobs nothing refers to) when it opens, and keeps data private (0600 / 0700)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-leftovers-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const key = randomBytes(32);
    const repo = await openLowdbRepository(dir, { auditKey: key });
    await populate(repo);
    await repo.close();
    // What a crash can leave: half-written temp files, and a result written before the commit that would have referred to it.
    await writeFile(path.join(dir, 'db.json.4242.0badc0de.tmp'), '{"storeFormat":2,');
    const orphan = JSON.stringify({ outcome: { status: 'passed' } });
    await writeFile(path.join(dir, 'blobs', `${sha(orphan).slice(7)}.json`), orphan);
    await writeFile(path.join(dir, 'blobs', `${sha(orphan).slice(7)}.json.4242.0badc0de.tmp`), orphan.slice(0, 5));
    let info: StartupInfo | null = null;
    const again = await openLowdbRepository(dir, { auditKey: key, onStartup: (i) => (info = i) });
    expect(info).toMatchObject({ removedTemp: 2, removedOrphanBlobs: 1 });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await readdir(path.join(dir, 'blobs'))).not.toContain(`${sha(orphan).slice(7)}.json`);
    expect(await again.integrity()).toMatchObject({ writable: true, problems: [] });
    for (const f of ['db.json', ...(await readdir(dir)).filter((x) => x.startsWith('journal-')), ...(await readdir(path.join(dir, 'blobs'))).map((b) => path.join('blobs', b))])
      expect(((await stat(path.join(dir, f))).mode & 0o777).toString(8), f).toBe('600');
    for (const d of [dir, path.join(dir, 'blobs')]) expect(((await stat(d)).mode & 0o777).toString(8)).toBe('700');
    await again.close();
  });

  it('finds a journal commit changed by hand, and a db.json changed anywhere (its seal), even where no audit entry points', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mc-seal-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const key = randomBytes(32);
    const repo = await openLowdbRepository(dir, { auditKey: key });
    await populate(repo);
    // As after a crash: the commits are in the journal, not yet in db.json.
    await unlink(path.join(dir, 'lock'));
    const [journal] = (await readdir(dir)).filter((f) => f.startsWith('journal-'));
    const lines = (await readFile(path.join(dir, journal), 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.includes('alpha-2018'));
    lines[i] = lines[i].replace('"cityName":"alpha"', '"cityName":"gamma"');
    await writeFile(path.join(dir, journal), lines.join('\n'));
    let again = await openLowdbRepository(dir, { auditKey: key });
    expect(await again.integrity()).toMatchObject({ writable: false, problems: [expect.objectContaining({ code: 'journal_damaged' })] });
    await again.close();

    const dir2 = await mkdtemp(path.join(tmpdir(), 'mc-seal-'));
    cleanups.push(() => rm(dir2, { recursive: true, force: true }));
    const repo2 = await openLowdbRepository(dir2, { auditKey: key });
    await populate(repo2);
    await repo2.close();
    // A token's role raised by hand: no audit entry proves a token's role, the seal does.
    const db = JSON.parse(await readFile(path.join(dir2, 'db.json'), 'utf8'));
    db.tokens.find((t: { role: string }) => t.role === 'analyst').role = 'admin';
    await writeFile(path.join(dir2, 'db.json'), JSON.stringify(db));
    again = await openLowdbRepository(dir2, { auditKey: key });
    expect(await again.integrity()).toMatchObject({ writable: false, problems: [expect.objectContaining({ code: 'snapshot_changed' })] });
    await again.close();
  });

  it('keeps the audit key outside the data folder, created 0600, and names a wrong key as such', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'mc-key-'));
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    await expect(loadAuditKey(path.join(base, 'data', 'key'), path.join(base, 'data'))).rejects.toThrow(/inside the data folder/);
    const made = await loadAuditKey(path.join(base, 'keys', 'audit-key'), path.join(base, 'data'));
    expect(made.created).toBe(true);
    expect((await stat(path.join(base, 'keys', 'audit-key'))).mode & 0o777).toBe(0o600);
    expect((await loadAuditKey(path.join(base, 'keys', 'audit-key'))).key.equals(made.key)).toBe(true);
    const repo = await openLowdbRepository(path.join(base, 'data'), { auditKey: made.key });
    await populate(repo);
    await repo.close();
    const wrong = await openLowdbRepository(path.join(base, 'data'), { auditKey: randomBytes(32) });
    expect(await wrong.integrity()).toMatchObject({ writable: false, problems: [expect.objectContaining({ code: 'audit_key_mismatch' })] });
    await wrong.close();
  });
});
