// The in-process store shared by the memory and lowdb repositories: records in indexed maps, large values as content-addressed blobs, transactions as an overlay turned into a list of row changes on commit.
import { createHash } from 'node:crypto';
import { canonical } from '../canonical.js';
import type { Evaluation, GoldenCase, RuleSet } from '../engine.js';
import { ruleSetHash } from '../../engine/index.js';
import { chainEntry, headMac, headOf, keyId, verifyChain } from '../audit.js';
import {
  StoreError,
  conflict,
  type AuditEntry,
  type AuditInput,
  type AuditQuery,
  type ChainHead,
  type DossierFilter,
  type DossierIndex,
  type DossierRecord,
  type DossierRevision,
  type DossierRevisionMeta,
  type DraftPatch,
  type DraftRecord,
  type IntegrityProblem,
  type IntegrityReport,
  type NewDraft,
  type NewEvaluation,
  type NewVersion,
  type PublishedDocument,
  type ReadTx,
  type ReadOptions,
  type StoredDraft,
  type StoredEvaluation,
  type StoredToken,
  type StoredVersion,
  type StoreSettings,
  type VersionRecord,
  type WriteTx,
  DEFAULT_SETTINGS,
} from './repository.js';
import { SerialQueue } from './serialQueue.js';

export interface VersionRow extends VersionRecord {
  documentBlob: string;
}
export interface DraftRow extends DraftRecord {
  documentBlob: string;
}
export interface RevisionRow extends DossierRevisionMeta {
  blob: string;
}
export interface DossierRow extends DossierRecord {
  revisions: RevisionRow[];
}

/** The head of the audit chain with its keyed hash, kept beside the log so a cut-off tail shows. */
export interface SealedHead {
  seq: number;
  hash: string;
  mac: string;
}

/** Every record of a store (format 2), as a snapshot holds them. */
export interface Rows {
  seededAt: string | null;
  keyId: string | null;
  counters: Record<string, number>;
  versions: VersionRow[];
  drafts: DraftRow[];
  dossiers: DossierRow[];
  evaluations: StoredEvaluation[];
  tokens: StoredToken[];
  audit: AuditEntry[];
  head: SealedHead | null;
  /** Absent in stores written before settings existed: DEFAULT_SETTINGS. */
  settings?: StoreSettings | null;
}

/** One change of a committed transaction: a row put (or a draft removed), in the order it was made. */
export type Op =
  | { c: 'seededAt'; v: string }
  | { c: 'keyId'; v: string }
  | { c: 'counter'; k: string; v: number }
  | { c: 'versions'; v: VersionRow }
  | { c: 'versionPeriod'; k: string; effectiveTo: string; closedBy: { version: number; at: string } }
  | { c: 'settings'; v: StoreSettings }
  | { c: 'drafts'; k: string; v: DraftRow | null }
  | { c: 'dossiers'; v: DossierRow }
  | { c: 'evaluations'; v: StoredEvaluation }
  | { c: 'tokens'; v: StoredToken }
  | { c: 'audit'; v: AuditEntry };

/** Where blob bytes come from: files for lowdb, a map for the memory store. */
export interface BlobSource {
  has(address: string): boolean;
  /** The stored text, or null when there is none. */
  read(address: string): Promise<string | null>;
}

/** 'sha256:<hex>' of a blob's bytes. */
export function blobAddress(text: string): string {
  return 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of an evaluation record that the audit chain carries (canonical JSON, so key order does not matter). */
export function evaluationRecordHash(e: StoredEvaluation): string {
  return 'sha256:' + createHash('sha256').update(canonical(e) ?? '', 'utf8').digest('hex');
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const versionKey = (id: string, v: number) => `${id}@${v}`;
const dayBeforeIso = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** A small least-recently-used cache of parsed blobs, bounded by their text size. */
/** Parsed blobs by address, most recently used last, up to a total size of their text. */
export class BlobCache {
  #map = new Map<string, { value: unknown; size: number }>();
  #size = 0;
  constructor(private readonly limit: number) {}
  get(k: string): unknown {
    const hit = this.#map.get(k);
    if (!hit) return undefined;
    this.#map.delete(k);
    this.#map.set(k, hit);
    return hit.value;
  }
  set(k: string, value: unknown, size: number): void {
    if (size > this.limit / 4) return;
    this.delete(k);
    this.#map.set(k, { value, size });
    this.#size += size;
    for (const [key, e] of this.#map) {
      if (this.#size <= this.limit) break;
      this.#map.delete(key);
      this.#size -= e.size;
    }
  }
  delete(k: string): void {
    const hit = this.#map.get(k);
    if (hit) {
      this.#map.delete(k);
      this.#size -= hit.size;
    }
  }
}

export interface CommitPlan {
  ops: Op[];
  /** New blobs (address → text), to be durable before the ops. */
  blobs: Map<string, string>;
}

/**
 * The records of one store in memory, their integrity state, and transactions over them. The caller persists a
 * commit (`persist`) before it is applied, so what a read sees is always durable.
 */
export class StoreCore {
  seededAt: string | null = null;
  keyIdStored: string | null = null;
  counters = new Map<string, number>();
  versions = new Map<string, VersionRow>();
  versionByHash = new Map<string, VersionRow>();
  drafts = new Map<string, DraftRow>();
  dossiers = new Map<string, DossierRow>();
  evaluations = new Map<string, StoredEvaluation>();
  tokens = new Map<string, StoredToken>();
  tokenByHash = new Map<string, StoredToken>();
  audit: AuditEntry[] = [];
  settings: StoreSettings | null = null;
  /** Versions whose document failed its check, by key, with why. */
  refused = new Map<string, string>();
  report: IntegrityReport = { writable: true, checkedAt: new Date(0).toISOString(), problems: [], head: null, entries: 0 };
  readonly queue = new SerialQueue();
  #cache: BlobCache;
  /** Blob address → ruleSetHash of its document, computed once per process. */
  #documentHashes = new Map<string, string>();

  constructor(
    readonly key: Buffer,
    readonly blobs: BlobSource,
    opts: { cacheBytes?: number; ruleSetHash?: (doc: RuleSet) => string } = {},
  ) {
    this.#cache = new BlobCache(opts.cacheBytes ?? 128 * 1024 * 1024);
    this.#ruleSetHash = opts.ruleSetHash ?? ruleSetHash;
  }
  #ruleSetHash: (doc: RuleSet) => string;

  /** Loads a snapshot's rows (before any journal is replayed). */
  load(rows: Rows): void {
    this.seededAt = rows.seededAt;
    this.keyIdStored = rows.keyId;
    this.counters = new Map(Object.entries(rows.counters));
    for (const v of rows.versions) this.#putVersion(deepFreeze(v));
    for (const d of rows.drafts) this.drafts.set(d.id, deepFreeze(d));
    for (const d of rows.dossiers) this.dossiers.set(d.id, deepFreeze(d));
    for (const e of rows.evaluations) this.evaluations.set(e.id, deepFreeze(e));
    for (const t of rows.tokens) this.#putToken(deepFreeze(t));
    this.audit = rows.audit.map(deepFreeze);
    this.settings = rows.settings ? deepFreeze(rows.settings) : null;
  }

  #putVersion(v: VersionRow): void {
    const k = versionKey(v.ruleSetId, v.version);
    if (this.versions.has(k)) throw new Error(`version ${k} stored twice`);
    this.versions.set(k, v);
    if (!this.versionByHash.has(v.contentHash)) this.versionByHash.set(v.contentHash, v);
  }

  #putToken(t: StoredToken): void {
    const old = this.tokens.get(t.id);
    if (old) this.tokenByHash.delete(old.hash);
    this.tokens.set(t.id, t);
    this.tokenByHash.set(t.hash, t);
  }

  /** Applies committed changes (from a transaction, or replayed from a journal). */
  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      switch (op.c) {
        case 'seededAt':
          this.seededAt = op.v;
          break;
        case 'keyId':
          this.keyIdStored = op.v;
          break;
        case 'counter':
          this.counters.set(op.k, op.v);
          break;
        case 'versions':
          this.#putVersion(deepFreeze(op.v));
          break;
        case 'versionPeriod': {
          const old = this.versions.get(op.k);
          if (!old) throw new Error(`version ${op.k} is not stored`);
          const row = deepFreeze({ ...old, effectiveTo: op.effectiveTo, closedBy: op.closedBy });
          this.versions.set(op.k, row);
          if (this.versionByHash.get(old.contentHash) === old) this.versionByHash.set(old.contentHash, row);
          break;
        }
        case 'settings':
          this.settings = deepFreeze(op.v);
          break;
        case 'drafts':
          if (op.v) this.drafts.set(op.k, deepFreeze(op.v));
          else this.drafts.delete(op.k);
          break;
        case 'dossiers':
          this.dossiers.set(op.v.id, deepFreeze(op.v));
          break;
        case 'evaluations':
          if (this.evaluations.has(op.v.id)) throw new Error(`evaluation ${op.v.id} stored twice`);
          this.evaluations.set(op.v.id, deepFreeze(op.v));
          break;
        case 'tokens':
          this.#putToken(deepFreeze(op.v));
          break;
        case 'audit': {
          const last = this.audit.at(-1);
          if (op.v.seq !== (last?.seq ?? 0) + 1) throw new Error(`audit entry ${op.v.seq} does not follow ${last?.seq ?? 0}`);
          this.audit.push(deepFreeze(op.v));
          break;
        }
      }
    }
  }

  /** Every row, as a snapshot stores them; arrays of the (immutable) rows, so later commits do not change it. */
  rows(): Rows {
    const last = this.audit.at(-1);
    return {
      seededAt: this.seededAt,
      keyId: this.keyIdStored,
      counters: Object.fromEntries(this.counters),
      versions: [...this.versions.values()],
      drafts: [...this.drafts.values()],
      dossiers: [...this.dossiers.values()],
      evaluations: [...this.evaluations.values()],
      tokens: [...this.tokens.values()],
      audit: this.audit.slice(),
      settings: this.settings,
      head: last ? { seq: last.seq, hash: last.hash, mac: headMac(this.key, last) } : null,
    };
  }

  /** Every blob address a record refers to. */
  referencedBlobs(): Set<string> {
    const out = new Set<string>();
    for (const v of this.versions.values()) out.add(v.documentBlob).add(v.goldenHash);
    for (const d of this.drafts.values()) out.add(d.documentBlob).add(d.goldenHash);
    for (const d of this.dossiers.values()) for (const r of d.revisions) out.add(r.blob);
    for (const e of this.evaluations.values()) out.add(e.resultHash);
    return out;
  }

  /** A blob's value, checked against its address, parsed and frozen (cached). */
  async blob<T>(address: string, pending?: Map<string, string>, target?: string): Promise<T> {
    const hit = this.#cache.get(address);
    if (hit !== undefined) return hit as T;
    const local = pending?.get(address);
    const text = local ?? (await this.blobs.read(address));
    if (text === null) throw new StoreError('blob_missing', `The stored data ${address.slice(0, 19)}… of ${target ?? 'a record'} is missing from the store`, target);
    if (blobAddress(text) !== address) throw new StoreError('integrity_mismatch', `The stored data of ${target ?? 'a record'} does not match its hash (truncated or changed on disk)`, target);
    let value: T;
    try {
      value = JSON.parse(text) as T;
    } catch {
      throw new StoreError('integrity_mismatch', `The stored data of ${target ?? 'a record'} is not readable`, target);
    }
    deepFreeze(value);
    if (local === undefined) this.#cache.set(address, value, text.length);
    return value;
  }

  /** Forgets a cached blob (after it was removed). */
  uncache(address: string): void {
    this.#cache.delete(address);
  }

  /** A version's document, refused when it does not hash to the version's contentHash. */
  async versionDocument(v: VersionRow, pending?: Map<string, string>): Promise<RuleSet> {
    const ref = versionKey(v.ruleSetId, v.version);
    const why = this.refused.get(ref);
    if (why) throw new StoreError('integrity_mismatch', why, ref);
    const doc = await this.blob<RuleSet>(v.documentBlob, pending, ref);
    let hash = this.#documentHashes.get(v.documentBlob);
    if (hash === undefined) {
      hash = this.#ruleSetHash(doc);
      this.#documentHashes.set(v.documentBlob, hash);
    }
    if (hash !== v.contentHash) {
      const message = `Published version ${ref} was changed in the store: its document no longer hashes to ${v.contentHash}; it is not served`;
      this.refused.set(ref, message);
      throw new StoreError('integrity_mismatch', message, ref);
    }
    return doc;
  }

  /** Checks the audit chain, the records it proves, and every published document; sets the report. */
  /**
   * `trusted`: the audit entries up to this seq, and the records not in `changed`, come from a snapshot this store
   * sealed with the key (checked by the caller), so only what came after needs checking entry by entry.
   */
  async verify(now = new Date().toISOString(), extra: IntegrityProblem[] = [], trusted?: { seq: number; changed: Set<string> }): Promise<IntegrityReport> {
    const problems: IntegrityProblem[] = [];
    let recordsCheckable = false;
    if (this.keyIdStored !== null && this.keyIdStored !== keyId(this.key)) {
      // A wrong key explains every other failure: say only that.
      problems.push({ code: 'audit_key_mismatch', message: 'The audit key (AUDIT_KEY_FILE) is not the key this store was sealed with; start the server with the original key file' });
    } else {
      problems.push(...extra);
      const from = trusted ? this.audit.findIndex((e) => e.seq > trusted.seq) : 0;
      const tail = from < 0 ? [] : this.audit.slice(from);
      const prev = from > 0 ? this.audit[from - 1] : null;
      const broken = verifyChain(this.key, tail, prev ? { seq: prev.seq, hash: prev.hash } : null);
      if (broken) problems.push({ code: 'audit_chain_broken', message: `The audit log was altered: ${broken.reason}`, target: `audit:${broken.seq}` });
      // Records are checked against a chain that verifies; a broken chain proves nothing.
      recordsCheckable = !broken;
    }
    const problemsFromRecords = recordsCheckable ? this.#recordsAgainstChain(trusted?.changed) : [];
    problems.push(...problemsFromRecords);
    const chainOk = problems.length === 0;
    // A version or evaluation that no longer matches what the chain recorded is not served.
    for (const p of problemsFromRecords) if (p.target && !p.target.startsWith('dossier:')) this.refused.set(p.target, p.message);
    for (const v of this.versions.values()) {
      try {
        await this.versionDocument(v);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        this.refused.set(versionKey(v.ruleSetId, v.version), e.message);
        problems.push({ code: 'version_content_mismatch', message: e.message, target: versionKey(v.ruleSetId, v.version) });
      }
    }
    this.report = { writable: chainOk, checkedAt: now, problems, head: headOf(this.audit.at(-1)), entries: this.audit.length };
    return this.report;
  }

  /** Adds what the snapshot's sealed head says about the log's end. */
  checkHead(head: SealedHead | null, lastSnapshotSeq: number): IntegrityProblem | null {
    if (lastSnapshotSeq === 0 && head === null) return null;
    if (!head) return { code: 'audit_head_missing', message: 'The store has lost the sealed head of its audit log' };
    if (head.mac !== headMac(this.key, head)) return { code: 'audit_head_forged', message: 'The sealed head of the audit log does not verify' };
    const e = this.audit.find((x) => x.seq === head.seq);
    if (lastSnapshotSeq < head.seq || !e) return { code: 'audit_truncated', message: `The audit log ends at entry ${lastSnapshotSeq}, but was sealed at entry ${head.seq}: entries were removed`, target: `audit:${head.seq}` };
    if (e.hash !== head.hash) return { code: 'audit_chain_broken', message: `Audit entry ${head.seq} is not the one the store sealed`, target: `audit:${head.seq}` };
    return null;
  }

  /** Published versions, evaluations and dossier revisions each match the audit entry that recorded them. */
  #recordsAgainstChain(only?: Set<string>): IntegrityProblem[] {
    const problems: IntegrityProblem[] = [];
    const check = (target: string) => only === undefined || only.has(target);
    const byTarget = new Map<string, AuditEntry[]>();
    for (const e of this.audit) {
      const list = byTarget.get(e.target);
      if (list) list.push(e);
      else byTarget.set(e.target, [e]);
    }
    for (const v of this.versions.values()) {
      const ref = versionKey(v.ruleSetId, v.version);
      if (!check(ref)) continue;
      const ok = (byTarget.get(ref) ?? []).some((e) => (e.action === 'version.publish' || e.action === 'version.seed') && e.after === v.contentHash);
      if (!ok) problems.push({ code: 'record_mismatch', message: `Published version ${ref} does not match the audit entry that published it`, target: ref });
      // A closed period is the one the last version.close entry recorded.
      const closes = (byTarget.get(ref) ?? []).filter((e) => e.action === 'version.close');
      if (v.closedBy && closes.at(-1)?.after !== v.effectiveTo)
        problems.push({ code: 'record_mismatch', message: `The period of ${ref} (to ${v.effectiveTo}) is not the one the audit log recorded`, target: ref });
    }
    for (const ev of this.evaluations.values()) {
      const target = `evaluation:${ev.id}`;
      if (!check(target)) continue;
      const hash = evaluationRecordHash(ev);
      if (!(byTarget.get(target) ?? []).some((e) => e.after === hash)) problems.push({ code: 'record_mismatch', message: `Evaluation ${ev.id} does not match the audit entry that recorded it`, target });
    }
    for (const d of this.dossiers.values()) {
      if (!check(`dossier:${d.id}`)) continue;
      const entries = byTarget.get(`dossier:${d.id}`) ?? [];
      for (const r of d.revisions) {
        if (!entries.some((e) => e.after === r.hash && (e.details as { revision?: number } | undefined)?.revision === r.revision))
          problems.push({ code: 'record_mismatch', message: `Dossier ${d.id} revision ${r.revision} does not match the audit entry that recorded it`, target: `dossier:${d.id}` });
      }
    }
    return problems;
  }

  /** Refuses writes when the chain does not verify, and re-checks the chain's last entry (the one the next append builds on). */
  assertWritable(): void {
    if (!this.report.writable) {
      throw new StoreError('store_read_only', `The store refuses changes: ${this.report.problems[0]?.message ?? 'its integrity check failed'}. An administrator sees the details at GET /api/admin/integrity.`);
    }
    const last = this.audit.at(-1);
    if (last) {
      const prev = this.audit.at(-2);
      const broken = verifyChain(this.key, [last], prev ? { seq: prev.seq, hash: prev.hash } : null);
      if (broken) {
        this.report = { ...this.report, writable: false, problems: [...this.report.problems, { code: 'audit_chain_broken', message: `The audit log was altered: ${broken.reason}`, target: `audit:${broken.seq}` }] };
        this.assertWritable();
      }
    }
  }

  #reader: Tx | null = null;
  /** The read view: it holds nothing of its own (every write throws before it changes anything), so one serves every read. */
  readTx(): ReadTx {
    return (this.#reader ??= new Tx(this, null));
  }

  /** A read on the read view; a token asked for is looked up after `fn` (in memory: it costs nothing to ask). */
  async read<T>(fn: (tx: ReadTx) => Promise<T> | T, opts?: ReadOptions): Promise<T> {
    const tx = this.readTx();
    try {
      return await fn(tx);
    } finally {
      if (opts?.token) opts.token.seen(await tx.tokens.byHash(opts.token.hash));
    }
  }

  /** Runs a transaction one at a time; `persist` makes its changes durable before they are applied. */
  transact<T>(fn: (tx: WriteTx) => Promise<T> | T, persist: (plan: CommitPlan) => Promise<void>): Promise<T> {
    return this.queue.run(async () => {
      const tx = new Tx(this, { ops: [], blobs: new Map() });
      const result = await fn(tx as unknown as WriteTx);
      tx.closed = true;
      const plan = tx.plan!;
      if (plan.ops.length === 0) return result;
      this.assertWritable();
      await persist(plan);
      this.apply(plan.ops);
      return result;
    });
  }
}

/** A read view, or a transaction when it has a plan: reads see the transaction's own writes first. */
class Tx {
  closed = false;
  #versions = new Map<string, VersionRow>();
  #drafts = new Map<string, DraftRow | null>();
  #dossiers = new Map<string, DossierRow>();
  #evaluations = new Map<string, StoredEvaluation>();
  #tokens = new Map<string, StoredToken>();
  #audit: AuditEntry[] = [];
  #counters = new Map<string, number>();
  #seededAt: string | null | undefined = undefined;

  constructor(
    private readonly core: StoreCore,
    readonly plan: CommitPlan | null,
  ) {}

  #w(): CommitPlan {
    if (!this.plan) throw new Error('a read view cannot write');
    if (this.closed) throw new Error('the transaction has ended');
    return this.plan;
  }

  /** Stores a value as a blob (once per content) and returns its address. */
  #put(value: unknown): string {
    const text = JSON.stringify(value);
    const address = blobAddress(text);
    const plan = this.#w();
    if (!this.core.blobs.has(address) && !plan.blobs.has(address)) plan.blobs.set(address, text);
    return address;
  }

  #blob<T>(address: string, target?: string): Promise<T> {
    return this.core.blob<T>(address, this.plan?.blobs, target);
  }

  // Versions.
  #version(id: string, version: number): VersionRow | undefined {
    const k = versionKey(id, version);
    return this.#versions.get(k) ?? this.core.versions.get(k);
  }
  #allVersions(): VersionRow[] {
    if (this.#versions.size === 0) return [...this.core.versions.values()];
    const all = new Map(this.core.versions);
    for (const [k, v] of this.#versions) all.set(k, v);
    return [...all.values()];
  }
  async #withDocument(v: VersionRow | undefined): Promise<StoredVersion | null> {
    if (!v) return null;
    const { documentBlob: _b, ...record } = v;
    return { ...record, document: await this.core.versionDocument(v, this.plan?.blobs) };
  }

  versions = {
    get: (id: string, version: number) => this.#withDocument(this.#version(id, version)),
    document: async (id: string, version: number): Promise<PublishedDocument | null> => {
      const v = this.#version(id, version);
      return v ? { ruleSetId: v.ruleSetId, version: v.version, contentHash: v.contentHash, document: await this.core.versionDocument(v, this.plan?.blobs) } : null;
    },
    byHash: (hash: string) => this.#withDocument([...this.#versions.values()].find((v) => v.contentHash === hash) ?? this.core.versionByHash.get(hash)),
    list: async (ruleSetId?: string): Promise<VersionRecord[]> =>
      this.#allVersions()
        .filter((v) => ruleSetId === undefined || v.ruleSetId === ruleSetId)
        .sort((a, b) => (a.ruleSetId === b.ruleSetId ? a.version - b.version : a.ruleSetId < b.ruleSetId ? -1 : 1))
        .map(({ documentBlob: _b, ...r }) => r),
    golden: (v: VersionRecord) => this.#blob<GoldenCase[]>(v.goldenHash, `${v.ruleSetId}@${v.version}`),
    nextNumber: async (ruleSetId: string) => Math.max(0, ...this.#allVersions().filter((v) => v.ruleSetId === ruleSetId).map((v) => v.version)) + 1,
    insert: async (v: NewVersion): Promise<StoredVersion> => {
      const k = versionKey(v.ruleSetId, v.version);
      if (this.#version(v.ruleSetId, v.version)) throw conflict(`Version ${k} is already published`, k);
      const row: VersionRow = {
        ruleSetId: v.ruleSetId,
        version: v.version,
        contentHash: v.contentHash,
        title: v.document.title,
        effectiveFrom: v.document.effectiveFrom,
        effectiveTo: v.document.effectiveTo,
        basedOn: v.document.basedOn,
        changelog: v.document.changelog.find((c) => c.version === v.version) ?? null,
        goldenCount: v.golden.length,
        goldenHash: this.#put(v.golden),
        publishedAt: v.publishedAt,
        publishedBy: v.publishedBy,
        source: v.source,
        documentBlob: this.#put(v.document),
      };
      this.#w().ops.push({ c: 'versions', v: row });
      this.#versions.set(k, row);
      return (await this.#withDocument(row))!;
    },
    closePeriod: async (ruleSetId: string, version: number, effectiveTo: string, by: { version: number; at: string }): Promise<VersionRecord> => {
      const k = versionKey(ruleSetId, version);
      const cur = this.#version(ruleSetId, version);
      if (!cur) throw conflict(`Version ${k} is not published`, k);
      // The day before its start is the earliest end: a version replaced before it took effect is never in force.
      if (effectiveTo < dayBeforeIso(cur.effectiveFrom)) throw new Error(`${k}: a period cannot end (${effectiveTo}) before it starts (${cur.effectiveFrom})`);
      const row: VersionRow = { ...cur, effectiveTo, closedBy: by };
      const plan = this.#w();
      // A version published in this same transaction is closed in its own row; a stored one by a period change.
      const inserted = plan.ops.findIndex((o) => o.c === 'versions' && versionKey(o.v.ruleSetId, o.v.version) === k);
      if (inserted >= 0) plan.ops[inserted] = { c: 'versions', v: row };
      else plan.ops.push({ c: 'versionPeriod', k, effectiveTo, closedBy: by });
      this.#versions.set(k, row);
      const { documentBlob: _b, ...record } = row;
      return record;
    },
  };

  // Drafts.
  #draft(id: string): DraftRow | undefined {
    const o = this.#drafts.get(id);
    return o === null ? undefined : (o ?? this.core.drafts.get(id));
  }
  async #draftWithDocument(d: DraftRow | undefined): Promise<StoredDraft | null> {
    if (!d) return null;
    const { documentBlob, ...record } = d;
    return { ...record, document: await this.#blob<RuleSet>(documentBlob, d.id) };
  }
  #setDraft(id: string, row: DraftRow | null): void {
    this.#w().ops.push({ c: 'drafts', k: id, v: row });
    this.#drafts.set(id, row);
  }

  drafts = {
    get: (id: string) => this.#draftWithDocument(this.#draft(id)),
    list: async (ruleSetId?: string): Promise<DraftRecord[]> => {
      const out: DraftRecord[] = [];
      const seen = new Set<string>();
      for (const [id, base] of this.core.drafts) {
        seen.add(id);
        const d = this.#drafts.has(id) ? this.#drafts.get(id) : base;
        if (d && (ruleSetId === undefined || d.ruleSetId === ruleSetId)) out.push(stripDraft(d));
      }
      for (const [id, d] of this.#drafts) if (!seen.has(id) && d && (ruleSetId === undefined || d.ruleSetId === ruleSetId)) out.push(stripDraft(d));
      return out;
    },
    golden: (d: DraftRecord) => this.#blob<GoldenCase[]>(d.goldenHash, d.id),
    insert: async (d: NewDraft): Promise<StoredDraft> => {
      if (this.#draft(d.id)) throw conflict(`Draft ${d.id} exists`, d.id);
      const { document, golden, ...rest } = d;
      const row: DraftRow = { ...rest, goldenCount: golden.length, goldenHash: this.#put(golden), documentBlob: this.#put(document) };
      this.#setDraft(d.id, row);
      return (await this.#draftWithDocument(row))!;
    },
    update: async (id: string, expectedRevision: number, patch: DraftPatch): Promise<StoredDraft> => {
      const d = this.#draft(id);
      if (!d) throw conflict(`Draft ${id} no longer exists`, id);
      if (d.revision !== expectedRevision) throw conflict(`Draft ${id} is at revision ${d.revision}, not ${expectedRevision}`, id);
      const { document, golden, ...fields } = patch;
      const row: DraftRow = { ...d, ...fields, id };
      if (document !== undefined) row.documentBlob = this.#put(document);
      if (golden !== undefined) {
        row.goldenHash = this.#put(golden);
        row.goldenCount = golden.length;
      }
      this.#setDraft(id, row);
      return (await this.#draftWithDocument(row))!;
    },
    delete: async (id: string, expectedRevision: number): Promise<void> => {
      const d = this.#draft(id);
      if (!d) throw conflict(`Draft ${id} no longer exists`, id);
      if (d.revision !== expectedRevision) throw conflict(`Draft ${id} is at revision ${d.revision}, not ${expectedRevision}`, id);
      this.#setDraft(id, null);
    },
  };

  // Dossiers.
  #dossier(id: string): DossierRow | undefined {
    return this.#dossiers.get(id) ?? this.core.dossiers.get(id);
  }

  dossiers = {
    get: async (id: string): Promise<DossierRecord | null> => {
      const d = this.#dossier(id);
      return d ? stripDossier(d) : null;
    },
    list: async (f: DossierFilter = {}): Promise<DossierRecord[]> => {
      const out: DossierRecord[] = [];
      const match = (d: DossierRow) =>
        !d.deleted && (f.period === undefined || d.period === f.period) && (f.type === undefined || d.type === f.type) && (f.province === undefined || d.province === f.province);
      for (const [id, base] of this.core.dossiers) {
        const d = this.#dossiers.get(id) ?? base;
        if (match(d)) out.push(stripDossier(d));
      }
      for (const [id, d] of this.#dossiers) if (!this.core.dossiers.has(id) && match(d)) out.push(stripDossier(d));
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    revisions: async (id: string): Promise<DossierRevisionMeta[]> => (this.#dossier(id)?.revisions ?? []).map(({ blob: _b, ...m }) => m),
    revision: async (id: string, revision?: number): Promise<DossierRevision | null> => {
      const d = this.#dossier(id);
      if (!d) return null;
      const r = revision === undefined ? d.revisions.at(-1) : d.revisions.find((x) => x.revision === revision);
      if (!r) return null;
      const { blob, ...meta } = r;
      return { ...meta, dossier: await this.#blob(blob, `dossier:${id}`) };
    },
    withRevision: async (id: string, revision?: number): Promise<{ record: DossierRecord; rev: DossierRevision | null } | null> => {
      const record = await this.dossiers.get(id);
      return record ? { record, rev: await this.dossiers.revision(id, revision) } : null;
    },
    addRevision: async (id: string, expectedRevision: number | null, rev: DossierRevision, index: DossierIndex): Promise<DossierRecord> => {
      const d = this.#dossier(id);
      const current = d ? d.latest.revision : null;
      if (expectedRevision === null ? d && !d.deleted : current !== expectedRevision) throw conflict(`Dossier ${id} is at revision ${current ?? 'none'}, not ${expectedRevision ?? 'none'}`, `dossier:${id}`);
      if (rev.revision !== (current ?? 0) + 1) throw new Error(`dossier ${id}: revision ${rev.revision} does not follow ${current ?? 0}`);
      const { dossier, ...meta } = rev;
      const row: DossierRow = { id, deleted: false, latest: meta, ...index, revisions: [...(d?.revisions ?? []), { ...meta, blob: this.#put(dossier) }] };
      this.#w().ops.push({ c: 'dossiers', v: row });
      this.#dossiers.set(id, row);
      return stripDossier(row);
    },
    markDeleted: async (id: string, expectedRevision: number): Promise<DossierRecord> => {
      const d = this.#dossier(id);
      if (!d || d.deleted) throw conflict(`Dossier ${id} does not exist`, `dossier:${id}`);
      if (d.latest.revision !== expectedRevision) throw conflict(`Dossier ${id} is at revision ${d.latest.revision}, not ${expectedRevision}`, `dossier:${id}`);
      const row: DossierRow = { ...d, deleted: true };
      this.#w().ops.push({ c: 'dossiers', v: row });
      this.#dossiers.set(id, row);
      return stripDossier(row);
    },
  };

  // Evaluations.
  evaluations = {
    get: async (id: string) => {
      const why = this.core.refused.get(`evaluation:${id}`);
      if (why) throw new StoreError('integrity_mismatch', why, `evaluation:${id}`);
      return this.#evaluations.get(id) ?? this.core.evaluations.get(id) ?? null;
    },
    list: async (f: { dossierId?: string; ruleSetId?: string; version?: number } = {}) =>
      [...this.core.evaluations.values(), ...this.#evaluations.values()].filter(
        (e) => (f.dossierId === undefined || e.dossierId === f.dossierId) && (f.ruleSetId === undefined || e.ruleSetId === f.ruleSetId) && (f.version === undefined || e.version === f.version),
      ),
    result: (e: StoredEvaluation) => this.#blob<Evaluation>(e.resultHash, `evaluation:${e.id}`),
    insert: async (e: NewEvaluation, result: Evaluation): Promise<StoredEvaluation> => {
      if (this.#evaluations.has(e.id) || this.core.evaluations.has(e.id)) throw conflict(`Evaluation ${e.id} exists`, `evaluation:${e.id}`);
      const rec: StoredEvaluation = { ...e, resultHash: this.#put(result) };
      this.#w().ops.push({ c: 'evaluations', v: rec });
      this.#evaluations.set(rec.id, rec);
      await this.audit.append(evaluationAudit(rec));
      return rec;
    },
  };

  // Tokens.
  tokens = {
    get: async (id: string) => this.#tokens.get(id) ?? this.core.tokens.get(id) ?? null,
    byHash: async (hash: string) => {
      for (const t of this.#tokens.values()) if (t.hash === hash) return t;
      const base = this.core.tokenByHash.get(hash);
      return base ? (this.#tokens.get(base.id) ?? base) : null;
    },
    list: async () => {
      const out = [...this.core.tokens.values()].map((t) => this.#tokens.get(t.id) ?? t);
      for (const t of this.#tokens.values()) if (!this.core.tokens.has(t.id)) out.push(t);
      return out;
    },
    insert: async (t: StoredToken) => {
      if ((await this.tokens.get(t.id)) || (await this.tokens.byHash(t.hash))) throw conflict(`Token ${t.id} exists`, t.id);
      this.#w().ops.push({ c: 'tokens', v: t });
      this.#tokens.set(t.id, t);
      return t;
    },
    revoke: async (id: string, at: string) => {
      const t = await this.tokens.get(id);
      if (!t || t.revokedAt !== null) throw conflict(`No live token ${id}`, id);
      const next = { ...t, revokedAt: at };
      this.#w().ops.push({ c: 'tokens', v: next });
      this.#tokens.set(id, next);
      return next;
    },
  };

  // Audit.
  audit = {
    list: async (q: AuditQuery = {}): Promise<AuditEntry[]> => {
      const out: AuditEntry[] = [];
      const limit = q.limit ?? Infinity;
      const all = this.#audit.length ? [...this.core.audit, ...this.#audit] : this.core.audit;
      // Entries are in seq order, so `after` is a start index.
      for (let i = q.after === undefined ? 0 : Math.max(0, q.after); i < all.length && out.length < limit; i++) {
        const e = all[i];
        if ((q.target === undefined || e.target === q.target) && (q.action === undefined || e.action === q.action) && (q.actor === undefined || e.actor === q.actor)) out.push(e);
      }
      return out;
    },
    head: async (): Promise<ChainHead | null> => headOf(this.#audit.at(-1) ?? this.core.audit.at(-1)),
    append: async (input: AuditInput): Promise<AuditEntry> => {
      const plan = this.#w();
      if (this.#audit.length === 0) this.core.assertWritable();
      if (this.core.keyIdStored === null && !plan.ops.some((o) => o.c === 'keyId')) plan.ops.push({ c: 'keyId', v: keyId(this.core.key) });
      const prev = this.#audit.at(-1) ?? this.core.audit.at(-1) ?? null;
      const entry = chainEntry(this.core.key, prev, input);
      plan.ops.push({ c: 'audit', v: entry });
      this.#audit.push(entry);
      return entry;
    },
  };

  seededAt = async () => (this.#seededAt !== undefined ? this.#seededAt : this.core.seededAt);
  #settings: StoreSettings | undefined = undefined;
  settings = async (): Promise<StoreSettings> => this.#settings ?? this.core.settings ?? DEFAULT_SETTINGS;
  putSettings = async (s: StoreSettings) => {
    this.#w().ops.push({ c: 'settings', v: s });
    this.#settings = s;
  };
  markSeeded = async (at: string) => {
    this.#w().ops.push({ c: 'seededAt', v: at });
    this.#seededAt = at;
  };
  nextId = async (kind: string) => {
    const plan = this.#w();
    const n = (this.#counters.get(kind) ?? this.core.counters.get(kind) ?? 0) + 1;
    this.#counters.set(kind, n);
    plan.ops.push({ c: 'counter', k: kind, v: n });
    return `${kind}-${n}`;
  };

  dump = async () => ({
    seededAt: await this.seededAt(),
    counters: Object.fromEntries([...this.core.counters, ...this.#counters].sort()),
    versions: await this.versions.list(),
    drafts: (await this.drafts.list()).map((d) => ({ ...d, documentBlob: this.#draft(d.id)!.documentBlob })),
    dossiers: await Promise.all((await this.#allDossierIds()).map(async (id) => ({ ...(await this.dossiers.get(id)), revisions: await this.dossiers.revisions(id) }))),
    evaluations: await this.evaluations.list(),
    tokens: await this.tokens.list(),
    audit: await this.audit.list(),
    settings: await this.settings(),
  });

  async #allDossierIds(): Promise<string[]> {
    return [...new Set([...this.core.dossiers.keys(), ...this.#dossiers.keys()])].sort();
  }
}

function stripDraft(d: DraftRow): DraftRecord {
  const { documentBlob: _b, ...r } = d;
  return r;
}

function stripDossier(d: DossierRow): DossierRecord {
  const { revisions: _r, ...r } = d;
  return r;
}

/** The records a list of committed changes touched, named as audit targets are. */
export function touchedTargets(ops: readonly Op[], into = new Set<string>()): Set<string> {
  for (const op of ops) {
    if (op.c === 'versions') into.add(versionKey(op.v.ruleSetId, op.v.version));
    else if (op.c === 'evaluations') into.add(`evaluation:${op.v.id}`);
    else if (op.c === 'dossiers') into.add(`dossier:${op.v.id}`);
  }
  return into;
}

/** The audit entry that records an evaluation: its record's hash, so an edited record is detected. */
export function evaluationAudit(rec: StoredEvaluation): AuditInput {
  return {
    at: rec.createdAt,
    actor: rec.createdBy,
    action: 'evaluation.create',
    target: `evaluation:${rec.id}`,
    before: null,
    after: evaluationRecordHash(rec),
    details: { ruleSet: `${rec.ruleSetId}@${rec.version}`, dossier: rec.dossierId === null ? null : `${rec.dossierId}@${rec.dossierRevision}`, status: rec.outcome.status },
  };
}
