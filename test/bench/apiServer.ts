// The server that `npm run bench:api` loads: a temp store (lowdb, or with BENCH_STORE=postgres a throwaway PostgreSQL cluster) seeded from rules/ (samples included), an analyst token and a draft, listening on 127.0.0.1 only; prints one JSON line and serves until SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants as perf, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';
import type { Repository } from '../../server/store/repository.js';
import { createComputePool } from '../../server/compute/pool.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const rulesDir = path.join(ROOT, 'rules');
const dir = await mkdtemp(path.join(tmpdir(), 'mc-bench-api-'));
const storeKind = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'lowdb';
let cluster: { stop(): Promise<void> } | null = null;
let repo: Repository;
if (storeKind === 'postgres') {
  const { startTestPostgres } = await import('../support/postgres.js');
  const { openPgRepository } = await import('../../server/store/pgRepository.js');
  const pgServer = await startTestPostgres();
  cluster = pgServer;
  repo = await openPgRepository(await pgServer.createDatabase(), { auditKey: randomBytes(32) });
} else repo = await openLowdbRepository(path.join(dir, 'store'), { auditKey: randomBytes(32), ruleSetHash: engine.ruleSetHash });
const clauses = await loadClauseIds(rulesDir);
const clauseIds = (p: string) => clauses.get(p) ?? [];
const now = () => new Date().toISOString();
const seeded = await seedStore(repo, engine, { rulesDir, clauseIds, now: now() });
const tokens = await repo.transact(async (tx) => ({
  analyst: (await addToken(tx, 'bench-analyst', 'analyst', 'bench', now())).secret,
  editor: (await addToken(tx, 'bench-editor', 'editor', 'bench', now())).secret,
}));
// As npm start runs it (worker pool, security headers), but without the per-token rate limits: one token sends all the load.
// BENCH_EVALUATE_IN_POOL=1 sends the explained evaluations to the pool too.
const pool = createComputePool();
const evaluateInPool = process.env.BENCH_EVALUATE_IN_POOL === '1';
const app = createApp({ repo, engine, clauseIds, now, logError: (e) => console.error(e), pool, evaluateInPool, protection: { rateLimits: false, authFailures: false } });
const server = app.listen(0, '127.0.0.1', async () => {
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const draft = await fetch(`${base}/api/drafts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.editor}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'sfc-2017@1' }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  console.log(JSON.stringify({ port, token: tokens.analyst, dossierId: seeded.samples[0], draftId: draft.id, store: storeKind, evaluateInPool }));
});

// What the load does to the event loop, per scenario: the bench asks over IPC (after its warm-up, then at the end),
// and each answer starts the next count. Event-loop delay is how late a 1 ms timer fires; a garbage collection that
// stops the loop shows in both.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let gcs: { kind: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ kind: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0, ms: e.duration });
}).observe({ entryTypes: ['gc'] });
process.on('message', (m) => {
  if (m !== 'stats') return;
  const major = gcs.filter((g) => g.kind === perf.NODE_PERFORMANCE_GC_MAJOR); // mark-compact
  process.send!({
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    gcCount: gcs.length,
    gcMs: gcs.reduce((a, g) => a + g.ms, 0),
    gcMaxMs: Math.max(0, ...gcs.map((g) => g.ms)),
    majorGcCount: major.length,
    majorGcMaxMs: Math.max(0, ...major.map((g) => g.ms)),
  });
  loopDelay.reset();
  gcs = [];
});

async function stop(): Promise<void> {
  // The load has stopped: requests still being answered finish before the store closes (a closed pool refuses them),
  // and connections left open after 2 s are cut.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), 2000);
  await closed;
  clearTimeout(cut);
  await repo.close();
  await pool.destroy();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
