// Storage safety: kill the real server process (SIGKILL) during a stream of writes; the store must still load and hold every acknowledged write.
import { afterAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { loadAuditKey } from '../../server/store/auditKey.js';
import { cityDossier } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const children: ChildProcess[] = [];
const killHard = (c: ChildProcess) => {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
};
afterAll(async () => {
  for (const c of children) killHard(c);
  for (const d of dirs) {
    await rm(d, { recursive: true, force: true });
    await rm(`${d}.audit-key`, { force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function withoutHost(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { HOST: _host, ...rest } = env;
  return rest;
}

/** Starts `tsx server/main.ts`; resolves when it listens, with the printed admin token (first start only). */
async function start(dataDir: string): Promise<{ child: ChildProcess; port: number; token: string | null; out: string }> {
  const keyFile = `${dataDir}.audit-key`;
  const port = await freePort();
  // One process (node with tsx as a loader, not the tsx wrapper that forks a child), in its own group, so SIGKILL reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    // The test writes as fast as it can from one token: per-token rate limits would answer 429.
    // HOST unset: the server's default address is part of what is tested.
    env: { ...withoutHost(process.env), PORT: String(port), DATA_DIR: dataDir, AUDIT_KEY_FILE: keyFile, RATE_LIMIT_WRITE: 'off', RATE_LIMIT_HEAVY: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (b) => {
      out += b;
      if (out.includes('Mingcheng server on') && (out.includes('mc_') || !out.includes('First start'))) {
        // The token lines follow the listening line in the same write; give them a moment.
        setTimeout(() => {
          clearTimeout(timer);
          resolve();
        }, 50);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  const token = /^\s+(mc_\S+)$/m.exec(out)?.[1] ?? null;
  return { child, port, token, out };
}

it('keeps every acknowledged write when the process is killed mid-stream', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mc-crash-'));
  dirs.push(dataDir);
  const acknowledged: string[] = [];
  let token: string | null = null;
  for (let round = 0; round < 2; round++) {
    const server = await start(dataDir);
    token ??= server.token;
    expect(token).toMatch(/^mc_/);
    const exited = new Promise((r) => server.child.on('exit', r));
    let n = 0;
    let killed = false;
    const worker = async (w: number) => {
      while (!killed) {
        const id = `r${round}w${w}n${n++}`;
        try {
          const res = await fetch(`http://127.0.0.1:${server.port}/api/dossiers`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ id, dossier: cityDossier(id, n) }),
          });
          if (res.status === 201) acknowledged.push(id);
          else if (!killed) throw new Error(`unexpected ${res.status}`);
        } catch (e) {
          if (!killed) throw e;
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    const target = acknowledged.length + 40;
    while (acknowledged.length < target) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    killHard(server.child);
    await exited;
    await Promise.all(workers);

    const repo = await openLowdbRepository(dataDir, { auditKey: (await loadAuditKey(`${dataDir}.audit-key`)).key });
    const ids = new Set(await repo.read(async (tx) => (await tx.dossiers.list()).map((d) => d.id)));
    for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
    expect((await repo.read((tx) => tx.audit.head()))!.seq).toBeGreaterThan(acknowledged.length);
    // Each kill leaves a store whose chain still verifies: nothing half-written is acknowledged or kept.
    expect(await repo.integrity()).toMatchObject({ writable: true, problems: [] });
    await repo.close();
  }
  // A third start on the same store serves it.
  const server = await start(dataDir);
  const res = await fetch(`http://127.0.0.1:${server.port}/api/dossiers`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const listed = new Set(((await res.json()) as { id: string }[]).map((d) => d.id));
  for (const id of acknowledged) expect(listed.has(id)).toBe(true);
  // Without HOST it listens on loopback only: it says so, and this machine's other addresses refuse the connection.
  expect(server.out).toContain(`Mingcheng server on http://127.0.0.1:${server.port}`);
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (outside) await expect(fetch(`http://${outside}:${server.port}/api/health`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  killHard(server.child);
  console.log(`crash test: ${acknowledged.length} acknowledged writes across 2 SIGKILLs, all present after restart`);
}, 120_000);
