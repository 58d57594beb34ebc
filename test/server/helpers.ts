// Test setup for the server: a temp DATA_DIR, a store seeded from rules/, an app from createApp and one token per role.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';
import type { EngineApi } from '../../server/engine.js';
import type { Role } from '../../server/store/repository.js';

export const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

export interface TestServer {
  app: ReturnType<typeof createApp>;
  repo: Awaited<ReturnType<typeof openLowdbRepository>>;
  dataDir: string;
  tokens: Record<Role, string>;
  auth(role: Role): { Authorization: string };
  snapshot(): Promise<string>;
  /** Errors that became 500s (bugs). */
  internalErrors: unknown[];
  cleanup(): Promise<void>;
}

/** A fresh app on a temp store; `clock` gives a fixed time unless told otherwise. */
export async function makeServer(engine: EngineApi, opts: { bodyLimit?: number | string; batchCellLimit?: number } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mc-server-'));
  const repo = await openLowdbRepository(dataDir);
  const clauses = await loadClauseIds(RULES_DIR);
  const clauseIds = (p: string) => clauses.get(p) ?? [];
  let tick = 0;
  const now = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
  const seeded = await seedStore(repo, engine, { rulesDir: RULES_DIR, clauseIds, now: now() });
  const tokens = { admin: seeded.adminToken! } as Record<Role, string>;
  await repo.transact((s) => {
    for (const role of ['viewer', 'analyst', 'editor'] as const) tokens[role] = addToken(s, `${role}-user`, role, 'test', now()).secret;
  });
  const internalErrors: unknown[] = [];
  const app = createApp({ repo, engine, clauseIds, now, logError: (e) => internalErrors.push(e), ...opts });
  return {
    app,
    repo,
    dataDir,
    tokens,
    internalErrors,
    auth: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    snapshot: () => repo.read((s) => JSON.stringify(s)),
    cleanup: async () => {
      await repo.close();
      await rm(dataDir, { recursive: true, force: true });
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
