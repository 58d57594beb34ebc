// The repository contract the routes use: records per collection, read views and all-or-nothing transactions, implemented alike by the memory, lowdb and PostgreSQL stores.
import type { Dossier, RuleSet, GoldenCase, Evaluation, I18nText } from '../engine.js';
import type { ReviewState } from '../review.js';

export type Role = 'viewer' | 'analyst' | 'editor' | 'admin';

/** Who did something: the token's id and name (never the token). */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
}

/** A published version as listed: everything but its document and golden cases (which are large and loaded on demand). */
export interface VersionRecord {
  ruleSetId: string;
  version: number;
  /** ruleSetHash of the document: recomputed whenever the document is loaded, a mismatch refuses the version. */
  contentHash: string;
  title: I18nText;
  effectiveFrom: string;
  /**
   * The last day in force: the document's, until a later version takes over; then the day before, recorded here as
   * version metadata (with a version.close audit entry) while the document, and so its content hash, stays as published.
   */
  effectiveTo: string | null;
  /** Which version closed the period, and when (absent while the period is the document's own). */
  closedBy?: { version: number; at: string } | null;
  basedOn: { id: string; version: number } | null;
  /** The document's changelog entry for this version, if any. */
  changelog: { version: number; date: string; author?: string; note: I18nText } | null;
  goldenCount: number;
  /** Address of the stored golden cases ('sha256:<hex>' of their stored bytes). */
  goldenHash: string;
  publishedAt: string;
  publishedBy: string;
  source: 'seed' | 'api';
}

/** A published, immutable rule-set version with its document. */
export interface StoredVersion extends VersionRecord {
  document: RuleSet;
}

/** A published version's document with what names it: all of it fixed at publishing (the period is not part of it). */
export interface PublishedDocument {
  ruleSetId: string;
  version: number;
  contentHash: string;
  document: RuleSet;
}

/** What publishing (or seeding) stores. */
export interface NewVersion {
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

/** A draft as listed: everything but its document and golden cases. */
export interface DraftRecord {
  id: string;
  ruleSetId: string;
  basedOn: { id: string; version: number };
  revision: number;
  goldenCount: number;
  /** Address of the stored golden cases. */
  goldenHash: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** The latest edits, oldest first, so a losing writer can be told what changed since its revision. */
  history: DraftRevision[];
  /** Four eyes: where the draft stands in review (absent: never sent). */
  review?: ReviewState;
  /** Token ids of everyone who has saved the draft: none of them may approve it. */
  authors?: string[];
}

/** A draft with its document. */
export interface StoredDraft extends DraftRecord {
  document: RuleSet;
}

export type NewDraft = Omit<DraftRecord, 'goldenCount' | 'goldenHash'> & { document: RuleSet; golden: GoldenCase[] };

/** A change to a draft: the next revision with what it changes (document and golden cases only when they change). */
export type DraftPatch = Partial<Omit<DraftRecord, 'id' | 'goldenCount' | 'goldenHash'>> & { revision: number; document?: RuleSet; golden?: GoldenCase[] };

/** One revision of a dossier, without its content. */
export interface DossierRevisionMeta {
  revision: number;
  /** dossierHash of the content. */
  hash: string;
  at: string;
  by: string;
}

export interface DossierRevision extends DossierRevisionMeta {
  dossier: Dossier;
}

/** The fields a dossier is listed and filtered by, taken from its latest revision. */
export interface DossierIndex {
  cityName: string | null;
  province: string | null;
  period: number | null;
  type: string | null;
}

/** A dossier: its latest revision and listing fields; every revision stays stored. */
export interface DossierRecord extends DossierIndex {
  id: string;
  deleted: boolean;
  latest: DossierRevisionMeta;
}

export interface DossierFilter {
  period?: number;
  type?: string;
  province?: string;
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
  /** The verdict in brief, for listings; the full result is stored apart, under `resultHash`. */
  outcome: { status: Evaluation['outcome']['status']; title: string | null; total: number | null };
  /** Address of the stored result ('sha256:<hex>' of its bytes): the result is checked against it whenever it is served. */
  resultHash: string;
}

export type NewEvaluation = Omit<StoredEvaluation, 'resultHash'>;

export interface EvaluationFilter {
  dossierId?: string;
  ruleSetId?: string;
  version?: number;
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
  /** When the token stops working (ISO timestamp); null or absent: it does not expire. */
  expiresAt?: string | null;
}

/** What a change records in the audit log. */
export interface AuditInput {
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  details?: Record<string, unknown>;
}

/** One append-only audit entry; `hash` is the keyed MAC of the entry with the previous entry's hash, so the log is a chain. */
export interface AuditEntry extends AuditInput {
  seq: number;
  prevHash: string | null;
  hash: string;
}

export interface AuditQuery {
  after?: number;
  target?: string;
  action?: string;
  /** Only the entries of this actor string. */
  actor?: string;
  limit?: number;
}

/** The last audit entry, for anchoring the chain elsewhere. */
export interface ChainHead {
  seq: number;
  hash: string;
  at: string;
}

export interface IntegrityProblem {
  /** audit_chain_broken, audit_truncated, record_mismatch, version_content_mismatch, blob_missing, blob_mismatch, … */
  code: string;
  message: string;
  /** What it concerns: `sfc-2017@2`, `evaluation:ev-3`, `audit:12`. */
  target?: string;
}

/** What the store knows of its own integrity: checked at start-up and before each append. */
export interface IntegrityReport {
  /** False when the audit chain or a record it proves does not verify; writes are refused until an operator repairs the store. */
  writable: boolean;
  checkedAt: string;
  problems: IntegrityProblem[];
  head: ChainHead | null;
  /** Entries verified in the last check. */
  entries: number;
}

/** Reads every store offers; within `transact` they see the transaction's own writes. */
export interface ReadTx {
  versions: {
    get(ruleSetId: string, version: number): Promise<StoredVersion | null>;
    /**
     * A published version's document, checked against its content hash, without the record: nothing of it ever
     * changes once published (versions are append-only), so a store may answer it from memory.
     */
    document(ruleSetId: string, version: number): Promise<PublishedDocument | null>;
    byHash(contentHash: string): Promise<StoredVersion | null>;
    /** Version records, ordered by rule set then version. */
    list(ruleSetId?: string): Promise<VersionRecord[]>;
    golden(v: VersionRecord): Promise<GoldenCase[]>;
  };
  drafts: {
    get(id: string): Promise<StoredDraft | null>;
    list(ruleSetId?: string): Promise<DraftRecord[]>;
    golden(d: DraftRecord): Promise<GoldenCase[]>;
  };
  dossiers: {
    /** A dossier, deleted ones included (check `deleted`). */
    get(id: string): Promise<DossierRecord | null>;
    /** Live dossiers matching the filter, ordered by id. */
    list(filter?: DossierFilter): Promise<DossierRecord[]>;
    revisions(id: string): Promise<DossierRevisionMeta[]>;
    /** One revision with its content (the latest when `revision` is left out), deleted dossiers included. */
    revision(id: string, revision?: number): Promise<DossierRevision | null>;
    /** The dossier (deleted ones included) and one of its revisions with content (the latest when left out; null when it has no such revision), in one read. */
    withRevision(id: string, revision?: number): Promise<{ record: DossierRecord; rev: DossierRevision | null } | null>;
  };
  evaluations: {
    get(id: string): Promise<StoredEvaluation | null>;
    /** Records in the order they were made. */
    list(filter?: EvaluationFilter): Promise<StoredEvaluation[]>;
    /** The stored result, checked against the record's resultHash (IntegrityError when missing or different). */
    result(e: StoredEvaluation): Promise<Evaluation>;
  };
  tokens: {
    get(id: string): Promise<StoredToken | null>;
    byHash(hash: string): Promise<StoredToken | null>;
    list(): Promise<StoredToken[]>;
  };
  audit: {
    list(query?: AuditQuery): Promise<AuditEntry[]>;
    head(): Promise<ChainHead | null>;
  };
  seededAt(): Promise<string | null>;
  /** The store's settings (DEFAULT_SETTINGS until an administrator changes them). */
  settings(): Promise<StoreSettings>;
  /** Every record (no blobs) as plain JSON, in a stable order: for tests and exports. */
  dump(): Promise<unknown>;
}

/** Writes, all or nothing: nothing is visible to others or durable until the transaction's function returns and the commit is on disk. */
export interface WriteTx extends ReadTx {
  versions: ReadTx['versions'] & {
    /** The highest published version number of a rule set plus one. */
    nextNumber(ruleSetId: string): Promise<number>;
    /** Stores a version; an existing number is a ConflictError. */
    insert(v: NewVersion): Promise<StoredVersion>;
    /** Ends a version's period on `effectiveTo` because version `by.version` takes over: metadata only, the document does not change. */
    closePeriod(ruleSetId: string, version: number, effectiveTo: string, by: { version: number; at: string }): Promise<VersionRecord>;
  };
  drafts: ReadTx['drafts'] & {
    insert(d: NewDraft): Promise<StoredDraft>;
    /** Moves a draft from `expectedRevision` to patch.revision; a draft at another revision is a ConflictError. */
    update(id: string, expectedRevision: number, patch: DraftPatch): Promise<StoredDraft>;
    delete(id: string, expectedRevision: number): Promise<void>;
  };
  dossiers: ReadTx['dossiers'] & {
    /** Adds the next revision (creating the dossier, or reviving a deleted one); `expectedRevision` null: the dossier must not exist. */
    addRevision(id: string, expectedRevision: number | null, rev: DossierRevision, index: DossierIndex): Promise<DossierRecord>;
    markDeleted(id: string, expectedRevision: number): Promise<DossierRecord>;
  };
  evaluations: ReadTx['evaluations'] & {
    /** Stores the record and its result, and appends the record's hash to the audit chain (action evaluation.create). */
    insert(e: NewEvaluation, result: Evaluation): Promise<StoredEvaluation>;
  };
  tokens: ReadTx['tokens'] & {
    insert(t: StoredToken): Promise<StoredToken>;
    revoke(id: string, at: string): Promise<StoredToken>;
  };
  audit: ReadTx['audit'] & {
    append(input: AuditInput): Promise<AuditEntry>;
  };
  /** Next value of a named counter, as a readable id such as draft-3. */
  nextId(kind: string): Promise<string>;
  markSeeded(at: string): Promise<void>;
  putSettings(s: StoreSettings): Promise<void>;
}

/** Settings an administrator may change, kept with the data (each change is in the audit log). */
export interface StoreSettings {
  /** 'required': a draft is published only after another editor approved it; 'optional': one person may publish (a local install). */
  publishReview: 'required' | 'optional';
}

/** A new store's settings: review before publishing is required. */
export const DEFAULT_SETTINGS: StoreSettings = { publishReview: 'required' };

export interface ReadOptions {
  snapshot?: boolean;
  /**
   * Also read the token with this hash, as the store has it then: `seen` is called with it (null: no such token) before
   * the read settles, whether `fn` resolves or throws. PostgreSQL asks for it in the statement of fn's first
   * single-row read (a stored dossier, a published document), so checking the caller's token costs no round trip of
   * its own; with no such read it asks once more after `fn`.
   */
  token?: { hash: string; seen(token: StoredToken | null): void };
}

/**
 * Storage behind the routes. `read` sees committed data; `transact` runs one change so that no other change
 * interleaves with it (per store: one at a time, or serialised across instances by the database) and resolves
 * only after the change is durable; if its function throws, nothing is changed.
 */
export interface Repository {
  readonly kind: 'memory' | 'lowdb' | 'postgres';
  /**
   * `snapshot: false`: `fn`'s reads need no snapshot in common, each may see the latest commit (one lookup, such as a
   * token by its hash; or records that only ever gain revisions, such as a dossier and the revision it names).
   * PostgreSQL then runs them without BEGIN and COMMIT, two round trips fewer; lowdb reads are one state anyway.
   */
  read<T>(fn: (tx: ReadTx) => Promise<T> | T, opts?: ReadOptions): Promise<T>;
  transact<T>(fn: (tx: WriteTx) => Promise<T> | T): Promise<T>;
  /** The last integrity check (start-up, then before each append). */
  integrity(): Promise<IntegrityReport>;
  close(): Promise<void>;
}

/** A store-level refusal the API answers with a 4xx/5xx of its own: a conflicting write, or data that failed its integrity check. */
export class StoreError extends Error {
  constructor(
    readonly code: 'conflict' | 'integrity_mismatch' | 'blob_missing' | 'store_read_only',
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

/** A write that lost a race: the record is not at the revision the writer expected, or the key is taken. */
export const conflict = (message: string, target?: string) => new StoreError('conflict', message, target);
