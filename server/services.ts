// Shared server logic behind the routes: the clock, the store, rule-set references, compiled rule sets (cached) and dossier lookup.
import { randomUUID } from 'node:crypto';
import { canonical } from './canonical.js';
import type { EngineApi, CompiledRuleSetApi, RuleSet, Dossier, Issue, Evaluation } from './engine.js';
import type { Repository, ReadTx, StoredVersion, VersionRecord, DossierRecord, DossierRevision, Actor, PublishedDocument } from './store/repository.js';
import { ApiError } from './api/errors.js';
import { factOf } from './facts.js';
import { LIMITS, type Limits } from './api/limits.js';
import type { ProtectionOptions } from './api/protection.js';
import { createCompute, type Compute, type RuleSetInput } from './compute/compute.js';
import type { ComputePool } from './compute/pool.js';
import type { z } from 'zod';
import type { EvaluationDecision, ParameterNotes } from './api/schemas.js';

export type Decision = z.infer<typeof EvaluationDecision>;

export { factOf };

export interface AppDeps {
  repo: Repository;
  engine: EngineApi;
  /** Clause ids of a policy corpus (a rule set's `policy`), for the semantic checks. */
  clauseIds: (policy: string) => Iterable<string>;
  /** Clause texts of a policy corpus, served to the editor; null or absent: unknown policy. */
  clauses?: (policy: string) => readonly Record<string, unknown>[] | null;
  /** The policy notes on parameters (descriptions, enum option names); null or absent: none. */
  parameterNotes?: (policy: string) => z.infer<typeof ParameterNotes> | null;
  /** ISO timestamp; tests pass a fixed clock. */
  now?: () => string;
  /** Largest accepted request body (bytes or a size such as '2mb'). */
  bodyLimit?: number | string;
  /** Directory of the built editor, served at / when it exists. */
  editorDist?: string | null;
  /** Largest dossiers × versions matrix a batch may ask for (default LIMITS.batchCells). */
  batchCellLimit?: number;
  /** Lower limits on the work of one request than LIMITS (tests). */
  limits?: Partial<Limits>;
  /** The worker pool for heavy work (sweeps, batches, cohorts, golden runs, validation, spreadsheets); without it that work runs on the event loop. */
  pool?: ComputePool | null;
  /** Run explained evaluations (POST /api/evaluations, draft previews, replays) in the pool too; default: on the event loop, where one takes about a millisecond. */
  evaluateInPool?: boolean;
  /** Rate limits, failed sign-ins, access log and security headers. */
  protection?: ProtectionOptions;
  /** Check every success body against the route's response schema (tests): a mismatch is a bug, answered 500. */
  checkResponses?: boolean;
  /** Where to report bugs (500s); default console.error. */
  logError?: (err: unknown) => void;
}

export interface Services {
  deps: AppDeps;
  engine: EngineApi;
  repo: Repository;
  now(): string;
  actorName(actor: Actor): string;
  /** The published version a reference names (`id@3` or `id@2024-01-01`), its document checked against its content hash. */
  resolveRef(tx: ReadTx, ref: string): Promise<StoredVersion>;
  /**
   * The published document a reference names, without the version's record (for evaluating under it): `id@3` from
   * the store's memory where it keeps documents; a day (or an id alone, for today) reads the versions' periods afresh,
   * so a version another instance published or closed counts from the next request on.
   */
  resolveDocument(tx: ReadTx, ref: string): Promise<PublishedDocument>;
  compiled(version: { document: RuleSet; contentHash: string }, interpretations?: Record<string, string>): CompiledRuleSetApi;
  compileDocument(document: RuleSet): CompiledRuleSetApi;
  /** A live dossier, or 404. */
  findDossier(tx: ReadTx, id: string): Promise<DossierRecord>;
  /** A revision of a live dossier (of any dossier with `includeDeleted`), or 404. */
  dossierRevision(tx: ReadTx, id: string, revision?: number, opts?: { includeDeleted?: boolean }): Promise<{ dossier: DossierRecord; rev: DossierRevision }>;
  checkRuleSet(doc: unknown): { ruleSet: RuleSet | null; issues: Issue[] };
  /** Heavy work: in the worker pool when the app has one. */
  compute: Compute;
  /** The limits on one request's work. */
  limits: Limits;
  /** A published version (under interpretation switches) as a compute task names it. */
  versionInput(version: { document: RuleSet; contentHash: string }, interpretations?: Record<string, string>): RuleSetInput;
  /** A draft at its current revision as a compute task names it. */
  draftInput(draft: { id: string; revision: number; document: RuleSet }, interpretations?: Record<string, string>): RuleSetInput;
  /** The clause ids a document's policy has, for the semantic checks. */
  clauseIdsOf(doc: unknown): string[];
  /**
   * The fully explained evaluation of one dossier (invalid_dossier when it does not pass the rule set's checks). With
   * the dossier's content hash, an evaluation of the same content under the same compiled rule set is answered from
   * the most recent ones (only the time differs: evaluations are pure functions of rule set and dossier).
   */
  evaluate(ruleSet: RuleSetInput, dossier: unknown, now: string, dossierHash?: string): Promise<Evaluation>;
  /**
   * The decision of one dossier on the engine's fast path (checkDossier, then evaluateFast), on the event loop
   * (invalid_dossier when the dossier does not pass the rule set's checks). Decisions of the same content under the
   * same compiled rule set are answered from the most recent ones, with the request's time. The answer is the
   * decision's JSON text (EvaluationDecision), as UTF-8.
   */
  decide(version: { document: RuleSet; contentHash: string }, interpretations: Record<string, string>, dossier: unknown, now: string, dossierHash: string): Buffer;
}

/** Parses `id@version` or `id@YYYY-MM-DD`. */
export function parseRef(ref: string): { id: string; version: number } | { id: string; date: string } {
  const at = ref.lastIndexOf('@');
  const id = ref.slice(0, at);
  const rest = ref.slice(at + 1);
  return /^[0-9]+$/.test(rest) ? { id, version: Number(rest) } : { id, date: rest };
}

/** The published version of a rule set in force on a day: latest effectiveFrom not after it, open or not yet ended. */
export function versionInForce<V extends VersionRecord>(versions: readonly V[], ruleSetId: string, date: string): V | undefined {
  return versions
    .filter((v) => v.ruleSetId === ruleSetId && v.effectiveFrom <= date && (v.effectiveTo === null || v.effectiveTo >= date))
    .sort((a, b) => (a.effectiveFrom === b.effectiveFrom ? b.version - a.version : a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
}

/** How many recent explained evaluations are kept (each some 40 kB of JSON). */
const RECENT_EVALUATIONS = 128;
/** How many recent decisions are kept (each some 3 kB). */
const RECENT_DECISIONS = 1024;

const UNDECIDED_TEXT = {
  zh: '结论未定：所需事实缺失。缺少哪些事实、各被哪项需要，见 view=full 的 missingFacts',
  en: 'Undecided: facts it needs are missing. view=full lists each missing fact and what needs it (missingFacts)',
};

/** The decision view of a fast result: labels from the rule set, in its stage order. */
function decisionOf(
  compiled: CompiledRuleSetApi,
  fast: ReturnType<CompiledRuleSetApi['evaluateFast']>,
  prepared: { subject: Decision['subject']; warnings?: Issue[] },
  provenance: Decision['provenance'],
): Decision {
  const rs = compiled.ruleSet;
  const titleRef = (id: string | null | undefined) => {
    const o = id ? rs.outcomes.find((x) => x.id === id) : undefined;
    return o ? { id: o.id, label: o.label, rank: o.rank } : null;
  };
  const passed = fast.status === 'passed';
  return {
    view: 'decision',
    provenance,
    subject: prepared.subject,
    outcome: {
      status: fast.status,
      passed: fast.passed,
      // A failed result's fast title is the rank-0 outcome; like the explained evaluation, only a pass has a title.
      title: passed ? titleRef(fast.title) : null,
      indicative: fast.indicative ?? false,
      indicatedTitle: passed ? titleRef(fast.indicatedTitle ?? fast.title) : null,
      base: fast.base,
      bonus: fast.bonus,
      total: fast.total,
      passMark: fast.passMark,
    },
    stages: rs.stages.map((st) => ({ id: st.id, kind: st.kind, label: st.label, status: fast.stages[st.id] ?? 'not-applicable' })),
    warnings: (prepared.warnings ?? []).map((w) => ({ code: w.code, path: w.path, text: w.text ?? { zh: w.message, en: w.message }, cites: w.cites ?? [] })),
    ...(fast.status === 'undecided' ? { undecided: { text: UNDECIDED_TEXT } } : {}),
  };
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** The version record of a rule set in force on a day, from its versions as stored now. */
async function inForce(tx: ReadTx, ruleSetId: string, date: string): Promise<VersionRecord> {
  const list = await tx.versions.list(ruleSetId);
  if (list.length === 0) throw new ApiError('not_found', `No rule set ${ruleSetId}`);
  const v = versionInForce(list, ruleSetId, date);
  if (!v) throw new ApiError('no_version_in_force', `No version of ${ruleSetId} is in force on ${date}`);
  return v;
}

/** Builds the services object for one app. */
export function createServices(deps: AppDeps): Services {
  const cache = new Map<string, CompiledRuleSetApi>();
  // Recent explained evaluations by rule-set key and dossier hash, most recently used last; shared, so frozen.
  const recent = new Map<string, Evaluation>();
  // Recent decisions as their JSON text before and after the evaluation time (so a repeat is not serialised again).
  const decisions = new Map<string, { head: Buffer; tail: Buffer }>();
  const engine = deps.engine;
  const compute = createCompute(engine, deps.pool ?? null);
  const inline = deps.pool ? createCompute(engine, null) : compute;
  // Drafts are keyed by revision, not content (hashing a document costs milliseconds); the instance id keeps apps that share a pool apart.
  const instance = randomUUID();
  const interpKey = (i: Record<string, string>) => (Object.keys(i).length ? canonical(i) : '{}');
  const policyOf = (doc: unknown) => (typeof doc === 'object' && doc !== null && typeof (doc as { policy?: unknown }).policy === 'string' ? (doc as { policy: string }).policy : '');

  function compileDocument(document: RuleSet): CompiledRuleSetApi {
    const out = engine.compileRuleSet(document);
    if (!out.ok) throw new ApiError('invalid_rule_set', 'The rule set does not compile', out.issues);
    return out.compiled;
  }

  return {
    deps,
    engine,
    repo: deps.repo,
    now: deps.now ?? (() => new Date().toISOString()),
    actorName: (actor) => `${actor.name} (${actor.tokenId})`,
    checkRuleSet: (doc) => engine.checkRuleSet(doc, { clauseIds: deps.clauseIds(policyOf(doc)) }),
    compute,
    limits: { ...LIMITS, ...(deps.batchCellLimit !== undefined ? { batchCells: deps.batchCellLimit } : {}), ...deps.limits },
    versionInput: (v, interpretations = {}) => ({ key: `${v.contentHash}|${interpKey(interpretations)}`, document: v.document, interpretations }),
    draftInput: (d, interpretations = {}) => ({ key: `draft:${instance}:${d.id}:r${d.revision}|${interpKey(interpretations)}`, document: d.document, interpretations }),
    clauseIdsOf: (doc) => [...deps.clauseIds(policyOf(doc))],
    async evaluate(ruleSet, dossier, now, dossierHash) {
      const key = dossierHash ? `${ruleSet.key}|${dossierHash}` : null;
      const hit = key ? recent.get(key) : undefined;
      if (key && hit) {
        recent.delete(key);
        recent.set(key, hit);
        return { ...hit, provenance: { ...hit.provenance, evaluatedAt: now } };
      }
      const result = (await (deps.evaluateInPool ? compute : inline).evaluate([ruleSet], dossier, now))[0];
      if (key) {
        if (recent.size >= RECENT_EVALUATIONS) recent.delete(recent.keys().next().value as string);
        recent.set(key, deepFreeze(result));
      }
      return result;
    },
    decide(version, interpretations, dossier, now, dossierHash) {
      const key = `${version.contentHash}|${interpKey(interpretations)}|${dossierHash}`;
      const hit = decisions.get(key);
      const answer = (e: { head: Buffer; tail: Buffer }) => Buffer.concat([e.head, Buffer.from(JSON.stringify(now)), e.tail]);
      if (hit) {
        decisions.delete(key);
        decisions.set(key, hit);
        return answer(hit);
      }
      const compiled = this.compiled(version, interpretations);
      const checked = compiled.checkDossier(dossier);
      if (!checked.ok) throw new ApiError('invalid_dossier', 'The dossier cannot be evaluated under this rule set', checked.issues);
      const prepared = checked.dossier as { subject: Decision['subject']; warnings?: Issue[] };
      const fast = compiled.evaluateFast(checked.dossier);
      const rs = compiled.ruleSet;
      const decision = decisionOf(compiled, fast, { subject: prepared.subject, warnings: checked.warnings ?? prepared.warnings }, {
        ruleSetId: rs.id,
        version: rs.version,
        contentHash: compiled.contentHash,
        engineVersion: engine.ENGINE_VERSION,
        dossierHash,
        evaluatedAt: null,
        interpretations: Object.fromEntries(rs.interpretations.map((i) => [i.id, i.chosen])),
      });
      // The text before and after the time: "evaluatedAt" is the first such key of the text (provenance comes before any dossier data).
      const text = JSON.stringify(decision);
      const at = text.indexOf('"evaluatedAt":null') + '"evaluatedAt":'.length;
      const entry = { head: Buffer.from(text.slice(0, at)), tail: Buffer.from(text.slice(at + 'null'.length)) };
      if (decisions.size >= RECENT_DECISIONS) decisions.delete(decisions.keys().next().value as string);
      decisions.set(key, entry);
      return answer(entry);
    },
    async resolveRef(tx, ref) {
      const parsed = parseRef(ref);
      if ('version' in parsed) {
        const v = await tx.versions.get(parsed.id, parsed.version);
        if (!v) throw new ApiError('not_found', `No published version ${ref}`);
        return v;
      }
      const v = await inForce(tx, parsed.id, parsed.date);
      return { ...v, document: (await tx.versions.document(v.ruleSetId, v.version))!.document };
    },
    async resolveDocument(tx, ref) {
      const parsed = parseRef(ref);
      const { ruleSetId, version } = 'version' in parsed ? { ruleSetId: parsed.id, version: parsed.version } : await inForce(tx, parsed.id, parsed.date);
      const d = await tx.versions.document(ruleSetId, version);
      if (!d) throw new ApiError('not_found', `No published version ${ref}`);
      return d;
    },
    compiled(version, interpretations = {}) {
      const key = `${version.contentHash}|${canonical(interpretations)}`;
      const hit = cache.get(key);
      if (hit) return hit;
      let doc = version.document;
      if (Object.keys(interpretations).length > 0) {
        const applied = engine.applyInterpretations(doc, interpretations);
        if (!applied.ok) throw new ApiError('invalid_interpretation', 'Unknown interpretation switches', applied.issues);
        doc = applied.ruleSet;
      }
      const compiled = compileDocument(doc);
      if (cache.size >= 32) cache.delete(cache.keys().next().value as string);
      cache.set(key, compiled);
      return compiled;
    },
    compileDocument,
    async findDossier(tx, id) {
      const d = await tx.dossiers.get(id);
      if (!d || d.deleted) throw new ApiError('not_found', `No dossier ${id}`);
      return d;
    },
    async dossierRevision(tx, id, revision, opts = {}) {
      const found = await tx.dossiers.withRevision(id, revision);
      if (!found || (found.record.deleted && !opts.includeDeleted)) throw new ApiError('not_found', `No dossier ${id}`);
      if (!found.rev) throw new ApiError('not_found', `Dossier ${id} has no revision ${revision}`);
      return { dossier: found.record, rev: found.rev };
    },
  };
}
