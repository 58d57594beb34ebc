// Safe expressions for derived values and formulas: parsed by jsep, compiled to closures over exact decimals; never eval.
import jsep from 'jsep';
import ternary from '@jsep-plugin/ternary';
import { Dec, dec } from './decimal.js';

jsep.plugins.register(ternary);
// Only the operators the expression language documents; jsep's bitwise and other operators are removed.
for (const op of ['|', '^', '&', '<<', '>>', '>>>', '===', '!==', '%', '**']) jsep.removeBinaryOp(op);
for (const op of ['~', '+']) jsep.removeUnaryOp(op);

/** A value that cannot be computed because facts or reference figures are missing. */
export class Undecided {
  constructor(
    readonly facts: string[],
    readonly reasons: string[] = [],
  ) {}
}

export type Value = Dec | boolean | string | Undecided;

export interface ExprEnv {
  fact(id: string): Value;
  param(id: string): Value;
  ref(table: string, key: Value, field: string): Value;
  /** The entries of a list fact, or Undecided when it is missing. */
  list(id: string): readonly Record<string, unknown>[] | Undecided;
  /** Whether a reference table has a row with this key. */
  hasRow(table: string, key: Value): boolean | Undecided;
  /** A field of every entry of a list fact as decimals (made once per evaluation), or why not: missing, or a non-number. */
  listNumbers?(id: string, field: string): readonly Dec[] | Undecided;
}

/** A field of every entry of a list as decimals; Undecided (type_mismatch) when an entry's field is not a number. */
export function numbersOf(items: readonly Record<string, unknown>[], field: string): Dec[] | Undecided {
  const xs: Dec[] = [];
  for (const it of items) {
    const v = it[field];
    if (typeof v !== 'number') return new Undecided([], ['type_mismatch']);
    xs.push(dec(v));
  }
  return xs;
}

export type CompiledExpr = (env: ExprEnv) => Value;

export interface ExprIssue {
  code: 'expression_syntax' | 'expression_unsupported' | 'unknown_fact' | 'unknown_parameter' | 'unknown_function' | 'unknown_reference';
  message: string;
  position?: number;
}

export interface ExprScope {
  hasFact(id: string): boolean;
  hasParam(id: string): boolean;
  hasTable(id: string, field?: string): boolean;
}

export interface ExprResult {
  fn: CompiledExpr | null;
  issues: ExprIssue[];
  facts: Set<string>;
  params: Set<string>;
}

type Node = jsep.Expression;

const FUNCTIONS: Record<string, { min: number; max: number }> = {
  min: { min: 1, max: 20 },
  max: { min: 1, max: 20 },
  floor: { min: 1, max: 1 },
  ceil: { min: 1, max: 1 },
  abs: { min: 1, max: 1 },
  round: { min: 1, max: 2 },
  clamp: { min: 3, max: 3 },
  coalesce: { min: 1, max: 20 },
  has: { min: 1, max: 1 },
  ref: { min: 3, max: 3 },
  count: { min: 1, max: 1 },
  sumOf: { min: 2, max: 2 },
  maxOf: { min: 2, max: 2 },
  minOf: { min: 2, max: 2 },
  inTable: { min: 2, max: 2 },
};

function merge(...vals: Value[]): Undecided {
  const facts = new Set<string>();
  const reasons = new Set<string>();
  for (const v of vals) {
    if (v instanceof Undecided) {
      v.facts.forEach((f) => facts.add(f));
      v.reasons.forEach((r) => reasons.add(r));
    }
  }
  return new Undecided([...facts], [...reasons]);
}

function isDec(v: Value): v is Dec {
  return v instanceof Dec;
}

/** Dotted name of an identifier or member chain (a.b.c), or null. */
function dottedName(n: Node): string | null {
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression' && !n.computed) {
    const left = dottedName(n.object as Node);
    const prop = (n.property as Node).type === 'Identifier' ? ((n.property as Node).name as string) : null;
    return left && prop ? `${left}.${prop}` : null;
  }
  return null;
}

/** Compiles an expression; every problem is returned as an issue with its character position. */
export function compileExpr(src: string, scope: ExprScope): ExprResult {
  const issues: ExprIssue[] = [];
  const facts = new Set<string>();
  const params = new Set<string>();
  let ast: Node;
  try {
    ast = jsep(src);
  } catch (e) {
    const err = e as Error & { index?: number; description?: string };
    return {
      fn: null,
      issues: [{ code: 'expression_syntax', message: `${err.description ?? err.message} (at position ${err.index ?? 0})`, position: err.index }],
      facts,
      params,
    };
  }

  function build(n: Node): CompiledExpr {
    switch (n.type) {
      case 'Literal': {
        const v = n.value;
        if (typeof v === 'number') {
          const d = dec(n.raw as string);
          return () => d;
        }
        if (typeof v === 'string' || typeof v === 'boolean') return () => v;
        issues.push({ code: 'expression_unsupported', message: `unsupported literal ${String(n.raw)}` });
        return () => new Undecided([], ['unsupported']);
      }
      case 'Identifier':
      case 'MemberExpression': {
        const name = dottedName(n);
        if (name === 'true' || name === 'false') {
          const b = name === 'true';
          return () => b;
        }
        if (!name) {
          issues.push({ code: 'expression_unsupported', message: 'computed member access is not supported' });
          return () => new Undecided([], ['unsupported']);
        }
        if (name.startsWith('params.')) {
          const id = name.slice(7);
          params.add(id);
          if (!scope.hasParam(id)) issues.push({ code: 'unknown_parameter', message: `unknown parameter "${id}"` });
          return (env) => env.param(id);
        }
        facts.add(name);
        if (!scope.hasFact(name)) issues.push({ code: 'unknown_fact', message: `unknown fact "${name}"` });
        return (env) => env.fact(name);
      }
      case 'UnaryExpression': {
        const arg = build(n.argument as Node);
        if (n.operator === '-')
          return (env) => {
            const a = arg(env);
            return isDec(a) ? a.neg() : merge(a);
          };
        if (n.operator === '!')
          return (env) => {
            const a = arg(env);
            return typeof a === 'boolean' ? !a : merge(a);
          };
        issues.push({ code: 'expression_unsupported', message: `unsupported operator ${n.operator as string}` });
        return () => new Undecided([], ['unsupported']);
      }
      case 'BinaryExpression': {
        const op = n.operator as string;
        const l = build(n.left as Node);
        const r = build(n.right as Node);
        if (op === '&&' || op === '||') {
          const and = op === '&&';
          return (env) => {
            const a = l(env);
            if (a === !and) return a;
            const b = r(env);
            if (b === !and) return b;
            if (typeof a === 'boolean' && typeof b === 'boolean') return and;
            return merge(a, b);
          };
        }
        return binary(op, l, r);
      }
      case 'ConditionalExpression': {
        const t = build(n.test as Node);
        const c = build(n.consequent as Node);
        const a = build(n.alternate as Node);
        return (env) => {
          const tv = t(env);
          if (tv === true) return c(env);
          if (tv === false) return a(env);
          return merge(tv);
        };
      }
      case 'CallExpression': {
        const callee = dottedName(n.callee as Node);
        const args = (n.arguments as Node[]).map((a) => a);
        const spec = callee ? FUNCTIONS[callee] : undefined;
        if (!callee || !spec) {
          issues.push({ code: 'unknown_function', message: `unknown function "${callee ?? '?'}"; known: ${Object.keys(FUNCTIONS).join(', ')}` });
          return () => new Undecided([], ['unsupported']);
        }
        if (args.length < spec.min || args.length > spec.max) {
          issues.push({ code: 'expression_syntax', message: `${callee} takes ${spec.min === spec.max ? spec.min : `${spec.min}–${spec.max}`} arguments, got ${args.length}` });
          return () => new Undecided([], ['unsupported']);
        }
        if (callee === 'ref') return buildRef(args);
        if (callee === 'inTable') {
          const [t, k] = args;
          if (t.type !== 'Literal' || typeof t.value !== 'string') {
            issues.push({ code: 'expression_syntax', message: "inTable(table, key) needs a quoted table name, e.g. inTable('municipalities', cityName)" });
            return () => new Undecided([], ['unsupported']);
          }
          const table = t.value;
          if (!scope.hasTable(table)) issues.push({ code: 'unknown_reference', message: `unknown reference data ${table}` });
          const key = build(k);
          return (env) => env.hasRow(table, key(env));
        }
        if (callee === 'count' || callee === 'sumOf' || callee === 'maxOf' || callee === 'minOf') return buildListFn(callee, args);
        if (callee === 'has') {
          const name = dottedName(args[0]);
          if (!name || name.startsWith('params.')) {
            issues.push({ code: 'expression_syntax', message: 'has() takes a fact name' });
            return () => false;
          }
          facts.add(name);
          if (!scope.hasFact(name)) issues.push({ code: 'unknown_fact', message: `unknown fact "${name}"` });
          return (env) => !(env.fact(name) instanceof Undecided);
        }
        const fns = args.map(build);
        return call(callee, fns);
      }
      default:
        issues.push({ code: 'expression_unsupported', message: `unsupported expression of type ${n.type}` });
        return () => new Undecided([], ['unsupported']);
    }
  }

  // Aggregates over a list fact: count(list), sumOf(list, 'field'), maxOf / minOf(list, 'field'); an empty list has no max or min.
  function buildListFn(name: 'count' | 'sumOf' | 'maxOf' | 'minOf', args: Node[]): CompiledExpr {
    const list = dottedName(args[0]);
    const fieldNode = args[1];
    if (!list || list.startsWith('params.') || (name !== 'count' && (fieldNode?.type !== 'Literal' || typeof fieldNode.value !== 'string'))) {
      issues.push({ code: 'expression_syntax', message: `${name}() takes a list fact${name === 'count' ? '' : " and a quoted field name, e.g. maxOf(largeFirms, 'softwareRevenue')"}` });
      return () => new Undecided([], ['unsupported']);
    }
    facts.add(list);
    if (!scope.hasFact(list)) issues.push({ code: 'unknown_fact', message: `unknown fact "${list}"` });
    const field = name === 'count' ? '' : (fieldNode.value as string);
    return (env) => {
      if (name !== 'count' && env.listNumbers) {
        const xs = env.listNumbers(list, field);
        return xs instanceof Undecided ? xs : aggregate(name, xs);
      }
      const items = env.list(list);
      if (items instanceof Undecided) return items;
      if (name === 'count') return new Dec(items.length);
      const xs = numbersOf(items, field);
      return xs instanceof Undecided ? xs : aggregate(name, xs);
    };
  }


  function buildRef(args: Node[]): CompiledExpr {
    const [t, k, f] = args;
    if (t.type !== 'Literal' || typeof t.value !== 'string' || f.type !== 'Literal' || typeof f.value !== 'string') {
      issues.push({ code: 'expression_syntax', message: "ref(table, key, field) needs quoted table and field names, e.g. ref('national', period, 'softwareRevenue')" });
      return () => new Undecided([], ['unsupported']);
    }
    const table = t.value;
    const field = f.value;
    if (!scope.hasTable(table, field)) issues.push({ code: 'unknown_reference', message: `unknown reference data ${table}.${field}` });
    const key = build(k);
    return (env) => env.ref(table, key(env), field);
  }

  function binary(op: string, l: CompiledExpr, r: CompiledExpr): CompiledExpr {
    const arith: Record<string, (a: Dec, b: Dec) => Dec | Undecided> = {
      '+': (a, b) => a.plus(b),
      '-': (a, b) => a.minus(b),
      '*': (a, b) => a.times(b),
      '/': (a, b) => (b.isZero() ? new Undecided([], ['division_by_zero']) : a.div(b)),
    };
    const cmp: Record<string, (c: number) => boolean> = {
      '<': (c) => c < 0,
      '<=': (c) => c <= 0,
      '>': (c) => c > 0,
      '>=': (c) => c >= 0,
    };
    if (arith[op]) {
      const f = arith[op];
      return (env) => {
        const a = l(env);
        const b = r(env);
        if (isDec(a) && isDec(b)) return f(a, b);
        return merge(a, b, typeMismatch(a, b));
      };
    }
    if (cmp[op]) {
      const f = cmp[op];
      return (env) => {
        const a = l(env);
        const b = r(env);
        if (isDec(a) && isDec(b)) return f(a.cmp(b));
        return merge(a, b, typeMismatch(a, b));
      };
    }
    if (op === '==' || op === '!=') {
      const eq = op === '==';
      return (env) => {
        const a = l(env);
        const b = r(env);
        if (a instanceof Undecided || b instanceof Undecided) return merge(a, b);
        const same = isDec(a) && isDec(b) ? a.eq(b) : a === b;
        return eq ? same : !same;
      };
    }
    issues.push({ code: 'expression_unsupported', message: `unsupported operator ${op}` });
    return () => new Undecided([], ['unsupported']);
  }

  function call(name: string, fns: CompiledExpr[]): CompiledExpr {
    const nums = (env: ExprEnv): Dec[] | Undecided => {
      const vs = fns.map((f) => f(env));
      return vs.every(isDec) ? (vs as Dec[]) : merge(...vs, ...vs.map((v) => (isDec(v) ? v : typeMismatch(v))));
    };
    switch (name) {
      case 'min':
      case 'max':
        return (env) => {
          const v = nums(env);
          return v instanceof Undecided ? v : name === 'min' ? Dec.min(...v) : Dec.max(...v);
        };
      case 'floor':
      case 'ceil':
      case 'abs':
        return (env) => {
          const v = nums(env);
          return v instanceof Undecided ? v : name === 'floor' ? v[0].floor() : name === 'ceil' ? v[0].ceil() : v[0].abs();
        };
      case 'round':
        return (env) => {
          const v = nums(env);
          return v instanceof Undecided ? v : v[0].toDecimalPlaces(v[1] ? v[1].toNumber() : 0, Dec.ROUND_HALF_UP);
        };
      case 'clamp':
        return (env) => {
          const v = nums(env);
          return v instanceof Undecided ? v : Dec.min(Dec.max(v[0], v[1]), v[2]);
        };
      case 'coalesce':
        return (env) => {
          const seen: Value[] = [];
          for (const f of fns) {
            const v = f(env);
            if (!(v instanceof Undecided)) return v;
            seen.push(v);
          }
          return merge(...seen);
        };
      default:
        return () => new Undecided([], ['unsupported']);
    }
  }

  const fn = build(ast);
  return { fn: issues.length ? null : fn, issues, facts, params };
}

/** sumOf, maxOf or minOf of a list's numbers; an empty list has no max or min. */
function aggregate(name: 'sumOf' | 'maxOf' | 'minOf', xs: readonly Dec[]): Value {
  if (name === 'sumOf') return xs.reduce((a, b) => a.plus(b), new Dec(0));
  if (!xs.length) return new Undecided([], ['empty_list']);
  return name === 'maxOf' ? Dec.max(...xs) : Dec.min(...xs);
}

function typeMismatch(...vals: Value[]): Value {
  return vals.some((v) => !(v instanceof Dec) && !(v instanceof Undecided)) ? new Undecided([], ['type_mismatch']) : new Undecided([]);
}
