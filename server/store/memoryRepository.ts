// An in-memory repository with the same semantics as the file store; for tests and as the smallest implementation of the contract.
import { randomBytes } from 'node:crypto';
import type { Repository } from './repository.js';
import type { RuleSet } from '../engine.js';
import { StoreCore } from './core.js';

/** A repository that keeps everything in memory only; `auditKey` defaults to a random key per store. */
export function createMemoryRepository(opts: { auditKey?: Buffer; ruleSetHash?: (doc: RuleSet) => string } = {}): Repository {
  const blobs = new Map<string, string>();
  const core = new StoreCore(opts.auditKey ?? randomBytes(32), { has: (a) => blobs.has(a), read: async (a) => blobs.get(a) ?? null }, { ruleSetHash: opts.ruleSetHash });
  let closed = false;
  return {
    kind: 'memory',
    read: (fn, opts) => core.read(fn, opts),
    transact: (fn) => {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return core.transact(fn, async (plan) => {
        for (const [a, text] of plan.blobs) blobs.set(a, text);
      });
    },
    integrity: async () => core.report,
    close: () =>
      core.queue.run(() => {
        closed = true;
      }),
  };
}
