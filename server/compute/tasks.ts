// The work the server keeps off its event loop (sweeps, batches, cohorts, explained evaluations, golden runs, validation, spreadsheets): each task is data in, data out, run by a pool worker or inline by the same code.
import type { CompiledRuleSetApi, Dossier, EngineApi, GoldenCase, GoldenRunApi, Issue, RuleSet, Evaluation } from '../engine.js';
import type { ParameterValue } from '../../engine/schema/ruleSet.js';
import type { ErrorCode } from '../api/errors.js';
import { rebaselineCase } from '../golden.js';
import { bodyIssues } from '../api/edge.js';
import { buildTemplate, exportComparison, exportDossiers, readCsv, readWorkbook, type ComparisonMatrix, type ReadResult } from '../spreadsheets/index.js';
import { checkZip, ZIP_LIMITS } from '../spreadsheets/zipGuard.js';

/** A rule set as a task names it: a cache key (content hash or draft revision, and interpretation switches) and, when the worker has not compiled it yet, the document. */
export interface RuleSetInput {
  key: string;
  document?: RuleSet;
  interpretations?: Record<string, string>;
}

export type FastCell = { ok: true; status: 'passed' | 'failed' | 'undecided'; passed: boolean | null; title: string | null; total: number | null } | { ok: false; issues: Issue[] };

/** A sweep over some of the values, with its matrix rows already written as JSON (so the event loop only joins text). */
export interface SweepPart {
  /** The swept parameter as the rule set (under its interpretation switches) has it. */
  head: { parameter: string; label: { zh: string; en: string }; unit?: string; baseline: ParameterValue };
  subjects: { id: string; name: string }[];
  points: { value: ParameterValue; passed: number; failed: number; undecided: number; titles: Record<string, number> }[];
  /** Per subject: the row's JSON items without the brackets ("passed:x","failed:none"). */
  rowsJson: string[];
  /** Per subject: the outcome at the first and the last value of the part. */
  edges: [string, string][];
  /** Where a subject's outcome changes inside the part. */
  changes: { subject: number; index: number; from: string; to: string }[];
}

export interface ValidationResult {
  valid: boolean;
  errors: number;
  warnings: number;
  issues: Issue[];
}

export type Task =
  | { kind: 'sweep'; ruleSet: RuleSetInput; dossiers: unknown[]; parameter: string; values: ParameterValue[]; offset: number }
  | { kind: 'fast'; ruleSet: RuleSetInput; dossiers: unknown[] }
  | { kind: 'flips'; ruleSet: RuleSetInput; dossiers: unknown[] }
  | { kind: 'cohort'; ruleSet: RuleSetInput; dossiers: unknown[]; mode?: 'award' | 'dynamic'; now?: string; includeEvaluations: boolean }
  | { kind: 'evaluate'; ruleSets: RuleSetInput[]; dossier: unknown; now?: string }
  | { kind: 'golden'; ruleSet: RuleSetInput; cases: GoldenCase[] }
  | { kind: 'rebaseline'; ruleSet: RuleSetInput; cases: GoldenCase[]; caseIds: string[] }
  | { kind: 'validate'; document: unknown; clauseIds: string[] }
  | { kind: 'readSheet'; ruleSet: RuleSetInput; format: 'xlsx' | 'csv'; content: string }
  | { kind: 'template'; document: RuleSet }
  | { kind: 'exportDossiers'; document: RuleSet; dossiers: Dossier[]; format: 'xlsx' | 'csv' }
  | { kind: 'exportComparison'; matrix: ComparisonMatrix; format: 'xlsx' | 'csv'; outcomes?: { id: string; label: { zh: string; en: string } }[] };

/** What each kind of task gives back. */
export interface TaskValues {
  sweep: SweepPart;
  fast: FastCell[];
  flips: { baselinePassed: number; flips: unknown[] };
  cohort: { resultJson: string };
  evaluate: Evaluation[];
  golden: GoldenRunApi;
  rebaseline: { run: GoldenRunApi; issues: Issue[]; replaced: [string, GoldenCase][] };
  validate: ValidationResult;
  readSheet: ReadResult;
  template: Uint8Array;
  exportDossiers: Uint8Array;
  exportComparison: Uint8Array;
}

export interface TaskError {
  code: ErrorCode;
  message: string;
  issues?: Issue[];
  details?: Record<string, unknown>;
}

export type TaskOutcome<T = unknown> = { ok: true; value: T } | { ok: false; error: TaskError } | { ok: false; missing: true };

/** A refusal the input caused, carried back as data (an exception would lose its fields crossing threads). */
export class TaskFailure extends Error {
  constructor(readonly error: TaskError) {
    super(error.message);
  }
}

class MissingDocument extends Error {}

const CACHE_SIZE = 32;

/** Compiled rule sets by key, most recently used last. */
export class CompiledCache {
  private readonly map = new Map<string, CompiledRuleSetApi>();
  constructor(private readonly engine: EngineApi) {}

  get(input: RuleSetInput): CompiledRuleSetApi {
    const hit = this.map.get(input.key);
    if (hit) {
      this.map.delete(input.key);
      this.map.set(input.key, hit);
      return hit;
    }
    if (!input.document) throw new MissingDocument(input.key);
    let doc = input.document;
    if (input.interpretations && Object.keys(input.interpretations).length > 0) {
      const applied = this.engine.applyInterpretations(doc, input.interpretations);
      if (!applied.ok) throw new TaskFailure({ code: 'invalid_interpretation', message: 'Unknown interpretation switches', issues: applied.issues });
      doc = applied.ruleSet;
    }
    const out = this.engine.compileRuleSet(doc);
    if (!out.ok) throw new TaskFailure({ code: 'invalid_rule_set', message: 'The rule set does not compile', issues: out.issues });
    if (this.map.size >= CACHE_SIZE) this.map.delete(this.map.keys().next().value as string);
    this.map.set(input.key, out.compiled);
    return out.compiled;
  }
}

const fastCell = (compiled: CompiledRuleSetApi, d: unknown): FastCell => {
  const checked = compiled.checkDossier(d);
  if (!checked.ok) return { ok: false, issues: checked.issues };
  const r = compiled.evaluateFast(checked.dossier);
  return { ok: true, status: r.status, passed: r.passed, title: r.title, total: r.total };
};

function sweepPart(engine: EngineApi, compiled: CompiledRuleSetApi, t: Extract<Task, { kind: 'sweep' }>): SweepPart {
  if (!engine.sweepSlice) throw new Error('the engine has no sweepSlice');
  const out = engine.sweepSlice(compiled, t.dossiers, t.parameter, t.values, t.offset);
  if (!out.ok) {
    const code = out.issues.some((i) => i.path[0] === 'dossiers') ? 'invalid_dossier' : 'invalid_request';
    throw new TaskFailure({ code, message: 'The sweep cannot run', issues: out.issues });
  }
  const { subjects, points, rows } = out.slice;
  const p = compiled.ruleSet.parameters.find((x) => x.id === t.parameter)!;
  const head = { parameter: p.id, label: p.label, ...(p.unit ? { unit: p.unit } : {}), baseline: p.value };
  const changes: SweepPart['changes'] = [];
  rows.forEach((row, s) => {
    for (let i = 1; i < row.length; i++) if (row[i] !== row[i - 1]) changes.push({ subject: s, index: t.offset + i, from: row[i - 1], to: row[i] });
  });
  return { head, subjects, points, rowsJson: rows.map((r) => JSON.stringify(r).slice(1, -1)), edges: rows.map((r) => [r[0], r[r.length - 1]]), changes };
}

function validate(engine: EngineApi, doc: unknown, clauseIds: string[]): ValidationResult {
  const checked = engine.checkRuleSet(doc, { clauseIds });
  const issues = [...checked.issues];
  if (checked.ruleSet && !issues.some((i) => i.severity !== 'warning')) {
    const compiled = engine.compileRuleSet(checked.ruleSet);
    if (!compiled.ok) issues.push(...compiled.issues);
  }
  const errors = issues.filter((i) => i.severity !== 'warning').length;
  return { valid: errors === 0, errors, warnings: issues.length - errors, issues };
}

async function readSheet(compiled: CompiledRuleSetApi, t: Extract<Task, { kind: 'readSheet' }>): Promise<ReadResult> {
  let read: ReadResult;
  if (t.format === 'xlsx') {
    const buffer = Buffer.from(t.content, 'base64');
    const refused = await checkZip(buffer, ZIP_LIMITS);
    if (refused && refused.code !== 'not_a_workbook')
      throw new TaskFailure({
        code: 'payload_too_large',
        message: `The workbook is refused before it is read: ${refused.message}`,
        issues: [{ code: refused.code, path: ['body', 'content'], message: refused.message, ...(refused.entry ? { hint: refused.entry } : {}) }],
        details: { limit: refused.limit ?? null },
      });
    read = refused
      ? { ok: false, issues: [{ code: 'not_a_workbook', sheet: '', row: 0, column: null, field: null, message: refused.message }] }
      : await readWorkbook(compiled, buffer);
  } else read = await readCsv(compiled, t.content);
  if (!read.ok) return read;
  // A cell can still carry a lone surrogate (an XML character reference); such text cannot be hashed or stored.
  const bad = read.dossiers.flatMap((d, i) => bodyIssues(d).map((x) => ({ i, x })));
  if (bad.length)
    return {
      ok: false,
      issues: bad.map(({ i, x }) => ({ code: x.code, sheet: read.ok ? read.rows[i].sheet : '', row: read.ok ? read.rows[i].row : 0, column: null, field: String(x.path.slice(1).join('.')), message: x.message })),
    };
  return read;
}

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Runs one task; refusals the input caused come back as `{ok: false, error}`, an uncompiled rule set without its document as `{ok: false, missing}`. */
export async function runTask(engine: EngineApi, cache: CompiledCache, task: Task): Promise<TaskOutcome> {
  try {
    return { ok: true, value: await run(engine, cache, task) };
  } catch (err) {
    if (err instanceof TaskFailure) return { ok: false, error: err.error };
    if (err instanceof MissingDocument) return { ok: false, missing: true };
    throw err;
  }
}

async function run(engine: EngineApi, cache: CompiledCache, t: Task): Promise<TaskValues[Task['kind']]> {
  switch (t.kind) {
    case 'sweep':
      return sweepPart(engine, cache.get(t.ruleSet), t);
    case 'fast': {
      const compiled = cache.get(t.ruleSet);
      return t.dossiers.map((d) => fastCell(compiled, d));
    }
    case 'flips': {
      if (!engine.flipInterpretations) throw new Error('the engine has no flipInterpretations');
      const out = engine.flipInterpretations(cache.get(t.ruleSet), t.dossiers);
      if (!out.ok) throw new TaskFailure({ code: 'invalid_dossier', message: 'The dossiers cannot be evaluated', issues: out.issues });
      return { baselinePassed: out.baselinePassed, flips: out.flips };
    }
    case 'cohort': {
      const out = await engine.evaluateCohort(cache.get(t.ruleSet), t.dossiers, { mode: t.mode, now: t.now });
      if (!out.ok) throw new TaskFailure({ code: 'invalid_dossier', message: 'The cohort cannot be evaluated', issues: out.issues });
      const { evaluations: _evaluations, ...rest } = out.result;
      return { resultJson: JSON.stringify(t.includeEvaluations ? out.result : rest) };
    }
    case 'evaluate': {
      const compiled = t.ruleSets.map((r) => cache.get(r));
      const out: Evaluation[] = [];
      for (const c of compiled) {
        const r = await c.evaluate(t.dossier, { now: t.now });
        if (!r.ok) throw new TaskFailure({ code: 'invalid_dossier', message: 'The dossier cannot be evaluated under this rule set', issues: r.issues });
        out.push(r.evaluation);
      }
      return out;
    }
    case 'golden':
      return engine.runGoldenCases(cache.get(t.ruleSet), t.cases);
    case 'rebaseline': {
      const compiled = cache.get(t.ruleSet);
      const run = await engine.runGoldenCases(compiled, t.cases);
      const issues: Issue[] = [];
      const replaced: [string, GoldenCase][] = [];
      for (const [i, id] of t.caseIds.entries()) {
        const c = t.cases.find((x) => x.id === id);
        const r = run.results.find((x) => x.id === id);
        if (!c || !r) issues.push({ code: 'unknown_case', path: ['body', 'caseIds', i], message: `No golden case ${id}` });
        else if (r.ok) issues.push({ code: 'case_passes', path: ['body', 'caseIds', i], message: `Case ${id} passes; nothing to re-baseline` });
        else {
          const next = await rebaselineCase(engine, compiled, c);
          if (!next.ok) issues.push({ code: 'cannot_rebaseline', path: ['body', 'caseIds', i], message: next.message });
          else replaced.push([id, next.case]);
        }
      }
      return { run, issues, replaced };
    }
    case 'validate':
      return validate(engine, t.document, t.clauseIds);
    case 'readSheet':
      return readSheet(cache.get(t.ruleSet), t);
    case 'template':
      return bytes(await buildTemplate(t.document));
    case 'exportDossiers':
      return bytes(await exportDossiers(t.document, t.dossiers, t.format));
    case 'exportComparison':
      return bytes(await exportComparison(t.matrix, { format: t.format, outcomes: t.outcomes }));
  }
}
