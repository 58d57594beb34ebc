// What the routes call for heavy work: each method runs its task in the worker pool (splitting sweeps and batches across the threads) or, without a pool, inline with the app's engine.
import type { Dossier, EngineApi, Evaluation, GoldenCase, GoldenRunApi, Issue, RuleSet } from '../engine.js';
import type { ParameterValue } from '../../engine/schema/ruleSet.js';
import type { ReadResult, ComparisonMatrix } from '../spreadsheets/index.js';
import { ApiError } from '../api/errors.js';
import type { ComputePool } from './pool.js';
import { CompiledCache, runTask, type FastCell, type RuleSetInput, type SweepPart, type Task, type TaskOutcome, type TaskValues, type ValidationResult } from './tasks.js';

export type { RuleSetInput, FastCell, ValidationResult };

export interface SweepOutput {
  head: SweepPart['head'];
  points: SweepPart['points'];
  flips: { subjectId: string; name: string; changes: { at: ParameterValue; from: string; to: string }[] }[];
  /** The outcome matrix, as JSON text (a sweep's largest part, never parsed on the event loop). */
  matrixJson: string;
}

export interface Compute {
  /** Whether the work runs in worker threads (false: on the event loop, with the app's engine). */
  readonly pooled: boolean;
  sweep(ruleSet: RuleSetInput, dossiers: unknown[], parameter: string, values: ParameterValue[]): Promise<SweepOutput>;
  fast(ruleSet: RuleSetInput, dossiers: unknown[]): Promise<FastCell[]>;
  flips(ruleSet: RuleSetInput, dossiers: unknown[]): Promise<TaskValues['flips']>;
  /** The cohort result as JSON text. */
  cohort(ruleSet: RuleSetInput, dossiers: unknown[], opts: { mode?: 'award' | 'dynamic'; now?: string; includeEvaluations: boolean }): Promise<string>;
  /** The fully explained evaluation of one dossier under each rule set. */
  evaluate(ruleSets: RuleSetInput[], dossier: unknown, now?: string): Promise<Evaluation[]>;
  golden(ruleSet: RuleSetInput, cases: GoldenCase[]): Promise<GoldenRunApi>;
  rebaseline(ruleSet: RuleSetInput, cases: GoldenCase[], caseIds: string[]): Promise<{ run: GoldenRunApi; issues: Issue[]; replaced: Map<string, GoldenCase> }>;
  validate(document: unknown, clauseIds: string[]): Promise<ValidationResult>;
  readSheet(ruleSet: RuleSetInput, format: 'xlsx' | 'csv', content: string): Promise<ReadResult>;
  template(document: RuleSet): Promise<Buffer>;
  exportDossiers(document: RuleSet, dossiers: Dossier[], format: 'xlsx' | 'csv'): Promise<Buffer>;
  exportComparison(matrix: ComparisonMatrix, format: 'xlsx' | 'csv', outcomes?: { id: string; label: { zh: string; en: string } }[]): Promise<Buffer>;
}

/** Below this many dossiers (or values) a task is not split: the copies to each thread would cost more than they save. */
const SPLIT_MIN = 64;

/** Contiguous parts of a list, at most `n`, none empty. */
function chunks<T>(list: T[], n: number): { offset: number; items: T[] }[] {
  const parts = Math.max(1, Math.min(n, list.length));
  const size = Math.ceil(list.length / parts);
  const out: { offset: number; items: T[] }[] = [];
  for (let i = 0; i < list.length; i += size) out.push({ offset: i, items: list.slice(i, i + size) });
  return out.length ? out : [{ offset: 0, items: [] }];
}

/** The task without rule-set documents: a worker that has compiled them already needs only their keys. */
function withoutDocuments(task: Task): Task {
  const strip = (r: RuleSetInput): RuleSetInput => ({ key: r.key, ...(r.interpretations ? { interpretations: r.interpretations } : {}) });
  if ('ruleSet' in task) return { ...task, ruleSet: strip(task.ruleSet) } as Task;
  if ('ruleSets' in task) return { ...task, ruleSets: task.ruleSets.map(strip) };
  return task;
}

/** Errors of the pool itself that the request can be told about. */
function poolError(err: unknown): ApiError | null {
  const e = err as { message?: string; code?: string };
  if (/queue is at limit/i.test(e?.message ?? '')) return new ApiError('busy', 'The server is busy with other heavy requests; retry shortly', undefined, { retryAfterSeconds: 5 });
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new ApiError('payload_too_large', 'The request needs more memory than one request may use', [{ code: 'out_of_memory', path: ['body'], message: 'the work ran out of the memory a request may use' }]);
  return null;
}

/** The compute service of one app: a pool when given one, else inline with `engine`. */
export function createCompute(engine: EngineApi, pool: ComputePool | null): Compute {
  const cache = new CompiledCache(engine);

  async function exec<K extends Task['kind']>(task: Extract<Task, { kind: K }>): Promise<TaskValues[K]> {
    let out: TaskOutcome;
    if (!pool) out = await runTask(engine, cache, task);
    else {
      try {
        out = await pool.run(withoutDocuments(task));
        // That worker has not compiled the rule set yet: send it the documents.
        if (!out.ok && 'missing' in out) out = await pool.run(task);
      } catch (err) {
        throw poolError(err) ?? err;
      }
    }
    if (out.ok) return out.value as TaskValues[K];
    if ('missing' in out) throw new Error(`${task.kind}: the worker did not compile the rule set it was sent`);
    throw new ApiError(out.error.code, out.error.message, out.error.issues, out.error.details);
  }

  const threads = pool?.threads ?? 1;
  const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

  return {
    pooled: pool !== null,
    async sweep(ruleSet, dossiers, parameter, values) {
      const parts = await Promise.all(
        chunks(values, values.length >= SPLIT_MIN * 2 ? threads : 1).map((c) => exec({ kind: 'sweep', ruleSet, dossiers, parameter, values: c.items, offset: c.offset })),
      );
      const subjects = parts[0].subjects;
      const flips: SweepOutput['flips'] = [];
      subjects.forEach((subject, s) => {
        const changes: { at: ParameterValue; from: string; to: string }[] = [];
        let offset = 0;
        parts.forEach((p, k) => {
          if (k > 0 && parts[k - 1].edges[s][1] !== p.edges[s][0]) changes.push({ at: values[offset], from: parts[k - 1].edges[s][1], to: p.edges[s][0] });
          for (const c of p.changes) if (c.subject === s) changes.push({ at: values[c.index], from: c.from, to: c.to });
          offset += p.points.length;
        });
        if (changes.length) flips.push({ subjectId: subject.id, name: subject.name, changes });
      });
      const matrixJson = `{${subjects.map((subject, s) => `${JSON.stringify(subject.id)}:[${parts.map((p) => p.rowsJson[s]).join(',')}]`).join(',')}}`;
      return { head: parts[0].head, points: parts.flatMap((p) => p.points), flips, matrixJson };
    },
    async fast(ruleSet, dossiers) {
      const parts = await Promise.all(chunks(dossiers, dossiers.length >= SPLIT_MIN * 2 ? threads : 1).map((c) => exec({ kind: 'fast', ruleSet, dossiers: c.items })));
      return parts.flat();
    },
    flips: (ruleSet, dossiers) => exec({ kind: 'flips', ruleSet, dossiers }),
    cohort: async (ruleSet, dossiers, opts) => (await exec({ kind: 'cohort', ruleSet, dossiers, ...opts })).resultJson,
    evaluate: (ruleSets, dossier, now) => exec({ kind: 'evaluate', ruleSets, dossier, now }),
    golden: (ruleSet, cases) => exec({ kind: 'golden', ruleSet, cases }),
    async rebaseline(ruleSet, cases, caseIds) {
      const out = await exec({ kind: 'rebaseline', ruleSet, cases, caseIds });
      return { run: out.run, issues: out.issues, replaced: new Map(out.replaced) };
    },
    validate: (document, clauseIds) => exec({ kind: 'validate', document, clauseIds }),
    readSheet: (ruleSet, format, content) => exec({ kind: 'readSheet', ruleSet, format, content }),
    template: async (document) => toBuffer(await exec({ kind: 'template', document })),
    exportDossiers: async (document, dossiers, format) => toBuffer(await exec({ kind: 'exportDossiers', document, dossiers, format })),
    exportComparison: async (matrix, format, outcomes) => toBuffer(await exec({ kind: 'exportComparison', matrix, format, outcomes })),
  };
}
