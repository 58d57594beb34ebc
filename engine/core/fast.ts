// The fast path: a plan compiled once per rule set that computes outcome and scores in exact scaled integers (millionths); falls back to decimals when an input needs more precision.
import type { FastResult, Status } from '../schema/evaluation.js';
import type { CompiledRuleSetCore } from './compile.js';
import type { Tri, Values } from './conditions.js';

/** Scores are counted in millionths: exact for every input with at most six decimals and totals below 9·10⁹. */
const U = 1_000_000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER / 1000;

/** The exact number of millionths in x, or null when x has more than six decimals or is too large. */
function units(x: number): number | null {
  const u = Math.round(x * U);
  return u / U === x && Math.abs(u) < MAX_SAFE ? u : null;
}

class NeedsDecimals extends Error {}
function mustUnits(x: number): number {
  const u = units(x);
  if (u === null) throw new NeedsDecimals();
  return u;
}

/** Rounds num/den (an exact ratio of integers, in millionths) to a multiple of `quantum` millionths. */
function roundRatio(num: number, den: number, quantum: number, mode: 'halfUp' | 'halfEven' | 'down'): number {
  const d = den * quantum;
  if (Math.abs(num) >= MAX_SAFE || Math.abs(d) >= MAX_SAFE) throw new NeedsDecimals();
  const sign = num < 0 !== d < 0 ? -1 : 1;
  const n = Math.abs(num);
  const dd = Math.abs(d);
  let q = Math.floor(n / dd);
  const r = n - q * dd;
  if (mode === 'halfUp' && 2 * r >= dd) q += 1;
  else if (mode === 'halfEven' && (2 * r > dd || (2 * r === dd && q % 2 === 1))) q += 1;
  return sign * q * quantum;
}

type Cond = ((v: Values) => Tri) | null;

/** Least common multiple of 1..n. */
function lcmUpTo(n: number): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let l = 1;
  for (let k = 2; k <= n; k++) l = (l * k) / gcd(l, k);
  return l;
}
interface Range {
  lo: number;
  hi: number; // Infinity: unbounded
}

/** What the stage steps have settled so far: stage statuses, veto results and the score accumulated. */
export interface PlanState {
  st: Record<string, Status>;
  veto: Record<string, Status>;
  acc: { base: Range; bonus: Range; indicative: boolean };
}

export type FastPlan = ((values: Values) => FastResult | null) & {
  /** The stage ids the plan's steps evaluate, in order (the outcome stage is run after them). */
  readonly stageIds: string[];
  /** The state after the first `k` steps, or null where a value needs the decimal path. */
  stateAfter(values: Values, k: number): PlanState | null;
  /** The result from a state after `k` steps (copied, never changed), running the rest; null where decimals are needed. */
  resume(values: Values, state: PlanState, k: number): FastResult | null;
};

/** Compiles the fast plan; it returns null for a dossier that needs the decimal path. */
export function buildFastPlan(core: CompiledRuleSetCore): FastPlan | null {
  const rs = core.ruleSet;
  const cond = (key: string): Cond => core.conditions.get(key)?.fast ?? null;
  const numU = (x: Parameters<typeof core.num>[0]) => mustUnits(core.num(x).toNumber());
  const quantum = 10 ** (6 - rs.numeric.scale);
  const rounding = rs.numeric.rounding;
  if (rs.numeric.scale > 6) return null;
  const none = rs.outcomes.find((o) => o.rank === 0)?.id ?? null;

  type Acc = { base: Range; bonus: Range; indicative: boolean };
  type Step = (v: Values, st: Record<string, Status>, veto: Record<string, Status>, acc: Acc) => void;
  const steps: Step[] = [];
  const stageIds: string[] = [];
  let outcomeStep:
    | ((
        v: Values,
        st: Record<string, Status>,
        veto: Record<string, Status>,
        total: Range,
        indicative: boolean,
      ) => { status: 'passed' | 'failed' | 'undecided'; outcome: string | null; conferred: string | null; passMark: number | null })
    | null = null;

  try {
    for (const stage of rs.stages) {
      const before = steps.length;
      const stageAp = stage.appliesWhen ? cond(`${stage.id}#applies`) : null;
      if (stage.kind === 'checks') {
        const items = stage.items.map((it) => ({
          c: cond(it.id)!,
          ap: it.appliesWhen ? cond(`${it.id}#applies`) : null,
          veto: core.str(it.severity as string | { param: string }) === 'veto',
        }));
        const id = stage.id;
        steps.push((v, st, veto) => {
          let s: Status = 'passed';
          for (const it of items) {
            if (!it.veto) continue;
            const ap = it.ap ? it.ap(v) : true;
            if (ap === false) continue;
            const r = ap === null ? null : it.c(v);
            if (r === false) {
              s = 'failed';
              break;
            }
            if (r === null) s = 'undecided';
          }
          veto[id] = s;
          const ap = stageAp ? stageAp(v) : true;
          st[id] = ap === false ? 'not-applicable' : ap === null ? 'undecided' : s;
        });
      } else if (stage.kind === 'score') {
        const inds = stage.items.map((ind) => ({
          max: numU(ind.max),
          fact: ind.scoreFact,
          reqs: ind.requirements.map((r) => ({ c: cond(r.id)!, ap: r.appliesWhen ? cond(`${r.id}#applies`) : null })),
        }));
        // Indicative shares max × met / n are summed exactly over a common denominator and rounded once, as on the explained path.
        const L = lcmUpTo(Math.max(1, ...stage.items.map((i) => i.requirements.length)));
        const id = stage.id;
        steps.push((v, st, _veto, acc) => {
          let lo = 0;
          let hi = 0;
          let shareLo = 0;
          let shareHi = 0;
          let anyIndicative = false;
          for (const ind of inds) {
            const g = ind.fact === undefined ? undefined : v[ind.fact];
            if (typeof g === 'number') {
              const u = Math.min(Math.max(mustUnits(g), 0), ind.max);
              lo += u;
              hi += u;
              continue;
            }
            anyIndicative = true;
            let n = 0;
            let met = 0;
            let open = 0;
            for (const r of ind.reqs) {
              const ap = r.ap ? r.ap(v) : true;
              if (ap === false) continue;
              n++;
              const res = ap === null ? null : r.c(v);
              if (ap === true && res === true) met++;
              else if (ap === null || res === null) open++;
            }
            if (n === 0) shareHi += ind.max * L;
            else {
              shareLo += ind.max * met * (L / n);
              shareHi += ind.max * (met + open) * (L / n);
            }
          }
          if (anyIndicative) {
            lo += roundRatio(shareLo, L, quantum, rounding);
            hi += roundRatio(shareHi, L, quantum, rounding);
            acc.indicative = true;
          }
          acc.base = { lo: acc.base.lo + lo, hi: acc.base.hi + hi };
          st[id] = lo === hi ? 'passed' : 'undecided';
        });
      } else if (stage.kind === 'bonus') {
        const items = stage.items.map((b) => {
          const ap = b.appliesWhen ? cond(`${b.id}#applies`) : null;
          const capD = core.numOrNull(b.cap ?? null);
          const cap = capD === null ? Infinity : mustUnits(capD.toNumber());
          const f = b.formula;
          let fn: (v: Values) => Range;
          if (f.kind === 'steps') {
            const input = f.input;
            const base = numU(f.base);
            const step = numU(f.step);
            const pps = numU(f.pointsPerStep);
            const floor = core.str(f.rounding) === 'floor';
            // The k-th step threshold as a double: correctly rounded from exact millionths.
            const threshold = (k: number) => (base + k * step) / U;
            fn = (v) => {
              const x = v[input];
              if (typeof x !== 'number') return { lo: 0, hi: cap };
              const xu = units(x);
              if (xu === null) {
                // Finer than millionths: count whole steps by comparing with the exact thresholds; only a tie needs decimals.
                if (!floor) throw new NeedsDecimals();
                if (x <= threshold(0)) {
                  if (x === threshold(0)) throw new NeedsDecimals();
                  return { lo: 0, hi: 0 };
                }
                let k = Math.max(0, Math.floor((x * U - base) / step));
                while (x >= threshold(k + 1)) k++;
                while (k > 0 && x < threshold(k)) k--;
                if (x === threshold(k) || x === threshold(k + 1)) throw new NeedsDecimals();
                return { lo: k * pps, hi: k * pps };
              }
              const excess = xu - base;
              if (excess <= 0) return { lo: 0, hi: 0 };
              // points = excess / step × pps; whole steps, or pro rata rounded by the rule set's rule.
              const p = floor ? Math.floor(excess / step) * pps : roundRatio(excess * pps, step, quantum, rounding);
              return { lo: p, hi: p };
            };
          } else if (f.kind === 'threshold') {
            const c = cond(b.id)!;
            const pts = numU(f.points);
            fn = (v) => {
              const r = c(v);
              return r === null ? { lo: 0, hi: pts } : r ? { lo: pts, hi: pts } : { lo: 0, hi: 0 };
            };
          } else if (f.kind === 'perItemTiers') {
            const tiers = f.tiers
              .map((x) => ({ over: core.num(x.over).toNumber(), points: numU(x.points), inclusive: x.inclusive }))
              .sort((a, c) => a.over - c.over);
            const cumulative = core.str(f.mode) === 'cumulative';
            const ext = f.extension && core.bool(f.extension.enabled) ? { above: core.num(f.extension.above).toNumber(), step: numU(f.extension.step), pps: numU(f.extension.pointsPerStep) } : null;
            const list = f.list;
            const field = f.field;
            fn = (v) => {
              const items = v[list];
              if (!Array.isArray(items)) return { lo: 0, hi: Infinity };
              let total = 0;
              for (const item of items as Record<string, number>[]) {
                const x = item[field];
                let pts = 0;
                let top = 0;
                for (const t of tiers) {
                  if (t.inclusive ? x >= t.over : x > t.over) {
                    pts = cumulative ? pts + t.points : t.points;
                    top = t.points;
                  } else break;
                }
                if (ext && x > ext.above) {
                  const e = Math.floor(mustUnits(x) / ext.step) * ext.pps;
                  if (e > top) pts = pts - top + e;
                }
                total += pts;
              }
              return { lo: total, hi: total };
            };
          } else if (f.kind === 'awards') {
            const facts = f.facts.map((id) => ({ id, max: mustUnits(core.facts.get(id)?.discretionary?.max ?? 0) }));
            fn = (v) => {
              let lo = 0;
              let extra = 0;
              for (const a of facts) {
                const x = v[a.id];
                if (typeof x === 'number') lo += mustUnits(x);
                else extra += a.max;
              }
              return { lo, hi: lo + extra };
            };
          } else {
            throw new NeedsDecimals();
          }
          const pre = b.precondition && core.bool(b.precondition.enabled) ? b.precondition.stages : null;
          return { ap, fn, cap, pre };
        });
        const stageCapD = core.numOrNull(stage.cap ?? null);
        const stageCap = stageCapD === null ? Infinity : mustUnits(stageCapD.toNumber());
        const id = stage.id;
        steps.push((v, st, veto, acc) => {
          let lo = 0;
          let hi = 0;
          for (const it of items) {
            const ap = it.ap ? it.ap(v) : true;
            if (ap === false) continue;
            const r = it.fn(v);
            let cl = ap === null ? 0 : Math.min(r.lo, it.cap);
            let ch = Math.min(r.hi, it.cap);
            if (it.pre && !(cl === 0 && ch === 0)) {
              // An item whose precondition (e.g. the featured conditions of I2.6) is not met scores 0; undecided, it may still score.
              let failed = false;
              let open = false;
              for (const sid of it.pre) {
                const x = veto[sid] ?? 'undecided';
                if (x === 'failed') failed = true;
                else if (x !== 'passed') open = true;
              }
              if (failed) cl = ch = 0;
              else if (open) cl = 0;
            }
            lo += cl;
            hi += ch;
          }
          lo = Math.min(lo, stageCap);
          hi = Math.min(hi, stageCap);
          acc.bonus = { lo: acc.bonus.lo + lo, hi: acc.bonus.hi + hi };
          st[id] = lo === hi ? 'passed' : 'undecided';
        });
      } else if (stage.kind === 'outcome') {
        const confers = stage.indicativeConfers === undefined || core.bool(stage.indicativeConfers);
        const rules = stage.rules.map((r) => ({
          below: r.belowTotal === undefined ? null : numU(r.belowTotal),
          when: r.when ? cond(`${r.id}#when`) : null,
          enabled: core.bool(r.enabled as boolean | { param: string }),
          requires: r.requires,
          min: numU(r.minTotal),
          outcome: r.outcome,
          rank: core.outcomes.get(r.outcome)?.rank ?? 0,
          fallback: r.fallback,
        }));
        const id = stage.id;
        outcomeStep = (v, st, veto, tot, indicative) => {
          let bestRank = -1;
          let best: (typeof rules)[number] | null = null;
          let primaryUndecided = false;
          let first: (typeof rules)[number] | null = null;
          let firstFallback: (typeof rules)[number] | null = null;
          let fbBestRank = -1;
          let fbBest: (typeof rules)[number] | null = null;
          let fbUndecided = false;
          for (const r of rules) {
            if (!r.enabled) continue;
            const w = r.when ? r.when(v) : true;
            if (w === false) continue;
            const inBand = r.below === null ? true : tot.lo >= r.below ? false : tot.hi < r.below ? true : null;
            if (inBand === false) continue;
            let failed = tot.hi < r.min;
            let allPassed = true;
            for (const s of r.requires) {
              const x = veto[s] ?? 'undecided';
              if (x === 'failed') failed = true;
              if (x !== 'passed') allPassed = false;
            }
            const status: Status = failed ? 'failed' : w === true && inBand === true && allPassed && tot.lo >= r.min ? 'passed' : 'undecided';
            if (!r.fallback) {
              first ??= r;
              if (status === 'passed' && r.rank > bestRank) {
                bestRank = r.rank;
                best = r;
              }
              if (status === 'undecided') primaryUndecided = true;
            } else {
              firstFallback ??= r;
              if (status === 'passed' && r.rank > fbBestRank) {
                fbBestRank = r.rank;
                fbBest = r;
              }
              if (status === 'undecided') fbUndecided = true;
            }
          }
          let status: 'passed' | 'failed' | 'undecided';
          let chosen = best;
          if (chosen) status = 'passed';
          else if (primaryUndecided) status = 'undecided';
          else {
            chosen = fbBest;
            status = chosen ? 'passed' : fbUndecided ? 'undecided' : 'failed';
          }
          const firstRule = first ?? firstFallback;
          st[id] = status;
          const outcome = chosen ? chosen.outcome : status === 'failed' ? none : null;
          return {
            status,
            outcome,
            conferred: status === 'passed' && indicative && !confers ? null : outcome,
            passMark: chosen ? chosen.min : firstRule ? firstRule.min : null,
          };
        };
      }
      if (steps.length > before) stageIds.push(stage.id);
    }
  } catch (e) {
    if (e instanceof NeedsDecimals) return null;
    throw e;
  }

  const out = outcomeStep;
  // Declared once, not per evaluation: creating a closure per call costs more than the call.
  const val = (r: Range) => (r.lo === r.hi ? r.lo / U : null);
  const fresh = (): PlanState => ({ st: {}, veto: {}, acc: { base: { lo: 0, hi: 0 }, bonus: { lo: 0, hi: 0 }, indicative: false } });
  const finish = (v: Values, { st, veto, acc }: PlanState): FastResult => {
    const total = { lo: acc.base.lo + acc.bonus.lo, hi: acc.base.hi + acc.bonus.hi };
    const verdict = out ? out(v, st, veto, total, acc.indicative) : { status: 'undecided' as const, outcome: null, conferred: null, passMark: null };
    return {
      status: verdict.status,
      passed: verdict.status === 'undecided' ? null : verdict.status === 'passed',
      title: verdict.conferred,
      base: val(acc.base),
      bonus: val(acc.bonus),
      total: val(total),
      passMark: verdict.passMark === null ? null : verdict.passMark / U,
      stages: st,
      indicative: acc.indicative,
      indicatedTitle: verdict.outcome,
    };
  };
  /** Runs steps k… on `state` (the caller's own copy) and the outcome; null where a value needs the decimal path. */
  const complete = (v: Values, state: PlanState, k: number): FastResult | null => {
    try {
      for (let i = k; i < steps.length; i++) steps[i](v, state.st, state.veto, state.acc);
      return finish(v, state);
    } catch (e) {
      if (e instanceof NeedsDecimals) return null;
      throw e;
    }
  };
  const plan = ((v: Values) => complete(v, fresh(), 0)) as FastPlan;
  Object.assign(plan, {
    stageIds,
    stateAfter(v: Values, k: number) {
      try {
        const state = fresh();
        for (let i = 0; i < k; i++) steps[i](v, state.st, state.veto, state.acc);
        return state;
      } catch (e) {
        if (e instanceof NeedsDecimals) return null;
        throw e;
      }
    },
    resume(v: Values, from: PlanState, k: number) {
      // Copied key by key into fresh objects, so the steps see the objects they see in a full run (a spread copy has
      // another shape, and the steps ran three times slower on it).
      const state = fresh();
      for (const id in from.st) state.st[id] = from.st[id];
      for (const id in from.veto) state.veto[id] = from.veto[id];
      state.acc.base = from.acc.base;
      state.acc.bonus = from.acc.bonus;
      state.acc.indicative = from.acc.indicative;
      return complete(v, state, k);
    },
  });
  return plan;
}
