// Three-way merge of two edits of one rule-set document against the revision both started from: changes to different items (parameters, rules, options… matched by id) combine; the same field changed two ways is a conflict, resolved per item by a choice; pure.
import type { JsonPath } from './ruleSetOps.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Side = 'mine' | 'theirs';

/** One field both sides changed, differently. */
export interface MergeConflict {
  /** Stable key of the field, e.g. `parameters[revenueThreshold].value`. */
  key: string;
  /** Key of the item it belongs to (the choice is made per item), e.g. `parameters[revenueThreshold]`. */
  itemKey: string;
  /** The field inside the item, e.g. `value` (empty when the item itself was added or removed). */
  field: string;
  /** JSON path of the item in the merged document (theirs' position when both have it), for jumping to it. */
  itemPath: JsonPath;
  /** The item as each side has it (undefined: removed or never there), to show them side by side. */
  item: { base: unknown; mine: unknown; theirs: unknown };
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeResult<T> {
  merged: T;
  conflicts: MergeConflict[];
}

/** Condition trees merge as a whole: two edits of one gate's logic combined field by field could give a rule neither side wrote. */
const ATOMIC = new Set(['condition', 'appliesWhen', 'when']);

const isObj = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const keyed = (v: unknown): v is { id: string }[] => Array.isArray(v) && v.length > 0 && v.every((x) => isObj(x) && typeof x.id === 'string');

function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => eq(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && eq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

interface Ctx {
  key: string;
  itemKey: string | null;
  itemField: string;
  itemPath: JsonPath;
  path: JsonPath;
  item: MergeConflict['item'] | null;
}

/**
 * Merges `mine` and `theirs`, both edited from `base`. A conflict whose item `choose` answers takes that side's value
 * there (the rest of the item still merges); the others are listed, with theirs kept in `merged` until chosen.
 */
export function mergeDocuments<T>(base: T, mine: T, theirs: T, choose: (itemKey: string) => Side | undefined = () => undefined): MergeResult<T> {
  const conflicts: MergeConflict[] = [];
  const top: Ctx = { key: '', itemKey: null, itemField: '', itemPath: [], path: [], item: null };

  function conflict(ctx: Ctx, b: unknown, m: unknown, t: unknown): unknown {
    const itemKey = ctx.itemKey ?? (ctx.key.split(/[.[]/)[0] || '(document)');
    const side = choose(itemKey);
    if (side) return side === 'mine' ? m : t;
    conflicts.push({
      key: ctx.key,
      itemKey,
      field: ctx.itemKey ? ctx.itemField : ctx.key,
      itemPath: ctx.itemKey ? ctx.itemPath : ctx.path.slice(0, 1),
      item: ctx.item ?? { base: isObj(base) ? (base as Record<string, unknown>)[String(ctx.path[0])] : undefined, mine: isObj(mine) ? (mine as Record<string, unknown>)[String(ctx.path[0])] : undefined, theirs: isObj(theirs) ? (theirs as Record<string, unknown>)[String(ctx.path[0])] : undefined },
      base: b,
      mine: m,
      theirs: t,
    });
    return t;
  }

  function sub(ctx: Ctx, seg: string, pathSeg: string | number): Ctx {
    const key = ctx.key ? `${ctx.key}.${seg}` : seg;
    return { ...ctx, key, itemField: ctx.itemKey ? (ctx.itemField ? `${ctx.itemField}.${seg}` : seg) : '', path: [...ctx.path, pathSeg] };
  }

  function merge(b: unknown, m: unknown, t: unknown, ctx: Ctx): unknown {
    if (eq(m, t)) return m;
    if (eq(b, m)) return t;
    if (eq(b, t)) return m;
    if (ATOMIC.has(String(ctx.path.at(-1)))) return conflict(ctx, b, m, t);
    if (isObj(m) && isObj(t) && (b === undefined || isObj(b))) {
      const bo = (b ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const keys = [...Object.keys(t), ...Object.keys(m).filter((k) => !(k in t))];
      for (const k of keys) {
        const v = merge(bo[k], m[k], t[k], sub(ctx, k, k));
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    if ((keyed(m) || keyed(t)) && Array.isArray(m) && Array.isArray(t) && (b === undefined || Array.isArray(b)) && [b ?? [], m, t].every((a) => (a as unknown[]).every((x) => isObj(x) && typeof x.id === 'string'))) {
      return mergeKeyed((b ?? []) as { id: string }[], m as { id: string }[], t as { id: string }[], ctx);
    }
    return conflict(ctx, b, m, t);
  }

  function mergeKeyed(b: { id: string }[], m: { id: string }[], t: { id: string }[], ctx: Ctx): unknown[] {
    const byId = (a: { id: string }[]) => new Map(a.map((x) => [x.id, x]));
    const B = byId(b);
    const M = byId(m);
    const T = byId(t);
    // Theirs' order; an element only mine has (added by me, or removed by them) goes after the element that precedes it in mine.
    const order = t.map((x) => x.id);
    m.forEach((x, i) => {
      if (order.includes(x.id)) return;
      let at = 0;
      for (let j = i - 1; j >= 0; j--) {
        const k = order.indexOf(m[j].id);
        if (k >= 0) {
          at = k + 1;
          break;
        }
      }
      order.splice(at, 0, x.id);
    });
    const out: unknown[] = [];
    for (const id of order) {
      const seg = `[${id}]`;
      const key = `${ctx.key}${seg}`;
      const index = out.length;
      const itemCtx: Ctx = {
        key,
        itemKey: key,
        itemField: '',
        itemPath: [...ctx.path, index],
        path: [...ctx.path, index],
        item: { base: B.get(id), mine: M.get(id), theirs: T.get(id) },
      };
      const v = merge(B.get(id), M.get(id), T.get(id), itemCtx);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  const merged = merge(base, mine, theirs, top) as T;
  return { merged, conflicts };
}

/** The conflicts grouped by item, in document order, for a choice per item. */
export function conflictItems(conflicts: MergeConflict[]): { itemKey: string; itemPath: JsonPath; item: MergeConflict['item']; fields: MergeConflict[] }[] {
  const out = new Map<string, { itemKey: string; itemPath: JsonPath; item: MergeConflict['item']; fields: MergeConflict[] }>();
  for (const c of conflicts) {
    const g = out.get(c.itemKey) ?? { itemKey: c.itemKey, itemPath: c.itemPath, item: c.item, fields: [] };
    g.fields.push(c);
    out.set(c.itemKey, g);
  }
  return [...out.values()];
}
