// The repository contract, run alike against the memory store, the lowdb store and PostgreSQL: records per collection, revisions checked on write, all-or-nothing transactions, the keyed audit chain, durability across reopening.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as engine from '../../engine/index.js';
import type { Evaluation, GoldenCase, RuleSet } from '../../server/engine.js';
import { createMemoryRepository } from '../../server/store/memoryRepository.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { openPgRepository } from '../../server/store/pgRepository.js';
import { StoreError, type Repository, type NewEvaluation } from '../../server/store/repository.js';
import { evaluationRecordHash } from '../../server/store/core.js';
import { verifyChain } from '../../server/audit.js';
import { dossierIndex } from '../../server/facts.js';
import { postgresAvailable } from '../support/suites.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { fullDossier } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const v1: RuleSet = JSON.parse(readFileSync(path.join(ROOT, 'rules/sfc-2017/v1.json'), 'utf8'));
const golden: GoldenCase[] = JSON.parse(readFileSync(path.join(ROOT, 'rules/sfc-2017/v1.golden.json'), 'utf8')).cases.slice(0, 3);
const NOW = '2026-01-01T00:00:00.000Z';

interface StoreKind {
  name: 'memory' | 'lowdb' | 'postgres';
  available: boolean;
  /** A new, empty store and a way to open it again (the same data) after closing it. */
  fresh(key: Buffer): Promise<{ repo: Repository; reopen?: () => Promise<Repository> }>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

const dirs: string[] = [];
let pgServer: TestPostgres | null = null;
let pgUrl = '';

const kinds: StoreKind[] = [
  { name: 'memory', available: true, fresh: async (key) => ({ repo: createMemoryRepository({ auditKey: key }) }) },
  {
    name: 'lowdb',
    available: true,
    fresh: async (key) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'mc-contract-'));
      dirs.push(dir);
      return { repo: await openLowdbRepository(dir, { auditKey: key }), reopen: () => openLowdbRepository(dir, { auditKey: key }) };
    },
    teardown: async () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable(),
    setup: async () => {
      pgServer = await startTestPostgres();
      pgUrl = await pgServer.createDatabase();
    },
    fresh: async (key) => {
      // One database, emptied before each case.
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await c.end();
      return { repo: await openPgRepository(pgUrl, { auditKey: key, poolSize: 4 }), reopen: () => openPgRepository(pgUrl, { auditKey: key, poolSize: 4 }) };
    },
    teardown: async () => {
      await pgServer?.stop();
    },
  },
];

const newVersion = (version: number, doc: RuleSet = v1) => ({
  ruleSetId: 'sfc-2017',
  version,
  contentHash: engine.ruleSetHash({ ...doc, version }),
  document: { ...doc, version },
  golden,
  publishedAt: NOW,
  publishedBy: 'test',
  source: 'api' as const,
});

const dossierRev = (id: string, revision: number, revenue: number) => {
  const dossier = fullDossier(id, revenue, 1000);
  return { rev: { revision, hash: engine.dossierHash(dossier), at: NOW, by: 'test', dossier }, index: dossierIndex(dossier) };
};

const evaluationOf = (id: string): NewEvaluation => ({
  id,
  createdAt: NOW,
  createdBy: 'test',
  ruleSetId: 'sfc-2017',
  version: 1,
  contentHash: 'sha256:x',
  interpretations: {},
  dossierId: 'a-2018',
  dossierRevision: 1,
  dossierHash: 'sha256:d',
  inlineDossier: null,
  engineVersion: 'test',
  now: NOW,
  outcome: { status: 'passed', title: 'comprehensive', total: 101 },
});

const isConflict = (e: unknown) => e instanceof StoreError && e.code === 'conflict';

for (const kind of kinds) {
  describe.skipIf(!kind.available)(`repository contract: ${kind.name}`, () => {
    const key = randomBytes(32);
    const open: Repository[] = [];
    const fresh = async () => {
      const made = await kind.fresh(key);
      open.push(made.repo);
      return made;
    };
    beforeAll(async () => kind.setup?.(), 120_000);
    afterAll(async () => {
      for (const r of open) await r.close().catch(() => undefined);
      await kind.teardown?.();
    }, 120_000);

    it('versions: stored once per number, listed in order, documents and golden cases as given, next number', async () => {
      const { repo } = await fresh();
      await repo.transact(async (tx) => {
        await tx.versions.insert(newVersion(2));
        await tx.versions.insert(newVersion(1));
      });
      await expect(repo.transact((tx) => tx.versions.insert(newVersion(2)))).rejects.toSatisfy(isConflict);
      const listed = await repo.read((tx) => tx.versions.list('sfc-2017'));
      expect(listed.map((v) => v.version)).toEqual([1, 2]);
      expect(listed[0]).toMatchObject({ title: v1.title, effectiveFrom: v1.effectiveFrom, goldenCount: 3, goldenHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      const got = (await repo.read((tx) => tx.versions.get('sfc-2017', 2)))!;
      // The document comes back with its keys in the order they were given.
      expect(JSON.stringify(got.document)).toBe(JSON.stringify({ ...v1, version: 2 }));
      expect((await repo.read((tx) => tx.versions.byHash(got.contentHash)))!.version).toBe(2);
      expect(await repo.read((tx) => tx.versions.get('sfc-2017', 3))).toBeNull();
      // The document alone, read twice (a store may keep it): what get answers, and nothing for a number not published.
      for (let i = 0; i < 2; i++) {
        const doc = (await repo.read((tx) => tx.versions.document('sfc-2017', 2), { snapshot: false }))!;
        expect({ ruleSetId: doc.ruleSetId, version: doc.version, contentHash: doc.contentHash }).toEqual({ ruleSetId: 'sfc-2017', version: 2, contentHash: got.contentHash });
        expect(JSON.stringify(doc.document)).toBe(JSON.stringify(got.document));
        expect(await repo.read((tx) => tx.versions.document('sfc-2017', 3))).toBeNull();
      }
      // A version published in a transaction that rolls back is not answered afterwards, even if the transaction read it.
      await expect(
        repo.transact(async (tx) => {
          await tx.versions.insert(newVersion(3));
          expect((await tx.versions.document('sfc-2017', 3))!.version).toBe(3);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await repo.read((tx) => tx.versions.document('sfc-2017', 3))).toBeNull();
      expect(await repo.read((tx) => tx.versions.golden(got))).toEqual(golden);
      expect(await repo.transact((tx) => tx.versions.nextNumber('sfc-2017'))).toBe(3);
      expect(await repo.transact((tx) => tx.versions.nextNumber('other'))).toBe(1);
    });

    it('versions: a period closed as metadata (the document and its hash unchanged), read the same after reopening; settings and a draft\'s review fields kept', async () => {
      const made = await fresh();
      let repo = made.repo;
      await repo.transact(async (tx) => {
        // Each version with the audit entry that publishes it, as the routes write them (reopening checks the pairs).
        for (const v of [newVersion(1), newVersion(2, { ...v1, effectiveFrom: '2027-01-01' })]) {
          await tx.versions.insert(v);
          await tx.audit.append({ at: NOW, actor: 'test', action: 'version.publish', target: `sfc-2017@${v.version}`, before: null, after: v.contentHash });
        }
      });
      const before = (await repo.read((tx) => tx.versions.get('sfc-2017', 1)))!;
      const closed = await repo.transact(async (tx) => {
        const r = await tx.versions.closePeriod('sfc-2017', 1, '2026-12-31', { version: 2, at: NOW });
        await tx.audit.append({ at: NOW, actor: 'test', action: 'version.close', target: 'sfc-2017@1', before: null, after: '2026-12-31' });
        // The transaction reads its own change.
        expect((await tx.versions.list('sfc-2017'))[0]).toMatchObject({ effectiveTo: '2026-12-31' });
        return r;
      });
      expect(closed).toMatchObject({ version: 1, effectiveTo: '2026-12-31', closedBy: { version: 2, at: NOW } });
      await expect(repo.transact((tx) => tx.versions.closePeriod('sfc-2017', 9, '2026-12-31', { version: 2, at: NOW }))).rejects.toSatisfy(isConflict);
      await repo.transact(async (tx) => {
        await tx.putSettings({ publishReview: 'optional' });
        await tx.drafts.insert({
          id: 'draft-1', ruleSetId: 'sfc-2017', basedOn: { id: 'sfc-2017', version: 1 }, revision: 1, document: { ...v1, status: 'draft' as const, version: 3 }, golden, createdAt: NOW, createdBy: 'a', updatedAt: NOW, updatedBy: 'a', history: [],
          review: { status: 'requested', revision: 1, requestedBy: 'a', requestedAt: NOW, note: null, reviewer: null, decidedAt: null, comment: null, withdrawn: null },
          authors: ['tok-1'],
        });
      });
      const check = async (r: Repository) => {
        const listed = await r.read((tx) => tx.versions.list('sfc-2017'));
        expect(listed.map((v) => [v.version, v.effectiveTo, v.closedBy ?? null])).toEqual([
          [1, '2026-12-31', { version: 2, at: NOW }],
          [2, null, null],
        ]);
        const got = (await r.read((tx) => tx.versions.get('sfc-2017', 1)))!;
        expect(got.contentHash).toBe(before.contentHash);
        expect(got.document).toEqual(before.document);
        expect(got.document.effectiveTo).toBeNull();
        expect((await r.read((tx) => tx.versions.byHash(before.contentHash)))!.effectiveTo).toBe('2026-12-31');
        expect(await r.read((tx) => tx.settings())).toEqual({ publishReview: 'optional' });
        expect(await r.read((tx) => tx.drafts.get('draft-1'))).toMatchObject({ review: { status: 'requested' }, authors: ['tok-1'] });
        expect((await r.integrity()).problems).toEqual([]);
      };
      await check(repo);
      if (made.reopen) {
        await repo.close();
        repo = await made.reopen();
        open.push(repo);
        await check(repo);
      }
    });

    it('settings: the default until changed', async () => {
      const { repo } = await fresh();
      expect(await repo.read((tx) => tx.settings())).toEqual({ publishReview: 'required' });
    });

    it('drafts: updated only from the revision the writer saw; exactly one of two racing writers wins', async () => {
      const { repo } = await fresh();
      const doc = { ...v1, status: 'draft' as const, version: 2 };
      await repo.transact((tx) =>
        tx.drafts.insert({ id: 'draft-1', ruleSetId: 'sfc-2017', basedOn: { id: 'sfc-2017', version: 1 }, revision: 1, document: doc, golden, createdAt: NOW, createdBy: 'a', updatedAt: NOW, updatedBy: 'a', history: [] }),
      );
      const edit = (by: string) =>
        repo.transact(async (tx) => {
          const d = (await tx.drafts.get('draft-1'))!;
          // Both writers saw revision 1.
          return tx.drafts.update(d.id, 1, { revision: d.revision + 1, updatedAt: NOW, updatedBy: by, history: [...d.history, { revision: 2, at: NOW, by, action: 'draft.update', changes: [] }], document: { ...d.document, description: { zh: by, en: by } } });
        });
      const results = await Promise.allSettled([edit('alice'), edit('bob')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isConflict(lost.reason)).toBe(true);
      const d = (await repo.read((tx) => tx.drafts.get('draft-1')))!;
      expect(d.revision).toBe(2);
      expect(d.document.description?.en).toBe(d.updatedBy);
      expect(await repo.read((tx) => tx.drafts.golden(d))).toEqual(golden);
      const replaced = await repo.transact((tx) => tx.drafts.update('draft-1', 2, { revision: 3, golden: golden.slice(0, 1) }));
      expect(replaced).toMatchObject({ revision: 3, goldenCount: 1 });
      expect(replaced.document.description?.en).toBe(d.updatedBy);
      expect((await repo.read((tx) => tx.drafts.list('sfc-2017'))).map((x) => [x.id, x.revision])).toEqual([['draft-1', 3]]);
      await expect(repo.transact((tx) => tx.drafts.delete('draft-1', 2))).rejects.toSatisfy(isConflict);
      await repo.transact((tx) => tx.drafts.delete('draft-1', 3));
      expect(await repo.read((tx) => tx.drafts.get('draft-1'))).toBeNull();
    });

    it('dossiers: revisions in order, filters, id order, delete and revive', async () => {
      const { repo } = await fresh();
      for (const id of ['b-2018', 'B-2018', 'a-2018']) {
        const { rev, index } = dossierRev(id.slice(0, 1), 1, 1450);
        await repo.transact((tx) => tx.dossiers.addRevision(id, null, rev, index));
      }
      const { rev: r1 } = dossierRev('a', 1, 1450);
      await expect(repo.transact((tx) => tx.dossiers.addRevision('a-2018', null, r1, dossierIndex(r1.dossier)))).rejects.toSatisfy(isConflict);
      const { rev: r2, index: i2 } = dossierRev('a', 2, 1500);
      await repo.transact((tx) => tx.dossiers.addRevision('a-2018', 1, r2, { ...i2, province: 'Elsewhere' }));
      await expect(repo.transact((tx) => tx.dossiers.addRevision('a-2018', 1, { ...r2, revision: 2 }, i2))).rejects.toSatisfy(isConflict);
      // Ids sort by code point, as JavaScript compares strings.
      expect((await repo.read((tx) => tx.dossiers.list())).map((d) => d.id)).toEqual(['B-2018', 'a-2018', 'b-2018']);
      expect((await repo.read((tx) => tx.dossiers.list({ province: 'Elsewhere' }))).map((d) => d.id)).toEqual(['a-2018']);
      expect((await repo.read((tx) => tx.dossiers.list({ period: 2018, type: 'comprehensive' })))).toHaveLength(3);
      expect(await repo.read((tx) => tx.dossiers.list({ period: 1999 }))).toEqual([]);
      expect((await repo.read((tx) => tx.dossiers.revisions('a-2018'))).map((r) => r.revision)).toEqual([1, 2]);
      expect((await repo.read((tx) => tx.dossiers.revision('a-2018', 1)))!.dossier).toEqual(r1.dossier);
      expect((await repo.read((tx) => tx.dossiers.revision('a-2018')))!.dossier).toEqual(r2.dossier);
      // The record with a revision in one read: the latest, one by number, none for a number it does not have.
      const latest = (await repo.read((tx) => tx.dossiers.withRevision('a-2018'), { snapshot: false }))!;
      expect(latest.record).toEqual(await repo.read((tx) => tx.dossiers.get('a-2018')));
      expect(latest.rev).toMatchObject({ revision: 2, hash: r2.hash, dossier: r2.dossier });
      expect((await repo.read((tx) => tx.dossiers.withRevision('a-2018', 1)))!.rev).toMatchObject({ revision: 1, hash: r1.hash, dossier: r1.dossier });
      expect(await repo.read((tx) => tx.dossiers.withRevision('a-2018', 7))).toMatchObject({ record: { id: 'a-2018' }, rev: null });
      expect(await repo.read((tx) => tx.dossiers.withRevision('z-2018'))).toBeNull();
      await repo.transact((tx) => tx.dossiers.markDeleted('a-2018', 2));
      expect((await repo.read((tx) => tx.dossiers.withRevision('a-2018')))!).toMatchObject({ record: { deleted: true }, rev: { revision: 2 } });
      expect((await repo.read((tx) => tx.dossiers.get('a-2018')))!.deleted).toBe(true);
      expect((await repo.read((tx) => tx.dossiers.list())).map((d) => d.id)).toEqual(['B-2018', 'b-2018']);
      // A deleted dossier keeps its revisions and comes back with the next one.
      expect((await repo.read((tx) => tx.dossiers.revision('a-2018', 1)))!.revision).toBe(1);
      const { rev: r3, index: i3 } = dossierRev('a', 3, 1600);
      expect(await repo.transact((tx) => tx.dossiers.addRevision('a-2018', 2, r3, i3))).toMatchObject({ deleted: false, latest: { revision: 3 } });
    });

    it('evaluations: the record and its result, listed in order, with the record hash in the audit chain', async () => {
      const { repo } = await fresh();
      const result = { outcome: { status: 'passed' }, note: 'x'.repeat(1000) } as unknown as Evaluation;
      await repo.transact(async (tx) => {
        await tx.evaluations.insert(evaluationOf('ev-2'), result);
        await tx.evaluations.insert({ ...evaluationOf('ev-1'), dossierId: 'b-2018' }, result);
      });
      await expect(repo.transact((tx) => tx.evaluations.insert(evaluationOf('ev-1'), result))).rejects.toSatisfy(isConflict);
      expect((await repo.read((tx) => tx.evaluations.list())).map((e) => e.id)).toEqual(['ev-2', 'ev-1']);
      expect((await repo.read((tx) => tx.evaluations.list({ dossierId: 'b-2018' }))).map((e) => e.id)).toEqual(['ev-1']);
      const rec = (await repo.read((tx) => tx.evaluations.get('ev-1')))!;
      expect(await repo.read((tx) => tx.evaluations.result(rec))).toEqual(result);
      const entries = await repo.read((tx) => tx.audit.list({ action: 'evaluation.create' }));
      expect(entries.map((e) => [e.target, e.after])).toEqual([
        ['evaluation:ev-2', evaluationRecordHash((await repo.read((tx) => tx.evaluations.get('ev-2')))!)],
        ['evaluation:ev-1', evaluationRecordHash(rec)],
      ]);
    });

    it('tokens: found by hash, revoked once, listed in order', async () => {
      const { repo } = await fresh();
      const t = (id: string) => ({ id, name: id, role: 'viewer' as const, hash: `sha256:${id}`, createdAt: NOW, createdBy: 'test', revokedAt: null });
      await repo.transact(async (tx) => {
        await tx.tokens.insert(t('tok-2'));
        await tx.tokens.insert(t('tok-1'));
      });
      await expect(repo.transact((tx) => tx.tokens.insert(t('tok-1')))).rejects.toSatisfy(isConflict);
      expect((await repo.read((tx) => tx.tokens.byHash('sha256:tok-1')))!.id).toBe('tok-1');
      await repo.transact((tx) => tx.tokens.revoke('tok-1', NOW));
      await expect(repo.transact((tx) => tx.tokens.revoke('tok-1', NOW))).rejects.toSatisfy(isConflict);
      expect((await repo.read((tx) => tx.tokens.list())).map((x) => [x.id, x.revokedAt])).toEqual([
        ['tok-2', null],
        ['tok-1', NOW],
      ]);
    });

    it('audit: a keyed chain, filtered by target, action, actor, after and limit; the head', async () => {
      const { repo } = await fresh();
      await repo.transact(async (tx) => {
        for (let i = 1; i <= 5; i++) await tx.audit.append({ at: NOW, actor: i % 2 ? 'odd' : 'even', action: `a${i % 3}`, target: `t${i}`, before: null, after: `h${i}`, ...(i === 2 ? { details: { b: 1, a: [1, 2] } } : {}) });
      });
      const all = await repo.read((tx) => tx.audit.list());
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(verifyChain(key, all)).toBeNull();
      expect(all[1].details).toEqual({ b: 1, a: [1, 2] });
      expect(all[0]).not.toHaveProperty('details');
      expect((await repo.read((tx) => tx.audit.list({ after: 2, limit: 2 }))).map((e) => e.seq)).toEqual([3, 4]);
      expect((await repo.read((tx) => tx.audit.list({ actor: 'even' }))).map((e) => e.seq)).toEqual([2, 4]);
      expect((await repo.read((tx) => tx.audit.list({ target: 't3', action: 'a0' }))).map((e) => e.seq)).toEqual([3]);
      expect(await repo.read((tx) => tx.audit.head())).toEqual({ seq: 5, hash: all[4].hash, at: NOW });
      expect(await repo.integrity()).toMatchObject({ writable: true, problems: [] });
    });

    it('transactions: all or nothing; a transaction reads its own writes; counters roll back with it', async () => {
      const { repo } = await fresh();
      const before = JSON.stringify(await repo.read((tx) => tx.dump()));
      await expect(
        repo.transact(async (tx) => {
          expect(await tx.nextId('draft')).toBe('draft-1');
          const { rev, index } = dossierRev('x', 1, 1450);
          await tx.dossiers.addRevision('x-2018', null, rev, index);
          expect((await tx.dossiers.get('x-2018'))!.latest.revision).toBe(1);
          expect((await tx.dossiers.list()).map((d) => d.id)).toEqual(['x-2018']);
          await tx.audit.append({ at: NOW, actor: 'a', action: 'x', target: 'x', before: null, after: null });
          await tx.markSeeded(NOW);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(JSON.stringify(await repo.read((tx) => tx.dump()))).toBe(before);
      expect(await repo.read((tx) => tx.seededAt())).toBeNull();
      expect(await repo.transact((tx) => tx.nextId('draft'))).toBe('draft-1');
      expect(await repo.transact((tx) => tx.nextId('draft'))).toBe('draft-2');
    });

    it.skipIf(kind.name === 'memory')('keeps everything across closing and reopening', async () => {
      const { repo, reopen } = await fresh();
      await repo.transact(async (tx) => {
        const v = await tx.versions.insert(newVersion(1));
        await tx.audit.append({ at: NOW, actor: 'a', action: 'version.publish', target: 'sfc-2017@1', before: null, after: v.contentHash });
        const { rev, index } = dossierRev('a', 1, 1450);
        await tx.dossiers.addRevision('a-2018', null, rev, index);
        await tx.audit.append({ at: NOW, actor: 'a', action: 'dossier.create', target: 'dossier:a-2018', before: null, after: rev.hash, details: { revision: 1 } });
        await tx.evaluations.insert(evaluationOf('ev-1'), { outcome: {} } as unknown as Evaluation);
        await tx.markSeeded(NOW);
      });
      const dump = JSON.stringify(await repo.read((tx) => tx.dump()));
      await repo.close();
      const again = await reopen!();
      open.push(again);
      expect(JSON.stringify(await again.read((tx) => tx.dump()))).toBe(dump);
      expect(await again.integrity()).toMatchObject({ writable: true, problems: [] });
    });
  });
}

describe.skipIf(!postgresAvailable())('PostgreSQL: append-only tables refuse changes in the database itself', () => {
  let server: TestPostgres;
  let url: string;
  beforeAll(async () => {
    server = await startTestPostgres();
    url = await server.createDatabase();
    const repo = await openPgRepository(url, { auditKey: randomBytes(32) });
    await repo.transact(async (tx) => {
      await tx.versions.insert(newVersion(1));
      await tx.audit.append({ at: NOW, actor: 'a', action: 'version.seed', target: 'sfc-2017@1', before: null, after: 'x' });
      await tx.evaluations.insert(evaluationOf('ev-1'), { outcome: {} } as unknown as Evaluation);
      const { rev, index } = dossierRev('a', 1, 1450);
      await tx.dossiers.addRevision('a-2018', null, rev, index);
    });
    await repo.close();
  }, 120_000);
  afterAll(async () => server?.stop(), 120_000);

  it.each([
    ['versions', "UPDATE versions SET content_hash = 'forged'"],
    ['versions', 'DELETE FROM versions'],
    ['evaluations', "UPDATE evaluations SET record = '{}'"],
    ['evaluations', 'DELETE FROM evaluations'],
    ['audit', "UPDATE audit SET actor = 'someone else'"],
    ['audit', 'DELETE FROM audit WHERE seq > 1'],
    ['audit', 'TRUNCATE audit CASCADE'],
    ['blobs', "UPDATE blobs SET body = '{}'"],
    ['dossier_revisions', 'DELETE FROM dossier_revisions'],
  ])('%s: %s is refused', async (_table, sql) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await expect(c.query(sql)).rejects.toThrow(/append-only/);
    } finally {
      await c.end();
    }
  });
});
