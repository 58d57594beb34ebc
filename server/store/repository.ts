// The repository interface the routes use: the stored state's shape and a serialized, all-or-nothing transaction over it.
import type { Dossier, RuleSet, GoldenCase, Evaluation } from '../engine.js';

export type Role = 'viewer' | 'analyst' | 'editor' | 'admin';

/** Who did something: the token's id and name (never the token). */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
}

/** A published, immutable rule-set version with its golden cases. */
export interface StoredVersion {
  ruleSetId: string;
  version: number;
  contentHash: string;
  document: RuleSet;
  golden: GoldenCase[];
  publishedAt: string;
  publishedBy: string;
  source: 'seed' | 'api';
}

/** One edit of a draft: the revision it produced and its semantic changes (not a copy of the document). */
export interface DraftRevision {
  revision: number;
  at: string;
  by: string;
  action: string;
  changes: unknown[];
}

/** An editable draft derived from a version; its golden cases travel with it. */
export interface StoredDraft {
  id: string;
  ruleSetId: string;
  basedOn: { id: string; version: number };
  revision: number;
  document: RuleSet;
  golden: GoldenCase[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** The latest edits, oldest first, so a losing writer can be told what changed since its revision. */
  history: DraftRevision[];
}

export interface DossierRevision {
  revision: number;
  hash: string;
  at: string;
  by: string;
  dossier: Dossier;
}

export interface StoredDossier {
  id: string;
  deleted: boolean;
  revisions: DossierRevision[];
}

export interface StoredEvaluation {
  id: string;
  createdAt: string;
  createdBy: string;
  ruleSetId: string;
  version: number;
  contentHash: string;
  interpretations: Record<string, string>;
  dossierId: string | null;
  dossierRevision: number | null;
  dossierHash: string;
  /** Kept only for inline dossiers, so the evaluation can be replayed. */
  inlineDossier: Dossier | null;
  engineVersion: string;
  now: string;
  /** The verdict in brief, for listings; the full result is a blob (`blobKey`), kept out of the state so writes stay small. */
  outcome: { status: Evaluation['outcome']['status']; title: string | null; total: number | null };
  blobKey: string;
}

export interface StoredToken {
  id: string;
  name: string;
  role: Role;
  /** 'sha256:<hex>' of the bearer token; the token itself is never stored. */
  hash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

/** One append-only audit entry; `hash` chains it to the previous entry. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  details?: Record<string, unknown>;
  prevHash: string | null;
  hash: string;
}

export interface StoreState {
  storeFormat: 1;
  seededAt: string | null;
  counters: Record<string, number>;
  versions: StoredVersion[];
  drafts: StoredDraft[];
  dossiers: StoredDossier[];
  evaluations: StoredEvaluation[];
  tokens: StoredToken[];
  audit: AuditEntry[];
}

/** An empty store. */
export function emptyState(): StoreState {
  return {
    storeFormat: 1,
    seededAt: null,
    counters: {},
    versions: [],
    drafts: [],
    dossiers: [],
    evaluations: [],
    tokens: [],
    audit: [],
  };
}

/**
 * Storage behind the routes. `transact` runs one change at a time on a private copy of the state and
 * persists it atomically only when the function returns; if it throws, nothing is changed.
 */
export interface Repository {
  read<T>(fn: (state: Readonly<StoreState>) => T): Promise<T>;
  transact<T>(fn: (state: StoreState) => T): Promise<T>;
  /** Writes an immutable document (an evaluation result) under a new key; resolves once it is durable. */
  putBlob(key: string, value: unknown): Promise<void>;
  /** Reads a document written by putBlob, or null. */
  getBlob<T = unknown>(key: string): Promise<T | null>;
  close(): Promise<void>;
}

/** Next value of a named counter, for readable ids such as draft-3. */
export function nextId(state: StoreState, kind: string): string {
  const n = (state.counters[kind] ?? 0) + 1;
  state.counters[kind] = n;
  return `${kind}-${n}`;
}
