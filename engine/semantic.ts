// Semantic checks of a rule set beyond its schema: ids, references, sums, tiers, citations, interpretations; issues, never exceptions.
import type { Issue } from './schema/common.js';
import type { Condition } from './schema/condition.js';
import { isLeaf } from './schema/condition.js';
import type { Parameter, ParameterValue, RuleSet } from './schema/ruleSet.js';
import jsep from 'jsep';
import { compileExpr } from './core/expr.js';
import { Dec, dec } from './core/decimal.js';
import { LABEL_PLACEHOLDER, orderDerived } from './core/compile.js';

type Path = (string | number)[];

/** Every semantic problem of a schema-valid rule set, each with a JSON path. */
export function semanticIssues(rs: RuleSet, clauseIds: Set<string> | null): Issue[] {
  const issues: Issue[] = [];
  const err = (code: string, path: Path, message: string, hint?: string) => issues.push({ code, path, message, severity: 'error', ...(hint ? { hint } : {}) });
  const warn = (code: string, path: Path, message: string) => issues.push({ code, path, message, severity: 'warning' });

  const params = new Map(rs.parameters.map((p) => [p.id, p]));
  const factIds = new Set(rs.facts.map((f) => f.id));
  const derivedIds = new Set(rs.derived.map((d) => d.id));
  const outcomeIds = new Set(rs.outcomes.map((o) => o.id));
  const stageIds = new Set(rs.stages.map((s) => s.id));

  // Duplicate ids, per namespace and across rule items.
  const dup = (ids: { id: string; path: Path }[], what: string) => {
    const seen = new Map<string, Path>();
    for (const { id, path } of ids) {
      if (seen.has(id)) err('duplicate_id', path, `${what} id "${id}" is used twice (first at ${seen.get(id)!.join('.')})`);
      else seen.set(id, path);
    }
  };
  dup(rs.parameters.map((p, i) => ({ id: p.id, path: ['parameters', i, 'id'] })), 'parameter');
  dup(
    [...rs.facts.map((f, i) => ({ id: f.id, path: ['facts', i, 'id'] as Path })), ...rs.derived.map((d, i) => ({ id: d.id, path: ['derived', i, 'id'] as Path }))],
    'fact',
  );
  dup(rs.interpretations.map((x, i) => ({ id: x.id, path: ['interpretations', i, 'id'] })), 'interpretation');
  dup(rs.outcomes.map((x, i) => ({ id: x.id, path: ['outcomes', i, 'id'] })), 'outcome');
  const itemIds: { id: string; path: Path }[] = [];
  rs.stages.forEach((s, si) => {
    itemIds.push({ id: s.id, path: ['stages', si, 'id'] });
    if (s.kind === 'checks' || s.kind === 'bonus') s.items.forEach((it, ii) => itemIds.push({ id: it.id, path: ['stages', si, 'items', ii, 'id'] }));
    if (s.kind === 'score')
      s.items.forEach((it, ii) => {
        itemIds.push({ id: it.id, path: ['stages', si, 'items', ii, 'id'] });
        it.requirements.forEach((r, ri) => itemIds.push({ id: r.id, path: ['stages', si, 'items', ii, 'requirements', ri, 'id'] }));
      });
    if (s.kind === 'outcome') s.rules.forEach((r, ri) => itemIds.push({ id: r.id, path: ['stages', si, 'rules', ri, 'id'] }));
  });
  dup(itemIds, 'rule item');
  // Facts sharing a dotted prefix with another fact cannot both be nested in a dossier.
  for (const [i, f] of rs.facts.entries()) {
    if (rs.facts.some((g) => g.id.startsWith(`${f.id}.`))) err('fact_prefix_clash', ['facts', i, 'id'], `fact "${f.id}" is also the prefix of other facts' ids`);
  }

  // Parameters: values fit their type; option names are for options the parameter has.
  rs.parameters.forEach((p, i) => issues.push(...parameterValueIssues(p, p.value, i)));
  rs.parameters.forEach((p, i) => {
    for (const o of Object.keys(p.optionLabels ?? {}))
      if (!(p.options ?? []).includes(o)) err('unknown_option', ['parameters', i, 'optionLabels', o], `parameter "${p.id}" names option "${o}", which is not one of its options`);
  });

  const paramRef = (v: unknown, path: Path, type: 'number' | 'enum' | 'boolean' | 'any' = 'any', allowNull = false) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !('param' in (v as object))) return;
    const id = (v as { param: string }).param;
    const p = params.get(id);
    if (!p) {
      err('unknown_parameter', [...path, 'param'], `unknown parameter "${id}"`, 'declare it in parameters[] or use a literal value');
      return;
    }
    if (type !== 'any' && p.type !== type) err('parameter_type', [...path, 'param'], `parameter "${id}" is ${p.type}, but a ${type} is needed here`);
    if (p.value === null && !allowNull) err('parameter_type', [...path, 'param'], `parameter "${id}" may be null, which is not allowed here`);
  };
  const knownFact = (id: string) => factIds.has(id) || derivedIds.has(id);
  const checkCondition = (c: Condition, path: Path) => {
    if (isLeaf(c)) {
      if (!knownFact(c.fact)) err('unknown_fact', [...path, 'fact'], `condition reads fact "${c.fact}", which the rule set does not declare`);
      const v = c.value;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        if ('fact' in v && !knownFact(v.fact)) err('unknown_fact', [...path, 'value', 'fact'], `condition compares with fact "${v.fact}", which the rule set does not declare`);
        paramRef(v, [...path, 'value']);
      }
      const f = rs.facts.find((x) => x.id === c.fact);
      if (f && f.type === 'list') err('invalid_condition', [...path, 'fact'], `fact "${c.fact}" is a list and cannot be compared`);
      else comparisonIssues(c, path);
      return;
    }
    if ('all' in c) c.all.forEach((x, i) => checkCondition(x, [...path, 'all', i]));
    else if ('any' in c) c.any.forEach((x, i) => checkCondition(x, [...path, 'any', i]));
    else checkCondition(c.not, [...path, 'not']);
  };

  // What a comparison puts side by side: a quantity's kind (number, yes/no, text) and its unit, as the rule set declares them.
  // An integer fact without a unit counts things; a unit that some measured (non-integer) fact or derived value declares is not a count.
  // A derived value that counts list entries (count(...)) is a count too, whatever unit it names (家).
  const countsEntries = (expr: string) => /^\s*count\s*\(/.test(expr);
  const measuredUnits = new Set([...rs.facts.filter((f) => f.type === 'number' && f.unit).map((f) => f.unit!), ...rs.derived.filter((d) => d.unit && !countsEntries(d.expr)).map((d) => d.unit!)]);
  type Side = { kind: 'number' | 'boolean' | 'text'; unit: string | null; count: boolean; what: string; values?: string[] };
  // What a derived value's expression gives: yes/no for a comparison, a negation, has(…), inTable(…) or a logical
  // combination of yes/no values; a number otherwise; null when it cannot be told (then no kind is checked).
  const derivedKind = (expr: string): 'number' | 'boolean' | null => {
    const kindOf = (n: jsep.Expression, depth: number): 'number' | 'boolean' | null => {
      if (depth > 50) return null;
      switch (n.type) {
        case 'Literal':
          return typeof n.value === 'boolean' ? 'boolean' : typeof n.value === 'number' ? 'number' : null;
        case 'UnaryExpression':
          return n.operator === '!' ? 'boolean' : kindOf(n.argument as jsep.Expression, depth + 1);
        case 'BinaryExpression': {
          const op = n.operator as string;
          if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return 'boolean';
          if (op === '||' || op === '&&') {
            const a = kindOf(n.left as jsep.Expression, depth + 1);
            const b = kindOf(n.right as jsep.Expression, depth + 1);
            return a === b ? a : null;
          }
          return 'number';
        }
        case 'CallExpression': {
          const callee = (n.callee as jsep.Expression).type === 'Identifier' ? ((n.callee as jsep.Expression).name as string) : '';
          return callee === 'has' || callee === 'inTable' ? 'boolean' : callee === 'coalesce' || callee === 'ref' ? null : 'number';
        }
        case 'ConditionalExpression': {
          const a = kindOf(n.consequent as jsep.Expression, depth + 1);
          const b = kindOf(n.alternate as jsep.Expression, depth + 1);
          return a === b ? a : null;
        }
        case 'Identifier':
        case 'MemberExpression': {
          const name = n.type === 'Identifier' ? (n.name as string) : null;
          const f = name ? rs.facts.find((x) => x.id === name) : undefined;
          if (f) return f.type === 'boolean' ? 'boolean' : f.type === 'number' || f.type === 'integer' ? 'number' : null;
          return null;
        }
        default:
          return null;
      }
    };
    try {
      return kindOf(jsep(expr), 0);
    } catch {
      return null;
    }
  };
  const factSide = (id: string): Side | null => {
    const f = rs.facts.find((x) => x.id === id);
    if (f) {
      if (f.type === 'list') return null;
      const kind = f.type === 'number' || f.type === 'integer' ? 'number' : f.type === 'boolean' ? 'boolean' : 'text';
      return { kind, unit: f.unit ?? null, count: f.type === 'integer' && !f.unit, what: `fact "${id}"`, values: f.type === 'enum' ? f.values?.map((v) => v.id) : undefined };
    }
    const d = rs.derived.find((x) => x.id === id);
    if (!d) return null;
    const kind = derivedKind(d.expr);
    return kind === null ? null : { kind, unit: kind === 'number' ? (d.unit ?? null) : null, count: countsEntries(d.expr), what: `derived value "${id}"` };
  };
  const describeSide = (x: Side) => `${x.what} (${x.count ? 'a count' : x.kind === 'number' ? (x.unit ? `in ${x.unit}` : 'a number') : x.kind === 'boolean' ? 'yes/no' : 'text'})`;
  const comparisonIssues = (c: Extract<Condition, { fact: string }>, path: Path) => {
    const left = factSide(c.fact);
    if (!left) return;
    const v = c.value;
    const at: Path = [...path, 'value'];
    const ordering = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'].includes(c.operator);
    if (ordering && left.kind !== 'number') err('type_mismatch', [...path, 'operator'], `"${c.operator}" orders numbers, but ${describeSide(left)} is not a number`, 'compare it with equal / notEqual');
    let right: Side | null = null;
    if (Array.isArray(v)) {
      if (c.operator !== 'in' && c.operator !== 'notIn') err('type_mismatch', at, `a list of values needs the operator "in" or "notIn", not "${c.operator}"`);
      const bad = v.find((x) => (left.kind === 'number' ? typeof x !== 'number' : left.kind === 'text' ? typeof x !== 'string' : true));
      if (bad !== undefined) err('type_mismatch', at, `${describeSide(left)} is compared with the list value ${JSON.stringify(bad)}`);
      else if (left.values) for (const x of v) if (!left.values.includes(String(x))) err('invalid_value', at, `"${x}" is not a value of ${left.what} (${left.values.join(', ')})`);
      return;
    }
    if (c.operator === 'in' || c.operator === 'notIn') err('type_mismatch', at, `"${c.operator}" needs a list of values`);
    if (v !== null && typeof v === 'object') {
      if ('fact' in v) right = factSide(v.fact);
      else {
        const p = params.get(v.param);
        if (!p) return;
        right = { kind: p.type === 'number' ? 'number' : p.type === 'boolean' ? 'boolean' : 'text', unit: p.unit ?? null, count: false, what: `parameter "${p.id}"`, values: p.type === 'enum' ? p.options : undefined };
      }
    } else if (typeof v === 'number') right = { kind: 'number', unit: null, count: false, what: `the number ${v}` };
    else if (typeof v === 'boolean') right = { kind: 'boolean', unit: null, count: false, what: `the value ${v}` };
    else if (typeof v === 'string') {
      right = { kind: 'text', unit: null, count: false, what: `the text "${v}"` };
      if (left.values && !left.values.includes(v)) err('invalid_value', at, `"${v}" is not a value of ${left.what} (${left.values.join(', ')})`);
    }
    if (!right) return;
    if (left.kind !== right.kind) {
      err('type_mismatch', at, `${describeSide(left)} is compared with ${describeSide(right)}`, 'compare it with a value of the same kind');
      return;
    }
    if (left.kind !== 'number') return;
    const unitClash = left.unit && right.unit && left.unit !== right.unit;
    const countClash = (left.count && right.unit && measuredUnits.has(right.unit)) || (right.count && left.unit && measuredUnits.has(left.unit));
    if (unitClash || countClash) err('unit_mismatch', at, `${describeSide(left)} is compared with ${describeSide(right)}`, 'compare quantities in the same unit, or correct the unit the rule set declares');
  };

  // Citations.
  const cite = (ids: string[], path: Path) => {
    if (!clauseIds) return;
    ids.forEach((id, i) => {
      if (!clauseIds.has(id)) err('unknown_clause', [...path, i], `clause "${id}" does not exist in the policy text "${rs.policy}"`);
    });
  };

  rs.parameters.forEach((p, i) => cite(p.cites, ['parameters', i, 'cites']));

  // Subject.
  for (const k of ['idFact', 'nameFact', 'typeFact', 'periodFact'] as const) {
    const f = rs.facts.find((x) => x.id === rs.subject[k]);
    if (!f) err('unknown_fact', ['subject', k], `subject.${k} names "${rs.subject[k]}", which is not a declared fact`);
    else if (!f.required) err('subject_fact_optional', ['subject', k], `subject.${k} fact "${f.id}" must be required`);
  }
  const typeFact = rs.facts.find((x) => x.id === rs.subject.typeFact);
  if (typeFact?.values) {
    for (const [i, ty] of rs.subject.types.entries())
      if (!typeFact.values.some((v) => v.id === ty.id)) err('unknown_reference', ['subject', 'types', i, 'id'], `subject type "${ty.id}" is not a value of fact "${typeFact.id}"`);
  }
  rs.subject.types.forEach((ty, i) => {
    if (!rs.subject.kinds.some((k) => k.id === ty.kind)) err('unknown_reference', ['subject', 'types', i, 'kind'], `unknown subject kind "${ty.kind}"`);
  });
  if (!rs.outcomes.some((o) => o.rank === 0)) err('missing_none_outcome', ['outcomes'], 'one outcome must have rank 0 (no title)');

  // Facts.
  rs.facts.forEach((f, i) => {
    cite(f.cites, ['facts', i, 'cites']);
    if (f.type === 'enum' && !f.values?.length) err('invalid_fact', ['facts', i, 'values'], `enum fact "${f.id}" needs values`);
    if (f.type === 'list' && !f.item?.length) err('invalid_fact', ['facts', i, 'item'], `list fact "${f.id}" needs item fields`);
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) err('invalid_fact', ['facts', i], `fact "${f.id}": min ${f.min} is above max ${f.max}`);
  });

  // Derived values and their expressions.
  const scope = {
    hasFact: knownFact,
    hasParam: (id: string) => params.has(id),
    hasTable: (id: string, field?: string) => rs.referenceData.some((t) => t.id === id && (field === undefined || t.fields.some((f) => f.id === field))),
  };
  const deps = new Map<string, Set<string>>();
  rs.derived.forEach((d, i) => {
    cite(d.cites, ['derived', i, 'cites']);
    const r = compileExpr(d.expr, scope);
    deps.set(d.id, r.facts);
    for (const e of r.issues)
      err(e.code, ['derived', i, 'expr'], `derived "${d.id}": ${e.message}`, e.position !== undefined ? `position ${e.position}` : undefined);
  });
  const { cycle } = orderDerived(rs.derived, deps);
  if (cycle) err('derived_cycle', ['derived'], `derived values depend on each other in a cycle: ${(cycle as string[]).join(' → ')}`);
  rs.referenceData.forEach((t, ti) =>
    t.rows.forEach((r, ri) => {
      if (!(t.key in r)) err('invalid_reference_row', ['referenceData', ti, 'rows', ri], `row has no "${t.key}"`);
    }),
  );

  // Stages.
  rs.stages.forEach((s, si) => {
    const sp: Path = ['stages', si];
    cite(s.cites, [...sp, 'cites']);
    if (s.appliesWhen) checkCondition(s.appliesWhen, [...sp, 'appliesWhen']);
    if (s.kind === 'checks') {
      s.items.forEach((it, ii) => {
        const ip: Path = [...sp, 'items', ii];
        cite(it.cites, [...ip, 'cites']);
        checkCondition(it.condition, [...ip, 'condition']);
        if (it.appliesWhen) checkCondition(it.appliesWhen, [...ip, 'appliesWhen']);
        paramRef(it.severity, [...ip, 'severity'], 'enum');
        const sev = typeof it.severity === 'string' ? it.severity : params.get(it.severity.param)?.value;
        if (sev !== undefined && sev !== 'veto' && sev !== 'advisory') err('invalid_value', [...ip, 'severity'], `severity must be "veto" or "advisory", not "${String(sev)}"`);
      });
    }
    if (s.kind === 'score') {
      paramRef(s.base, [...sp, 'base'], 'number');
      let sum = new Dec(0);
      let known = true;
      s.items.forEach((ind, ii) => {
        const ip: Path = [...sp, 'items', ii];
        cite(ind.cites, [...ip, 'cites']);
        paramRef(ind.max, [...ip, 'max'], 'number');
        const m = numberOf(ind.max);
        if (m === null) known = false;
        else sum = sum.plus(dec(m));
        if (ind.scoreFact && !factIds.has(ind.scoreFact)) err('unknown_fact', [...ip, 'scoreFact'], `score fact "${ind.scoreFact}" is not declared`);
        ind.requirements.forEach((r, ri) => {
          cite(r.cites, [...ip, 'requirements', ri, 'cites']);
          checkCondition(r.condition, [...ip, 'requirements', ri, 'condition']);
          if (r.appliesWhen) checkCondition(r.appliesWhen, [...ip, 'requirements', ri, 'appliesWhen']);
        });
      });
      const b = numberOf(s.base);
      if (known && b !== null && !sum.eq(dec(b)))
        err('indicator_sum_mismatch', [...sp, 'items'], `indicator maxima add up to ${sum.toString()}, but the declared base is ${b}`, 'change an indicator\'s maximum or the base so that they agree');
    }
    if (s.kind === 'bonus') {
      if (s.cap !== undefined && s.cap !== null) paramRef(s.cap, [...sp, 'cap'], 'number', true);
      s.items.forEach((b, bi) => {
        const ip: Path = [...sp, 'items', bi];
        cite(b.cites, [...ip, 'cites']);
        if (b.appliesWhen) checkCondition(b.appliesWhen, [...ip, 'appliesWhen']);
        if (b.cap !== undefined && b.cap !== null) paramRef(b.cap, [...ip, 'cap'], 'number', true);
        if (b.precondition) {
          paramRef(b.precondition.enabled, [...ip, 'precondition', 'enabled'], 'boolean');
          cite(b.precondition.cites, [...ip, 'precondition', 'cites']);
          checksStages(b.precondition.stages, [...ip, 'precondition', 'stages']);
        }
        const f = b.formula;
        const fp: Path = [...ip, 'formula'];
        if (f.kind === 'steps') {
          if (!knownFact(f.input)) err('unknown_fact', [...fp, 'input'], `formula reads fact "${f.input}", which the rule set does not declare`);
          paramRef(f.base, [...fp, 'base'], 'number');
          paramRef(f.step, [...fp, 'step'], 'number');
          paramRef(f.pointsPerStep, [...fp, 'pointsPerStep'], 'number');
          paramRef(f.rounding, [...fp, 'rounding'], 'enum');
          const st = numberOf(f.step);
          if (st !== null && st <= 0) err('non_monotonic_tiers', [...fp, 'step'], 'the step must be positive');
          const r = typeof f.rounding === 'string' ? f.rounding : params.get(f.rounding.param)?.value;
          if (r !== undefined && r !== 'floor' && r !== 'proRata') err('invalid_value', [...fp, 'rounding'], `rounding must be "floor" or "proRata", not "${String(r)}"`);
        }
        if (f.kind === 'threshold') {
          checkCondition(f.condition, [...fp, 'condition']);
          paramRef(f.points, [...fp, 'points'], 'number');
        }
        if (f.kind === 'perItemTiers') {
          const lf = rs.facts.find((x) => x.id === f.list);
          if (!lf) err('unknown_fact', [...fp, 'list'], `formula reads list "${f.list}", which the rule set does not declare`);
          else if (lf.type !== 'list') err('invalid_formula', [...fp, 'list'], `fact "${f.list}" is not a list`);
          else if (!lf.item?.some((x) => x.id === f.field && (x.type === 'number' || x.type === 'integer')))
            err('unknown_fact', [...fp, 'field'], `list "${f.list}" has no numeric field "${f.field}"`);
          paramRef(f.mode, [...fp, 'mode'], 'enum');
          const m = typeof f.mode === 'string' ? f.mode : params.get(f.mode.param)?.value;
          if (m !== undefined && m !== 'highest' && m !== 'cumulative') err('invalid_value', [...fp, 'mode'], `mode must be "highest" or "cumulative", not "${String(m)}"`);
          f.tiers.forEach((t, ti) => {
            paramRef(t.over, [...fp, 'tiers', ti, 'over'], 'number');
            paramRef(t.points, [...fp, 'tiers', ti, 'points'], 'number');
          });
          const tiers = f.tiers.map((t, ti) => ({ over: numberOf(t.over), points: numberOf(t.points), ti }));
          const sorted = tiers.filter((t) => t.over !== null && t.points !== null).sort((a, c) => a.over! - c.over!);
          for (let k = 1; k < sorted.length; k++) {
            if (sorted[k].over === sorted[k - 1].over)
              err('non_monotonic_tiers', [...fp, 'tiers', sorted[k].ti, 'over'], `two tiers start at the same value ${sorted[k].over}`);
            else if (sorted[k].points! < sorted[k - 1].points!)
              err('non_monotonic_tiers', [...fp, 'tiers', sorted[k].ti, 'points'], `tier over ${sorted[k].over} gives ${sorted[k].points} points, fewer than the lower tier over ${sorted[k - 1].over} (${sorted[k - 1].points})`, 'a higher tier must not give fewer points');
          }
          if (f.extension) {
            paramRef(f.extension.enabled, [...fp, 'extension', 'enabled'], 'boolean');
            paramRef(f.extension.above, [...fp, 'extension', 'above'], 'number');
            paramRef(f.extension.step, [...fp, 'extension', 'step'], 'number');
            paramRef(f.extension.pointsPerStep, [...fp, 'extension', 'pointsPerStep'], 'number');
          }
        }
        if (f.kind === 'awards')
          f.facts.forEach((id, k) => {
            const fd = rs.facts.find((x) => x.id === id);
            if (!fd) err('unknown_fact', [...fp, 'facts', k], `award fact "${id}" is not declared`);
            else if (!fd.discretionary) warn('award_without_range', [...fp, 'facts', k], `award fact "${id}" declares no discretionary range`);
          });
        if (f.kind === 'expression')
          for (const e of compileExpr(f.expr, scope).issues) err(e.code, [...fp, 'expr'], e.message, e.position !== undefined ? `position ${e.position}` : undefined);
      });
    }
    if (s.kind === 'outcome') {
      if (s.indicativeConfers !== undefined) paramRef(s.indicativeConfers, [...sp, 'indicativeConfers'], 'boolean');
      s.rules.forEach((r, ri) => {
        const rp: Path = [...sp, 'rules', ri];
        cite(r.cites, [...rp, 'cites']);
        if (!outcomeIds.has(r.outcome)) err('unknown_reference', [...rp, 'outcome'], `unknown outcome "${r.outcome}"`);
        if (r.when) checkCondition(r.when, [...rp, 'when']);
        paramRef(r.minTotal, [...rp, 'minTotal'], 'number');
        paramRef(r.enabled, [...rp, 'enabled'], 'boolean');
        if (r.belowTotal !== undefined) paramRef(r.belowTotal, [...rp, 'belowTotal'], 'number');
        r.requires.forEach((sid, k) => {
          const st = rs.stages.find((x) => x.id === sid);
          if (!st) err('unknown_reference', [...rp, 'requires', k], `unknown stage "${sid}"`);
          else if (st.kind !== 'checks') err('unknown_reference', [...rp, 'requires', k], `stage "${sid}" is not a checks stage`);
        });
      });
    }
  });
  if (rs.stages.filter((s) => s.kind === 'outcome').length !== 1) err('outcome_stage_count', ['stages'], 'a rule set needs exactly one outcome stage');
  void stageIds;

  // Parameters named in labels.
  const labelRefs = (x: unknown, path: Path) => {
    if (Array.isArray(x)) return x.forEach((v, i) => labelRefs(v, [...path, i]));
    if (x === null || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      if (k === 'label' && v && typeof v === 'object' && 'zh' in v) {
        for (const lang of ['zh', 'en'] as const)
          for (const m of String((v as Record<string, string>)[lang]).matchAll(LABEL_PLACEHOLDER))
            if (!params.has(m[1])) err('unknown_parameter', [...path, k, lang], `label names {${m[1]}}, which is not a parameter`, 'use {parameterId} of a declared parameter');
      } else labelRefs(v, [...path, k]);
    }
  };
  labelRefs(rs.stages, ['stages']);

  // Cohort rules.
  if (rs.cohort) {
    const c = rs.cohort;
    cite(c.cites, ['cohort', 'cites']);
    if (!factIds.has(c.heldOutcomeFact)) err('unknown_fact', ['cohort', 'heldOutcomeFact'], `unknown fact "${c.heldOutcomeFact}"`);
    if (c.cap) {
      cite(c.cap.cites, ['cohort', 'cap', 'cites']);
      if (!outcomeIds.has(c.cap.outcome)) err('unknown_reference', ['cohort', 'cap', 'outcome'], `unknown outcome "${c.cap.outcome}"`);
      if (!knownFact(c.cap.metricFact)) err('unknown_fact', ['cohort', 'cap', 'metricFact'], `unknown fact "${c.cap.metricFact}"`);
      paramRef(c.cap.max, ['cohort', 'cap', 'max'], 'number');
      paramRef(c.cap.rankBy, ['cohort', 'cap', 'rankBy'], 'enum');
      if (c.cap.tieBreak !== undefined) {
        paramRef(c.cap.tieBreak, ['cohort', 'cap', 'tieBreak'], 'enum');
        enumValue(c.cap.tieBreak, ['undecided', 'baseScore', 'admitAll'], ['cohort', 'cap', 'tieBreak']);
      }
    }
    if (c.promotion) {
      cite(c.promotion.cites, ['cohort', 'promotion', 'cites']);
      for (const k of ['from', 'to'] as const)
        if (!outcomeIds.has(c.promotion[k])) err('unknown_reference', ['cohort', 'promotion', k], `unknown outcome "${c.promotion[k]}"`);
      if (!knownFact(c.promotion.metricFact)) err('unknown_fact', ['cohort', 'promotion', 'metricFact'], `unknown fact "${c.promotion.metricFact}"`);
      paramRef(c.promotion.enabled, ['cohort', 'promotion', 'enabled'], 'boolean');
      paramRef(c.promotion.requireMinTotal, ['cohort', 'promotion', 'requireMinTotal'], 'boolean');
      paramRef(c.promotion.minTotal, ['cohort', 'promotion', 'minTotal'], 'number');
      if (c.promotion.heldOnly !== undefined) paramRef(c.promotion.heldOnly, ['cohort', 'promotion', 'heldOnly'], 'boolean');
      if (c.promotion.whenCapHasRoom !== undefined) {
        paramRef(c.promotion.whenCapHasRoom, ['cohort', 'promotion', 'whenCapHasRoom'], 'enum');
        enumValue(c.promotion.whenCapHasRoom, ['swap', 'promote'], ['cohort', 'promotion', 'whenCapHasRoom']);
      }
      if (c.promotion.requires) {
        paramRef(c.promotion.requires.enabled, ['cohort', 'promotion', 'requires', 'enabled'], 'boolean');
        cite(c.promotion.requires.cites, ['cohort', 'promotion', 'requires', 'cites']);
        checksStages(c.promotion.requires.stages, ['cohort', 'promotion', 'requires', 'stages']);
      }
    }
    if (c.regrade) {
      const g = c.regrade;
      cite(g.cites, ['cohort', 'regrade', 'cites']);
      for (const k of ['from', 'to'] as const) if (!outcomeIds.has(g[k])) err('unknown_reference', ['cohort', 'regrade', k], `unknown outcome "${g[k]}"`);
      paramRef(g.enabled, ['cohort', 'regrade', 'enabled'], 'boolean');
      paramRef(g.minTotal, ['cohort', 'regrade', 'minTotal'], 'number');
      checksStages(g.requires, ['cohort', 'regrade', 'requires']);
    }
  }

  // Interpretations: the chosen option exists and its settings are what the parameters hold.
  rs.interpretations.forEach((it, i) => {
    cite(it.cites, ['interpretations', i, 'cites']);
    dup(it.options.map((o, k) => ({ id: o.id, path: ['interpretations', i, 'options', k, 'id'] })), 'option');
    const chosen = it.options.find((o) => o.id === it.chosen);
    if (!chosen) {
      err('unknown_option', ['interpretations', i, 'chosen'], `interpretation "${it.id}" chooses "${it.chosen}", which is not one of its options`);
      return;
    }
    if (!chosen.selectable) err('option_not_selectable', ['interpretations', i, 'chosen'], `option "${chosen.id}" of "${it.id}" is recorded only and cannot be chosen`);
    it.options.forEach((o, k) => {
      for (const [pid, v] of Object.entries(o.sets)) {
        const p = params.get(pid);
        if (!p) err('unknown_parameter', ['interpretations', i, 'options', k, 'sets', pid], `option "${o.id}" sets unknown parameter "${pid}"`);
        else if (o.id === it.chosen && p.value !== v)
          err('interpretation_mismatch', ['interpretations', i, 'chosen'], `"${it.id}" chooses "${o.id}", which sets ${pid} = ${JSON.stringify(v)}, but the parameter holds ${JSON.stringify(p.value)}`, 'choose the option again, or set the parameter to match');
      }
    });
  });
  // Units and dossier checks.
  if (rs.units) {
    dup(rs.units.map((u, i) => ({ id: u.id, path: ['units', i, 'id'] })), 'unit');
    const known = new Set(rs.units.map((u) => u.id));
    const used: { unit: string; path: Path }[] = [
      ...rs.facts.flatMap((f, i) => [...(f.unit ? [{ unit: f.unit, path: ['facts', i, 'unit'] as Path }] : []), ...(f.item ?? []).flatMap((it, k) => (it.unit ? [{ unit: it.unit, path: ['facts', i, 'item', k, 'unit'] as Path }] : []))]),
      ...rs.parameters.flatMap((p, i) => (p.unit ? [{ unit: p.unit, path: ['parameters', i, 'unit'] as Path }] : [])),
      ...rs.derived.flatMap((d, i) => (d.unit ? [{ unit: d.unit, path: ['derived', i, 'unit'] as Path }] : [])),
    ];
    for (const u of used) if (!known.has(u.unit)) warn('unknown_unit', u.path, `unit "${u.unit}" has no words in units[]; it is shown as written in both languages`);
  }
  rs.facts.forEach((f, i) => {
    if (f.recomputedBy && !derivedIds.has(f.recomputedBy)) err('unknown_fact', ['facts', i, 'recomputedBy'], `"${f.recomputedBy}" is not a derived value`);
  });
  if (rs.dossierChecks) {
    dup(rs.dossierChecks.map((d, i) => ({ id: d.id, path: ['dossierChecks', i, 'id'] })), 'dossier check');
    rs.dossierChecks.forEach((d, i) => {
      const dp: Path = ['dossierChecks', i];
      cite(d.cites, [...dp, 'cites']);
      if (d.kind === 'unique') {
        const lf = rs.facts.find((x) => x.id === d.list);
        if (!lf || lf.type !== 'list') err('unknown_fact', [...dp, 'list'], `"${d.list}" is not a list fact`);
        else if (!lf.item?.some((x) => x.id === d.key)) err('unknown_fact', [...dp, 'key'], `list "${d.list}" has no field "${d.key}"`);
      } else {
        checkCondition(d.condition, [...dp, 'condition']);
        if (d.appliesWhen) checkCondition(d.appliesWhen, [...dp, 'appliesWhen']);
        d.facts.forEach((f, k) => {
          if (!factIds.has(f)) err('unknown_fact', [...dp, 'facts', k], `dossier check points at "${f}", which is not a declared fact`);
        });
      }
    });
  }

  if (rs.effectiveTo && rs.effectiveTo < rs.effectiveFrom) err('invalid_dates', ['effectiveTo'], `effectiveTo ${rs.effectiveTo} is before effectiveFrom ${rs.effectiveFrom}`);

  return issues;

  function checksStages(ids: string[], path: Path) {
    ids.forEach((sid, k) => {
      const st = rs.stages.find((x) => x.id === sid);
      if (!st) err('unknown_reference', [...path, k], `unknown stage "${sid}"`);
      else if (st.kind !== 'checks') err('unknown_reference', [...path, k], `stage "${sid}" is not a checks stage`);
    });
  }

  function enumValue(x: unknown, allowed: string[], path: Path) {
    const v = typeof x === 'string' ? x : x && typeof x === 'object' && 'param' in x ? params.get((x as { param: string }).param)?.value : undefined;
    if (typeof v === 'string' && !allowed.includes(v)) err('invalid_value', path, `must be one of ${allowed.join(', ')}, not "${v}"`);
  }

  function numberOf(x: unknown): number | null {
    if (typeof x === 'number') return x;
    if (x && typeof x === 'object' && 'param' in x) {
      const v = params.get((x as { param: string }).param)?.value;
      return typeof v === 'number' ? v : null;
    }
    return null;
  }
}

/** Problems of one parameter value against its declaration (type, options, range). */
export function parameterValueIssues(p: Parameter, value: ParameterValue, index: number | string): Issue[] {
  const at: Path = ['parameters', index, 'value'];
  const out: Issue[] = [];
  const err = (code: string, message: string) => out.push({ code, path: at, message, severity: 'error' });
  if (value === null) {
    if (!p.nullable) err('invalid_parameter', `parameter "${p.id}" has no value but is not nullable`);
    return out;
  }
  if (p.type === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) err('invalid_parameter', `parameter "${p.id}" must be a number`);
  if (p.type === 'boolean' && typeof value !== 'boolean') err('invalid_parameter', `parameter "${p.id}" must be true or false`);
  if (p.type === 'enum' && (typeof value !== 'string' || !(p.options ?? []).includes(value)))
    err('invalid_parameter', `parameter "${p.id}" must be one of ${(p.options ?? []).join(', ')}`);
  if (typeof value === 'number') {
    if (p.min !== undefined && value < p.min) err('out_of_range', `parameter "${p.id}" is ${value}, below its minimum ${p.min}`);
    if (p.max !== undefined && value > p.max) err('out_of_range', `parameter "${p.id}" is ${value}, above its maximum ${p.max}`);
  }
  return out;
}
