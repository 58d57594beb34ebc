// Copy-on-write for transactions: append-only collections (published versions, evaluations, audit) are shared and frozen, the rest is cloned; a commit may only append to them.
import type { StoreState } from './repository.js';

/** Collections whose elements never change once stored. */
const APPEND_ONLY = ['versions', 'evaluations', 'audit'] as const;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Freezes every element of the append-only collections, so an in-place change throws instead of rewriting history. */
export function freezeAppendOnly(state: StoreState): StoreState {
  for (const key of APPEND_ONLY) for (const item of state[key]) deepFreeze(item);
  return state;
}

/** A private copy of the state for one transaction: append-only arrays copied shallowly, everything else deeply. */
export function forkState(state: Readonly<StoreState>): StoreState {
  const { versions, evaluations, audit, ...rest } = state;
  return { ...structuredClone(rest), versions: [...versions], evaluations: [...evaluations], audit: [...audit] };
}

/** Throws when a transaction dropped or replaced stored elements of an append-only collection (a bug, never user input). */
export function assertAppendOnly(before: Readonly<StoreState>, after: Readonly<StoreState>): void {
  for (const key of APPEND_ONLY) {
    const a = before[key] as readonly unknown[];
    const b = after[key] as readonly unknown[];
    if (b.length < a.length) throw new Error(`${key} shrank`);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`${key}[${i}] rewritten`);
  }
}
