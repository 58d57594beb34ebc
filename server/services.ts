// Shared server logic behind the routes: the clock, the store, rule-set references, compiled rule sets (cached) and dossier lookup.
import canonicalize from 'canonicalize';
import type { EngineApi, CompiledRuleSetApi, RuleSet, Dossier, Issue } from './engine.js';
import type { Repository, StoreState, StoredVersion, StoredDossier, DossierRevision, Actor } from './store/repository.js';
import { ApiError } from './api/errors.js';

export interface AppDeps {
  repo: Repository;
  engine: EngineApi;
  /** Clause ids of a policy corpus (a rule set's `policy`), for the semantic checks. */
  clauseIds: (policy: string) => Iterable<string>;
  /** Clause texts of a policy corpus, served to the editor; null or absent: unknown policy. */
  clauses?: (policy: string) => readonly Record<string, unknown>[] | null;
  /** ISO timestamp; tests pass a fixed clock. */
  now?: () => string;
  /** Largest accepted request body (bytes or a size such as '2mb'). */
  bodyLimit?: number | string;
  /** Directory of the built editor, served at / when it exists. */
  editorDist?: string | null;
  /** Largest dossiers × versions matrix a batch may ask for. */
  batchCellLimit?: number;
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
  resolveRef(state: Readonly<StoreState>, ref: string): StoredVersion;
  compiled(version: { document: RuleSet; contentHash: string }, interpretations?: Record<string, string>): CompiledRuleSetApi;
  compileDocument(document: RuleSet): CompiledRuleSetApi;
  findDossier(state: Readonly<StoreState>, id: string): StoredDossier;
  dossierRevision(state: Readonly<StoreState>, id: string, revision?: number): { dossier: StoredDossier; rev: DossierRevision };
  checkRuleSet(doc: unknown): { ruleSet: RuleSet | null; issues: Issue[] };
}

/** Parses `id@version` or `id@YYYY-MM-DD`. */
export function parseRef(ref: string): { id: string; version: number } | { id: string; date: string } {
  const at = ref.lastIndexOf('@');
  const id = ref.slice(0, at);
  const rest = ref.slice(at + 1);
  return /^[0-9]+$/.test(rest) ? { id, version: Number(rest) } : { id, date: rest };
}

/** The published version of a rule set in force on a day: latest effectiveFrom not after it, open or not yet ended. */
export function versionInForce(versions: readonly StoredVersion[], ruleSetId: string, date: string): StoredVersion | undefined {
  return versions
    .filter((v) => v.ruleSetId === ruleSetId && v.document.effectiveFrom <= date && (v.document.effectiveTo === null || v.document.effectiveTo >= date))
    .sort((a, b) => (a.document.effectiveFrom === b.document.effectiveFrom ? b.version - a.version : a.document.effectiveFrom < b.document.effectiveFrom ? 1 : -1))[0];
}

/** Builds the services object for one app. */
export function createServices(deps: AppDeps): Services {
  const cache = new Map<string, CompiledRuleSetApi>();
  const engine = deps.engine;

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
    checkRuleSet: (doc) => {
      const policy = typeof doc === 'object' && doc !== null && typeof (doc as { policy?: unknown }).policy === 'string' ? (doc as { policy: string }).policy : '';
      return engine.checkRuleSet(doc, { clauseIds: deps.clauseIds(policy) });
    },
    resolveRef(state, ref) {
      const parsed = parseRef(ref);
      if ('version' in parsed) {
        const v = state.versions.find((x) => x.ruleSetId === parsed.id && x.version === parsed.version);
        if (!v) throw new ApiError('not_found', `No published version ${ref}`);
        return v;
      }
      if (!state.versions.some((x) => x.ruleSetId === parsed.id)) throw new ApiError('not_found', `No rule set ${parsed.id}`);
      const v = versionInForce(state.versions, parsed.id, parsed.date);
      if (!v) throw new ApiError('no_version_in_force', `No version of ${parsed.id} is in force on ${parsed.date}`);
      return v;
    },
    compiled(version, interpretations = {}) {
      const key = `${version.contentHash}|${canonicalize(interpretations)}`;
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
    findDossier(state, id) {
      const d = state.dossiers.find((x) => x.id === id && !x.deleted);
      if (!d) throw new ApiError('not_found', `No dossier ${id}`);
      return d;
    },
    dossierRevision(state, id, revision) {
      const dossier = this.findDossier(state, id);
      const rev = revision === undefined ? dossier.revisions.at(-1)! : dossier.revisions.find((r) => r.revision === revision);
      if (!rev) throw new ApiError('not_found', `Dossier ${id} has no revision ${revision}`);
      return { dossier, rev };
    },
  };
}

/** A fact of a dossier by dotted id, unwrapping `{value, ...}`. */
export function factOf(dossier: Dossier, id: string): unknown {
  let v: unknown = dossier.facts[id];
  if (v === undefined) {
    v = dossier.facts;
    for (const part of id.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
  return v;
}
