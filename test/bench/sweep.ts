// Sweep benchmark: times the engine's sensitivity sweep (fast path) on 300 dossiers × 1,000 values, the figure the analyst's Sensitivity page promises.
//
// Usage: npm run bench:sweep [-- --dossiers 300 --values 1000 --runs 3 --seed 2017]
// The dossiers are the 16 samples copied with new city ids and revenue scaled by a seeded random factor (0.6–1.6), so cities
// flip at many different values. Two sweeps are timed: revenueThreshold (read only as the threshold of the control gate's
// comparison, so each dossier is evaluated once per stretch of values between the revenues compared with it, and a variant
// is compiled only for a value some dossier needs) and passMarkComprehensive (an outcome rule's minimum total: compared
// with each dossier's total, the same way); then the interpretation flips. "results/s" counts dossier × value cells,
// however many of them needed an evaluation.
// Last, the same sweeps through the API (POST /api/analysis/sweep on 127.0.0.1, the work split across the worker pool),
// with /api/health asked every 10 ms meanwhile: how long the event loop kept anyone waiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { AddressInfo } from 'node:net';
import * as engine from '../../engine/index.js';
import { compileRuleSet, flipInterpretations, sweepParameter, type Dossier } from '../../engine/index.js';
import { createApp } from '../../server/app.js';
import { createMemoryRepository } from '../../server/store/memoryRepository.js';
import { loadClauseIds, seedStore } from '../../server/seed.js';
import { addToken } from '../../server/auth.js';
import { createComputePool } from '../../server/compute/pool.js';
import { mulberry32 } from './dossiers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const program = new Command('bench:sweep')
  .option('--dossiers <n>', 'number of dossiers', '300')
  .option('--values <n>', 'number of parameter values', '1000')
  .option('--runs <n>', 'timed runs (the median is reported)', '3')
  .option('--seed <n>', 'PRNG seed', '2017')
  .option('--no-api', 'skip the sweeps through the API')
  .parse();
const N = Number(program.opts().dossiers);
const V = Number(program.opts().values);
const RUNS = Number(program.opts().runs);

const c = compileRuleSet(JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/sfc-2017/v1.json'), 'utf8')));
if (!c.ok) throw new Error('sfc-2017 v1 does not compile');
const compiled = c.compiled;
const samples: Dossier[] = fs
  .readdirSync(path.join(ROOT, 'rules/samples'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/samples', f), 'utf8')));
const rand = mulberry32(Number(program.opts().seed));
const dossiers: Dossier[] = Array.from({ length: N }, (_, i) => {
  const d = structuredClone(samples[i % samples.length]);
  const f = d.facts as Record<string, unknown>;
  const scale = 0.6 + rand();
  const rev = (x: unknown) => (typeof x === 'object' && x !== null ? { ...(x as object), value: Math.round((x as { value: number }).value * scale * 10) / 10 } : Math.round((x as number) * scale * 10) / 10);
  f.cityId = `${f.cityId}-${i}`;
  f.softwareRevenue = rev(f.softwareRevenue);
  if (f.softwareRevenuePrev !== undefined) f.softwareRevenuePrev = rev(f.softwareRevenuePrev);
  return d;
});
// Rounded to millionths as the Sensitivity page does: the fast path computes in millionths and falls back to decimals for finer values.
const values = (from: number, to: number) => Array.from({ length: V }, (_, i) => Math.round((from + ((to - from) * i) / (V - 1)) * 1e6) / 1e6);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(label: string, run: () => { flips: number; passedFirst: number; passedLast: number }) {
  const times: number[] = [];
  let info = run(); // warm-up
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    info = run();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  (${((N * V) / ms).toFixed(0)}k results/s; passing ${info.passedFirst} → ${info.passedLast}, ${info.flips} cities flip)`);
  return ms;
}

console.log(`sweep benchmark: ${N} dossiers × ${V} values, median of ${RUNS} runs; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
const sweep = (param: string, from: number, to: number) => () => {
  const out = sweepParameter(compiled, dossiers, param, values(from, to));
  if (!out.ok) throw new Error(JSON.stringify(out.issues.slice(0, 3)));
  return { flips: out.result.flips.length, passedFirst: out.result.points[0].passed, passedLast: out.result.points.at(-1)!.passed };
};
const a = time('revenueThreshold 500–2000 亿元 (one evaluation per stretch)', sweep('revenueThreshold', 500, 2000));
const b = time('passMarkComprehensive 80–120 分 (one evaluation per stretch)', sweep('passMarkComprehensive', 80, 120));
const t0 = performance.now();
const f = flipInterpretations(compiled, dossiers);
const flipMs = performance.now() - t0;
if (!f.ok) throw new Error('flips failed');
console.log(`${'interpretation flips (each selectable alternative)'.padEnd(46)} ${flipMs.toFixed(0).padStart(6)} ms  (${f.flips.length} alternatives × ${N} dossiers)`);
console.log(`figure: ${N} dossiers × ${V} values in ${(Math.max(a, b) / 1000).toFixed(2)} s at most`);

if (program.opts().api) {
  // The API: a memory store seeded with sfc-2017@1 and the same dossiers, the app's worker pool, a real socket.
  const rulesDir = path.join(ROOT, 'rules');
  const repo = createMemoryRepository({ ruleSetHash: engine.ruleSetHash });
  const clauses = await loadClauseIds(rulesDir);
  const clauseIds = (p: string) => clauses.get(p) ?? [];
  await seedStore(repo, engine, { rulesDir, clauseIds, now: new Date().toISOString(), samples: false });
  const token = await repo.transact(async (tx) => {
    for (const [i, d] of dossiers.entries()) {
      const f = d.facts as Record<string, unknown>;
      const index = { cityName: String(f.cityName), province: String(f.province), period: Number(f.period), type: String(f.applicationType) };
      await tx.dossiers.addRevision(`d${i}`, null, { revision: 1, hash: engine.dossierHash(d), at: new Date().toISOString(), by: 'bench', dossier: d }, index);
    }
    return (await addToken(tx, 'bench', 'analyst', 'bench', new Date().toISOString())).secret;
  });
  const pool = createComputePool();
  const app = createApp({ repo, engine, clauseIds, pool, protection: { rateLimits: false, authFailures: false } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids = dossiers.map((_, i) => `d${i}`);
  const apiSweep = async (param: string, from: number, to: number, steps = V) => {
    const res = await fetch(`${base}/api/analysis/sweep`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ruleSet: 'sfc-2017@1', dossierIds: ids, parameter: param, from, to, steps }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
    return text.length;
  };
  await apiSweep('revenueThreshold', 500, 2000, 50); // starts the workers and compiles the rule set in each
  console.log(`through the API (POST /api/analysis/sweep, ${pool.threads} worker threads; /api/health every 10 ms meanwhile):`);
  for (const [label, param, from, to] of [
    ['revenueThreshold 500–2000 亿元', 'revenueThreshold', 500, 2000],
    ['passMarkComprehensive 80–120 分', 'passMarkComprehensive', 80, 120],
  ] as const) {
    const times: number[] = [];
    const health: number[] = [];
    let bytes = 0;
    for (let r = 0; r < RUNS; r++) {
      let running = true;
      const pings = (async () => {
        while (running) {
          const t = performance.now();
          await fetch(`${base}/api/health`).then((x) => x.arrayBuffer());
          health.push(performance.now() - t);
          await new Promise((res) => setTimeout(res, 10));
        }
      })();
      const t0 = performance.now();
      bytes = await apiSweep(param, from, to);
      times.push(performance.now() - t0);
      running = false;
      await pings;
    }
    health.sort((a, b) => a - b);
    const p99 = health[Math.min(health.length - 1, Math.floor(health.length * 0.99))];
    console.log(`${('  ' + label).padEnd(46)} ${median(times).toFixed(0).padStart(6)} ms  (${(bytes / 1e6).toFixed(1)} MB answer; health during it: ${health.length} answers, p50 ${health[health.length >> 1].toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${health.at(-1)!.toFixed(1)} ms)`);
  }
  server.close();
  await pool.destroy();
}
