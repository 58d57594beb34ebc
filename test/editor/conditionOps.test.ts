// The condition builder's pure edits: add, remove and change leaves; wrap in all / any / not; unwrap; switch all ↔ any.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../engine/index.js';
import { addChild, changeLeaf, factsRead, getNode, newLeaf, nodeKind, removeNode, setGroupKind, unwrapNode, wrapNode } from '../../editor/src/model/conditionOps.js';

const tree: Condition = {
  all: [
    { fact: 'softwareRevenue', operator: 'greaterThanInclusive', value: { param: 'revenueThreshold' } },
    { any: [{ fact: 'cityGrowthPct', operator: 'greaterThan', value: { fact: 'nationalGrowthPct' } }, { not: { fact: 'fraudFound', operator: 'equal', value: true } }] },
  ],
};

describe('condition tree edits', () => {
  it('reads nodes by path and names their kinds', () => {
    expect(nodeKind(tree)).toBe('all');
    expect(nodeKind(getNode(tree, [1])!)).toBe('any');
    expect(nodeKind(getNode(tree, [1, 1])!)).toBe('not');
    expect(getNode(tree, [1, 1, 0])).toEqual({ fact: 'fraudFound', operator: 'equal', value: true });
    expect(getNode(tree, [5])).toBeUndefined();
  });

  it('adds a leaf to a group without touching the input', () => {
    const before = structuredClone(tree);
    const out = addChild(tree, [1], newLeaf('top100Firms', 'greaterThanInclusive', 1));
    expect(getNode(out, [1, 2])).toEqual({ fact: 'top100Firms', operator: 'greaterThanInclusive', value: 1 });
    expect(tree).toEqual(before);
    expect(() => addChild(tree, [0], newLeaf('x'))).toThrow();
  });

  it('removes a node but keeps at least one condition in a group', () => {
    const out = removeNode(tree, [1, 0]);
    expect(out).toEqual({ all: [tree.all[0], { any: [{ not: { fact: 'fraudFound', operator: 'equal', value: true } }] }] });
    expect(() => removeNode(out, [1, 0])).toThrow(/at least one/);
    expect(() => removeNode(tree, [])).toThrow();
  });

  it('changes a leaf: fact, operator, value as a literal, another fact or a parameter', () => {
    let out = changeLeaf(tree, [0], { operator: 'greaterThan', value: 1200 });
    expect(getNode(out, [0])).toEqual({ fact: 'softwareRevenue', operator: 'greaterThan', value: 1200 });
    out = changeLeaf(out, [0], { value: { fact: 'softwareRevenuePrev' } });
    expect(getNode(out, [0])).toEqual({ fact: 'softwareRevenue', operator: 'greaterThan', value: { fact: 'softwareRevenuePrev' } });
    expect(() => changeLeaf(tree, [1], { operator: 'equal' })).toThrow();
  });

  it('wraps in all / any / not and unwraps again', () => {
    const notted = wrapNode(tree, [0], 'not');
    expect(getNode(notted, [0])).toEqual({ not: tree.all[0] });
    expect(unwrapNode(notted, [0])).toEqual(tree);
    const grouped = wrapNode(tree, [], 'any');
    expect(grouped).toEqual({ any: [tree] });
    expect(unwrapNode(grouped, [])).toEqual(tree);
    expect(() => unwrapNode(tree, [])).toThrow();
  });

  it('switches a group between all and any, keeping children and label', () => {
    const labelled: Condition = { ...tree, label: { zh: '两项', en: 'both' } };
    expect(setGroupKind(labelled, [], 'any')).toEqual({ any: tree.all, label: { zh: '两项', en: 'both' } });
    expect(() => setGroupKind(tree, [0], 'any')).toThrow();
  });

  it('lists the facts a tree reads, including facts compared against', () => {
    expect(factsRead(tree)).toEqual(['softwareRevenue', 'cityGrowthPct', 'nationalGrowthPct', 'fraudFound']);
  });
});
