// The file store: the one module that imports lowdb; one JSON file written atomically (steno: temp file + rename), one write at a time.
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { emptyState, type Repository, type StoreState } from './repository.js';
import { SerialQueue } from './serialQueue.js';
import { assertAppendOnly, forkState, freezeAppendOnly } from './stateGuard.js';

/** Opens (or creates) the store in `dataDir/db.json`; a transaction resolves only after its state is on disk. */
export async function openLowdbRepository(dataDir: string): Promise<Repository> {
  await mkdir(dataDir, { recursive: true });
  const db = new Low<StoreState>(new DataFile<StoreState>(path.join(dataDir, 'db.json'), { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), emptyState());
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
