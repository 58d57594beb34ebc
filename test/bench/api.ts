// API load benchmark: POST evaluate (stored decision record), the same evaluation as a draft preview (nothing stored),
// previews of distinct inline dossiers (no two alike, so no recent evaluation answers them), the stateless decision
// (POST /api/evaluate view=decision) of the stored dossier and of distinct inline ones, and a GET, each with autocannon
// on loopback.
//
// Usage: npm run bench:api [-- --duration 30 --connections 10 --store lowdb|postgres --evaluate-in-pool --rate <n> --cpu-prof <dir> --only evaluate,preview,distinct,decide,decide-distinct,get]
// The server runs in a child process (test/bench/apiServer.ts) on 127.0.0.1 with a fresh temp store, so the load
// generator does not share its event loop; each run is bounded by --duration and stops by itself. Beside req/s and
// latency each scenario prints CPU per request (the server's, PostgreSQL's processes', the load generator's) and what
// the server's event loop saw: its delay, and its garbage collections.
// Target on a 2-core machine: evaluate ≥ 1,000 req/s with p99 ≤ 20 ms and no errors.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import autocannon from 'autocannon';

const ROOT = path.resolve(import.meta.dirname, '../..');
const program = new Command('bench:api')
  .option('--duration <s>', 'seconds per scenario', '30')
  .option('--connections <n>', 'concurrent connections', '10')
  .option('--only <names>', 'comma-separated scenario names (evaluate, preview, distinct, decide, decide-distinct, get)')
  .option('--store <kind>', 'lowdb or postgres (a throwaway cluster from this machine\'s PostgreSQL binaries)', 'lowdb')
  .option('--evaluate-in-pool', 'explained evaluations in the worker pool instead of on the event loop')
  .option('--rate <n>', 'requests per second in all (autocannon overallRate): the per-request server CPU of a server that is not saturated')
  .option('--cpu-prof <dir>', "write the server's CPU profile (node --cpu-prof) into this folder when it stops")
  .parse();
const DURATION = Number(program.opts().duration);
const CONNECTIONS = Number(program.opts().connections);
const ONLY = program.opts().only ? String(program.opts().only).split(',') : null;
const RATE = program.opts().rate ? { overallRate: Number(program.opts().rate) } : {};

const profile = program.opts().cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(String(program.opts().cpuProf))] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, 'test/bench/apiServer.ts')], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_STORE: program.opts().store, BENCH_EVALUATE_IN_POOL: program.opts().evaluateInPool ? '1' : '0' },
});
const info = await new Promise<{ port: number; token: string; dossierId: string; draftId: string; store: string; evaluateInPool: boolean }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
});

const url = `http://127.0.0.1:${info.port}`;
const headers = { Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json' };
// Distinct dossiers: the sample with another revenue each (a tenth of 亿元 apart), so every request is a new evaluation.
const sample = ((await (await fetch(`${url}/api/dossiers/${info.dossierId}`, { headers })).json()) as { dossier: { facts: Record<string, unknown> } }).dossier;
const revenueOf = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'object' && v !== null && typeof (v as { value?: unknown }).value === 'number' ? (v as { value: number }).value : 1000);
const baseRevenue = revenueOf(sample.facts.softwareRevenue);
let distinct = 0;
const distinctDossier = () => ({ ...sample, facts: { ...sample.facts, softwareRevenue: Math.round((baseRevenue + 0.1 * ++distinct) * 10) / 10 } });
const distinctBody = () => JSON.stringify({ dossier: distinctDossier() });
const distinctDecideBody = () => JSON.stringify({ ruleSet: 'sfc-2017@1', dossier: distinctDossier() });
const scenarios = [
  { name: 'evaluate', title: 'POST /api/evaluations (stored record)', method: 'POST' as const, path: '/api/evaluations', body: JSON.stringify({ ruleSet: 'sfc-2017@1', dossierId: info.dossierId }) },
  { name: 'preview', title: 'POST /api/drafts/:id/evaluate (nothing stored)', method: 'POST' as const, path: `/api/drafts/${info.draftId}/evaluate`, body: JSON.stringify({ dossierId: info.dossierId }) },
  { name: 'distinct', title: 'POST /api/drafts/:id/evaluate (distinct inline)', method: 'POST' as const, path: `/api/drafts/${info.draftId}/evaluate`, body: undefined, vary: distinctBody },
  { name: 'decide', title: 'POST /api/evaluate view=decision (stored)', method: 'POST' as const, path: '/api/evaluate', body: JSON.stringify({ ruleSet: 'sfc-2017@1', dossierId: info.dossierId, view: 'decision' }) },
  { name: 'decide-distinct', title: 'POST /api/evaluate view=decision (distinct)', method: 'POST' as const, path: '/api/evaluate', body: undefined, vary: distinctDecideBody },
  { name: 'get', title: 'GET /api/dossiers/:id', method: 'GET' as const, path: `/api/dossiers/${info.dossierId}`, body: undefined },
].filter((s) => !ONLY || ONLY.includes(s.name));

console.log(`bench:api: ${CONNECTIONS} connections × ${DURATION} s per scenario, store ${info.store}, explained evaluations ${info.evaluateInPool ? 'in the worker pool' : 'on the event loop'}, no rate limits; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
// The server's own CPU time (all its threads, the worker pool's included; not PostgreSQL's processes), from /proc: a
// per-request cost that a machine loaded by other work changes less than it changes req/s.
const serverCpuMs = (): number | null => {
  try {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
};
// PostgreSQL's own processes (the bench's throwaway cluster is the only one on a bench machine), and the load generator's.
const postgresCpuMs = (): number | null => {
  if (info.store !== 'postgres') return null;
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.split(') ')[1].split(' ');
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ms;
};
type ServerStats = { loopDelayP99Ms: number; loopDelayMaxMs: number; gcCount: number; gcMs: number; gcMaxMs: number; majorGcCount: number; majorGcMaxMs: number };
/** The server's event-loop delay and garbage collections since the last ask (test/bench/apiServer.ts answers over IPC). */
const serverStats = () =>
  new Promise<ServerStats>((resolve) => {
    child.once('message', (m) => resolve(m as ServerStats));
    child.send('stats');
  });
const rows: { name: string; rps: number; p50: number; p99: number; errors: number }[] = [];
try {
  for (const s of scenarios) {
    // A short warm-up so the JIT and the caches are in the state a running server is in.
    const vary = 'vary' in s ? s.vary : undefined;
    const varied = vary ? { requests: [{ method: s.method, path: s.path, setupRequest: (req: autocannon.Request) => ({ ...req, body: vary() }) }] } : {};
    await autocannon({ url: url + s.path, method: s.method, headers, body: s.body, connections: CONNECTIONS, duration: 2, ...varied });
    await serverStats();
    const cpu0 = serverCpuMs();
    const pg0 = postgresCpuMs();
    const own0 = process.cpuUsage();
    const r = await autocannon({ url: url + s.path, method: s.method, headers, body: s.body, connections: CONNECTIONS, duration: DURATION, ...RATE, ...varied });
    const cpu1 = serverCpuMs();
    const pg1 = postgresCpuMs();
    const own = process.cpuUsage(own0);
    const perRequest = (ms: number) => (r.requests.total > 0 ? ((ms * 1000) / r.requests.total).toFixed(0) : '?');
    const cpuPerRequest =
      (cpu0 !== null && cpu1 !== null ? `, server CPU ${perRequest(cpu1 - cpu0)} µs/request` : '') +
      (pg0 !== null && pg1 !== null ? `, PostgreSQL ${perRequest(pg1 - pg0)}` : '') +
      `, load generator ${perRequest((own.user + own.system) / 1000)}`;
    const st = await serverStats();
    const loop = `; server: event-loop delay p99 ${st.loopDelayP99Ms.toFixed(1)} ms, max ${st.loopDelayMaxMs.toFixed(1)} ms; ${st.gcCount} collections, ${st.gcMs.toFixed(0)} ms in all, longest ${st.gcMaxMs.toFixed(1)} ms (${st.majorGcCount} full, longest ${st.majorGcMaxMs.toFixed(1)} ms)`;
    const errors = r.errors + r.timeouts + r.non2xx;
    rows.push({ name: s.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors });
    console.log(
      `${s.title.padEnd(50)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  ` +
        `${r.requests.total} requests, ${errors} errors (${r.errors} socket, ${r.timeouts} timeouts, ${r.non2xx} non-2xx)${cpuPerRequest}${loop}`,
    );
  }
} finally {
  // The server stops by itself on SIGTERM (and writes its CPU profile then); waiting for it keeps the figures below last.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
// The target is checked for each evaluate scenario: the stateless decision (decide, decide-distinct) is the one it is for.
for (const ev of rows.filter((r) => r.name !== 'get'))
  console.log(`target ${ev.name}: ≥ 1000 req/s, p99 ≤ 20 ms, 0 errors: ${ev.rps >= 1000 && ev.p99 <= 20 && ev.errors === 0 ? 'met' : 'not met'} (${ev.rps.toFixed(0)} req/s, p99 ${ev.p99} ms, ${ev.errors} errors)`);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
