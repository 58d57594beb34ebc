// The embedded file store (format 2), the one module that imports lowdb: a lowdb snapshot (db.json) of small records, an append-only journal of commits fsynced one by one, and content-addressed blobs for large immutable values.
//
// A commit writes its new blobs (temp file, fsync, link, folder fsync), then one journal line (fsync), and only then
// is applied in memory and acknowledged: it costs what it changes. From time to time the journal is compacted into
// db.json (written in chunks to a temp file, fsync, rename, folder fsync) while writes go on to a fresh journal file.
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { IntegrityProblem, Repository } from './repository.js';
import type { RuleSet } from '../engine.js';
import { StoreCore, touchedTargets, type CommitPlan, type Op, type Rows } from './core.js';
import { keyId } from '../audit.js';
import { migrateFormat1 } from './migrateFormat1.js';
import { acquireStoreLock } from './storeLock.js';

export const STORE_FORMAT = 2;

/** db.json in format 2: the rows, and the journal position they include. */
export interface Snapshot extends Rows {
  storeFormat: 2;
  /** Commits up to this journal sequence number are in the snapshot. */
  journalSeq: number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

const tmpName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

const MAC_FIELD = ',"mac":"';

/**
 * lowdb's adapter for the snapshot. Write streams the rows out in chunks (so a large store never blocks the server
 * for long), seals them with a keyed MAC as the last field, flushes, renames over db.json and flushes the folder.
 * Read parses db.json and says whether its seal verifies: a sealed snapshot is exactly what this store wrote, so
 * start-up need not re-check it entry by entry, and an edit anywhere in it (a token added, a record changed) shows.
 */
class DurableSnapshotFile implements Adapter<Snapshot | Record<string, unknown>> {
  /** What the last read found: a seal that verifies, one that does not, or none. */
  seal: 'ok' | 'bad' | 'none' = 'none';
  constructor(
    private readonly file: string,
    private readonly key: Buffer,
  ) {}
  async read(): Promise<Snapshot | Record<string, unknown> | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const at = text.lastIndexOf(MAC_FIELD);
    if (at < 0 || !text.endsWith('"}')) this.seal = 'none';
    else this.seal = text.slice(at + MAC_FIELD.length, -2) === createHmac('sha256', this.key).update(text.slice(0, at), 'utf8').digest('hex') ? 'ok' : 'bad';
    return JSON.parse(text);
  }
  async write(data: Snapshot | Record<string, unknown>): Promise<void> {
    const tmp = tmpName(this.file);
    const fh = await open(tmp, 'wx', FILE_MODE);
    try {
      const { versions, drafts, dossiers, evaluations, tokens, audit, mac: _old, ...head } = data as Snapshot & { mac?: string };
      const mac = createHmac('sha256', this.key);
      let buf = JSON.stringify(head).slice(0, -1);
      const flush = async () => {
        mac.update(buf, 'utf8');
        await fh.write(buf);
        buf = '';
      };
      for (const [name, list] of Object.entries({ versions, drafts, dossiers, evaluations, tokens, audit })) {
        buf += `,${JSON.stringify(name)}:[`;
        for (let i = 0; i < list.length; i++) {
          buf += (i ? ',' : '') + JSON.stringify(list[i]);
          if (buf.length > 1 << 20) await flush();
        }
        buf += ']';
      }
      await flush();
      await fh.write(`${MAC_FIELD}${mac.digest('hex')}"}`);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    await rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
  }
}

const JOURNAL = /^journal-([0-9]+)\.ndjson$/;
const BLOB = /^([0-9a-f]{64})\.json$/;

/** The append-only journal: one line per commit, `<seq> <keyed MAC of seq and ops> <ops as JSON>`. */
class Journal {
  #fh: FileHandle | null = null;
  #file = '';
  #size = 0;
  /** Journal files holding commits not yet in a snapshot, oldest first. */
  files: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
  ) {}

  get size(): number {
    return this.#size;
  }

  /** Opens `file` for appending (creating it, and flushing the folder so it stays). */
  async openFile(file: string): Promise<void> {
    const created = !this.files.includes(file);
    this.#fh = await open(path.join(this.dir, file), 'a', FILE_MODE);
    this.#file = file;
    this.#size = (await this.#fh.stat()).size;
    if (created) {
      this.files.push(file);
      await syncDir(this.dir);
    }
  }

  /** Appends one commit and flushes it; on failure the file is cut back so no half line stays. */
  async append(seq: number, ops: readonly Op[]): Promise<void> {
    const body = JSON.stringify(ops);
    const line = `${seq} ${lineMac(this.key, seq, body)} ${body}\n`;
    const fh = this.#fh!;
    try {
      await fh.write(line);
      await fh.datasync();
      this.#size += Buffer.byteLength(line);
    } catch (e) {
      await fh.truncate(this.#size).catch(() => undefined);
      throw e;
    }
  }

  /** Starts a new file for the commits after `seq`; returns the files that hold commits up to it. */
  async rotate(seq: number): Promise<string[]> {
    const old = this.files.slice();
    await this.#fh?.close();
    this.files = [];
    await this.openFile(`journal-${String(seq + 1).padStart(12, '0')}.ndjson`);
    return old;
  }

  async close(): Promise<void> {
    await this.#fh?.close();
    this.#fh = null;
  }

  get current(): string {
    return this.#file;
  }
}

/** A journal line's MAC: a line that was cut short, damaged or written without the key does not verify. */
function lineMac(key: Buffer, seq: number, body: string): string {
  return createHmac('sha256', key).update(`${seq} ${body}`, 'utf8').digest('hex');
}

export interface LowdbOptions {
  /** The audit chain's key (see auditKey.ts). */
  auditKey: Buffer;
  /** Compact when the journal is larger than this many bytes (or than db.json, whichever is larger). */
  compactAfterBytes?: number;
  /** Bytes of parsed blobs kept in memory. */
  cacheBytes?: number;
  /** How a published document's content hash is computed (the engine's ruleSetHash unless a test engine says otherwise). */
  ruleSetHash?: (doc: RuleSet) => string;
  /** Called with what start-up found and removed (crash leftovers, orphan blobs, a migration). */
  onStartup?: (info: StartupInfo) => void;
}

export interface StartupInfo {
  migratedFrom: number | null;
  replayedCommits: number;
  droppedTornCommit: boolean;
  removedTemp: number;
  removedOrphanBlobs: number;
}

/** Opens (or creates) the store in `dataDir`; a transaction resolves only after its commit is on disk. */
export async function openLowdbRepository(dataDir: string, opts: LowdbOptions): Promise<Repository> {
  await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
  await chmod(dataDir, DIR_MODE);
  const blobDir = path.join(dataDir, 'blobs');
  await mkdir(blobDir, { recursive: true, mode: DIR_MODE });
  await chmod(blobDir, DIR_MODE);
  const lock = await acquireStoreLock(dataDir);
  try {
    return await openLocked(dataDir, blobDir, opts, lock.release);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function openLocked(dataDir: string, blobDir: string, opts: LowdbOptions, releaseLock: () => Promise<void>): Promise<Repository> {
  const info: StartupInfo = { migratedFrom: null, replayedCommits: 0, droppedTornCommit: false, removedTemp: 0, removedOrphanBlobs: 0 };
  // Crash leftovers: temp files of writes that never completed. The blob folder is listed once (it holds a file per value).
  for (const name of await readdir(dataDir)) {
    if (name.endsWith('.tmp')) {
      await unlink(path.join(dataDir, name));
      info.removedTemp++;
    }
  }
  const known = new Set<string>();
  /** Files in blobs/ that are no content-addressed blob (format-1 results after their migration). */
  const strangers: string[] = [];
  for (const name of await readdir(blobDir)) {
    const m = BLOB.exec(name);
    if (m) known.add(`sha256:${m[1]}`);
    else if (name.endsWith('.tmp')) {
      await unlink(path.join(blobDir, name));
      info.removedTemp++;
    } else strangers.push(name);
  }
  const blobFile = (address: string) => path.join(blobDir, `${address.slice('sha256:'.length)}.json`);
  const core = new StoreCore(
    opts.auditKey,
    {
      has: (a) => known.has(a),
      read: async (a) => {
        if (!/^sha256:[0-9a-f]{64}$/.test(a)) return null;
        try {
          return await readFile(blobFile(a), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
          throw e;
        }
      },
    },
    { cacheBytes: opts.cacheBytes, ruleSetHash: opts.ruleSetHash },
  );

  /** Writes new blobs durably: temp file, fsync, link into place (a blob is never replaced), one folder fsync. */
  async function writeBlobs(blobs: Map<string, string>): Promise<void> {
    if (blobs.size === 0) return;
    for (const [address, text] of blobs) {
      if (known.has(address)) continue;
      const final = blobFile(address);
      const tmp = tmpName(final);
      const fh = await open(tmp, 'wx', FILE_MODE);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await link(tmp, final);
      } catch (e) {
        // The same content is already there (content-addressed): nothing to add.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        await unlink(tmp);
      }
    }
    await syncDir(blobDir);
  }

  const adapter = new DurableSnapshotFile(path.join(dataDir, 'db.json'), opts.auditKey);
  const db = new Low<Snapshot | Record<string, unknown>>(adapter, {});
  await db.read();
  let snapshot: Snapshot | null = null;
  const raw = db.data as Omit<Partial<Snapshot>, 'storeFormat'> & { storeFormat?: number };
  const files = (await readdir(dataDir)).filter((n) => JOURNAL.test(n)).sort();
  if (raw.storeFormat === undefined && Object.keys(raw).length === 0) {
    if (files.length) throw new Error(`${dataDir} has journal files but no db.json; restore db.json from a backup`);
    // A new store starts with an empty snapshot, so its journal always has a db.json to apply to.
    db.data = { storeFormat: 2, journalSeq: 0, ...new StoreCore(opts.auditKey, { has: () => false, read: async () => null }).rows(), keyId: keyId(opts.auditKey) };
    await db.write();
    adapter.seal = 'ok';
    snapshot = db.data as Snapshot;
  } else if (raw.storeFormat === 1) {
    // Format 1 → 2: large values become blobs, evaluations and the audit log enter the keyed chain; the old file is kept as db.format1.json.
    const migrated = await migrateFormat1(raw as never, { key: opts.auditKey, readOldBlob: (k) => readFile(path.join(blobDir, `${k}.json`), 'utf8').catch(() => null), now: new Date().toISOString() });
    await writeBlobs(migrated.blobs);
    for (const a of migrated.blobs.keys()) known.add(a);
    await writeFile(path.join(dataDir, 'db.format1.json'), JSON.stringify(raw), { mode: FILE_MODE });
    db.data = { storeFormat: 2, journalSeq: 0, ...migrated.rows };
    await db.write();
    adapter.seal = 'ok';
    info.migratedFrom = 1;
    snapshot = db.data as Snapshot;
  } else if (raw.storeFormat === STORE_FORMAT) {
    snapshot = raw as Snapshot;
  } else {
    throw new Error(`unsupported store format ${String(raw.storeFormat)} in ${dataDir}/db.json (this server reads formats 1 and 2)`);
  }
  const extra: IntegrityProblem[] = [];
  if (snapshot) {
    core.load(snapshot);
    const problem = core.checkHead(snapshot.head, snapshot.audit.at(-1)?.seq ?? 0);
    if (problem) extra.push(problem);
  }
  let seq = snapshot?.journalSeq ?? 0;
  if (adapter.seal === 'bad') extra.push({ code: 'snapshot_changed', message: 'db.json was changed outside the server: its seal does not verify with the audit key' });
  else if (adapter.seal === 'none' && snapshot) extra.push({ code: 'snapshot_unsealed', message: 'db.json carries no seal: it was not written by this server (or was edited)' });
  const wrongKey = snapshot?.keyId != null && snapshot.keyId !== keyId(opts.auditKey);

  // Replay the journal: commits after the snapshot, in order; a torn last line is a commit that was never acknowledged.
  // Without the right key no line verifies: nothing is replayed, and the store opens read-only saying so.
  const journal = new Journal(dataDir, opts.auditKey);
  const touched = new Set<string>();
  let damaged = false;
  for (const [fi, name] of files.entries()) {
    if (wrongKey || damaged) {
      journal.files.push(name);
      continue;
    }
    const file = path.join(dataDir, name);
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    // The part after the last newline: empty, or a commit whose write never finished.
    const partial = lines.pop()!;
    let offset = 0;
    for (const [li, line] of [...lines, ...(partial ? [partial] : [])].entries()) {
      const parsed = li < lines.length ? parseLine(opts.auditKey, line) : null;
      if (!parsed) {
        const atTail = fi === files.length - 1 && li >= lines.length - 1 && (li === lines.length || partial === '');
        if (!atTail) {
          // A commit in the middle that does not verify: changed by hand or damaged. Stop there and refuse writes.
          extra.push({ code: 'journal_damaged', message: `${name}: the commit at byte ${offset} does not verify (changed or damaged); later commits are not loaded` });
          damaged = true;
          break;
        }
        // The tail of the last file: a commit that was never acknowledged; cut it off.
        const fh = await open(file, 'r+');
        await fh.truncate(offset);
        await fh.sync();
        await fh.close();
        info.droppedTornCommit = true;
        break;
      }
      if (parsed.seq > seq) {
        if (parsed.seq !== seq + 1) throw new Error(`${file}: commit ${parsed.seq} follows ${seq}; commits are missing (restore the store from a backup)`);
        core.apply(parsed.ops);
        touchedTargets(parsed.ops, touched);
        seq = parsed.seq;
        info.replayedCommits++;
      }
      offset += Buffer.byteLength(line) + 1;
    }
    journal.files.push(name);
  }
  const snapshotSeq = snapshot?.journalSeq ?? 0;
  await journal.openFile(journal.files.at(-1) ?? `journal-${String(seq + 1).padStart(12, '0')}.ndjson`);

  // Orphan blobs: written by a commit that never completed, or left behind by a draft's later edits.
  const referenced = core.referencedBlobs();
  for (const a of known) {
    if (!referenced.has(a)) {
      await unlink(blobFile(a)).catch(() => undefined);
      known.delete(a);
      info.removedOrphanBlobs++;
    }
  }
  for (const name of strangers) {
    await unlink(path.join(blobDir, name)).catch(() => undefined);
    info.removedOrphanBlobs++;
  }
  for (const name of ['db.json', 'db.format1.json', ...journal.files]) await chmod(path.join(dataDir, name), FILE_MODE).catch(() => undefined);
  // A sealed snapshot is checked as a whole; the commits replayed after it entry by entry.
  const sealedSeq = snapshot?.audit.at(-1)?.seq ?? 0;
  // (Right after a migration everything is checked: the seal is new, the data is not.)
  const trusted = adapter.seal === 'ok' && !damaged && info.migratedFrom === null;
  await core.verify(new Date().toISOString(), extra, trusted ? { seq: sealedSeq, changed: touched } : undefined);
  opts.onStartup?.(info);

  let snapshotBytes = await stat(path.join(dataDir, 'db.json')).then((s) => s.size, () => 0);
  let compacting: Promise<void> | null = null;
  const threshold = () => Math.max(opts.compactAfterBytes ?? 4 << 20, snapshotBytes);

  /** Rotates the journal and collects orphan blobs inside the queue, then writes the snapshot while writes continue. */
  async function compact(): Promise<void> {
    const { rows, at, oldFiles } = await core.queue.run(async () => {
      const rows = core.rows();
      const oldFiles = await journal.rotate(seq);
      const referencedNow = core.referencedBlobs();
      for (const a of known) {
        if (!referencedNow.has(a)) {
          known.delete(a);
          core.uncache(a);
          await unlink(blobFile(a)).catch(() => undefined);
        }
      }
      return { rows, at: seq, oldFiles };
    });
    db.data = { storeFormat: 2, journalSeq: at, ...rows };
    await db.write();
    snapshotBytes = await stat(path.join(dataDir, 'db.json')).then((s) => s.size, () => snapshotBytes);
    for (const f of oldFiles) await unlink(path.join(dataDir, f)).catch(() => undefined);
  }
  const startCompaction = () => {
    compacting ??= compact()
      .catch((e) => console.error(`store: compaction failed (the journal keeps every commit): ${(e as Error).message}`))
      .finally(() => {
        compacting = null;
      });
    return compacting;
  };
  if (info.migratedFrom === null && seq > snapshotSeq && journal.size > threshold()) void startCompaction();

  let closed = false;
  return {
    kind: 'lowdb',
    read: (fn, opts) => core.read(fn, opts),
    transact: (fn) => {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return core
        .transact(fn, async (plan: CommitPlan) => {
          await writeBlobs(plan.blobs);
          for (const a of plan.blobs.keys()) known.add(a);
          await journal.append(seq + 1, plan.ops);
          seq += 1;
        })
        .finally(() => {
          if (journal.size > threshold()) void startCompaction();
        });
    },
    integrity: async () => core.report,
    close: async () => {
      if (closed) return;
      closed = true;
      await compacting;
      // A clean shutdown leaves everything in db.json, so the next start replays nothing.
      if (journal.size > 0) await compact().catch((e) => console.error(`store: final compaction failed (the journal keeps every commit): ${(e as Error).message}`));
      await core.queue.run(() => journal.close());
      await releaseLock();
    },
  };
}

function parseLine(key: Buffer, line: string): { seq: number; ops: Op[] } | null {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  if (a <= 0 || b <= a) return null;
  const seq = Number(line.slice(0, a));
  const sum = line.slice(a + 1, b);
  const body = line.slice(b + 1);
  if (!Number.isInteger(seq) || lineMac(key, seq, body) !== sum) return null;
  try {
    return { seq, ops: JSON.parse(body) as Op[] };
  } catch {
    return null;
  }
}
