// The file store: the one module that imports lowdb; one JSON file written atomically (steno: temp file + rename), one write at a time.
import { mkdir } from 'node:fs/promises';
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
  return {
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
