// Web Worker for the sensitivity page: runs the engine's parameter sweep and interpretation flips off the main thread, so the page stays responsive.
import { applyInterpretations, compileRuleSet, flipInterpretations, sweepParameter, type ParameterValue, type RuleSet } from '../../../engine/index.js';
import type { SensitivityRequest, SensitivityReply } from './sensitivityProtocol.js';

/** Copies of the dossiers with distinct city ids, to measure a sweep at scale (e.g. 300 cities). */
function replicate(dossiers: unknown[], n: number): unknown[] {
  if (n <= dossiers.length) return dossiers;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const d = structuredClone(dossiers[i % dossiers.length]) as { facts: Record<string, unknown> };
    if (i >= dossiers.length) {
      const id = d.facts.cityId;
      d.facts.cityId = typeof id === 'object' && id !== null ? { ...(id as object), value: `${(id as { value: string }).value}x${i}` } : `${String(id)}x${i}`;
      const name = d.facts.cityName;
      d.facts.cityName = typeof name === 'string' ? `${name}（副本 ${i}）` : name;
      // A renamed copy is not one of the four municipalities (a rule set may refuse that claim): it states the provincial letter instead.
      const app = d.facts.application as { materials?: Record<string, unknown> } | undefined;
      if (d.facts.isMunicipality === true || (d.facts.isMunicipality as { value?: unknown } | undefined)?.value === true) {
        d.facts.isMunicipality = false;
        if (app?.materials) app.materials.provincialSupportLetter = true;
      }
    }
    out.push(d);
  }
  return out;
}

function compile(ruleSet: RuleSet, interpretations: Record<string, string>) {
  let doc = ruleSet;
  if (Object.keys(interpretations).length) {
    const a = applyInterpretations(doc, interpretations);
    if (!a.ok) throw new Error(a.issues.map((i) => i.message).join('; '));
    doc = a.ruleSet;
  }
  const c = compileRuleSet(doc);
  if (!c.ok) throw new Error(c.issues.map((i) => i.message).join('; '));
  return c.compiled;
}

self.onmessage = (ev: MessageEvent<SensitivityRequest>) => {
  const req = ev.data;
  const reply = (r: SensitivityReply) => (self as unknown as Worker).postMessage(r);
  try {
    const compiled = compile(req.ruleSet, req.interpretations ?? {});
    const dossiers = replicate(req.dossiers, req.replicateTo ?? 0);
    const t0 = performance.now();
    if (req.kind === 'sweep') {
      const out = sweepParameter(compiled, dossiers, req.parameter, req.values as ParameterValue[]);
      const elapsedMs = performance.now() - t0;
      if (!out.ok) return reply({ id: req.id, kind: 'error', message: out.issues.slice(0, 5).map((i) => i.message).join('; ') });
      return reply({ id: req.id, kind: 'sweep', result: out.result, elapsedMs, dossiers: dossiers.length, values: req.values.length });
    }
    const out = flipInterpretations(compiled, dossiers);
    const elapsedMs = performance.now() - t0;
    if (!out.ok) return reply({ id: req.id, kind: 'error', message: out.issues.slice(0, 5).map((i) => i.message).join('; ') });
    return reply({ id: req.id, kind: 'flips', baselinePassed: out.baselinePassed, flips: out.flips, elapsedMs, dossiers: dossiers.length });
  } catch (err) {
    reply({ id: req.id, kind: 'error', message: (err as Error).message });
  }
};
