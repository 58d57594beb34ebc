// Store benchmark: fills a store to 100, 1,000 and 10,000 dossiers, evaluations and draft revisions, then times through the HTTP API a draft save, a dossier update and an evaluation write, and the start-up.
//
// Usage: npm run bench:store [-- --sizes 100,1000,10000 --samples 60]
// Prints, per size, median and p99 of each write (ms), the state size (db.json and journal) and the start-up time (open the store, which
// replays the journal and verifies the audit chain and published documents, and seed, as the server does before it listens).
// Not a test: run it by hand when the store changes; at 10,000 it takes a few minutes on 2 cores.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
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
import { dossierIndex } from '../../server/facts.js';
import { passingFacts } from '../engine/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const program = new Command('bench:store')
  .option('--sizes <list>', 'store sizes', '100,1000,10000')
  .option('--samples <n>', 'timed writes of each kind per size', '60')
  .option('--keep', 'keep the filled stores (their folders are printed) instead of removing them', false)
  .parse();
const SIZES = String(program.opts().sizes).split(',').map(Number);
const SAMPLES = Number(program.opts().samples);
const eng: EngineApi = engine;
const DRAFTS = 3;
const KEY = randomBytes(32);

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

/** Fills the store through the repository, in batches: n dossiers, n evaluations (each with its own result), n draft revisions over DRAFTS drafts, with their audit entries. */
async function fill(dataDir: string, rulesDir: string, n: number): Promise<string> {
  const repo = await openLowdbRepository(dataDir, { auditKey: KEY });
  const clauses = await loadClauseIds(rulesDir);
  await seedStore(repo, eng, { rulesDir, clauseIds: (p) => clauses.get(p) ?? [], now: clock(), samples: false });
  const v1 = (await repo.read((tx) => tx.versions.get('sfc-2017', 1)))!;
  const c = eng.compileRuleSet(v1.document);
  if (!c.ok) throw new Error('v1 does not compile');
  const result = await c.compiled.evaluate(dossier(0), { now: clock() });
  if (!result.ok) throw new Error('the fill dossier does not evaluate');
  const BATCH = 500;
  for (let from = 0; from < n; from += BATCH) {
    await repo.transact(async (tx) => {
      const now = clock();
      for (let i = from; i < Math.min(n, from + BATCH); i++) {
        const d = dossier(i);
        const hash = eng.dossierHash(d);
        await tx.dossiers.addRevision(`city${i}-2018`, null, { revision: 1, hash, at: now, by: 'bench', dossier: d }, dossierIndex(d));
        await appendAudit(tx, now, { actor: 'bench', action: 'dossier.create', target: `dossier:city${i}-2018`, before: null, after: hash, details: { revision: 1 } });
        const evaluation = { ...result.evaluation, provenance: { ...result.evaluation.provenance, dossierHash: hash } };
        await tx.evaluations.insert(
          {
            id: await tx.nextId('ev'), createdAt: now, createdBy: 'bench', ruleSetId: 'sfc-2017', version: 1, contentHash: v1.contentHash, interpretations: {},
            dossierId: `city${i}-2018`, dossierRevision: 1, dossierHash: hash, inlineDossier: null, engineVersion: eng.ENGINE_VERSION, now,
            outcome: { status: result.evaluation.outcome.status, title: result.evaluation.outcome.title?.id ?? null, total: result.evaluation.outcome.total.value },
          },
          evaluation,
        );
      }
    });
  }
  const golden = await repo.read((tx) => tx.versions.golden(v1));
  await repo.transact(async (tx) => {
    const now = clock();
    for (let k = 0; k < DRAFTS; k++) {
      const doc = { ...structuredClone(v1.document), status: 'draft' as const, version: 2, basedOn: { id: 'sfc-2017', version: 1 } };
      await tx.drafts.insert({ id: await tx.nextId('draft'), ruleSetId: 'sfc-2017', basedOn: { id: 'sfc-2017', version: 1 }, revision: 1, document: doc, golden, createdAt: now, createdBy: 'bench', updatedAt: now, updatedBy: 'bench', history: [] });
    }
  });
  for (let from = 0; from < n; from += BATCH) {
    await repo.transact(async (tx) => {
      const now = clock();
      for (let i = from; i < Math.min(n, from + BATCH); i++) {
        const d = (await tx.drafts.get(`draft-${(i % DRAFTS) + 1}`))!;
        const revision = d.revision + 1;
        const history = [...d.history, { revision, at: now, by: 'bench', action: 'draft.update', changes: [{ kind: 'parameter', id: 'revenueThreshold', path: ['parameters', 0, 'value'], text: { zh: '改', en: 'changed' } }] }].slice(-50);
        // Two contents in turn, so the fill does not write thousands of 136 kB documents that the next edit orphans.
        const document = { ...d.document, description: { zh: '修订', en: `revision ${revision % 2}` } };
        await tx.drafts.update(d.id, d.revision, { revision, updatedAt: now, updatedBy: 'bench', history, document });
        await appendAudit(tx, now, { actor: 'bench', action: 'draft.update', target: d.id, before: v1.contentHash, after: v1.contentHash, details: { revision } });
      }
    });
  }
  const token = await repo.transact(async (tx) => (await addToken(tx, 'bench', 'admin', 'bench', clock())).secret);
  await repo.close();
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
console.log('  size | draft save med  p99 | dossier upd med  p99 | evaluation med  p99 | state file  | folder     | open ms  start ms');
for (const n of SIZES) {
  const base = await mkdtemp(path.join(tmpdir(), 'mc-bench-store-'));
  try {
    const rulesDir = await rulesCopy(base);
    const dataDir = path.join(base, 'store');
    const tFill = performance.now();
    const token = await fill(dataDir, rulesDir, n);
    const fillS = (performance.now() - tFill) / 1000;

    const t0 = performance.now();
    const repo = await openLowdbRepository(dataDir, { auditKey: KEY });
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
      // Every save a new document, as when someone types.
      param.value = 1000 + (i % 2);
      doc.description = { zh: '修订', en: `timed save ${i}` };
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
    const state = await stateBytes;
    rows.push(
      `${String(n).padStart(6)} | ${f(dr.median)} ${f(dr.p99)} | ${f(ds.median)} ${f(ds.p99)} | ${f(ev.median)} ${f(ev.p99)} | ${(state / 1e6).toFixed(2).padStart(8)} MB | ${(allBytes / 1e6).toFixed(1).padStart(7)} MB | ${f(openMs)} ${f(startMs)} | fill ${fillS.toFixed(0)} s`,
    );
    console.log(rows.at(-1));
  } finally {
    if (program.opts().keep) console.log(`kept the store of ${n} in ${path.join(base, 'store')} (audit key ${KEY.toString('hex')})`);
    else await rm(base, { recursive: true, force: true });
  }
}
console.log(`\nstore benchmark: ${SAMPLES} timed writes of each kind per size, through the HTTP API on 127.0.0.1 (ms)`);
console.log('  size | draft save med  p99 | dossier upd med  p99 | evaluation med  p99 | state file  | folder     | open ms  start ms');
for (const r of rows) console.log(r);
