// The compiled explanation of each condition (engine/core/explain.ts) gives what the generic fold of json-rules-engine's
// result tree and the generic words give (traceFromJre, describeTrace, shortfallsOf, needText), on every condition of golden,
// sample and generated dossiers, some facts left out.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConditionTrace } from '../../engine/index.js';
import { decideLeaves, leafResultsOf, runJre, traceFromJre } from '../../engine/core/conditions.js';
import { prepareValues } from '../../engine/core/run.js';
import { describeTrace, needText, shortfallsOf } from '../../engine/core/text.js';
import { generate, mulberry32 } from '../bench/dossiers.js';
import { compiledVersion, readJson } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The facts the leaves of a trace miss, in order. */
function missingOf(tr: ConditionTrace, out: string[] = []): string[] {
  if (tr.op === 'leaf') out.push(...(tr.missing ?? []));
  else for (const c of tr.children ?? []) missingOf(c, out);
  return out;
}

/** Deletes `k` leaves of a dossier's facts, picked by `rng`. */
function dropLeaves(d: { facts: Record<string, unknown> }, rng: () => number, k: number) {
  const leaves: [Record<string, unknown>, string][] = [];
  const walk = (o: Record<string, unknown>) => {
    for (const key of Object.keys(o)) {
      const v = o[key];
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>);
      else leaves.push([o, key]);
    }
  };
  walk(d.facts);
  for (let i = 0; i < k && leaves.length; i++) {
    const [o, key] = leaves.splice(Math.floor(rng() * leaves.length), 1)[0];
    delete o[key];
  }
  return d;
}

describe.each([1, 2])('compiled explanations under sfc-2017 v%i', (version) => {
  it('equal the generic trace, text, shortfalls and missing facts for every condition', async () => {
    const c = compiledVersion(version);
    const core = c.core;
    const golden = readJson(`rules/sfc-2017/v${version}.golden.json`).cases.flatMap((x: { kind: string; dossier?: unknown; dossiers?: unknown[] }) => (x.kind === 'single' ? [x.dossier] : x.dossiers));
    const samples = fs.readdirSync(path.join(root, 'rules/samples')).map((f) => readJson(`rules/samples/${f}`));
    const rng = mulberry32(version);
    const generated = Array.from({ length: 150 }, (_, i) => {
      const d = JSON.parse(JSON.stringify(generate(c.ruleSet, rng, i)));
      return i % 2 ? dropLeaves(d, rng, 1 + Math.floor(rng() * 5)) : d;
    });
    let compared = 0;
    const outcomes = new Set<string>();
    for (const d of [...golden, ...samples, ...generated]) {
      const p = c.checkDossier(d);
      if (!p.ok) continue;
      const ctx = prepareValues(core, p.dossier);
      const jre = await runJre(core.jre(), core.factIds, ctx.values);
      // What the explained path reads: every condition's leaf results at its slots in one run's results.
      const bits = await decideLeaves(core.decider(), ctx.values, core.leafSlots);
      expect(bits.length).toBe(core.leafSlots.size);
      for (const [key, cond] of core.conditions) {
        const tree = jre.get(key)!.conditions;
        const own = leafResultsOf(tree);
        const at = core.leafSlots.at.get(key)!;
        expect([...bits.subarray(at, at + own.length)], key).toEqual([...own]);
        expect(JSON.stringify(core.explainer(key).trace(bits, at, ctx.values, (f) => ctx.missingOf(f))), key).toBe(JSON.stringify(traceFromJre(cond.source, tree, ctx.values, (f) => ctx.missingOf(f), (id) => core.params.get(id))));
        const want = traceFromJre(cond.source, tree, ctx.values, (f) => ctx.missingOf(f), (id) => core.params.get(id));
        const ex = core.explainer(key);
        const got = ex.trace(leafResultsOf(tree), 0, ctx.values, (f) => ctx.missingOf(f));
        expect(JSON.stringify(got), key).toBe(JSON.stringify(want));
        expect(ex.result(leafResultsOf(tree), 0, ctx.values), key).toBe(want.result);
        expect(ex.text(got), key).toEqual(describeTrace(want, core.words));
        expect(JSON.stringify(ex.shortfalls(got)), key).toBe(JSON.stringify(shortfallsOf(want, core.words.labeler)));
        expect(ex.missing(got), key).toEqual(missingOf(want));
        expect(ex.need(got), key).toEqual(needText(want, core.words));
        outcomes.add(String(want.result));
        compared++;
      }
    }
    // Every condition of every accepted dossier, with met, unmet and undecided results among them.
    expect(compared).toBeGreaterThan(100 * core.conditions.size);
    expect([...outcomes].sort()).toEqual(['false', 'null', 'true']);
  });

  it('decides a condition tree that several items share once, and gives json-rules-engine only the facts conditions read', () => {
    const core = compiledVersion(version).core;
    const byTree = new Map<string, string[]>();
    for (const [key, cond] of core.conditions) byTree.set(cond.jreKey, [...(byTree.get(cond.jreKey) ?? []), key]);
    const shared = [...byTree.values()].filter((keys) => keys.length > 1);
    // The same gate read as a basic condition and as an indicator's requirement (I1.1 revenue scale among them).
    expect(shared.some((keys) => keys.includes('gate:industry-scale') && keys.includes('req:industry-scale'))).toBe(true);
    for (const keys of shared) expect(new Set(keys.map((k) => core.leafSlots.at.get(k))).size, keys.join(' ')).toBe(1);
    const distinct = [...byTree.values()].map((keys) => leafResultsOf(core.conditions.get(keys[0])!.jre).length);
    expect(core.leafSlots.size).toBe(distinct.reduce((a, b) => a + b, 0));
    expect(core.leafSlots.size).toBeLessThan([...core.conditions.values()].reduce((a, c) => a + leafResultsOf(c.jre).length, 0));
    const read = new Set([...core.conditions.values()].flatMap((c) => c.facts));
    expect(new Set(core.decider().facts)).toEqual(read);
    expect(read.size).toBeLessThan(core.factIds.length);
  });
});
