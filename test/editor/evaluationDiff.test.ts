// Why a preview row changed: the differing items between a city's evaluation under sfc-2017@1 and under a draft with a higher revenue threshold.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleSet, compileRuleSet } from '../../engine/index.js';
import { setParameterValue } from '../../editor/src/model/ruleSetOps.js';
import { evaluationChanges } from '../../editor/src/model/evaluationDiff.js';

const root = path.resolve(import.meta.dirname, '../..');
const v1 = RuleSet.parse(JSON.parse(readFileSync(path.join(root, 'rules/sfc-2017/v1.json'), 'utf8')));
const wuhan = JSON.parse(readFileSync(path.join(root, 'rules/samples/wuhan-2018.json'), 'utf8'));

async function evaluateUnder(rs: RuleSet) {
  const c = compileRuleSet(rs);
  if (!c.ok) throw new Error('does not compile');
  const r = await c.compiled.evaluate(wuhan);
  if (!r.ok) throw new Error('dossier rejected');
  return r.evaluation;
}

describe('evaluationChanges', () => {
  it('is empty for the same version', async () => {
    const e = await evaluateUnder(v1);
    expect(evaluationChanges(e, e)).toEqual([]);
  });

  it('names the verdict and the gate that flips when the threshold passes the city\'s revenue', async () => {
    const before = await evaluateUnder(v1);
    const after = await evaluateUnder(setParameterValue(v1, 'revenueThreshold', 5000));
    const changes = evaluationChanges(before, after);
    expect(changes[0]).toMatchObject({ kind: 'outcome', before: expect.stringMatching(/^passed/), after: expect.stringMatching(/^failed/) });
    const gate = changes.find((c) => c.id === 'gate:industry-scale');
    expect(gate).toMatchObject({ kind: 'checks', before: 'passed', after: 'failed' });
    expect(gate!.cites).toContain('I1.1');
    expect(gate!.textAfter?.zh).toBeTruthy();
  });
});
