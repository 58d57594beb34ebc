// The PostgreSQL store: the Repository contract on tables (server/store/pg/migrations), for several server instances on one database.
//
// Every write transaction first takes one transaction-level advisory lock, so writes from all instances are
// serialised: an ETag check, a publish or an audit append made inside a transaction sees every commit before it,
// and two instances can never both win. Reads run in REPEATABLE READ snapshots (or, asked for none, statement by
// statement) and never wait for writes; verified blobs, and published documents by id@version, are kept in memory
// (the blobs and versions tables are append-only). A read may check a token in its first single-row statement.
// The append-only tables refuse UPDATE, DELETE and TRUNCATE by trigger; the audit chain is verified in full at
// start-up and, before each append, from the last entry this instance verified to the current head.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Evaluation, GoldenCase, RuleSet } from '../engine.js';
import { ruleSetHash } from '../../engine/index.js';
import { chainEntry, headMac, headOf, keyId, verifyChain } from '../audit.js';
import { BlobCache, blobAddress, deepFreeze, evaluationAudit, evaluationRecordHash } from './core.js';
import {
  StoreError,
  conflict,
  type AuditEntry,
  type AuditInput,
  type AuditQuery,
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
  type Repository,
  type StoredDraft,
  type StoredEvaluation,
  type StoredToken,
  type StoredVersion,
  type StoreSettings,
  type VersionRecord,
  type WriteTx,
  DEFAULT_SETTINGS,
} from './repository.js';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pg', 'migrations');
/** Advisory lock keys: one for migrations at start-up, one that serialises every write transaction. */
const MIGRATION_LOCK = 726_173_001;
const WRITE_LOCK = 726_173_002;

/**
 * A pooled connection that hands node-postgres one statement at a time, in the order they were asked for. A read
 * view or transaction may be asked for several at once (a route's Promise.all over dossiers, which the in-memory
 * stores serve as they come); given a query while one is running, node-postgres queues it, but warns that this queue
 * is deprecated (pg 9 removes it). A connection runs one statement at a time however they are asked for, so this
 * queue costs no round trip, and an idle connection gets its statement at once.
 */
class Conn {
  /** Statements asked for and not yet settled, the one running included. */
  #pending = 0;
  /** Settles when the last statement asked for has. */
  #last: Promise<unknown> = Promise.resolve();
  constructor(readonly client: pg.PoolClient) {}

  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    const name = params ? statementName(sql) : undefined;
    const send = () => (name ? this.client.query<R>({ name, text: sql, values: params }) : this.client.query<R>(sql, params));
    const out = this.#pending === 0 ? send() : this.#last.then(send);
    this.#pending++;
    const settled = () => {
      this.#pending--;
    };
    this.#last = out.then(settled, settled);
    return out;
  }
}

/**
 * Statements with parameters are prepared once per connection, under a name per SQL text: PostgreSQL then parses and
 * plans a route's lookup once, not on every request (on the stateless evaluate, its CPU per request went from about
 * 340 to about 100 µs). Every such text is written in this file (values always go as parameters), so the names are few.
 * A plan is made afresh for the first runs of each statement, as for an unnamed one, and PostgreSQL keeps a generic plan
 * only when it costs no more.
 */
const statementNames = new Map<string, string>();
const statementName = (sql: string): string => {
  let n = statementNames.get(sql);
  if (!n) statementNames.set(sql, (n = `mc${statementNames.size + 1}`));
  return n;
};

/** The one Conn of each pooled connection (so statements asked for through its read view and around it share one queue). */
const conns = new WeakMap<pg.PoolClient, Conn>();
const connOf = (client: pg.PoolClient): Conn => {
  let c = conns.get(client);
  if (!c) conns.set(client, (c = new Conn(client)));
  return c;
};

/** Published documents kept in memory per instance (each some 130 kB parsed; a store has a handful of versions). */
const PUBLISHED_KEPT = 64;

/** Applies the versioned SQL files not yet applied, in order, each in its own transaction; one instance at a time. */
export async function migratePg(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const file of (await readdir(MIGRATIONS)).filter((f) => /^[0-9]{3}_.+\.sql$/.test(f)).sort()) {
      const version = Number(file.slice(0, 3));
      if (done.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(await readFile(path.join(MIGRATIONS, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(e as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

interface AuditRow {
  seq: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  details: Record<string, unknown> | null;
  prev_hash: string | null;
  hash: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  before: r.before,
  after: r.after,
  ...(r.details === null ? {} : { details: r.details }),
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface PgOptions {
  auditKey: Buffer;
  ruleSetHash?: (doc: RuleSet) => string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Bytes of parsed blobs kept in memory (default 128 MiB, as the lowdb store). */
  cacheBytes?: number;
}

/** Shared state of one instance: its key, what it has verified of the chain, its integrity report. */
class PgState {
  verified: { seq: number; hash: string } | null = null;
  report: IntegrityReport = { writable: true, checkedAt: new Date(0).toISOString(), problems: [], head: null, entries: 0 };
  refused = new Map<string, string>();
  documentHashes = new Map<string, string>();
  /**
   * Published documents by `id@version`, as a read saw them committed: the versions table is append-only, so the
   * document (and content hash) a version number names never changes. Its period does (a later version closes it),
   * so only versions.document answers from here; a version not found is not kept (another instance may publish it).
   */
  published = new Map<string, PublishedDocument>();
  /**
   * Blobs read and verified, shared by every transaction (so frozen): a blob is content-addressed and the table is
   * append-only, so the text at an address never changes. Without it every request under a published version
   * fetched, hashed and parsed its 130 kB document again.
   */
  blobs: BlobCache;
  constructor(
    readonly key: Buffer,
    readonly hashRuleSet: (doc: RuleSet) => string,
    cacheBytes: number,
  ) {
    this.blobs = new BlobCache(cacheBytes);
  }

  fail(problem: IntegrityProblem): never {
    this.report = { ...this.report, writable: false, checkedAt: new Date().toISOString(), problems: [...this.report.problems, problem] };
    throw readOnly(this.report);
  }
}

const readOnly = (r: IntegrityReport) =>
  new StoreError('store_read_only', `The store refuses changes: ${r.problems.find((p) => p.code !== 'version_content_mismatch')?.message ?? r.problems[0]?.message ?? 'its integrity check failed'}. An administrator sees the details at GET /api/admin/integrity.`);

/** One transaction (or read snapshot) on one connection. */
class PgTx {
  #checked = false;
  /** The chain's last entry as this transaction knows it (seq and hash are all the next entry needs). */
  #last: { seq: number; hash: string } | null | undefined = undefined;
  lastAppended: AuditEntry | null = null;

  constructor(
    private readonly c: Conn,
    private readonly st: PgState,
    private readonly writable: boolean,
  ) {}

  async #q<R extends pg.QueryResultRow = any>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.c.query<R>(sql, params)).rows;
  }

  /** A token a read was asked to check too (ReadOptions.token): it goes with the first single-row query. */
  token: ReadOptions['token'] | null = null;

  /** The one row (or none) of a query; when a token is to be checked, it is read in the same statement. */
  async #one<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R | undefined> {
    const token = this.token;
    if (!token) return (await this.#q<R>(sql, params))[0];
    this.token = null;
    // One row always: the token (or null) beside the query's row (or nulls, told apart by __row).
    const r = (
      await this.#q<R & { __token: StoredToken | null; __row: boolean | null }>(
        `SELECT (SELECT record FROM tokens WHERE hash = $${params.length + 1}) AS __token, q.* FROM (SELECT 1) AS one LEFT JOIN (SELECT true AS __row, s.* FROM (${sql}) s LIMIT 1) q ON true`,
        [...params, token.hash],
      )
    )[0];
    token.seen(r.__token);
    if (!r.__row) return undefined;
    const { __token: _t, __row: _r, ...row } = r;
    return row as unknown as R;
  }

  /** Before the first write: the chain from what this instance verified to the head still verifies. */
  async #beforeWrite(): Promise<void> {
    if (!this.writable) throw new Error('a read snapshot cannot write');
    if (this.#checked) return;
    if (!this.st.report.writable) throw readOnly(this.st.report);
    const from = this.st.verified;
    if (from) {
      const at = await this.#q<{ hash: string }>('SELECT hash FROM audit WHERE seq = $1', [from.seq]);
      if (at[0]?.hash !== from.hash) this.st.fail({ code: 'audit_chain_broken', message: `Audit entry ${from.seq} was changed or removed after it was verified`, target: `audit:${from.seq}` });
    }
    const rows = (await this.#q<AuditRow>('SELECT * FROM audit WHERE seq > $1 ORDER BY seq', [from?.seq ?? 0])).map(toEntry);
    const broken = verifyChain(this.st.key, rows, from);
    if (broken) this.st.fail({ code: 'audit_chain_broken', message: `The audit log was altered: ${broken.reason}`, target: `audit:${broken.seq}` });
    const last = rows.at(-1) ?? (from ? { seq: from.seq, hash: from.hash } : null);
    const head = (await this.#q<{ seq: string; hash: string; mac: string }>('SELECT seq, hash, mac FROM audit_head WHERE id = 1'))[0];
    const problem = checkHead(this.st.key, head ? { seq: Number(head.seq), hash: head.hash, mac: head.mac } : null, last);
    if (problem) this.st.fail(problem);
    this.st.verified = last;
    this.#last = last;
    this.#checked = true;
  }

  async #put(value: unknown): Promise<string> {
    const text = JSON.stringify(value);
    const address = blobAddress(text);
    await this.c.query('INSERT INTO blobs (address, body) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING', [address, text]);
    return address;
  }

  async #blob<T>(address: string, target?: string): Promise<T> {
    const hit = this.st.blobs.get(address);
    if (hit !== undefined) return hit as T;
    const row = (await this.#q<{ body: string }>('SELECT body FROM blobs WHERE address = $1', [address]))[0];
    if (!row) throw new StoreError('blob_missing', `The stored data of ${target ?? 'a record'} is missing from the store`, target);
    if (blobAddress(row.body) !== address) throw new StoreError('integrity_mismatch', `The stored data of ${target ?? 'a record'} does not match its hash (changed in the database)`, target);
    let value: T;
    try {
      value = JSON.parse(row.body) as T;
    } catch {
      throw new StoreError('integrity_mismatch', `The stored data of ${target ?? 'a record'} is not readable`, target);
    }
    deepFreeze(value);
    // Only what a read snapshot saw is committed; a write transaction's own blobs may yet roll back.
    if (!this.writable) this.st.blobs.set(address, value, row.body.length);
    return value;
  }

  async #document(rec: Pick<VersionRecord, 'ruleSetId' | 'version' | 'contentHash'>, documentBlob: string): Promise<RuleSet> {
    const ref = `${rec.ruleSetId}@${rec.version}`;
    const why = this.st.refused.get(ref);
    if (why) throw new StoreError('integrity_mismatch', why, ref);
    const doc = await this.#blob<RuleSet>(documentBlob, ref);
    let hash = this.st.documentHashes.get(documentBlob);
    if (hash === undefined) {
      hash = this.st.hashRuleSet(doc);
      this.st.documentHashes.set(documentBlob, hash);
    }
    if (hash !== rec.contentHash) {
      const message = `Published version ${ref} was changed in the store: its document no longer hashes to ${rec.contentHash}; it is not served`;
      this.st.refused.set(ref, message);
      throw new StoreError('integrity_mismatch', message, ref);
    }
    return doc;
  }

  async #versionRow(where: string, params: unknown[]): Promise<StoredVersion | null> {
    const r = (await this.#q<VersionJoin & { document_blob: string }>(`SELECT v.record, v.document_blob, v.content_hash, ${PERIOD_COLUMNS} FROM versions v ${PERIOD_JOIN} WHERE ${where}`, params))[0];
    if (!r) return null;
    const record = versionRecord(r);
    return { ...record, document: await this.#document(record, r.document_blob) };
  }

  versions = {
    get: (id: string, version: number) => this.#versionRow('v.rule_set_id = $1 AND v.version = $2', [id, version]),
    document: async (id: string, version: number): Promise<PublishedDocument | null> => {
      const ref = `${id}@${version}`;
      const why = this.st.refused.get(ref);
      if (why) throw new StoreError('integrity_mismatch', why, ref);
      const hit = this.st.published.get(ref);
      if (hit) return hit;
      const r = await this.#one<{ content_hash: string; document_blob: string }>('SELECT content_hash, document_blob FROM versions WHERE rule_set_id = $1 AND version = $2', [id, version]);
      if (!r) return null;
      const out: PublishedDocument = Object.freeze({ ruleSetId: id, version, contentHash: r.content_hash, document: await this.#document({ ruleSetId: id, version, contentHash: r.content_hash }, r.document_blob) });
      // Only what a read saw is committed; a write transaction's own version may yet roll back.
      if (!this.writable) {
        if (this.st.published.size >= PUBLISHED_KEPT) this.st.published.delete(this.st.published.keys().next().value as string);
        this.st.published.set(ref, out);
      }
      return out;
    },
    byHash: (hash: string) => this.#versionRow('v.content_hash = $1 ORDER BY v.rule_set_id COLLATE "C", v.version LIMIT 1', [hash]),
    list: async (ruleSetId?: string): Promise<VersionRecord[]> =>
      (
        await this.#q<VersionJoin>(
          `SELECT v.record, v.content_hash, ${PERIOD_COLUMNS} FROM versions v ${PERIOD_JOIN} WHERE ($1::text IS NULL OR v.rule_set_id = $1) ORDER BY v.rule_set_id COLLATE "C", v.version`,
          [ruleSetId ?? null],
        )
      ).map(versionRecord),
    golden: (v: VersionRecord) => this.#blob<GoldenCase[]>(v.goldenHash, `${v.ruleSetId}@${v.version}`),
    nextNumber: async (ruleSetId: string) => Number((await this.#q<{ n: number }>('SELECT coalesce(max(version), 0) + 1 AS n FROM versions WHERE rule_set_id = $1', [ruleSetId]))[0].n),
    insert: async (v: NewVersion): Promise<StoredVersion> => {
      await this.#beforeWrite();
      const record: VersionRecord = {
        ruleSetId: v.ruleSetId,
        version: v.version,
        contentHash: v.contentHash,
        title: v.document.title,
        effectiveFrom: v.document.effectiveFrom,
        effectiveTo: v.document.effectiveTo,
        basedOn: v.document.basedOn,
        changelog: v.document.changelog.find((c) => c.version === v.version) ?? null,
        goldenCount: v.golden.length,
        goldenHash: await this.#put(v.golden),
        publishedAt: v.publishedAt,
        publishedBy: v.publishedBy,
        source: v.source,
      };
      const documentBlob = await this.#put(v.document);
      // Writers are serialised (the write lock), so this check holds until the commit; the primary key backs it.
      if ((await this.#q('SELECT 1 FROM versions WHERE rule_set_id = $1 AND version = $2', [v.ruleSetId, v.version])).length)
        throw conflict(`Version ${v.ruleSetId}@${v.version} is already published`, `${v.ruleSetId}@${v.version}`);
      await this.c.query('INSERT INTO versions (rule_set_id, version, content_hash, document_blob, golden_blob, record) VALUES ($1, $2, $3, $4, $5, $6)', [
        v.ruleSetId,
        v.version,
        v.contentHash,
        documentBlob,
        record.goldenHash,
        record,
      ]);
      return { ...record, document: await this.#document(record, documentBlob) };
    },
    closePeriod: async (ruleSetId: string, version: number, effectiveTo: string, by: { version: number; at: string }): Promise<VersionRecord> => {
      await this.#beforeWrite();
      const cur = (await this.versions.list(ruleSetId)).find((v) => v.version === version);
      if (!cur) throw conflict(`Version ${ruleSetId}@${version} is not published`, `${ruleSetId}@${version}`);
      await this.c.query('INSERT INTO version_periods (rule_set_id, version, effective_to, closed_by, closed_at) VALUES ($1, $2, $3, $4, $5)', [ruleSetId, version, effectiveTo, by.version, by.at]);
      return { ...cur, effectiveTo, closedBy: by };
    },
  };

  async #draft(id: string): Promise<{ record: DraftRecord; document: string } | null> {
    return (await this.#q<{ record: DraftRecord; document: string }>('SELECT record, document FROM drafts WHERE id = $1', [id]))[0] ?? null;
  }

  drafts = {
    get: async (id: string): Promise<StoredDraft | null> => {
      const r = await this.#draft(id);
      return r ? { ...r.record, document: JSON.parse(r.document) } : null;
    },
    list: async (ruleSetId?: string): Promise<DraftRecord[]> =>
      (await this.#q<{ record: DraftRecord }>('SELECT record FROM drafts WHERE ($1::text IS NULL OR rule_set_id = $1) ORDER BY ord', [ruleSetId ?? null])).map((r) => r.record),
    golden: (d: DraftRecord) => this.#blob<GoldenCase[]>(d.goldenHash, d.id),
    insert: async (d: NewDraft): Promise<StoredDraft> => {
      await this.#beforeWrite();
      const { document, golden, ...rest } = d;
      const record: DraftRecord = { ...rest, goldenCount: golden.length, goldenHash: await this.#put(golden) };
      if (await this.#draft(d.id)) throw conflict(`Draft ${d.id} exists`, d.id);
      await this.c.query('INSERT INTO drafts (id, rule_set_id, revision, document, golden_blob, record) VALUES ($1, $2, $3, $4, $5, $6)', [d.id, d.ruleSetId, d.revision, JSON.stringify(document), record.goldenHash, record]);
      return { ...record, document: JSON.parse(JSON.stringify(document)) };
    },
    update: async (id: string, expectedRevision: number, patch: DraftPatch): Promise<StoredDraft> => {
      await this.#beforeWrite();
      const old = await this.#draft(id);
      if (!old) throw conflict(`Draft ${id} no longer exists`, id);
      const { document, golden, ...fields } = patch;
      const record: DraftRecord = { ...old.record, ...fields, id };
      if (golden !== undefined) {
        record.goldenHash = await this.#put(golden);
        record.goldenCount = golden.length;
      }
      const text = document === undefined ? old.document : JSON.stringify(document);
      const n = (await this.c.query('UPDATE drafts SET revision = $3, document = $4, golden_blob = $5, record = $6 WHERE id = $1 AND revision = $2', [id, expectedRevision, record.revision, text, record.goldenHash, record])).rowCount;
      if (n !== 1) throw conflict(`Draft ${id} is at revision ${old.record.revision}, not ${expectedRevision}`, id);
      return { ...record, document: JSON.parse(text) };
    },
    delete: async (id: string, expectedRevision: number): Promise<void> => {
      await this.#beforeWrite();
      const n = (await this.c.query('DELETE FROM drafts WHERE id = $1 AND revision = $2', [id, expectedRevision])).rowCount;
      if (n !== 1) throw conflict(`Draft ${id} is not at revision ${expectedRevision}`, id);
    },
  };

  dossiers = {
    get: async (id: string): Promise<DossierRecord | null> => (await this.#q<{ record: DossierRecord }>('SELECT record FROM dossiers WHERE id = $1', [id]))[0]?.record ?? null,
    list: async (f: DossierFilter = {}): Promise<DossierRecord[]> =>
      (
        await this.#q<{ record: DossierRecord }>(
          'SELECT record FROM dossiers WHERE NOT deleted AND ($1::int IS NULL OR period = $1) AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR province = $3) ORDER BY id COLLATE "C"',
          [f.period ?? null, f.type ?? null, f.province ?? null],
        )
      ).map((r) => r.record),
    revisions: async (id: string): Promise<DossierRevisionMeta[]> =>
      (await this.#q<{ revision: number; hash: string; at: string; by_actor: string }>('SELECT revision, hash, at, by_actor FROM dossier_revisions WHERE dossier_id = $1 ORDER BY revision', [id])).map((r) => ({
        revision: r.revision,
        hash: r.hash,
        at: r.at,
        by: r.by_actor,
      })),
    revision: async (id: string, revision?: number): Promise<DossierRevision | null> => {
      const r = (
        await this.#q<{ revision: number; hash: string; at: string; by_actor: string; blob: string }>(
          revision === undefined
            ? 'SELECT revision, hash, at, by_actor, blob FROM dossier_revisions WHERE dossier_id = $1 ORDER BY revision DESC LIMIT 1'
            : 'SELECT revision, hash, at, by_actor, blob FROM dossier_revisions WHERE dossier_id = $1 AND revision = $2',
          revision === undefined ? [id] : [id, revision],
        )
      )[0];
      if (!r) return null;
      return { revision: r.revision, hash: r.hash, at: r.at, by: r.by_actor, dossier: await this.#blob(r.blob, `dossier:${id}`) };
    },
    withRevision: async (id: string, revision?: number): Promise<{ record: DossierRecord; rev: DossierRevision | null } | null> => {
      // One statement (one snapshot): the dossier and the revision asked for, else its latest (latest_revision is the highest).
      const r = await this.#one<{ record: DossierRecord; revision: number | null; hash: string; at: string; by_actor: string; blob: string }>(
        'SELECT d.record, r.revision, r.hash, r.at, r.by_actor, r.blob FROM dossiers d LEFT JOIN dossier_revisions r ON r.dossier_id = d.id AND r.revision = coalesce($2::int, d.latest_revision) WHERE d.id = $1',
        [id, revision ?? null],
      );
      if (!r) return null;
      if (r.revision === null) return { record: r.record, rev: null };
      return { record: r.record, rev: { revision: r.revision, hash: r.hash, at: r.at, by: r.by_actor, dossier: await this.#blob(r.blob, `dossier:${id}`) } };
    },
    addRevision: async (id: string, expectedRevision: number | null, rev: DossierRevision, index: DossierIndex): Promise<DossierRecord> => {
      await this.#beforeWrite();
      const d = await this.dossiers.get(id);
      const current = d ? d.latest.revision : null;
      if (expectedRevision === null ? d && !d.deleted : current !== expectedRevision) throw conflict(`Dossier ${id} is at revision ${current ?? 'none'}, not ${expectedRevision ?? 'none'}`, `dossier:${id}`);
      if (rev.revision !== (current ?? 0) + 1) throw new Error(`dossier ${id}: revision ${rev.revision} does not follow ${current ?? 0}`);
      const { dossier, ...meta } = rev;
      const blob = await this.#put(dossier);
      const record: DossierRecord = { id, deleted: false, latest: meta, ...index };
      await this.c.query(
        'INSERT INTO dossiers (id, deleted, latest_revision, period, type, province, record) VALUES ($1, false, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET deleted = false, latest_revision = $2, period = $3, type = $4, province = $5, record = $6',
        [id, meta.revision, index.period, index.type, index.province, record],
      );
      await this.c.query('INSERT INTO dossier_revisions (dossier_id, revision, hash, at, by_actor, blob) VALUES ($1, $2, $3, $4, $5, $6)', [id, meta.revision, meta.hash, meta.at, meta.by, blob]);
      return record;
    },
    markDeleted: async (id: string, expectedRevision: number): Promise<DossierRecord> => {
      await this.#beforeWrite();
      const d = await this.dossiers.get(id);
      if (!d || d.deleted) throw conflict(`Dossier ${id} does not exist`, `dossier:${id}`);
      if (d.latest.revision !== expectedRevision) throw conflict(`Dossier ${id} is at revision ${d.latest.revision}, not ${expectedRevision}`, `dossier:${id}`);
      const record = { ...d, deleted: true };
      await this.c.query('UPDATE dossiers SET deleted = true, record = $2 WHERE id = $1', [id, record]);
      return record;
    },
  };

  evaluations = {
    get: async (id: string): Promise<StoredEvaluation | null> => {
      const why = this.st.refused.get(`evaluation:${id}`);
      if (why) throw new StoreError('integrity_mismatch', why, `evaluation:${id}`);
      return (await this.#q<{ record: StoredEvaluation }>('SELECT record FROM evaluations WHERE id = $1', [id]))[0]?.record ?? null;
    },
    list: async (f: { dossierId?: string; ruleSetId?: string; version?: number } = {}): Promise<StoredEvaluation[]> =>
      (
        await this.#q<{ record: StoredEvaluation }>(
          'SELECT record FROM evaluations WHERE ($1::text IS NULL OR dossier_id = $1) AND ($2::text IS NULL OR rule_set_id = $2) AND ($3::int IS NULL OR version = $3) ORDER BY audit_seq',
          [f.dossierId ?? null, f.ruleSetId ?? null, f.version ?? null],
        )
      ).map((r) => r.record),
    result: (e: StoredEvaluation) => this.#blob<Evaluation>(e.resultHash, `evaluation:${e.id}`),
    insert: async (e: NewEvaluation, result: Evaluation): Promise<StoredEvaluation> => {
      await this.#beforeWrite();
      if (await this.evaluations.get(e.id)) throw conflict(`Evaluation ${e.id} exists`, `evaluation:${e.id}`);
      const rec: StoredEvaluation = { ...e, resultHash: await this.#put(result) };
      const entry = await this.audit.append(evaluationAudit(rec));
      await this.c.query('INSERT INTO evaluations (id, audit_seq, dossier_id, rule_set_id, version, result_blob, record) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        rec.id,
        entry.seq,
        rec.dossierId,
        rec.ruleSetId,
        rec.version,
        rec.resultHash,
        rec,
      ]);
      return rec;
    },
  };

  tokens = {
    get: async (id: string): Promise<StoredToken | null> => (await this.#q<{ record: StoredToken }>('SELECT record FROM tokens WHERE id = $1', [id]))[0]?.record ?? null,
    byHash: async (hash: string): Promise<StoredToken | null> => (await this.#q<{ record: StoredToken }>('SELECT record FROM tokens WHERE hash = $1', [hash]))[0]?.record ?? null,
    list: async (): Promise<StoredToken[]> => (await this.#q<{ record: StoredToken }>('SELECT record FROM tokens ORDER BY ord')).map((r) => r.record),
    insert: async (t: StoredToken): Promise<StoredToken> => {
      await this.#beforeWrite();
      if ((await this.tokens.get(t.id)) || (await this.tokens.byHash(t.hash))) throw conflict(`Token ${t.id} exists`, t.id);
      await this.c.query('INSERT INTO tokens (id, hash, role, revoked_at, record) VALUES ($1, $2, $3, $4, $5)', [t.id, t.hash, t.role, t.revokedAt, t]);
      return t;
    },
    revoke: async (id: string, at: string): Promise<StoredToken> => {
      await this.#beforeWrite();
      const t = await this.tokens.get(id);
      if (!t || t.revokedAt !== null) throw conflict(`No live token ${id}`, id);
      const next = { ...t, revokedAt: at };
      await this.c.query('UPDATE tokens SET revoked_at = $2, record = $3 WHERE id = $1', [id, at, next]);
      return next;
    },
  };

  audit = {
    list: async (q: AuditQuery = {}): Promise<AuditEntry[]> =>
      (
        await this.#q<AuditRow>(
          'SELECT * FROM audit WHERE seq > $1 AND ($2::text IS NULL OR target = $2) AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR actor = $4) ORDER BY seq LIMIT $5',
          [q.after ?? 0, q.target ?? null, q.action ?? null, q.actor ?? null, q.limit ?? null],
        )
      ).map(toEntry),
    head: async () => headOf((await this.#q<AuditRow>('SELECT * FROM audit ORDER BY seq DESC LIMIT 1')).map(toEntry)[0]),
    append: async (input: AuditInput): Promise<AuditEntry> => {
      await this.#beforeWrite();
      if (this.#last === undefined) this.#last = (await this.#q<AuditRow>('SELECT * FROM audit ORDER BY seq DESC LIMIT 1')).map(toEntry)[0] ?? null;
      const entry = chainEntry(this.st.key, this.#last, input);
      await this.c.query('INSERT INTO audit (seq, at, actor, action, target, before, after, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.target,
        entry.before,
        entry.after,
        entry.details ?? null,
        entry.prevHash,
        entry.hash,
      ]);
      await this.c.query('INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET seq = $1, hash = $2, mac = $3', [entry.seq, entry.hash, headMac(this.st.key, entry)]);
      this.#last = entry;
      this.lastAppended = entry;
      return entry;
    },
  };

  seededAt = async (): Promise<string | null> => (await this.#q<{ value: string }>("SELECT value FROM store_meta WHERE key = 'seededAt'"))[0]?.value ?? null;
  markSeeded = async (at: string): Promise<void> => {
    await this.#beforeWrite();
    await this.c.query("INSERT INTO store_meta (key, value) VALUES ('seededAt', $1) ON CONFLICT (key) DO UPDATE SET value = $1", [at]);
  };
  settings = async (): Promise<StoreSettings> => {
    const v = (await this.#q<{ value: string }>("SELECT value FROM store_meta WHERE key = 'settings'"))[0]?.value;
    return v ? (JSON.parse(v) as StoreSettings) : DEFAULT_SETTINGS;
  };
  putSettings = async (settings: StoreSettings): Promise<void> => {
    await this.#beforeWrite();
    await this.c.query("INSERT INTO store_meta (key, value) VALUES ('settings', $1) ON CONFLICT (key) DO UPDATE SET value = $1", [JSON.stringify(settings)]);
  };
  nextId = async (kind: string): Promise<string> => {
    await this.#beforeWrite();
    const n = (await this.#q<{ n: string }>('INSERT INTO counters (kind, n) VALUES ($1, 1) ON CONFLICT (kind) DO UPDATE SET n = counters.n + 1 RETURNING n', [kind]))[0].n;
    return `${kind}-${n}`;
  };

  dump = async () => {
    const dossiers = await this.#q<{ record: DossierRecord }>('SELECT record FROM dossiers ORDER BY id COLLATE "C"');
    return {
      seededAt: await this.seededAt(),
      counters: Object.fromEntries((await this.#q<{ kind: string; n: string }>('SELECT kind, n FROM counters ORDER BY kind COLLATE "C"')).map((r) => [r.kind, Number(r.n)])),
      versions: await this.versions.list(),
      drafts: (await this.#q<{ record: DraftRecord; document: string }>('SELECT record, document FROM drafts ORDER BY ord')).map((r) => ({ ...r.record, document: r.document })),
      dossiers: await Promise.all(dossiers.map(async (d) => ({ ...d.record, revisions: await this.dossiers.revisions(d.record.id) }))),
      evaluations: await this.evaluations.list(),
      tokens: await this.tokens.list(),
      audit: await this.audit.list(),
      settings: await this.settings(),
    };
  };
}

/** A version's latest period row, beside the version row (none: the period is the document's own). */
const PERIOD_COLUMNS = 'p.effective_to, p.closed_by, p.closed_at';
const PERIOD_JOIN = 'LEFT JOIN LATERAL (SELECT effective_to, closed_by, closed_at FROM version_periods p WHERE p.rule_set_id = v.rule_set_id AND p.version = v.version ORDER BY seq DESC LIMIT 1) p ON true';
type VersionJoin = { record: VersionRecord; content_hash: string; effective_to: string | null; closed_by: number | null; closed_at: string | null };

/** The record as stored, keyed by the columns the database keys on, with its period closed when a later version took over. */
function versionRecord(r: VersionJoin): VersionRecord {
  const base = { ...r.record, contentHash: r.content_hash };
  return r.effective_to === null ? base : { ...base, effectiveTo: r.effective_to, closedBy: { version: Number(r.closed_by), at: r.closed_at! } };
}

/** What the sealed head says about the chain's end (`last`). */
function checkHead(key: Buffer, head: { seq: number; hash: string; mac: string } | null, last: { seq: number; hash: string } | null): IntegrityProblem | null {
  if (!head) return last ? { code: 'audit_head_missing', message: 'The store has lost the sealed head of its audit log' } : null;
  if (head.mac !== headMac(key, head)) return { code: 'audit_head_forged', message: 'The sealed head of the audit log does not verify' };
  if (!last || last.seq < head.seq) return { code: 'audit_truncated', message: `The audit log ends at entry ${last?.seq ?? 0}, but was sealed at entry ${head.seq}: entries were removed`, target: `audit:${head.seq}` };
  if (last.seq > head.seq || last.hash !== head.hash) return { code: 'audit_chain_broken', message: `The audit log does not end at the entry the store sealed (${head.seq})`, target: `audit:${head.seq}` };
  return null;
}

/** Opens the store on DATABASE_URL: applies migrations, checks the key and verifies everything the chain proves. */
export async function openPgRepository(url: string, opts: PgOptions): Promise<Repository> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle connection that fails (the server restarted) is dropped by the pool; it must not crash the process.
  pool.on('error', (e) => console.error(`store: a PostgreSQL connection failed: ${e.message}`));
  try {
    await migratePg(pool);
    const st = new PgState(opts.auditKey, opts.ruleSetHash ?? ruleSetHash, opts.cacheBytes ?? 128 * 1024 * 1024);
    const c = await pool.connect();
    try {
      await c.query("INSERT INTO store_meta (key, value) VALUES ('keyId', $1) ON CONFLICT (key) DO NOTHING", [keyId(opts.auditKey)]);
    } finally {
      c.release();
    }
    const repo = pgRepository(pool, st);
    await verifyPg(pool, st);
    return repo;
  } catch (e) {
    await pool.end();
    throw e;
  }
}

/** The full check: key, chain, sealed head, records against the chain, every published document. */
async function verifyPg(pool: pg.Pool, st: PgState): Promise<IntegrityReport> {
  const client = await pool.connect();
  const c = connOf(client);
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const problems: IntegrityProblem[] = [];
    let chainOk = true;
    const storedKey = (await c.query<{ value: string }>("SELECT value FROM store_meta WHERE key = 'keyId'")).rows[0]?.value;
    const audit = (await c.query<AuditRow>('SELECT * FROM audit ORDER BY seq')).rows.map(toEntry);
    if (storedKey !== keyId(st.key)) {
      chainOk = false;
      problems.push({ code: 'audit_key_mismatch', message: 'The audit key (AUDIT_KEY_FILE) is not the key this store was sealed with; start every instance with the original key file' });
    } else {
      const broken = verifyChain(st.key, audit);
      if (broken) {
        chainOk = false;
        problems.push({ code: 'audit_chain_broken', message: `The audit log was altered: ${broken.reason}`, target: `audit:${broken.seq}` });
      }
      const head = (await c.query<{ seq: string; hash: string; mac: string }>('SELECT seq, hash, mac FROM audit_head WHERE id = 1')).rows[0];
      const last = audit.at(-1) ?? null;
      const hp = checkHead(st.key, head ? { seq: Number(head.seq), hash: head.hash, mac: head.mac } : null, last);
      if (hp) {
        chainOk = false;
        problems.push(hp);
      }
      if (chainOk) {
        const byTarget = new Map<string, AuditEntry[]>();
        for (const e of audit) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
        for (const v of (await c.query<{ rule_set_id: string; version: number; content_hash: string }>('SELECT rule_set_id, version, content_hash FROM versions')).rows) {
          const ref = `${v.rule_set_id}@${v.version}`;
          if (!(byTarget.get(ref) ?? []).some((e) => (e.action === 'version.publish' || e.action === 'version.seed') && e.after === v.content_hash))
            problems.push({ code: 'record_mismatch', message: `Published version ${ref} does not match the audit entry that published it`, target: ref });
        }
        // A closed period is the one the last version.close entry recorded.
        for (const p of (await c.query<{ rule_set_id: string; version: number; effective_to: string }>('SELECT DISTINCT ON (rule_set_id, version) rule_set_id, version, effective_to FROM version_periods ORDER BY rule_set_id, version, seq DESC')).rows) {
          const ref = `${p.rule_set_id}@${p.version}`;
          if ((byTarget.get(ref) ?? []).filter((e) => e.action === 'version.close').at(-1)?.after !== p.effective_to)
            problems.push({ code: 'record_mismatch', message: `The period of ${ref} (to ${p.effective_to}) is not the one the audit log recorded`, target: ref });
        }
        for (const { record } of (await c.query<{ record: StoredEvaluation }>('SELECT record FROM evaluations')).rows) {
          const target = `evaluation:${record.id}`;
          if (!(byTarget.get(target) ?? []).some((e) => e.after === evaluationRecordHash(record))) problems.push({ code: 'record_mismatch', message: `Evaluation ${record.id} does not match the audit entry that recorded it`, target });
        }
        for (const r of (await c.query<{ dossier_id: string; revision: number; hash: string }>('SELECT dossier_id, revision, hash FROM dossier_revisions')).rows) {
          const entries = byTarget.get(`dossier:${r.dossier_id}`) ?? [];
          if (!entries.some((e) => e.after === r.hash && (e.details as { revision?: number } | undefined)?.revision === r.revision))
            problems.push({ code: 'record_mismatch', message: `Dossier ${r.dossier_id} revision ${r.revision} does not match the audit entry that recorded it`, target: `dossier:${r.dossier_id}` });
        }
        if (problems.length) chainOk = false;
        // A version or evaluation that no longer matches what the chain recorded is not served.
        for (const p of problems) if (p.target && !p.target.startsWith('dossier:')) st.refused.set(p.target, p.message);
        if (chainOk) st.verified = last ? { seq: last.seq, hash: last.hash } : null;
      }
    }
    const tx = new PgTx(c, st, false);
    for (const v of (await c.query<{ rule_set_id: string; version: number }>('SELECT rule_set_id, version FROM versions')).rows) {
      try {
        await tx.versions.get(v.rule_set_id, v.version);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        const ref = `${v.rule_set_id}@${v.version}`;
        st.refused.set(ref, e.message);
        problems.push({ code: 'version_content_mismatch', message: e.message, target: ref });
      }
    }
    await c.query('COMMIT');
    st.report = { writable: chainOk, checkedAt: new Date().toISOString(), problems, head: headOf(audit.at(-1)), entries: audit.length };
    return st.report;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

function pgRepository(pool: pg.Pool, st: PgState): Repository {
  let closed = false;
  // A read view holds no state of its own (only writes do), so each connection keeps one: building one makes some
  // forty closures, which every request paid for twice (the token, then the route's reads).
  const views = new WeakMap<Conn, PgTx>();
  const view = (c: Conn): PgTx => {
    let v = views.get(c);
    if (!v) views.set(c, (v = new PgTx(c, st, false)));
    return v;
  };
  /** fn on a connection's read view, with the token asked for checked in its first single-row query (or after it). */
  const run = async <T>(c: Conn, fn: (tx: ReadTx) => Promise<T> | T, token: ReadOptions['token']): Promise<T> => {
    const v = view(c);
    v.token = token ?? null;
    try {
      return await fn(v as unknown as ReadTx);
    } finally {
      if (v.token) {
        v.token = null;
        token!.seen(await v.tokens.byHash(token!.hash));
      }
    }
  };
  return {
    kind: 'postgres',
    async read(fn, opts) {
      const client = await pool.connect();
      const c = connOf(client);
      if (opts?.snapshot === false)
        try {
          return await run(c, fn, opts.token);
        } finally {
          client.release();
        }
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const out = await run(c, fn, opts?.token);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async transact(fn) {
      if (closed) throw new Error('the store is closed');
      const client = await pool.connect();
      const c = connOf(client);
      try {
        await c.query('BEGIN');
        await c.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
        const tx = new PgTx(c, st, true);
        const out = await fn(tx as unknown as WriteTx);
        await c.query('COMMIT');
        if (tx.lastAppended) st.verified = { seq: tx.lastAppended.seq, hash: tx.lastAppended.hash };
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    integrity: async () => st.report,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
