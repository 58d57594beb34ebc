// The compiled accept path of dossier validation against zod's parse: on every fixture, sample, golden dossier and
// generated valid and invalid dossier, checking with it gives exactly what checking with zod alone gives (the dossier
// and fact values as zod returns them, or the same issues with the same codes, paths and words), for the generated
// accept path (Node.js) and the closures (browser pages) alike.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REJECT, compileAccept, type Accept } from '../../engine/core/accept.js';
import { compileFlatten, prepareDossier } from '../../engine/core/dossier.js';
import { canonicalJson } from '../../engine/core/hash.js';
import { compileRuleSet, type CompiledRuleSet } from '../../engine/index.js';
import type { FactDef } from '../../engine/schema/ruleSet.js';
import { generate, mulberry32 } from '../bench/dossiers.js';
import { compiledVersion, passingFacts, readJson } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const jsonFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));

/** Every dossier the repository holds: the samples, the CLI fixtures, the golden cases (single and cohort) of both versions. */
function repositoryDossiers(): { name: string; dossier: unknown }[] {
  const out: { name: string; dossier: unknown }[] = [];
  for (const f of [...jsonFiles('rules/samples'), ...jsonFiles('test/cli/fixtures')]) {
    const raw = fs.readFileSync(path.join(root, f), 'utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      continue; // malformed JSON on purpose: the CLI's parser reports it before any validation
    }
    if (Array.isArray(doc)) doc.forEach((d, i) => out.push({ name: `${f}[${i}]`, dossier: d }));
    else out.push({ name: f, dossier: doc });
  }
  for (const v of [1, 2]) {
    for (const c of readJson(`rules/sfc-2017/v${v}.golden.json`).cases) {
      if (c.dossier) out.push({ name: `v${v}.golden ${c.id}`, dossier: c.dossier });
      (c.dossiers ?? []).forEach((d: unknown, i: number) => out.push({ name: `v${v}.golden ${c.id}[${i}]`, dossier: d }));
    }
  }
  out.push({ name: 'passingFacts', dossier: { facts: passingFacts() } });
  return out;
}

const zodOnly = (c: CompiledRuleSet, d: unknown) => prepareDossier(c.ruleSet, c.core.schema, d);
/** Both accept paths: the generated code the engine uses in Node.js and the closures it uses in a browser page. */
const closures = new WeakMap<CompiledRuleSet, Accept>();
const acceptPaths = (c: CompiledRuleSet): [string, Accept][] => {
  if (!closures.has(c)) closures.set(c, compileAccept(c.core.schema, { generate: false }));
  return [
    ['generated', c.core.accept],
    ['closures', closures.get(c)!],
  ];
};

/** Whether a value holds an explicit `undefined` anywhere (the accept path leaves those to zod). */
function hasUndefined(x: unknown): boolean {
  if (x === undefined) return true;
  if (x === null || typeof x !== 'object') return false;
  return Object.values(x).some(hasUndefined);
}

/**
 * Every path gives the same answer: the same dossier and fact values (key order aside: the generated path returns the
 * dossier as given, zod an equal copy in its shape's order), the same issues in the same order; each accept path
 * accepts exactly what zod accepts; the generated and the closure flattening give the same values and evidence.
 */
function expectSame(c: CompiledRuleSet, d: unknown, name: string) {
  const a = zodOnly(c, d);
  for (const [kind, accept] of acceptPaths(c)) {
    const b = prepareDossier(c.ruleSet, c.core.schema, d, accept);
    expect(canonicalJson(b), `${name} (${kind})`).toBe(canonicalJson(a));
    expect(b, `${name} (${kind})`).toEqual(a);
    if (!hasUndefined(d) && d !== null && typeof d === 'object' && !Array.isArray(d)) expect(accept(d) !== REJECT, `${name}: the ${kind} accept path agrees with zod on acceptance`).toBe(a.ok);
  }
  if (a.ok) {
    const flat = [true, false].map((generate) => {
      const values = {};
      const evidence = {};
      compileFlatten(c.ruleSet.facts, { generate })(a.dossier.dossier.facts as Record<string, unknown>, values, evidence);
      return canonicalJson({ values, evidence });
    });
    expect(flat[0], `${name}: generated flattening = closures`).toBe(flat[1]);
  }
  return a.ok;
}

const clone = <T>(x: T): T => structuredClone(x);

function setPath(facts: Record<string, unknown>, parts: string[], v: unknown) {
  let node = facts;
  for (const p of parts.slice(0, -1)) {
    if (node[p] === null || typeof node[p] !== 'object' || Array.isArray(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  if (v === DELETE) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = v;
}
const DELETE = Symbol('delete');

/** Values near and beyond what a fact declares: bounds, just past them, fractions for integers, award steps, wrong types. */
function edgeValues(f: FactDef): unknown[] {
  const xs: unknown[] = [null, true, 'x', '', 0, -1, 0.5, 1e12, NaN, Infinity, -Infinity, 2 ** 60, [], {}, DELETE];
  if (f.min !== undefined) xs.push(f.min, f.min - 1, f.min - 0.001);
  if (f.max !== undefined) xs.push(f.max, f.max + 1, f.max + 0.001);
  const d = f.discretionary;
  if (d) xs.push(d.min, d.max, d.min + d.step, d.min + d.step / 2, d.max + d.step, d.min - d.step);
  if (f.type === 'enum') xs.push(...(f.values ?? []).map((v) => v.id), 'not-a-value');
  if (f.type === 'list') {
    const item = Object.fromEntries((f.item ?? []).map((it) => [it.id, it.type === 'string' ? 'A' : it.type === 'boolean' ? true : (it.min ?? 1)]));
    xs.push([item], [item, item], [{ ...item, extra: 1 }], [null], [{}], (f.item ?? []).map((it) => ({ ...item, [it.id]: it.type === 'string' ? '' : 'x' })), { value: [item] });
  }
  return xs;
}

/** A value in the wrapped form, with evidence that is valid or not. */
const wrappers = (v: unknown): unknown[] => [
  { value: v },
  { value: v, source: 'MIIT 2019', illustrative: true },
  { value: v, evidence: { document: '统计公报', page: 3, year: 2019 } },
  { value: v, evidence: { document: '统计公报', page: 'iv' } },
  { value: v, evidence: { document: '' } },
  { value: v, evidence: { document: 'd', page: 0 } },
  { value: v, evidence: { document: 'd', year: 2019.5 } },
  { value: v, evidence: { document: 'd', extra: 1 } },
  { value: v, illustrative: 'yes' },
  { value: v, note: 'x' },
  { evidence: { document: 'd' } },
];

describe.each([1, 2])('dossier validation under sfc-2017@%i: compiled accept path = zod', (version) => {
  const c = compiledVersion(version);
  const facts = c.ruleSet.facts;

  it('every sample, fixture and golden dossier', () => {
    const all = repositoryDossiers();
    expect(all.length).toBeGreaterThan(200);
    let accepted = 0;
    for (const { name, dossier } of all) if (expectSame(c, dossier, name)) accepted++;
    // Most are valid under both versions; the fast path is exercised, not bypassed.
    expect(accepted).toBeGreaterThan(all.length / 2);
  });

  it('generated valid dossiers, bare and with values wrapped', () => {
    const rng = mulberry32(version * 7919);
    for (let i = 0; i < 300; i++) {
      const d = generate(c.ruleSet, rng, i);
      expect(expectSame(c, d, `generated ${i}`)).toBe(true);
      // The same dossier with some values wrapped with their evidence.
      const w = clone(d);
      for (const f of facts) {
        if (rng() > 0.3) continue;
        const parts = f.id.split('.');
        let v: any = w.facts;
        for (const p of parts) v = v?.[p];
        if (v !== undefined) setPath(w.facts, parts, { value: v, evidence: { document: '统计公报', page: 1 + (i % 5), year: 2019 }, source: 'MIIT', illustrative: i % 2 === 0 });
      }
      expect(expectSame(c, w, `generated ${i}, wrapped`)).toBe(true);
    }
  });

  it('generated invalid dossiers: bad values, wrong wrappers, unknown and missing facts, a bad envelope', () => {
    const base = generate(c.ruleSet, mulberry32(version), 0);
    const groups = [...new Set(facts.filter((f) => f.id.includes('.')).map((f) => f.id.split('.').slice(0, -1).join('.')))];
    const factMutation = fc.constantFrom(...facts).chain((f) =>
      fc.constantFrom(...edgeValues(f), ...wrappers(edgeValues(f)[4]), ...wrappers(f.type === 'boolean' ? true : f.type === 'string' ? 'x' : (f.min ?? 1))).map((v) => ({ parts: f.id.split('.'), v })),
    );
    const groupMutation = fc.constantFrom(...groups).chain((g) => fc.constantFrom<unknown>(null, 1, 'x', [], {}, { extra: true }, DELETE).map((v) => ({ parts: g.split('.'), v })));
    const unknownFact = fc.constantFrom<string[]>(['nope'], ['application', 'nope'], ['bonusAwards', 'strategies', 'nope']).map((parts) => ({ parts, v: 1 as unknown }));
    const envelope = fc.constantFrom<[string, unknown]>(
      ['dossierFormat', 2],
      ['dossierFormat', '1'],
      ['dossierFormat', DELETE],
      ['$schema', 1],
      ['$schema', 'https://example.org/dossier.json'],
      ['meta', { title: 't', illustrative: true, sources: ['s'] }],
      ['meta', { title: 1 }],
      ['meta', { sources: [1] }],
      ['meta', { other: 1 }],
      ['extra', 1],
      ['facts', DELETE],
      ['facts', []],
      ['facts', null],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 6, arbitrary: factMutation }, groupMutation, unknownFact), { minLength: 1, maxLength: 3 }), fc.option(envelope, { freq: 4 }), (muts, env) => {
        const d = clone(base) as Record<string, any>;
        for (const { parts, v } of muts) setPath(d.facts, parts, v);
        if (env) {
          if (env[1] === DELETE) delete d[env[0]];
          else d[env[0]] = env[1];
        }
        expectSame(c, d, JSON.stringify({ muts, env }));
      }),
      { seed: 2017 + version, numRuns: 1500 },
    );
  });

  it('a list written wrapped with its evidence is the list', () => {
    const list = facts.find((f) => f.type === 'list')!;
    const d = generate(c.ruleSet, mulberry32(version + 99), 1);
    const parts = list.id.split('.');
    let bare: any = d.facts;
    for (const p of parts) bare = bare?.[p];
    expect(Array.isArray(bare) && bare.length > 0, `${list.id} is a non-empty list in the generated dossier`).toBe(true);
    const w = clone(d);
    setPath(w.facts, parts, { value: bare, evidence: { document: '统计公报', page: 2 } });
    for (const [kind, accept] of acceptPaths(c)) {
      const p = prepareDossier(c.ruleSet, c.core.schema, w, accept);
      if (!p.ok) throw new Error(`${kind}: ${JSON.stringify(p.issues)}`);
      expect(p.dossier.values[list.id], kind).toEqual(bare);
      expect(p.dossier.evidence[list.id], kind).toEqual({ evidence: { document: '统计公报', page: 2 } });
    }
  });

  /** A dossier with every declared fact present: each fact's value taken from the first generated dossier that has it. */
  function everyFact(): { dossierFormat: 1; facts: Record<string, unknown> } {
    const rng = mulberry32(version + 11);
    const pool = Array.from({ length: 40 }, (_, i) => generate(c.ruleSet, rng, i));
    const d = { dossierFormat: 1 as const, facts: {} as Record<string, unknown> };
    for (const f of facts) {
      const parts = f.id.split('.');
      const from = pool.map((p) => parts.reduce<any>((o, k) => o?.[k], p.facts)).find((v) => v !== undefined);
      if (from === undefined) throw new Error(`no generated dossier has ${f.id}`);
      setPath(d.facts, parts, from);
    }
    return d;
  }
  /** The same object with its keys (at every level) in an order given by `order`, values as they are. */
  function reorder(x: unknown, order: (keys: string[]) => string[]): unknown {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
    const o = x as Record<string, unknown>;
    return Object.fromEntries(order(Object.keys(o)).map((k) => [k, reorder(o[k], order)]));
  }

  it('keys in any order, and unknown keys anywhere among them, are judged as zod judges them', () => {
    const full = everyFact();
    expect(expectSame(c, full, 'every fact present')).toBe(true);
    const rng = mulberry32(version + 13);
    const shuffle = (ks: string[]) => {
      const out = [...ks];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };
    const sparse = generate(c.ruleSet, mulberry32(version + 17), 3);
    for (const [name, d] of [['every fact', full], ['some facts left out', sparse]] as const) {
      expect(expectSame(c, reorder(d, (ks) => [...ks].reverse()), `${name}, keys reversed`)).toBe(true);
      for (let i = 0; i < 20; i++) expect(expectSame(c, reorder(d, shuffle), `${name}, keys shuffled ${i}`)).toBe(true);
      // An unknown key first, in the middle, last, at every level; prototype names as own keys (JSON.parse makes them own).
      const keyCount = Object.keys(d.facts).length;
      for (const unknown of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        for (const at of [0, keyCount >> 1, keyCount]) {
          const text = JSON.stringify(d.facts);
          const entries = Object.entries(JSON.parse(text) as Record<string, unknown>);
          const withUnknown = `{${[...entries.slice(0, at), [unknown, 1], ...entries.slice(at)].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
          const bad = { dossierFormat: 1, facts: JSON.parse(withUnknown) };
          expect(Object.keys(bad.facts), 'the unknown key is an own key').toContain(unknown);
          expect(expectSame(c, bad, `${name}, unknown ${unknown} at ${at}`), `${name}, unknown ${unknown} at ${at}`).toBe(false);
        }
      }
      for (const group of ['application', 'application.materials', 'bonusAwards.strategies']) {
        const bad = clone(d) as { facts: Record<string, any> };
        const parts = group.split('.');
        const node = parts.reduce<any>((o, k) => o?.[k], bad.facts);
        if (node === undefined) continue;
        setPath(bad.facts, parts, { ...node, extra: true });
        expect(expectSame(c, bad, `${name}, unknown key in ${group}`)).toBe(false);
        setPath(bad.facts, parts, { extra: true, ...node });
        expect(expectSame(c, bad, `${name}, unknown key first in ${group}`)).toBe(false);
      }
    }
  });

  it('a declared key present with undefined (an object built in code) is left to zod, at every level', () => {
    const full = everyFact();
    for (const f of facts) {
      const d = clone(full);
      setPath(d.facts, f.id.split('.'), undefined);
      const p = expectSame(c, d, `${f.id}: undefined`);
      expect(p, `${f.id}: undefined is accepted as absent only when the fact is optional`).toBe(!f.required);
    }
    const d = clone(full) as Record<string, unknown>;
    d.meta = undefined;
    expect(expectSame(c, d, 'meta: undefined')).toBe(true);
  });

  it('an accepted dossier is made of plain objects, whichever path accepted it', () => {
    const d = generate(c.ruleSet, mulberry32(version + 5), 2);
    for (const [kind, accept] of [...acceptPaths(c), ['zod', undefined] as const]) {
      const p = prepareDossier(c.ruleSet, c.core.schema, d, accept);
      if (!p.ok) throw new Error(`${kind}: ${JSON.stringify(p.issues)}`);
      for (const [what, o] of Object.entries({ result: p, dossier: p.dossier, subject: p.dossier.subject, evidence: p.dossier.evidence }))
        expect(Object.getPrototypeOf(o), `${kind}: ${what}`).toBe(Object.prototype);
      expect(Object.keys(p), kind).toEqual(['ok', 'dossier']);
      expect(Object.keys(p.dossier), kind).toEqual(['values', 'evidence', 'dossier', 'subject']);
      expect(p.dossier.subject, kind).toEqual({ id: d.facts.cityId, name: d.facts.cityName, type: d.facts.applicationType, period: d.facts.period });
    }
    const checked = c.checkDossier(d);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    expect(Object.getPrototypeOf(checked)).toBe(Object.prototype);
    expect(Object.keys(checked)).toEqual(['ok', 'dossier', 'warnings']);
    expect(Array.isArray(checked.warnings)).toBe(true);
  });

  it('inputs that are not plain JSON objects are left to zod', () => {
    class Facts {
      cityId = 'x';
    }
    for (const d of [null, 1, 'x', [], { facts: new Facts() }, { facts: Object.create(null) }, { facts: { cityId: undefined } }, Object.create({ facts: {} })]) expectSame(c, d, String(d));
  });
});

describe('generated validation writes rule-set data as data', () => {
  it('enum values and keys that look like code are compared as text, never run', () => {
    const hostile = ['"); globalThis.__mcInjected = 1; ("', "'; globalThis.__mcInjected = 2; '", '`${globalThis.__mcInjected = 3}`', 'a\u2028b\u2029c', '\\', '*/ globalThis.__mcInjected = 4; /*'];
    const doc = readJson('rules/sfc-2017/v2.json');
    doc.facts.push({ id: 'hostileEnum', label: { zh: '测试', en: 'test' }, type: 'enum', cites: [], values: hostile.map((id) => ({ id, label: { zh: id, en: id } })) });
    const c = compileRuleSet(doc);
    if (!c.ok) throw new Error(JSON.stringify(c.issues));
    expect(c.compiled.core.accept).not.toBe(compileAccept(c.compiled.core.schema, { generate: false }));
    const base = { facts: passingFacts() };
    for (const v of hostile) {
      const d = { ...base, facts: { ...base.facts, hostileEnum: v } };
      expect(expectSame(c.compiled, d, JSON.stringify(v))).toBe(true);
    }
    expect(expectSame(c.compiled, { ...base, facts: { ...base.facts, hostileEnum: 'other' } }, 'not an option')).toBe(false);
    expect((globalThis as { __mcInjected?: unknown }).__mcInjected).toBeUndefined();
  });
});
