// Checks every committed state against the one before it: the audit log may only grow.
import type { StoreState } from './repository.js';

/** Throws when a transaction rewrote or dropped audit entries (a bug, never user input). */
export function assertAppendOnly(before: Readonly<StoreState>, after: Readonly<StoreState>): void {
  const n = before.audit.length;
  if (after.audit.length < n) throw new Error('audit log shrank');
  if (n > 0 && after.audit[n - 1].hash !== before.audit[n - 1].hash) throw new Error('audit log rewritten');
}
