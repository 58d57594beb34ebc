// The policy notes on parameters (descriptions, names of enum options), fetched once per policy and kept for the session.
import { useEffect, useState } from 'react';
import type { ApiClient, ParameterNotes } from '../api/client.js';

const cache = new Map<string, Promise<ParameterNotes | null>>();

/** The notes by parameter id; null while loading or when the policy has none. */
export function usePolicyNotes(api: ApiClient, policy: string | undefined): ParameterNotes['parameters'] | null {
  const [notes, setNotes] = useState<ParameterNotes | null>(null);
  useEffect(() => {
    if (!policy) return;
    let p = cache.get(policy);
    if (!p) {
      p = api.parameterNotes(policy).catch(() => {
        cache.delete(policy);
        return null;
      });
      cache.set(policy, p);
    }
    let alive = true;
    void p.then((n) => alive && setNotes(n));
    return () => {
      alive = false;
    };
  }, [api, policy]);
  return notes?.parameters ?? null;
}
