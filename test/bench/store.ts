// Store benchmark: fills a store to 100, 1,000 and 10,000 dossiers, evaluations and draft revisions, then times through the HTTP API a draft save, a dossier update and an evaluation write, and the start-up.
//
// Usage: npm run bench:store [-- --sizes 100,1000,10000 --samples 60]
// Prints, per size, median and p99 of each write (ms), the state file size and the start-up time (open the store and seed, as the server does before it listens).
// Not a test: run it by hand when the store changes; at 10,000 it takes a few minutes on 2 cores.
import { cp, link, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';
import { appendAudit } from '../../server/audit.js';
import type { EngineApi } from '../../server/engine.js';
import type { StoredEvaluation } from '../../server/store/repository.js';
import { passingFacts } from '../engine/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const program = new Command('bench:store').option('--sizes <list>', 'store sizes', '100,1000,10000').option('--samples <n>', 'timed writes of each kind per size', '60').parse();
const SIZES = String(program.opts().sizes).split(',').map(Number);
const SAMPLES = Number(program.opts().samples);
const eng: EngineApi = engine;
const DRAFTS = 3;

const dossier = (i: number) => ({ dossierFormat: 1 as const, facts: { ...passingFacts(), cityId: `city${i}`, cityName: `City ${i}`, period: 2018, softwareRevenue: 1400 + (i % 100) } });

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) total += e.isDirectory() ? await dirSize(path.join(dir, e.name)) : (await stat(path.join(dir, e.name))).size;
  return total;
}

/** Copies of rules/ holding only sfc-2017@1, so the seed is the same for every size. */
async function rulesCopy(base: string): Promise<string> {
  const rulesDir = path.join(base, 'rules');
  await mkdir(path.join(rulesDir, 'sfc-2017'), { recursive: true });
  await cp(path.join(ROOT, 'rules/policy'), path.join(rulesDir, 'policy'), { recursive: true });
  for (const f of ['v1.json', 'v1.golden.json']) await cp(path.join(ROOT, 'rules/sfc-2017', f), path.join(rulesDir, 'sfc-2017', f));
  return rulesDir;
}

const clock = () => new Date().toISOString();

/** Fills the store directly (not through the API, which would take hours at 10,000 on the old store): n dossiers, n evaluations, n draft revisions over DRAFTS drafts, with their audit entries. */
async function fill(dataDir: string, rulesDir: string, n: number): Promise<string> {
  const repo = await openLowdbRepository(dataDir);
  const clauses = await loadClauseIds(rulesDir);
  const seeded = await seedStore(repo, eng, { rulesDir, clauseIds: (p) => clauses.get(p) ?? [], now: clock(), samples: false });
  const v1 = await repo.read((s) => s.versions[0]);
  const c = eng.compileRuleSet(v1.document);
  if (!c.ok) throw new Error('v1 does not compile');
  const result = await c.compiled.evaluate(dossier(0), { now: clock() });
  if (!result.ok) throw new Error('the fill dossier does not evaluate');
  await repo.putBlob('evaluation-fill', result.evaluation);
  const blobs = path.join(dataDir, 'blobs');
  await repo.transact((s) => {
    const now = clock();
    for (let i = 0; i < n; i++) {
      const d = dossier(i);
      const hash = eng.dossierHash(d);
      s.dossiers.push({ id: `city${i}-2018`, deleted: false, revisions: [{ revision: 1, hash, at: now, by: 'bench', dossier: d }] });
      appendAudit(s, now, { actor: 'bench', action: 'dossier.create', target: `dossier:city${i}-2018`, before: null, after: hash, details: { revision: 1 } });
    }
    for (let k = 0; k < DRAFTS; k++) {
      const doc = { ...structuredClone(v1.document), status: 'draft' as const, version: 2, basedOn: { id: 'sfc-2017', version: 1 } };
      s.drafts.push({ id: `draft-${k + 1}`, ruleSetId: 'sfc-2017', basedOn: { id: 'sfc-2017', version: 1 }, revision: 1, document: doc, golden: v1.golden, createdAt: now, createdBy: 'bench', updatedAt: now, updatedBy: 'bench', history: [] });
    }
    s.counters.draft = DRAFTS;
    for (let i = 0; i < n; i++) {
      const d = s.drafts[i % DRAFTS];
      d.revision += 1;
      d.history.push({ revision: d.revision, at: now, by: 'bench', action: 'draft.update', changes: [{ kind: 'parameter', id: 'revenueThreshold', path: ['parameters', 0, 'value'], text: { zh: '改', en: 'changed' } }] });
      if (d.history.length > 50) d.history.splice(0, d.history.length - 50);
      appendAudit(s, now, { actor: 'bench', action: 'draft.update', target: d.id, before: v1.contentHash, after: v1.contentHash, details: { revision: d.revision } });
    }
    for (let i = 0; i < n; i++) {
      const rec: StoredEvaluation = {
        id: `ev-${i + 1}`, createdAt: now, createdBy: 'bench', ruleSetId: 'sfc-2017', version: 1, contentHash: v1.contentHash, interpretations: {},
        dossierId: `city${i}-2018`, dossierRevision: 1, dossierHash: s.dossiers[i].revisions[0].hash, inlineDossier: null, engineVersion: eng.ENGINE_VERSION, now,
        outcome: { status: result.evaluation.outcome.status, title: result.evaluation.outcome.title?.id ?? null, total: result.evaluation.outcome.total.value }, blobKey: `evaluation-f${i}`,
      };
      s.evaluations.push(rec);
    }
    s.counters.ev = n;
  });
  // Every record has its own result file, as on a real store (hard links: the same bytes, n names).
  for (let i = 0; i < n; i++) await link(path.join(blobs, 'evaluation-fill.json'), path.join(blobs, `evaluation-f${i}.json`));
  const token = await repo.transact((s) => addToken(s, 'bench', 'admin', 'bench', clock()).secret);
  await repo.close();
  void seeded;
  return token;
}

function stats(ms: number[]): { median: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: q(0.5), p99: q(0.99) };
}

async function timed(url: string, token: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<{ ms: number; res: Response; json: any }> {
  const t0 = performance.now();
  const res = await fetch(url, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = await res.json();
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, res, json };
}

const rows: string[] = [];
for (const n of SIZES) {
  const base = await mkdtemp(path.join(tmpdir(), 'mc-bench-store-'));
  try {
    const rulesDir = await rulesCopy(base);
    const dataDir = path.join(base, 'store');
    const tFill = performance.now();
    const token = await fill(dataDir, rulesDir, n);
    const fillS = (performance.now() - tFill) / 1000;

    const t0 = performance.now();
    const repo = await openLowdbRepository(dataDir);
    const openMs = performance.now() - t0;
    const clauses = await loadClauseIds(rulesDir);
    const clauseIds = (p: string) => clauses.get(p) ?? [];
    await seedStore(repo, eng, { rulesDir, clauseIds, now: clock(), samples: false });
    const startMs = performance.now() - t0;

    const app = createApp({ repo, engine: eng, clauseIds });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const draft = (await (await fetch(`${url}/api/drafts/draft-1`, { headers: { Authorization: `Bearer ${token}` } })).json()) as any;
    let etag = `"draft-1.r${draft.revision}"`;
    const doc = draft.document;
    const param = doc.parameters.find((p: { id: string }) => p.id === 'revenueThreshold');
    const times = { draft: [] as number[], dossier: [] as number[], evaluation: [] as number[] };
    for (let i = 0; i < SAMPLES; i++) {
      param.value = 1000 + (i % 2);
      const d = await timed(`${url}/api/drafts/draft-1`, token, 'PUT', { document: doc }, { 'If-Match': etag });
      etag = d.res.headers.get('etag')!;
      times.draft.push(d.ms);
      const k = (i * 7919) % n;
      times.dossier.push((await timed(`${url}/api/dossiers/city${k}-2018`, token, 'PUT', { dossier: dossier(k + 100_000 + i) })).ms);
      times.evaluation.push((await timed(`${url}/api/evaluations`, token, 'POST', { ruleSet: 'sfc-2017@1', dossierId: `city${(k + 1) % n}-2018` })).ms);
    }
    server.close();
    await repo.close();
    const stateBytes = (await stat(path.join(dataDir, 'db.json'))).size + (await dirSize(dataDir).then(() => 0));
    const allBytes = await dirSize(dataDir);
    const f = (x: number) => x.toFixed(1).padStart(7);
    const [dr, ds, ev] = [stats(times.draft), stats(times.dossier), stats(times.evaluation)];
    rows.push(
      `${String(n).padStart(6)} | ${f(dr.median)} ${f(dr.p99)} | ${f(ds.median)} ${f(ds.p99)} | ${f(ev.median)} ${f(ev.p99)} | ${(stateBytes / 1e6).toFixed(2).padStart(8)} MB | ${(allBytes / 1e6).toFixed(1).padStart(7)} MB | ${f(openMs)} ${f(startMs)} | fill ${fillS.toFixed(0)} s`,
    );
    console.log(rows.at(-1));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
console.log(`\nstore benchmark: ${SAMPLES} timed writes of each kind per size, through the HTTP API on 127.0.0.1 (ms)`);
console.log('  size | draft save med  p99 | dossier upd med  p99 | evaluation med  p99 | state file  | folder     | open ms  start ms');
for (const r of rows) console.log(r);
void readFile;
