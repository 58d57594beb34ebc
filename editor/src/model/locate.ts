// Where an issue's JSON path lives: the visual section and item that show it, and the character range in the JSON text; pure.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { RuleSet } from '../../../engine/index.js';
import type { JsonPath } from './ruleSetOps.js';

export type SectionId = 'parameters' | 'indicators' | 'bonus' | 'conditions' | 'interpretations' | 'outcome' | 'json';
export const SECTIONS: SectionId[] = ['parameters', 'indicators', 'bonus', 'conditions', 'interpretations', 'outcome', 'json'];

/** The visual section that shows a path, and the item path (e.g. ['parameters', 3]) to select there. */
export function sectionOf(doc: unknown, path: JsonPath): { section: SectionId; item: JsonPath } {
  const [head, i] = path;
  if (head === 'parameters' && typeof i === 'number') return { section: 'parameters', item: ['parameters', i] };
  if (head === 'parameters') return { section: 'parameters', item: [] };
  if (head === 'interpretations' && typeof i === 'number') return { section: 'interpretations', item: ['interpretations', i] };
  if (head === 'cohort') return { section: 'outcome', item: ['cohort'] };
  if (head === 'outcomes') return { section: 'outcome', item: [] };
  if (head === 'stages' && typeof i === 'number') {
    const kind = (doc as RuleSet | undefined)?.stages?.[i]?.kind;
    const third = path[2];
    const j = path[3];
    const item: JsonPath = (third === 'items' || third === 'rules') && typeof j === 'number' ? ['stages', i, third, j] : ['stages', i];
    if (kind === 'score') return { section: 'indicators', item };
    if (kind === 'bonus') return { section: 'bonus', item };
    if (kind === 'checks') return { section: 'conditions', item };
    if (kind === 'outcome') return { section: 'outcome', item };
  }
  return { section: 'json', item: [] };
}

/** True when `item` is `path` or contains it. */
export function within(path: JsonPath, item: JsonPath): boolean {
  return item.length > 0 && item.length <= path.length && item.every((k, n) => path[n] === k);
}

/**
 * A lookup of the character range of the value at a JSON path in one text (parsed once); when the path ends at a missing
 * key, the range of the nearest enclosing value that exists (so "missing field" issues mark the object that lacks it).
 */
export function rangeFinder(text: string): (path: JsonPath) => { offset: number; length: number } | null {
  const root = parseTree(text);
  return (path) => {
    if (!root) return null;
    for (let n = path.length; n >= 0; n--) {
      const node: Node | undefined = findNodeAtLocation(root, path.slice(0, n));
      if (node) {
        // A key is nicer to mark than a whole object or array value.
        if (n > 0 && (node.type === 'object' || node.type === 'array') && node.parent?.type === 'property' && node.parent.children?.[0]) {
          const key = node.parent.children[0];
          return { offset: key.offset, length: key.length };
        }
        return { offset: node.offset, length: node.length };
      }
    }
    return null;
  };
}

/** The character range of the value at a JSON path in a text (see rangeFinder). */
export function rangeOf(text: string, path: JsonPath): { offset: number; length: number } | null {
  return rangeFinder(text)(path);
}

/** Line and column (1-based) of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
