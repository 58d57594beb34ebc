// The file store: the one module that imports lowdb; one JSON file written atomically and durably (temp file, fsync, rename, fsync of the folder), one write at a time.
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { emptyState, type Repository, type StoreState } from './repository.js';
import { SerialQueue } from './serialQueue.js';
import { assertAppendOnly, forkState, freezeAppendOnly } from './stateGuard.js';

/** lowdb's file adapter with the data flushed to disk before the rename and the rename flushed after, so an acknowledged write survives a power cut too. */
class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}
  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
  async write(data: T): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Opens (or creates) the store in `dataDir/db.json`; a transaction resolves only after its state is on disk. */
export async function openLowdbRepository(dataDir: string): Promise<Repository> {
  await mkdir(dataDir, { recursive: true });
  const db = new Low<StoreState>(new DurableJsonFile<StoreState>(path.join(dataDir, 'db.json')), emptyState());
  await db.read();
  if (db.data.storeFormat !== 1) throw new Error(`unsupported store format in ${dataDir}/db.json`);
  // Collections added after a store was created start empty.
  db.data = freezeAppendOnly({ ...emptyState(), ...db.data });
  const queue = new SerialQueue();
  const blobDir = path.join(dataDir, 'blobs');
  await mkdir(blobDir, { recursive: true });
  const blobPath = (key: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`bad blob key ${key}`);
    return path.join(blobDir, `${key}.json`);
  };
  return {
    // Blobs are written to a temporary file, flushed to disk, then linked into place: a reader never sees half a blob.
    putBlob: async (key, value) => {
      const final = blobPath(key);
      const tmp = `${final}.${process.pid}.tmp`;
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(JSON.stringify(value));
        await fh.sync();
      } finally {
        await fh.close();
      }
      // link() fails if the key exists: blobs are written once, never replaced.
      try {
        await link(tmp, final);
      } finally {
        await unlink(tmp);
      }
      await syncDir(blobDir);
    },
    getBlob: async <T>(key: string) => {
      try {
        return JSON.parse(await readFile(blobPath(key), 'utf8')) as T;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    read: (fn) => queue.run(() => fn(db.data)),
    transact: (fn) =>
      queue.run(async () => {
        const draft = forkState(db.data);
        const result = fn(draft);
        assertAppendOnly(db.data, draft);
        const previous = db.data;
        db.data = freezeAppendOnly(draft);
        try {
          await db.write();
        } catch (err) {
          db.data = previous;
          throw err;
        }
        return result;
      }),
    close: () => queue.run(async () => undefined),
  };
}
