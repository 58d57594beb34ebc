// Test setup for the server: a temp store (lowdb, or PostgreSQL with MC_TEST_STORE=postgres) seeded from rules/, an app from createApp and one token per role.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';
import type { EngineApi } from '../../server/engine.js';
import type { Repository, Role } from '../../server/store/repository.js';
import { openPgRepository } from '../../server/store/pgRepository.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { createComputePool, type ComputePool } from '../../server/compute/pool.js';
import type { AppDeps } from '../../server/services.js';
import * as realEngine from '../../engine/index.js';
import { passingFacts } from '../engine/fixtures.js';

let sharedPool: ComputePool | null = null;
/** One worker pool for the apps of a test file (its threads start on first use and stop when idle). */
export function testPool(): ComputePool {
  return (sharedPool ??= createComputePool({ threads: 2, idleTimeoutMs: 5_000 }));
}

export const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

export interface TestServer {
  app: ReturnType<typeof createApp>;
  repo: Repository;
  /** The store folder (db.json). */
  dataDir: string;
  /** The key of the store's audit chain. */
  auditKey: Buffer;
  tokens: Record<Role, string>;
  auth(role: Role): { Authorization: string };
  /** Every record of the store, as JSON: equal before and after a refused request. */
  snapshot(): Promise<string>;
  /** A cheap identity of the store's state that every committed write changes. */
  storeVersion(): Promise<string>;
  /** Errors that became 500s (bugs). */
  internalErrors: unknown[];
  /** What the app was built from (the store aside), for another app on the same store. */
  deps: Omit<AppDeps, 'repo'>;
  /** The database of a PostgreSQL store (null for lowdb). */
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

/**
 * A second app on the same store, as another server process has it: on PostgreSQL its own repository (connection
 * pool, in-memory caches) on the same database; on lowdb, whose store one process opens at a time, a second app
 * (its own services and caches) on the same repository. Close it before the first.
 */
export async function secondInstance(t: TestServer): Promise<{ app: ReturnType<typeof createApp>; repo: Repository; close(): Promise<void> }> {
  if (t.databaseUrl === null) return { app: createApp({ ...t.deps, repo: t.repo }), repo: t.repo, close: async () => undefined };
  const repo = await openPgRepository(t.databaseUrl, { auditKey: t.auditKey, ruleSetHash: t.deps.engine.ruleSetHash, poolSize: 4 });
  return { app: createApp({ ...t.deps, repo }), repo, close: () => repo.close() };
}

// With MC_TEST_STORE=postgres the API suites run on PostgreSQL: one throwaway cluster per test file, a database per server.
let cluster: Promise<TestPostgres> | null = null;
let inUse = 0;
async function testDatabase(): Promise<string> {
  inUse++;
  cluster ??= startTestPostgres();
  return (await cluster).createDatabase();
}
async function releaseTestDatabase(): Promise<void> {
  if (--inUse > 0 || !cluster) return;
  const c = cluster;
  cluster = null;
  await (await c).stop();
}

/** A fresh app on a temp store (lowdb; PostgreSQL with MC_TEST_STORE=postgres); `clock` gives a fixed time unless told otherwise. */
export async function makeServer(
  engine: EngineApi,
  opts: {
    samples?: boolean;
    /** Published versions of sfc-2017 to seed (default [1]). */ versions?: number[];
    /** The store (default PostgreSQL with MC_TEST_STORE=postgres, else lowdb). */ store?: 'lowdb' | 'postgres';
  } & Pick<AppDeps, 'bodyLimit' | 'batchCellLimit' | 'limits' | 'protection' | 'evaluateInPool' | 'checkResponses'> & { pool?: ComputePool | null } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mc-server-'));
  // Seed from a copy holding only sfc-2017@1 (or the versions asked for), so versions added to rules/ later do not shift the tests' version numbers.
  const rulesDir = path.join(dataDir, 'rules');
  await mkdir(path.join(rulesDir, 'sfc-2017'), { recursive: true });
  await cp(path.join(RULES_DIR, 'policy'), path.join(rulesDir, 'policy'), { recursive: true });
  await cp(path.join(RULES_DIR, 'samples'), path.join(rulesDir, 'samples'), { recursive: true });
  for (const f of (opts.versions ?? [1]).flatMap((v) => [`v${v}.json`, `v${v}.golden.json`])) await cp(path.join(RULES_DIR, 'sfc-2017', f), path.join(rulesDir, 'sfc-2017', f)).catch(() => undefined);
  const auditKey = randomBytes(32);
  const onPostgres = (opts.store ?? (process.env.MC_TEST_STORE === 'postgres' ? 'postgres' : 'lowdb')) === 'postgres';
  const databaseUrl = onPostgres ? await testDatabase() : null;
  const repo: Repository = databaseUrl
    ? await openPgRepository(databaseUrl, { auditKey, ruleSetHash: engine.ruleSetHash, poolSize: 4 })
    : await openLowdbRepository(path.join(dataDir, 'store'), { auditKey, ruleSetHash: engine.ruleSetHash });
  const clauses = await loadClauseIds(rulesDir);
  const clauseIds = (p: string) => clauses.get(p) ?? [];
  let tick = 0;
  const now = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
  const { samples, versions: _versions, store: _store, ...appOpts } = opts;
  // The pool's workers run the real engine: a stand-in engine computes on the event loop.
  const pool = opts.pool !== undefined ? opts.pool : engine === (realEngine as EngineApi) ? testPool() : null;
  // Tests send many requests from one token and fail sign-ins on purpose: the limits are tested on their own.
  const protection = opts.protection ?? { rateLimits: false as const, authFailures: false as const, securityLog: () => undefined };
  const seeded = await seedStore(repo, engine, { rulesDir, clauseIds, now: now(), samples: samples ?? false });
  const tokens = { admin: seeded.adminToken! } as Record<Role, string>;
  await repo.transact(async (tx) => {
    for (const role of ['viewer', 'analyst', 'editor'] as const) tokens[role] = (await addToken(tx, `${role}-user`, role, 'test', now())).secret;
  });
  const internalErrors: unknown[] = [];
  const deps = { engine, clauseIds, now, logError: (e: unknown) => internalErrors.push(e), checkResponses: true, ...appOpts, pool, protection };
  const app = createApp({ repo, ...deps });
  return {
    app,
    repo,
    deps,
    databaseUrl,
    dataDir: path.join(dataDir, 'store'),
    tokens,
    internalErrors,
    auth: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    auditKey,
    snapshot: async () => JSON.stringify(await repo.read((tx) => tx.dump())),
    // Every write appends to the audit log (PostgreSQL) or to the journal or snapshot files (lowdb).
    storeVersion: async () =>
      onPostgres
        ? JSON.stringify(await repo.read((tx) => tx.audit.head()))
        : readdirSync(path.join(dataDir, 'store'))
            .filter((f) => f === 'db.json' || f.startsWith('journal-'))
            .sort()
            .map((f) => {
              const st = statSync(path.join(dataDir, 'store', f), { bigint: true });
              return `${f}:${st.ino}/${st.mtimeNs}/${st.ctimeNs}/${st.size}`;
            })
            .join(' '),
    cleanup: async () => {
      await repo.close();
      await rm(dataDir, { recursive: true, force: true });
      if (onPostgres) await releaseTestDatabase();
    },
  };
}

/** A minimal dossier for a city. */
export function cityDossier(cityId: string, revenue: number, extra: Record<string, unknown> = {}) {
  return {
    dossierFormat: 1 as const,
    facts: { cityId, cityName: cityId, province: 'Testshire', period: 2019, applicationType: 'comprehensive', softwareRevenue: revenue, ...extra },
  };
}

/** A comprehensive city dossier complete for sfc-2017@1 (it passes with revenue 1450, previous 1250): the engine tests' passing city, renamed. */
export function fullDossier(cityId: string, softwareRevenue: number, softwareRevenuePrev: number, period = 2018) {
  return { dossierFormat: 1 as const, facts: { ...passingFacts(), cityId, cityName: cityId, period, softwareRevenue, softwareRevenuePrev } };
}
