// Benchmark and cross-check of the evaluation paths on seeded random dossiers: validation (zod and compiled), the fast
// path, the explained path and json-rules-engine used directly, side by side in one run.
//
// Usage: npm run bench [-- --count 10000 --seed 2017 --version 2]
//   1. Generates <count> dossiers valid under sfc-2017 v<version> (mulberry32 PRNG, fixed seed; ~5% of optional facts
//      left out, some values exactly on thresholds and step edges; consistent with the version's dossier checks).
//   2. Checks, for every dossier, that validation with the compiled accept path gives what zod's parse gives (key order aside), that the
//      fast path and the explained path agree on status, title and total, and that json-rules-engine run directly
//      agrees with the compiled closure of every condition whose facts are all present; exits 1 with the first
//      disagreement.
//   3. Times each path in rounds, interleaved (the best round of each counts, so a burst of load elsewhere on the
//      machine spoils one round, not the comparison), in CPU time of this process and in wall time; the ratios are
//      of CPU time. json-rules-engine direct: one Engine, one rule per condition, `run` per dossier, conditions only, on
//      precomputed fact maps. The explained path runs json-rules-engine on the same conditions under one rule (a tree
//      several items share given once), with constant facts (conditions.ts: decideLeaves); its row shows that run
//      alone, so the explanation's own share is the difference.
// Not a test: run it by hand or in CI when performance matters; it takes one to three minutes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { compileRuleSet, type CompiledRuleSet, type PreparedDossier } from '../../engine/index.js';
import { prepareDossier } from '../../engine/core/dossier.js';
import { generate, mulberry32 } from './dossiers.js';
import { prepareValues } from '../../engine/core/run.js';
import { canonicalJson } from '../../engine/core/hash.js';
import { decideLeaves, leafResultsOf } from '../../engine/core/conditions.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const program = new Command('bench')
  .option('--count <n>', 'number of dossiers', '10000')
  .option('--seed <n>', 'PRNG seed', '2017')
  .option('--version <n>', 'sfc-2017 version', '2')
  .option('--rounds <n>', 'timing rounds per path', '3')
  .option('--only <keys>', 'comma-separated rows to time (zod, compiled, check, fast, fastAll, explained, explainedAll, jre, decide; the ratios need theirs)')
  .parse();
const COUNT = Number(program.opts().count);
const SEED = Number(program.opts().seed);
const VERSION = Number(program.opts().version);
const ROUNDS = Number(program.opts().rounds);
const ONLY: string[] | null = program.opts().only ? String(program.opts().only).split(',') : null;

function fail(what: string, detail: unknown): never {
  console.error(`DISAGREEMENT: ${what}\n${JSON.stringify(detail, null, 2)}`);
  process.exit(1);
}

/** One timing round: `body` over `items` in whole passes until about `budgetMs` have passed (at least one pass). */
async function round<T>(items: T[], body: (x: T) => unknown, budgetMs: number, isAsync: boolean): Promise<{ n: number; ms: number; cpuMs: number }> {
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ms = 0;
  do {
    if (isAsync) for (const x of items) await body(x);
    else for (const x of items) body(x);
    n += items.length;
    ms = performance.now() - t0;
  } while (ms < budgetMs);
  const c = process.cpuUsage(c0);
  return { n, ms, cpuMs: (c.user + c.system) / 1000 };
}

async function main() {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, `rules/sfc-2017/v${VERSION}.json`), 'utf8'));
  const clauseIds = JSON.parse(fs.readFileSync(path.join(ROOT, 'rules/policy/miit-sfc-2017/clauses.json'), 'utf8')).map((c: { id: string }) => c.id);
  const c = compileRuleSet(doc, { clauseIds });
  if (!c.ok) fail('the rule set does not compile', c.issues);
  const compiled: CompiledRuleSet = c.compiled;
  const core = compiled.core;

  // Dossiers, all valid.
  const rng = mulberry32(SEED);
  // As dossiers arrive at the engine (a request body, a file, a fetched record): parsed from JSON text.
  const dossiers = Array.from({ length: COUNT }, (_, i) => JSON.parse(JSON.stringify(generate(compiled.ruleSet, rng, i))));
  const prepared: PreparedDossier[] = dossiers.map((d, i) => {
    const p = compiled.checkDossier(d);
    if (!p.ok) fail(`generated dossier ${i} is not valid`, { issues: p.issues, dossier: d });
    return p.dossier;
  });

  // (a) Agreement: fast vs explained, and json-rules-engine direct vs the compiled closures.
  const engine = core.jre();
  const decider = core.decider();
  const factMaps: Record<string, unknown>[] = [];
  const valueMaps: Record<string, unknown>[] = [];
  const stageFailures = new Map<string, number>();
  const counts = { passed: 0, failed: 0, undecided: 0, conditionsCompared: 0, conditionsSkipped: 0 };
  for (let i = 0; i < COUNT; i++) {
    const viaZod = prepareDossier(compiled.ruleSet, core.schema, dossiers[i]);
    const viaAccept = prepareDossier(compiled.ruleSet, core.schema, dossiers[i], core.accept);
    if (canonicalJson(viaZod) !== canonicalJson(viaAccept)) fail(`dossier ${i}: the compiled validation and zod's differ`, { zod: viaZod, compiled: viaAccept });
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
    valueMaps.push(values);
    const out = await engine.run(facts);
    const jre = new Map<string, boolean>();
    for (const r of [...out.results, ...out.failureResults]) jre.set(r.name as string, r.result);
    // The one-rule run decides every leaf as the rule-per-condition run does.
    const bits = await decideLeaves(decider, values, core.leafSlots);
    for (const r of [...out.results, ...out.failureResults]) {
      const own = leafResultsOf(r.conditions);
      const at = core.leafSlots.at.get(r.name as string)!;
      if (own.some((b, k) => b !== bits[at + k])) fail(`dossier ${i}, condition ${r.name}: the one-rule run decides its leaves otherwise`, { own: [...own], oneRule: [...bits.subarray(at, at + own.length)] });
    }
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
  console.log(`Agreement: ${COUNT} dossiers under sfc-2017@${VERSION} (seed ${SEED}): compiled validation = zod; fast = explained on status, title and total; ` + `json-rules-engine one rule per condition = one rule for all, leaf by leaf, and = closures on ${counts.conditionsCompared} condition results (${counts.conditionsSkipped} skipped: a fact missing).`);
  console.log(`Outcomes: ${counts.passed} passed, ${counts.failed} failed, ${counts.undecided} undecided; stages failed: ${[...stageFailures].map(([k, n]) => `${k} ${n}`).join(', ')}.\n`);

  // (b) Throughput. Warm up every path first so the JIT has settled.
  const warm = Math.min(1000, COUNT);
  const zodCheck = (d: unknown) => prepareDossier(compiled.ruleSet, core.schema, d);
  const compiledCheck = (d: unknown) => prepareDossier(compiled.ruleSet, core.schema, d, core.accept);
  for (let i = 0; i < warm; i++) {
    zodCheck(dossiers[i]);
    compiledCheck(dossiers[i]);
    compiled.evaluateFast(prepared[i]);
    const p = compiled.checkDossier(dossiers[i]);
    if (p.ok) compiled.evaluateFast(p.dossier);
    await compiled.evaluatePrepared(prepared[i]);
    await compiled.evaluate(dossiers[i]);
    await engine.run(factMaps[i]);
    await decideLeaves(decider, valueMaps[i], core.leafSlots);
  }
  // Fresh prepared dossiers for the explained path, so its derived values are not the ones cached by the fast path's rows.
  const rows: { key: string; name: string; run: () => Promise<{ n: number; ms: number; cpuMs: number }> }[] = [
    { key: 'zod', name: 'validation, zod (types and ranges: zod parse)', run: () => round(dossiers, zodCheck, 1000, false) },
    { key: 'compiled', name: 'validation, compiled (same, accept path)', run: () => round(dossiers, compiledCheck, 1000, false) },
    { key: 'check', name: 'checkDossier (compiled + derived values + dossier checks)', run: () => round(dossiers, (d) => compiled.checkDossier(d), 1000, false) },
    { key: 'fast', name: 'fast path (prepared dossiers, derived values cached)', run: () => round(prepared, (p) => compiled.evaluateFast(p), 1000, false) },
    {
      key: 'fastAll',
      name: 'fast path + validation (checkDossier + evaluateFast)',
      run: () =>
        round(
          dossiers,
          (d) => {
            const p = compiled.checkDossier(d);
            if (p.ok) compiled.evaluateFast(p.dossier);
          },
          1000,
          false,
        ),
    },
    { key: 'explained', name: 'explained path (evaluatePrepared: json-rules-engine + words)', run: () => round(dossiers.map((d) => compiled.checkDossier(d)).map((p) => (p.ok ? p.dossier : null)!), (p) => compiled.evaluatePrepared(p), 1000, true) },
    { key: 'explainedAll', name: 'explained path + validation (evaluate)', run: () => round(dossiers, (d) => compiled.evaluate(d), 1000, true) },
    { key: 'jre', name: 'json-rules-engine direct (one Engine, run per dossier)', run: () => round(factMaps, (f) => engine.run(f), 1000, true) },
    { key: 'decide', name: 'json-rules-engine as the explained path runs it (one rule, each tree once)', run: () => round(valueMaps, (v) => decideLeaves(decider, v, core.leafSlots), 1000, true) },
  ];
  const best = new Map<string, { n: number; ms: number; cpuMs: number }>();
  const timed = rows.filter((r) => !ONLY || ONLY.includes(r.key));
  for (let r = 0; r < ROUNDS; r++) {
    for (const row of timed) {
      const x = await row.run();
      const b = best.get(row.key);
      if (!b || x.cpuMs / x.n < b.cpuMs / b.n) best.set(row.key, x);
    }
  }
  const us = (k: string) => (best.has(k) ? (best.get(k)!.cpuMs * 1000) / best.get(k)!.n : NaN);
  const w = Math.max(...rows.map((r) => r.name.length));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`Best of ${ROUNDS} interleaved rounds per path, ~1 s each.`);
  console.log(`${'path'.padEnd(w)}  ${'evaluations'.padStart(11)}  ${'µs/eval cpu'.padStart(11)}  ${'µs/eval wall'.padStart(12)}  ${'evals/s cpu'.padStart(11)}  ${'× JRE'.padStart(6)}`);
  console.log(`${'─'.repeat(w)}  ${'─'.repeat(11)}  ${'─'.repeat(11)}  ${'─'.repeat(12)}  ${'─'.repeat(11)}  ${'─'.repeat(6)}`);
  for (const row of timed) {
    const b = best.get(row.key)!;
    console.log(
      `${row.name.padEnd(w)}  ${fmt(b.n).padStart(11)}  ${us(row.key).toFixed(1).padStart(11)}  ${((b.ms * 1000) / b.n).toFixed(1).padStart(12)}  ${fmt(1e6 / us(row.key)).padStart(11)}  ${(us(row.key) / us('jre')).toFixed(2).padStart(6)}`,
    );
  }
  const ratio = (label: string, x: number, target?: { op: '≤' | '≥'; v: number }) => {
    if (Number.isNaN(x)) return;
    const met = !target || (target.op === '≤' ? x <= target.v : x >= target.v);
    console.log(`${label.padEnd(44)} ${x.toFixed(2).padStart(7)}×${target ? `  (target ${target.op} ${target.v}×)${met ? '' : '  NOT MET'}` : ''}`);
  };
  console.log('');
  ratio('explained / json-rules-engine', us('explained') / us('jre'), { op: '≤', v: 1.5 });
  ratio('explained + validation / json-rules-engine', us('explainedAll') / us('jre'));
  ratio('json-rules-engine as run there / direct', us('decide') / us('jre'));
  ratio('explanation around it / json-rules-engine', (us('explained') - us('decide')) / us('jre'));
  ratio('validation compiled / fast', us('compiled') / us('fast'), { op: '≤', v: 1 });
  ratio('validation zod / fast', us('zod') / us('fast'));
  ratio('validation zod / compiled', us('zod') / us('compiled'));
  ratio('checkDossier / fast', us('check') / us('fast'));
  ratio('fast / json-rules-engine (speed-up)', us('jre') / us('fast'), { op: '≥', v: 30 });
  ratio('explained / fast', us('explained') / us('fast'));
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}; node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
