// Store format 1 → 2 on a store made by the format-1 server (test/server/fixtures/store-v1): everything it held is served the same, the audit log is re-sealed with the key and the evaluations enter it.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { openLowdbRepository, type StartupInfo } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import type { Repository } from '../../server/store/repository.js';
import { verifyChain } from '../../server/audit.js';
import type { EngineApi } from '../../server/engine.js';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/store-v1');
const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const fixture = JSON.parse(readFileSync(path.join(FIXTURE, 'fixture.json'), 'utf8'));
const key = randomBytes(32);
let dir: string;
let repo: Repository;
let info: StartupInfo;
let app: ReturnType<typeof createApp>;
const as = (role: string) => ({ Authorization: `Bearer ${fixture.tokens[role]}` });

/** A copy of the fixture store in a temp folder. */
export function copyFormat1Store(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'mc-migrate-'));
  cpSync(path.join(FIXTURE, 'blobs'), path.join(d, 'blobs'), { recursive: true });
  writeFileSync(path.join(d, 'db.json'), gunzipSync(readFileSync(path.join(FIXTURE, 'db.json.gz'))));
  return d;
}

beforeAll(async () => {
  dir = copyFormat1Store();
  repo = await openLowdbRepository(dir, { auditKey: key, onStartup: (i) => (info = i) });
  const clauses = await loadClauseIds(RULES_DIR);
  app = createApp({ repo, engine: engine as EngineApi, clauseIds: (p) => clauses.get(p) ?? [] });
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('format 1 → 2', () => {
  it('migrates on open, keeps the old file, removes the old result files, and the store verifies', async () => {
    expect(info.migratedFrom).toBe(1);
    expect(await repo.integrity()).toMatchObject({ writable: true, problems: [] });
    expect(JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')).storeFormat).toBe(2);
    expect(JSON.parse(readFileSync(path.join(dir, 'db.format1.json'), 'utf8')).storeFormat).toBe(1);
    expect(readdirSync(path.join(dir, 'blobs')).filter((f) => f.startsWith('evaluation-'))).toEqual([]);
    expect(statSync(path.join(dir, 'db.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('serves the published versions, drafts, dossiers and tokens it held', async () => {
    const versions = await request(app).get('/api/rulesets/sfc-2017/versions').set(as('viewer'));
    expect(versions.body.map((v: { ref: string }) => v.ref)).toEqual(['sfc-2017@1', 'sfc-2017@2']);
    const v2 = await request(app).get('/api/rulesets/sfc-2017/versions/2').set(as('viewer'));
    expect(v2.body.contentHash).toBe(engine.ruleSetHash(v2.body.document));
    expect(v2.body.changelog.note.en).toBe('Republished');
    const draft = await request(app).get(`/api/drafts/${fixture.draft}`).set(as('viewer'));
    expect(draft.body).toMatchObject({ revision: 2, basedOn: { id: 'sfc-2017', version: 2 }, goldenCases: v2.body.goldenCases });
    expect(draft.body.document.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value).toBe(1100);
    const bj = await request(app).get('/api/dossiers/beijing-2019').set(as('viewer'));
    expect(bj.body).toMatchObject({ revision: 2, cityName: '北京市（修订）' });
    expect((await request(app).get('/api/dossiers/beijing-2019/revisions').set(as('viewer'))).body.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
    expect((await request(app).get('/api/dossiers/hangzhou-2020').set(as('viewer'))).status).toBe(404);
    expect((await request(app).get('/api/whoami').set(as('admin'))).body).toMatchObject({ tokenId: 'tok-1', role: 'admin' });
    expect((await request(app).get('/api/whoami').set({ Authorization: 'Bearer mc_wrong' })).status).toBe(401);
  });

  it('serves and replays the evaluations to the same results', async () => {
    for (const e of fixture.evaluations) {
      const got = await request(app).get(`/api/evaluations/${e.id}`).set(as('viewer'));
      expect(got.status).toBe(200);
      expect(got.body.result.outcome).toMatchObject({ status: e.status, total: { value: e.total } });
      const replay = await request(app).post(`/api/evaluations/${e.id}/replay`).set(as('analyst'));
      // The decision replays exactly; a newer engine may word the explanations differently, and says which version recorded them.
      expect(replay.body).toMatchObject({ sameOutcome: true });
      if (replay.body.engineVersion.recorded === replay.body.engineVersion.current) expect(replay.body).toMatchObject({ same: true, differences: [] });
      else expect(replay.body.differences).toContain('$.provenance.engineVersion');
    }
  });

  it('re-seals the audit log with the key, without hashes of token secrets, and records the evaluations and the migration', async () => {
    const entries = await repo.read((tx) => tx.audit.list());
    expect(verifyChain(key, entries)).toBeNull();
    expect(verifyChain(randomBytes(32), entries)).not.toBeNull();
    const old = JSON.parse(readFileSync(path.join(dir, 'db.format1.json'), 'utf8'));
    expect(entries.slice(0, old.audit.length).map((e) => e.action)).toEqual(old.audit.map((e: { action: string }) => e.action));
    for (const e of entries.filter((x) => x.action.startsWith('token.'))) expect([e.before, e.after]).toEqual([null, null]);
    expect(entries.filter((e) => e.action === 'evaluation.create').map((e) => e.target)).toEqual(['evaluation:ev-1', 'evaluation:ev-2']);
    expect(entries.at(-1)).toMatchObject({ action: 'store.migrate', before: old.audit.at(-1).hash, details: { fromFormat: 1, toFormat: 2 } });
  });

  it('does not mint an admin token on the next start, and accepts writes', async () => {
    const clauses = await loadClauseIds(RULES_DIR);
    const seeded = await seedStore(repo, engine as EngineApi, { rulesDir: RULES_DIR, clauseIds: (p) => clauses.get(p) ?? [], now: '2026-02-01T00:00:00.000Z', samples: false });
    expect(seeded.adminToken).toBeNull();
    const res = await request(app).put('/api/dossiers/beijing-2019').set(as('analyst')).send({ dossier: { dossierFormat: 1, facts: { cityId: 'beijing', period: 2019 } } });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(3);
  });
});
