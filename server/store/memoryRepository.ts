// An in-memory repository with the same semantics as the file store; for tests and as a template for other stores.
import { emptyState, type Repository, type StoreState } from './repository.js';
import { SerialQueue } from './serialQueue.js';
import { assertAppendOnly, forkState, freezeAppendOnly } from './stateGuard.js';

/** A repository that keeps the state in memory only. */
export function createMemoryRepository(initial: StoreState = emptyState()): Repository {
  let state = freezeAppendOnly(structuredClone(initial));
  const queue = new SerialQueue();
  return {
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
