// The server that `npm run bench:api` loads: a temp store seeded from rules/ (samples included), an analyst token and a draft, listening on 127.0.0.1 only; prints one JSON line and serves until SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as engine from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const rulesDir = path.join(ROOT, 'rules');
const dir = await mkdtemp(path.join(tmpdir(), 'mc-bench-api-'));
const repo = await openLowdbRepository(path.join(dir, 'store'), { auditKey: randomBytes(32), ruleSetHash: engine.ruleSetHash });
const clauses = await loadClauseIds(rulesDir);
const clauseIds = (p: string) => clauses.get(p) ?? [];
const now = () => new Date().toISOString();
const seeded = await seedStore(repo, engine, { rulesDir, clauseIds, now: now() });
const tokens = await repo.transact(async (tx) => ({
  analyst: (await addToken(tx, 'bench-analyst', 'analyst', 'bench', now())).secret,
  editor: (await addToken(tx, 'bench-editor', 'editor', 'bench', now())).secret,
}));
const app = createApp({ repo, engine, clauseIds, now, logError: (e) => console.error(e) });
const server = app.listen(0, '127.0.0.1', async () => {
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const draft = await fetch(`${base}/api/drafts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.editor}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'sfc-2017@1' }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  console.log(JSON.stringify({ port, token: tokens.analyst, dossierId: seeded.samples[0], draftId: draft.id, store: 'lowdb' }));
});

async function stop(): Promise<void> {
  server.close();
  server.closeAllConnections();
  await repo.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
