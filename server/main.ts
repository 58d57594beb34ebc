// Starts the server: opens the store in DATA_DIR, seeds it from rules/, prints the first admin token once, listens on PORT.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as engine from '../engine/index.js';
import { createApp } from './app.js';
import { openLowdbRepository } from './store/lowdbRepository.js';
import { loadClauseIds, seedStore } from './seed.js';
import { loadClauseTexts } from './clauses.js';
import type { EngineApi } from './engine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8080);
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
const rulesDir = path.resolve(process.env.RULES_DIR ?? path.join(root, 'rules'));
const editorDist = path.join(root, 'editor', 'dist');

const repo = await openLowdbRepository(dataDir).catch((err: Error) => {
  console.error(`Cannot open the store in ${dataDir}: ${err.message}\nMove the folder away (or set DATA_DIR) to start with a fresh store.`);
  process.exit(1);
});
const clauses = await loadClauseIds(rulesDir);
const clauseIds = (policy: string) => clauses.get(policy) ?? [];
const clauseTexts = await loadClauseTexts(rulesDir);
const eng: EngineApi = engine;
const seeded = await seedStore(repo, eng, { rulesDir, clauseIds, now: new Date().toISOString() });
for (const w of seeded.warnings) console.warn(`seed: ${w}`);
if (seeded.imported.length) console.log(`seed: published versions imported: ${seeded.imported.join(', ')}`);
if (seeded.samples.length) console.log(`seed: sample dossiers: ${seeded.samples.join(', ')}`);

const app = createApp({ repo, engine: eng, clauseIds, clauses: (policy) => clauseTexts.get(policy) ?? null, editorDist });
const server = app.listen(port, () => {
  const url = `http://localhost:${port}`;
  console.log(`Mingcheng server on ${url} (store ${dataDir}); API reference ${url}/api/docs`);
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
        '',
      ].join('\n'),
    );
  }
});

server.on('error', (err: Error) => {
  console.error(`Cannot listen on port ${port}: ${err.message}\nSet PORT to use another port.`);
  process.exit(1);
});

/** Stops taking requests, lets the pending write finish, then exits. */
function shutdown(): void {
  server.close(() => void repo.close().then(() => process.exit(0)));
  server.closeIdleConnections();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
