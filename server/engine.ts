// The slice of the engine's API the server uses, as a type, so createApp can be given the real engine or a stand-in.
import type { ParameterValue, RuleSet } from '../engine/schema/ruleSet.js';
import type { sweepParameter, sweepSlice, joinSweep, flipInterpretations } from '../engine/sensitivity.js';
import type { Dossier } from '../engine/schema/dossier.js';
import type { Evaluation, FastResult, CohortResult } from '../engine/schema/evaluation.js';
import type { GoldenCase, GoldenSuite } from '../engine/schema/golden.js';
import type { Issue, I18nText } from '../engine/schema/common.js';

export type { RuleSet, Dossier, Evaluation, FastResult, CohortResult, GoldenCase, GoldenSuite, Issue, I18nText };

export type Result<T> = ({ ok: true } & T) | { ok: false; issues: Issue[] };

export interface CompiledRuleSetApi {
  ruleSet: RuleSet;
  contentHash: string;
  checkDossier(input: unknown): { ok: true; dossier: unknown; warnings?: Issue[] } | { ok: false; issues: Issue[] };
  evaluate(input: unknown, opts?: { now?: string }): Promise<{ ok: true; evaluation: Evaluation } | { ok: false; issues: Issue[] }>;
  evaluateFast(dossier: any): FastResult;
}

export interface RuleSetChangeApi {
  kind: string;
  change?: string;
  id: string;
  path: (string | number)[];
  field?: string;
  before?: unknown;
  after?: unknown;
  text: I18nText;
}

export interface GoldenRunApi {
  passed: number;
  failed: number;
  results: { id: string; ok: boolean; problems: string[]; actual: unknown }[];
}

/** What the server needs from engine/index.ts. */
export interface EngineApi {
  ENGINE_VERSION: string;
  checkRuleSet(doc: unknown, ctx: { clauseIds: Iterable<string> }): { ruleSet: RuleSet | null; issues: Issue[] };
  compileRuleSet(ruleSet: RuleSet): { ok: true; compiled: CompiledRuleSetApi } | { ok: false; issues: Issue[] };
  evaluateCohort(
    compiled: CompiledRuleSetApi,
    dossiers: unknown[],
    opts?: { mode?: 'award' | 'dynamic'; now?: string },
  ): Promise<{ ok: true; result: CohortResult } | { ok: false; issues: Issue[] }>;
  ruleSetHash(ruleSet: RuleSet): string;
  dossierHash(dossier: unknown): string;
  diffRuleSets(a: RuleSet, b: RuleSet): RuleSetChangeApi[];
  applyInterpretations(ruleSet: RuleSet, choices: Record<string, string>): { ok: true; ruleSet: RuleSet } | { ok: false; issues: Issue[] };
  runGoldenCases(compiled: CompiledRuleSetApi, cases: GoldenCase[]): Promise<GoldenRunApi>;
  ruleSetJsonSchema(): object;
  /** Sensitivity on the fast path (the analysis routes); a stand-in engine may leave them out. */
  sweepParameter?(compiled: CompiledRuleSetApi, dossiers: unknown[], parameter: string, values: ParameterValue[]): ReturnType<typeof sweepParameter>;
  flipInterpretations?(compiled: CompiledRuleSetApi, dossiers: unknown[]): ReturnType<typeof flipInterpretations>;
  /** A sweep at some of the values (one worker's share), and the parts put together. */
  sweepSlice?(compiled: CompiledRuleSetApi, dossiers: unknown[], parameter: string, values: ParameterValue[], offset?: number): ReturnType<typeof sweepSlice>;
  joinSweep?(ruleSet: RuleSet, parameter: string, values: ParameterValue[], slices: Parameters<typeof joinSweep>[3]): ReturnType<typeof joinSweep>;
}
