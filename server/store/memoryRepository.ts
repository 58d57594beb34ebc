// An in-memory repository with the same semantics as the file store; for tests and as a template for other stores.
import { emptyState, type Repository, type StoreState } from './repository.js';
import { SerialQueue } from './serialQueue.js';
import { assertAppendOnly, forkState, freezeAppendOnly } from './stateGuard.js';

/** A repository that keeps the state in memory only. */
export function createMemoryRepository(initial: StoreState = emptyState()): Repository {
  let state = freezeAppendOnly(structuredClone(initial));
  const queue = new SerialQueue();
  const blobs = new Map<string, string>();
  return {
    putBlob: async (key, value) => {
      if (blobs.has(key)) throw new Error(`blob ${key} exists`);
      blobs.set(key, JSON.stringify(value));
    },
    getBlob: async <T>(key: string) => {
      const b = blobs.get(key);
      return b === undefined ? null : (JSON.parse(b) as T);
    },
    read: (fn) => queue.run(() => fn(state)),
    transact: (fn) =>
      queue.run(() => {
        const draft = forkState(state);
        const result = fn(draft);
        assertAppendOnly(state, draft);
        state = freezeAppendOnly(draft);
        return result;
      }),
    close: async () => undefined,
  };
}
