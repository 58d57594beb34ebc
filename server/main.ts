// Starts the server: opens the store (DATA_DIR, or DATABASE_URL), seeds it from rules/, prints the first admin token once, listens on HOST:PORT (127.0.0.1 unless HOST says otherwise).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as engine from '../engine/index.js';
import { createApp } from './app.js';
import { describeStore, openStore, storeConfig } from './store/open.js';
import { loadClauseIds, seedStore } from './seed.js';
import { loadClauseTexts, loadParameterNotes } from './clauses.js';
import type { EngineApi } from './engine.js';
import { createComputePool } from './compute/pool.js';
import type { ProtectionOptions } from './api/protection.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8080);
const config = storeConfig();
// Loopback unless told otherwise: reaching the server from other machines is a decision (HOST=0.0.0.0), not a default.
const host = process.env.HOST ?? '127.0.0.1';
const rulesDir = path.resolve(process.env.RULES_DIR ?? path.join(root, 'rules'));
const editorDist = path.join(root, 'editor', 'dist');

const { repo, keyCreated } = await openStore(config, {
  onStartup: (info) => {
    if (info.migratedFrom !== null) console.log(`store: migrated from format ${info.migratedFrom} to format 2 (the old state file is kept as db.format1.json)`);
    if (info.droppedTornCommit) console.log('store: dropped the last commit of the journal, cut short by a crash before it was acknowledged');
    if (info.removedTemp || info.removedOrphanBlobs) console.log(`store: removed ${info.removedTemp} temporary file(s) and ${info.removedOrphanBlobs} unreferenced blob(s) left by an interrupted write`);
  },
}).catch((err: Error) => {
  console.error(`Cannot open the store (${describeStore(config)}): ${err.message}`);
  process.exit(1);
});
if (keyCreated) console.log(`store: created the audit key ${config.auditKeyFile} (mode 0600); keep it outside the data folder and back it up: without it the audit chain cannot be verified`);
const integrity = await repo.integrity();
if (!integrity.writable) {
  console.error(`store: INTEGRITY CHECK FAILED, the store is read-only until it is restored:`);
  for (const p of integrity.problems) console.error(`  ${p.code}: ${p.message}`);
} else for (const p of integrity.problems) console.warn(`store: ${p.code}: ${p.message}`);
const clauses = await loadClauseIds(rulesDir);
const clauseIds = (policy: string) => clauses.get(policy) ?? [];
const clauseTexts = await loadClauseTexts(rulesDir);
const parameterNotes = await loadParameterNotes(rulesDir);
const eng: EngineApi = engine;
const seeded = await seedStore(repo, eng, { rulesDir, clauseIds, now: new Date().toISOString() }).catch((err: Error) => {
  console.error(`seed: not applied: ${err.message}`);
  return { adminToken: null, imported: [], samples: [], warnings: [] };
});
for (const w of seeded.warnings) console.warn(`seed: ${w}`);
if (seeded.imported.length) console.log(`seed: published versions imported: ${seeded.imported.join(', ')}`);
if (seeded.samples.length) console.log(`seed: sample dossiers: ${seeded.samples.join(', ')}`);

/** A per-minute count from the environment; 0 or "off" turns that limit off. */
function perMinute(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  if (v === 'off' || v === '0') return Number.MAX_SAFE_INTEGER;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number of requests per minute, or off`);
    process.exit(1);
  }
  return n;
}
const protection: ProtectionOptions = {
  rateLimits: { heavy: perMinute('RATE_LIMIT_HEAVY'), write: perMinute('RATE_LIMIT_WRITE'), evaluate: perMinute('RATE_LIMIT_EVALUATE') },
  authFailures: { max: perMinute('AUTH_FAILURE_LIMIT') },
  accessLog: process.env.ACCESS_LOG === '1' || process.env.ACCESS_LOG === 'true' ? (line) => console.log(line) : null,
};
const pool = createComputePool({ threads: process.env.WORKERS ? Number(process.env.WORKERS) : undefined });
const app = createApp({ repo, engine: eng, clauseIds, clauses: (policy) => clauseTexts.get(policy) ?? null, parameterNotes: (policy) => parameterNotes.get(policy) ?? null, editorDist, pool, protection });
const server = app.listen(port, host, () => {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  console.log(`Mingcheng server on ${url} (store ${describeStore(config)}); API reference ${url}/api/docs`);
  if (existsSync(path.join(editorDist, 'index.html'))) console.log(`Rule editor 规则编辑器: open ${url} in a browser and sign in with a token.`);
  if (seeded.adminToken) {
    console.log(
      [
        '',
        'First start: an admin token was created. It is shown only now; keep it:',
        '',
        `  ${seeded.adminToken}`,
        '',
        'Create tokens for others (roles: viewer, analyst, editor, admin):',
        `  curl -s -X POST ${url}/api/tokens -H "Authorization: Bearer <admin token>" -H "Content-Type: application/json" -d '{"name":"alice","role":"editor"}'`,
        'Lost every admin token? Stop the server and run `npm run admin:token` on this machine.',
        '',
      ].join('\n'),
    );
  }
});

server.on('error', (err: Error) => {
  console.error(`Cannot listen on ${host}:${port}: ${err.message}\nSet PORT (and HOST) to use another address.`);
  process.exit(1);
});

/** Stops taking requests, lets the pending write finish, then exits. */
function shutdown(): void {
  server.close(() => void Promise.all([repo.close(), pool.destroy()]).then(() => process.exit(0)));
  server.closeIdleConnections();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
