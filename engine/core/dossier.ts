// Checks a dossier against the facts a rule set declares (a zod schema generated from them) and flattens it to fact values.
import { z } from 'zod';
import { Dossier, Evidence, WrappedValue } from '../schema/dossier.js';
import type { Issue } from '../schema/common.js';
import type { FactDef, RuleSet } from '../schema/ruleSet.js';
import { CAN_GENERATE, REJECT, putFact, registerFactNode, type Accept } from './accept.js';
import { generateFlatten, generateShape } from './acceptCode.js';
import { plain } from './plain.js';

export interface PreparedDossier {
  /** Fact values by id; absent facts are missing. */
  values: Record<string, unknown>;
  evidence: Record<string, { evidence?: z.infer<typeof Evidence>; source?: string; illustrative?: boolean }>;
  subject: { id: string; name: string; type: string; period: number };
  dossier: Dossier;
  /** Consistency warnings of the rule set's dossier checks (suspicious, not impossible). */
  warnings?: Issue[];
}

export type FactTree = { [k: string]: FactTree | FactDef };

function isDef(x: FactTree | FactDef): x is FactDef {
  return typeof (x as FactDef).type === 'string' && typeof (x as FactDef).id === 'string' && (x as any).label !== undefined;
}

function allowedAwards(d: NonNullable<FactDef['discretionary']>): string {
  return `${d.allowZero ? '0, or ' : ''}${d.min}–${d.max} in steps of ${d.step}`;
}

function leafSchema(f: FactDef): z.ZodType {
  let s: z.ZodType;
  switch (f.type) {
    case 'number':
    case 'integer': {
      let n = z.number();
      if (f.type === 'integer') n = n.int();
      if (f.min !== undefined) n = n.min(f.min);
      if (f.max !== undefined) n = n.max(f.max);
      s = n;
      const d = f.discretionary;
      if (d) {
        s = n.refine(
          (x) => (d.allowZero && x === 0) || (x >= d.min && x <= d.max && Number.isInteger((x - d.min) / d.step)),
          { message: `not an allowed award: use ${allowedAwards(d)}`, params: { code: 'invalid_award' } },
        );
      }
      break;
    }
    case 'boolean':
      s = z.boolean();
      break;
    case 'string':
      s = z.string().min(1);
      break;
    case 'enum':
      s = z.enum((f.values ?? []).map((v) => v.id) as [string, ...string[]]);
      break;
    case 'list': {
      const shape: Record<string, z.ZodType> = {};
      for (const it of f.item ?? []) {
        let t: z.ZodType =
          it.type === 'string' ? z.string().min(1) : it.type === 'boolean' ? z.boolean() : it.type === 'integer' ? z.number().int() : z.number();
        if (it.min !== undefined && (it.type === 'number' || it.type === 'integer')) t = (t as z.ZodNumber).min(it.min);
        if (it.max !== undefined && (it.type === 'number' || it.type === 'integer')) t = (t as z.ZodNumber).max(it.max);
        shape[it.id] = it.required === false ? t.optional() : t;
      }
      s = z.array(z.object(shape).strict());
      break;
    }
  }
  return s.describe(`${f.label.zh} / ${f.label.en}${f.unit ? ` (${f.unit})` : ''}`);
}

/** A rule set's facts as the tree a dossier's facts object has: a level per part of the dotted ids. */
function factTree(facts: FactDef[]): FactTree {
  const tree: FactTree = {};
  for (const f of facts) {
    const parts = f.id.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (!next || isDef(next)) node[p] = {};
      node = node[p] as FactTree;
    }
    node[parts[parts.length - 1]] = f;
  }
  return tree;
}

/** The zod schema of a dossier's facts under a rule set: nested objects for dotted ids, each value bare or wrapped with evidence. */
export function factsSchema(facts: FactDef[]): z.ZodType {
  const tree = factTree(facts);
  function build(t: FactTree): z.ZodType {
    const shape: Record<string, z.ZodType> = {};
    for (const [k, v] of Object.entries(t)) {
      if (isDef(v)) {
        const leaf = leafSchema(v);
        const wrapped = WrappedValue.extend({ value: leaf });
        const both = z.union([leaf, wrapped]).describe(leaf.description ?? v.id);
        registerFactNode(both, v);
        shape[k] = v.required ? both : both.optional();
      } else {
        shape[k] = build(v).optional();
      }
    }
    return z.object(shape).strict();
  }
  return build(tree);
}

/** The zod schema of a whole dossier under a rule set. */
export function dossierSchema(ruleSet: RuleSet): z.ZodType {
  return Dossier.extend({ facts: factsSchema(ruleSet.facts) });
}

function issueFromZod(i: z.core.$ZodIssue, input: unknown): Issue[] {
  const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
  const where = path.join('.') || '(dossier)';
  if (i.code === 'invalid_union') {
    // Report the branch the author meant: the wrapped form when they wrote {value: ...}, else the bare value.
    const at = path.reduce<any>((o, k) => (o == null ? o : o[k]), input);
    const wrappedMeant = at !== null && typeof at === 'object' && !Array.isArray(at) && 'value' in at;
    const branches = (i as any).errors as z.core.$ZodIssue[][];
    const chosen = branches[wrappedMeant && branches.length > 1 ? 1 : 0] ?? [];
    return chosen.flatMap((sub) => issueFromZod({ ...sub, path: [...i.path, ...sub.path] } as z.core.$ZodIssue, input));
  }
  if (i.code === 'unrecognized_keys') {
    return i.keys.map((k) => ({
      code: path.length <= 1 && path[0] !== 'facts' ? 'unknown_field' : 'unknown_fact',
      path: [...path, k],
      message: `${[...path, k].join('.')}: "${k}" is not a ${path[0] === 'facts' ? 'fact declared by this rule set' : 'known field'}`,
    }));
  }
  const atPath = path.reduce<any>((o, k) => (o == null ? undefined : o[k]), input);
  if (atPath === undefined && i.code !== 'custom') {
    return [{ code: 'missing_required_fact', path, message: `${where}: required, but absent` }];
  }
  if (i.code === 'invalid_type') {
    return [{ code: 'invalid_type', path, message: `${where}: ${JSON.stringify(atPath)} is not valid here (${i.message})` }];
  }
  if (i.code === 'custom') {
    const code = ((i as any).params?.code as string) ?? 'invalid_value';
    const at = path.reduce<any>((o, k) => (o == null ? o : o[k]), input);
    const v = at !== null && typeof at === 'object' && 'value' in at ? at.value : at;
    return [{ code, path, message: `${where}: ${JSON.stringify(v)} is ${i.message}` }];
  }
  const code = i.code === 'too_small' || i.code === 'too_big' ? 'out_of_range' : i.code;
  return [{ code, path, message: `${where}: ${i.message}` }];
}

export type Flatten = (facts: Record<string, unknown>, values: Record<string, unknown>, evidence: PreparedDossier['evidence']) => void;

/** Flattening, compiled once per rule set: closures walking each fact's path, or generated code walking the keys given. */
const flatteners = new WeakMap<FactDef[], Flatten>();
function flattenerFor(facts: FactDef[]): Flatten {
  let f = flatteners.get(facts);
  if (!f) flatteners.set(facts, (f = compileFlatten(facts)));
  return f;
}

/** A fact map with a place for every fact and derived value of the rule set (generateShape), or a plain object where code is not generated. */
const shapes = new WeakMap<FactDef[], new () => Record<string, unknown>>();
function newValues(ruleSet: RuleSet): Record<string, unknown> {
  if (!CAN_GENERATE) return {};
  let Shape = shapes.get(ruleSet.facts);
  if (!Shape) shapes.set(ruleSet.facts, (Shape = generateShape([...ruleSet.facts.map((f) => f.id), ...(ruleSet.derived ?? []).map((d) => d.id)])));
  return new Shape();
}

/** The flattening of a rule set's facts: generated code where the platform allows it (or `generate` says), else closures. */
export function compileFlatten(facts: FactDef[], opts: { generate?: boolean } = {}): Flatten {
  return (opts.generate ?? CAN_GENERATE) ? generateFlatten(factTree(facts), isDef) : walkPaths(facts);
}

function walkPaths(facts: FactDef[]): Flatten {
  const paths = facts.map((f) => ({ f, parts: f.id.split('.') }));
  return (root, values, evidence) => {
    for (const { f, parts } of paths) {
      let v: any = root;
      for (const p of parts) v = v == null ? undefined : v[p];
      if (v !== undefined) putFact(f, v, values, evidence);
    }
  };
}

/**
 * Checks a dossier and flattens its facts; every problem is an issue with its JSON path. With `accept` (compiled from
 * the same zod schema), a dossier it accepts skips zod's parse and has its facts flattened as they were checked;
 * anything it does not accept is parsed by zod, so the issues are zod's, and flattened from zod's result.
 */
export function prepareDossier(
  ruleSet: RuleSet,
  schema: z.ZodType,
  input: unknown,
  accept?: Accept,
): { ok: true; dossier: PreparedDossier } | { ok: false; issues: Issue[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: [{ code: 'invalid_type', path: [], message: 'a dossier must be a JSON object with a "facts" object' }] };
  }
  let values = newValues(ruleSet);
  let evidence: PreparedDossier['evidence'] = new NoEvidence();
  const fast = accept ? accept(input, values, evidence) : REJECT;
  let dossier: Dossier;
  if (fast !== REJECT) dossier = fast as Dossier;
  else {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.flatMap((i) => issueFromZod(i, input));
      const seen = new Set<string>();
      return { ok: false, issues: issues.filter((x) => (seen.has(x.code + x.path.join('.')) ? false : (seen.add(x.code + x.path.join('.')), true))) };
    }
    dossier = parsed.data as Dossier;
    if (accept) {
      values = newValues(ruleSet);
      evidence = new NoEvidence();
    }
    flattenerFor(ruleSet.facts)(dossier.facts as Record<string, unknown>, values, evidence);
  }
  const s = ruleSet.subject;
  const subject = new Subject(String(values[s.idFact]), String(values[s.nameFact]), String(values[s.typeFact]), Number(values[s.periodFact]));
  return new Accepted(new Prepared(values, evidence, dossier, subject));
}

// The objects of an accepted dossier are made by constructor calls, not literals (plain.ts says why).
const Subject = plain(function (this: PreparedDossier['subject'], id: string, name: string, type: string, period: number) {
  this.id = id;
  this.name = name;
  this.type = type;
  this.period = period;
});
const Prepared = plain(function (this: PreparedDossier, values: PreparedDossier['values'], evidence: PreparedDossier['evidence'], dossier: Dossier, subject: PreparedDossier['subject']) {
  this.values = values;
  this.evidence = evidence;
  this.dossier = dossier;
  this.subject = subject;
});
const Accepted = plain(function (this: { ok: true; dossier: PreparedDossier }, dossier: PreparedDossier) {
  this.ok = true;
  this.dossier = dossier;
});
/** The evidence of an accepted dossier, empty until a wrapped value puts its evidence in. */
const NoEvidence = plain(function (this: PreparedDossier['evidence']) {});
