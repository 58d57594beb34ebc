// Benchmark and cross-check of the evaluation paths on seeded random dossiers: fast vs explained vs json-rules-engine used directly.
//
// Usage: npm run bench [-- --count 10000 --seed 2017]
//   1. Generates <count> dossiers valid under sfc-2017 v1 (mulberry32 PRNG, fixed seed; ~5% of optional facts left out,
//      some values exactly on thresholds and step edges).
//   2. Checks, for every dossier, that the fast path and the explained path agree on status, title and total, and that
//      json-rules-engine run directly agrees with the compiled closure of every condition whose facts are all present;
//      exits 1 with the first disagreement.
//   3. Times evaluations per second: fast path on prepared dossiers, fast path with validation, explained path,
//      and json-rules-engine direct (one Engine, `run` per dossier, conditions only, on precomputed fact maps).
// Not a test: run it by hand or in CI when performance matters; it takes about a minute.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { compileRuleSet, type CompiledRuleSet, type PreparedDossier } from '../../engine/index.js';
import { generate, mulberry32 } from './dossiers.js';
import { prepareValues } from '../../engine/core/run.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const program = new Command('bench').option('--count <n>', 'number of dossiers', '10000').option('--seed <n>', 'PRNG seed', '2017').parse();
const COUNT = Number(program.opts().count);
const SEED = Number(program.opts().seed);

function fail(what: string, detail: unknown): never {
  console.error(`DISAGREEMENT: ${what}\n${JSON.stringify(detail, null, 2)}`);
  process.exit(1);
}

/** Runs `body` over `items` in as many whole passes as fit in about `budgetMs` (at least one); evaluations per second. */
async function timeIt<T>(items: T[], body: (x: T) => unknown | Promise<unknown>, budgetMs: number, isAsync: boolean): Promise<{ n: number; ms: number }> {
  let n = 0;
  const t0 = performance.now();
  let ms = 0;
  do {
    if (isAsync) for (const x of items) await body(x);
    else for (const x of items) body(x);
    n += items.length;
    ms = performance.now() - t0;
  } while (ms < budgetMs);
  return { n, ms };
}

async function main() {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/sfc-2017/v1.json'), 'utf8'));
  const clauseIds = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/policy/miit-sfc-2017/clauses.json'), 'utf8')).map((c: { id: string }) => c.id);
  const c = compileRuleSet(doc, { clauseIds });
  if (!c.ok) fail('the rule set does not compile', c.issues);
  const compiled: CompiledRuleSet = c.compiled;
  const core = compiled.core;

  // Dossiers, all valid.
  const rng = mulberry32(SEED);
  const dossiers = Array.from({ length: COUNT }, (_, i) => generate(compiled.ruleSet, rng, i));
  const prepared: PreparedDossier[] = dossiers.map((d, i) => {
    const p = compiled.checkDossier(d);
    if (!p.ok) fail(`generated dossier ${i} is not valid`, { issues: p.issues, dossier: d });
    return p.dossier;
  });

  // (a) Agreement: fast vs explained, and json-rules-engine direct vs the compiled closures.
  const engine = core.jre();
  const factMaps: Record<string, unknown>[] = [];
  const stageFailures = new Map<string, number>();
  const counts = { passed: 0, failed: 0, undecided: 0, conditionsCompared: 0, conditionsSkipped: 0 };
  for (let i = 0; i < COUNT; i++) {
    const fast = compiled.evaluateFast(prepared[i]);
    const full = await compiled.evaluate(dossiers[i]);
    if (!full.ok) fail(`dossier ${i}: the explained path refused a dossier checkDossier accepted`, full.issues);
    const o = full.evaluation.outcome;
    const fastTitle = fast.status === 'passed' ? fast.title : null;
    if (fast.status !== o.status || fastTitle !== (o.title?.id ?? null) || fast.total !== o.total.value)
      fail(`dossier ${i}: fast and explained paths differ`, { fast: { status: fast.status, title: fast.title, total: fast.total }, explained: { status: o.status, title: o.title?.id ?? null, total: o.total.value }, dossier: dossiers[i] });
    counts[fast.status]++;
    for (const [sid, st] of Object.entries(fast.stages)) if (st === 'failed') stageFailures.set(sid, (stageFailures.get(sid) ?? 0) + 1);

    const values = prepareValues(core, prepared[i]).values;
    const facts: Record<string, unknown> = {};
    for (const id of core.factIds) facts[id] = values[id] === undefined ? null : values[id];
    factMaps.push(facts);
    const out = await engine.run(facts);
    const jre = new Map<string, boolean>();
    for (const r of [...out.results, ...out.failureResults]) jre.set(r.name as string, r.result);
    for (const [key, cond] of core.conditions) {
      if (!cond.facts.every((f) => values[f] !== undefined)) {
        counts.conditionsSkipped++;
        continue;
      }
      counts.conditionsCompared++;
      const closure = cond.fast(values);
      if (closure !== jre.get(key))
        fail(`dossier ${i}, condition ${key}: closure says ${closure}, json-rules-engine says ${jre.get(key)}`, { condition: cond.jre, facts: Object.fromEntries(cond.facts.map((f) => [f, values[f]])) });
    }
  }
  console.log(`Agreement: ${COUNT} dossiers (seed ${SEED}): fast = explained on status, title and total; ` + `json-rules-engine = closures on ${counts.conditionsCompared} condition results (${counts.conditionsSkipped} skipped: a fact missing).`);
  console.log(`Outcomes: ${counts.passed} passed, ${counts.failed} failed, ${counts.undecided} undecided; stages failed: ${[...stageFailures].map(([k, n]) => `${k} ${n}`).join(', ')}.\n`);

  // (b) Throughput. Warm up every path first so the JIT has settled.
  const warm = Math.min(1000, COUNT);
  for (let i = 0; i < warm; i++) {
    compiled.evaluateFast(prepared[i]);
    const p = compiled.checkDossier(dossiers[i]);
    if (p.ok) compiled.evaluateFast(p.dossier);
    await compiled.evaluate(dossiers[i]);
    await engine.run(factMaps[i]);
  }
  const rows: { name: string; n: number; ms: number }[] = [];
  rows.push({ name: 'fast path (prepared dossiers, derived values cached)', ...(await timeIt(prepared, (p) => compiled.evaluateFast(p), 2000, false)) });
  rows.push({
    name: 'fast path + validation (checkDossier + evaluateFast)',
    ...(await timeIt(
      dossiers,
      (d) => {
        const p = compiled.checkDossier(d);
        if (p.ok) compiled.evaluateFast(p.dossier);
      },
      2000,
      false,
    )),
  });
  rows.push({ name: 'explained path (evaluate)', ...(await timeIt(dossiers, (d) => compiled.evaluate(d), 0, true)) });
  rows.push({ name: 'json-rules-engine direct (one Engine, run per dossier)', ...(await timeIt(factMaps, (f) => engine.run(f), 0, true)) });

  const rate = (r: { n: number; ms: number }) => (r.n / r.ms) * 1000;
  const w = Math.max(...rows.map((r) => r.name.length));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`${'path'.padEnd(w)}  ${'evaluations'.padStart(11)}  ${'seconds'.padStart(8)}  ${'evals/s'.padStart(10)}  ${'µs/eval'.padStart(8)}`);
  console.log(`${'─'.repeat(w)}  ${'─'.repeat(11)}  ${'─'.repeat(8)}  ${'─'.repeat(10)}  ${'─'.repeat(8)}`);
  for (const r of rows)
    console.log(`${r.name.padEnd(w)}  ${fmt(r.n).padStart(11)}  ${(r.ms / 1000).toFixed(2).padStart(8)}  ${fmt(rate(r)).padStart(10)}  ${((r.ms * 1000) / r.n).toFixed(1).padStart(8)}`);
  const ratio = rate(rows[0]) / rate(rows[3]);
  console.log(`\nfast / json-rules-engine direct: ${ratio.toFixed(1)}× (target ≥ 30×)${ratio >= 30 ? '' : '  BELOW TARGET'}`);
  console.log(`fast / explained: ${(rate(rows[0]) / rate(rows[2])).toFixed(1)}×`);
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}; node ${process.version}`);
}

await main();
