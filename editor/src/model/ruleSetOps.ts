// Pure edits of a rule-set document for the visual editor: each takes a rule set and returns a new one, never mutating its input.
import { applyInterpretations, type Condition, type Issue, type NumOrParam, type Parameter, type ParameterValue, type RuleSet, type Stage } from '../../../engine/index.js';

export type JsonPath = (string | number)[];

/** The value at a JSON path, or undefined. */
export function getAt(doc: unknown, path: JsonPath): unknown {
  let v: unknown = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** A copy of `doc` with the value at `path` replaced (copying only the objects along the path); `undefined` removes an object key. */
export function setAt<T>(doc: T, path: JsonPath, value: unknown): T {
  if (path.length === 0) return value as T;
  const [k, ...rest] = path;
  if (Array.isArray(doc)) {
    if (typeof k !== 'number' || k < 0 || k >= doc.length) throw new RangeError(`no index ${String(k)}`);
    const copy = doc.slice();
    copy[k] = setAt(copy[k], rest, value);
    return copy as T;
  }
  if (doc === null || typeof doc !== 'object') throw new TypeError(`cannot set ${String(k)} inside a ${doc === null ? 'null' : typeof doc}`);
  const obj = doc as Record<string, unknown>;
  if (rest.length === 0 && value === undefined) {
    const { [k as string]: _drop, ...others } = obj;
    return others as T;
  }
  return { ...obj, [k]: setAt(obj[k as string], rest, value) } as T;
}

/** Index of a parameter by id; -1 when absent. */
export function parameterIndex(rs: RuleSet, id: string): number {
  return rs.parameters.findIndex((p) => p.id === id);
}

/** Sets a parameter's value (a threshold, weight, pass mark...). */
export function setParameterValue(rs: RuleSet, id: string, value: ParameterValue): RuleSet {
  const i = parameterIndex(rs, id);
  if (i < 0) throw new Error(`no parameter ${id}`);
  return setAt(rs, ['parameters', i, 'value'], value);
}

/** Sets a descriptive field of a parameter: unit, description, cites or label. */
export function setParameterField<K extends 'unit' | 'description' | 'cites' | 'label'>(rs: RuleSet, id: string, field: K, value: Parameter[K]): RuleSet {
  const i = parameterIndex(rs, id);
  if (i < 0) throw new Error(`no parameter ${id}`);
  return setAt(rs, ['parameters', i, field], value === '' ? undefined : value);
}

/** Chooses an interpretation option: records the choice and sets the parameters the option names (engine's applyInterpretations). */
export function chooseInterpretation(rs: RuleSet, interpretationId: string, optionId: string): { ok: true; ruleSet: RuleSet } | { ok: false; issues: Issue[] } {
  return applyInterpretations(rs, { [interpretationId]: optionId });
}

/** The numeric value of a literal or a parameter reference; null when the parameter is missing or not a number. */
export function resolveNum(rs: RuleSet, v: NumOrParam | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const p = rs.parameters.find((x) => x.id === v.param);
  return typeof p?.value === 'number' ? p.value : null;
}

/** Any literal-or-parameter value: the parameter's value when it is a reference. */
export function resolveValue(rs: RuleSet, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { param?: unknown }).param === 'string') {
    return rs.parameters.find((x) => x.id === (v as { param: string }).param)?.value;
  }
  return v;
}

/**
 * Sets a number that is given literally or by a parameter: a reference keeps pointing at its parameter and the
 * parameter's value changes (so every rule citing it stays consistent); a literal is replaced.
 */
export function setNumOrParam(rs: RuleSet, path: JsonPath, value: number): RuleSet {
  const cur = getAt(rs, path) as NumOrParam | undefined;
  if (cur && typeof cur === 'object' && 'param' in cur) return setParameterValue(rs, cur.param, value);
  return setAt(rs, path, value);
}

/** Index of a stage by id. */
export function stageIndex(rs: RuleSet, id: string): number {
  return rs.stages.findIndex((s) => s.id === id);
}

/** The seven indicators' maxima against the base: the live check that they add up. */
export function indicatorTotals(rs: RuleSet, stageId?: string): { stageId: string; base: number | null; sum: number; items: { id: string; max: number | null }[]; adds: boolean } | null {
  const s = rs.stages.find((x): x is Extract<Stage, { kind: 'score' }> => x.kind === 'score' && (!stageId || x.id === stageId));
  if (!s) return null;
  const items = s.items.map((i) => ({ id: i.id, max: resolveNum(rs, i.max) }));
  // Sum in thousandths so 14.5 + 0.1 style maxima add exactly.
  const sum = items.reduce((acc, i) => acc + Math.round((i.max ?? 0) * 1000), 0) / 1000;
  const base = resolveNum(rs, s.base);
  return { stageId: s.id, base, sum, items, adds: base !== null && items.every((i) => i.max !== null) && sum === base };
}

/** Replaces the condition at a JSON path (a gate, requirement, threshold formula, appliesWhen or outcome `when`). */
export function setConditionAt(rs: RuleSet, path: JsonPath, condition: Condition): RuleSet {
  return setAt(rs, path, condition);
}

/** Sets one field of a bonus item's formula (base, step, pointsPerStep, rounding, mode, points...). */
export function setFormulaField(rs: RuleSet, bonusPath: JsonPath, field: string, value: unknown): RuleSet {
  if (getAt(rs, [...bonusPath, 'formula']) === undefined) throw new Error(`no formula at ${bonusPath.join('.')}`);
  return setAt(rs, [...bonusPath, 'formula', field], value);
}

/** Adds a tier above the current top tier of a perItemTiers formula. */
export function addTier(rs: RuleSet, bonusPath: JsonPath): RuleSet {
  const tiers = getAt(rs, [...bonusPath, 'formula', 'tiers']) as { over: NumOrParam; points: NumOrParam; inclusive: boolean }[] | undefined;
  if (!Array.isArray(tiers)) throw new Error('not a perItemTiers formula');
  const top = tiers.length ? resolveNum(rs, tiers[tiers.length - 1].over) ?? 0 : 0;
  const pts = tiers.length ? resolveNum(rs, tiers[tiers.length - 1].points) ?? 0 : 1;
  return setAt(rs, [...bonusPath, 'formula', 'tiers'], [...tiers, { over: top * 2 || 1, points: pts + 1, inclusive: false }]);
}

/** Removes one tier of a perItemTiers formula; the last tier stays. */
export function removeTier(rs: RuleSet, bonusPath: JsonPath, index: number): RuleSet {
  const tiers = getAt(rs, [...bonusPath, 'formula', 'tiers']) as unknown[] | undefined;
  if (!Array.isArray(tiers)) throw new Error('not a perItemTiers formula');
  if (tiers.length <= 1) throw new Error('a formula keeps at least one tier');
  return setAt(rs, [...bonusPath, 'formula', 'tiers'], tiers.filter((_, i) => i !== index));
}

/** Edits the draft's title or effective dates (the fields an editor may change besides the rules). */
export function setMeta(rs: RuleSet, field: 'effectiveFrom' | 'effectiveTo' | 'title' | 'description', value: unknown): RuleSet {
  return setAt(rs, [field], value);
}
