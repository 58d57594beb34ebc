// Pure edits of json-rules-engine condition trees (all / any / not, leaves): each takes a tree and returns a new one.
import type { Condition, LeafCondition, Operator } from '../../../engine/index.js';

/** Position of a node inside a tree: child indexes from the root (a `not` has one child, index 0). */
export type NodePath = number[];
export type GroupKind = 'all' | 'any';

export function isLeaf(c: Condition): c is LeafCondition {
  return (c as LeafCondition).fact !== undefined;
}

/** The kind of a node: a leaf comparison or one of the three combinators. */
export function nodeKind(c: Condition): 'leaf' | 'all' | 'any' | 'not' {
  if (isLeaf(c)) return 'leaf';
  if ('all' in c) return 'all';
  if ('any' in c) return 'any';
  return 'not';
}

/** The children of a node (none for a leaf). */
export function childrenOf(c: Condition): Condition[] {
  if ('all' in c) return c.all;
  if ('any' in c) return c.any;
  if ('not' in c) return [c.not];
  return [];
}

function withChildren(c: Condition, kids: Condition[]): Condition {
  if ('all' in c) return { ...c, all: kids };
  if ('any' in c) return { ...c, any: kids };
  if ('not' in c) return { ...c, not: kids[0] };
  return c;
}

/** The node at a path, or undefined when the path leads nowhere. */
export function getNode(root: Condition, path: NodePath): Condition | undefined {
  let c: Condition | undefined = root;
  for (const i of path) {
    if (!c) return undefined;
    c = childrenOf(c)[i];
  }
  return c;
}

/** Replaces the node at a path with the result of `fn`. */
export function updateNode(root: Condition, path: NodePath, fn: (c: Condition) => Condition): Condition {
  if (path.length === 0) return fn(root);
  const [i, ...rest] = path;
  const kids = childrenOf(root);
  if (i < 0 || i >= kids.length) throw new RangeError(`no child ${i} at this node`);
  return withChildren(root, kids.map((k, j) => (j === i ? updateNode(k, rest, fn) : k)));
}

/** A new leaf comparing `fact`; the default compares with 0. */
export function newLeaf(fact: string, operator: Operator = 'greaterThanInclusive', value: LeafCondition['value'] = 0): LeafCondition {
  return { fact, operator, value };
}

/** Appends a child to the all / any group at `path`. */
export function addChild(root: Condition, path: NodePath, child: Condition): Condition {
  return updateNode(root, path, (c) => {
    if (!('all' in c) && !('any' in c)) throw new Error('children can only be added to an all / any group');
    return withChildren(c, [...childrenOf(c), child]);
  });
}

/** Removes the node at `path` from its group; the last child of a group cannot be removed (a group needs one). */
export function removeNode(root: Condition, path: NodePath): Condition {
  if (path.length === 0) throw new Error('the root cannot be removed');
  const parentPath = path.slice(0, -1);
  const i = path[path.length - 1];
  return updateNode(root, parentPath, (p) => {
    if ('not' in p) throw new Error('the child of a "not" cannot be removed; unwrap the "not" instead');
    const kids = childrenOf(p);
    if (kids.length <= 1) throw new Error('a group keeps at least one condition');
    return withChildren(p, kids.filter((_, j) => j !== i));
  });
}

/** Changes fields of the leaf at `path` (fact, operator, value or label). */
export function changeLeaf(root: Condition, path: NodePath, patch: Partial<LeafCondition>): Condition {
  return updateNode(root, path, (c) => {
    if (!isLeaf(c)) throw new Error('not a leaf');
    return { ...c, ...patch };
  });
}

/** Wraps the node at `path` in a new all / any / not node. */
export function wrapNode(root: Condition, path: NodePath, kind: 'all' | 'any' | 'not'): Condition {
  return updateNode(root, path, (c) => (kind === 'not' ? { not: c } : kind === 'all' ? { all: [c] } : { any: [c] }));
}

/** Replaces a `not` or a one-child group at `path` by its only child. */
export function unwrapNode(root: Condition, path: NodePath): Condition {
  return updateNode(root, path, (c) => {
    const kids = childrenOf(c);
    if (isLeaf(c) || kids.length !== 1) throw new Error('only a "not" or a group with one condition can be unwrapped');
    return kids[0];
  });
}

/** Turns an all group into an any group or back, keeping its children and label. */
export function setGroupKind(root: Condition, path: NodePath, kind: GroupKind): Condition {
  return updateNode(root, path, (c) => {
    if (!('all' in c) && !('any' in c)) throw new Error('not an all / any group');
    const { label } = c;
    const kids = childrenOf(c);
    const out: Condition = kind === 'all' ? { all: kids } : { any: kids };
    return label ? { ...out, label } : out;
  });
}

/** Facts a tree reads, on either side of a comparison. */
export function factsRead(c: Condition): string[] {
  if (isLeaf(c)) {
    const v = c.value as { fact?: string };
    return v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string' ? [c.fact, v.fact] : [c.fact];
  }
  return childrenOf(c).flatMap(factsRead);
}
