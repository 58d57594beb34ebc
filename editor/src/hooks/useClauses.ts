// The policy clauses a rule set cites, fetched once per policy and kept for the session.
import { useEffect, useState } from 'react';
import type { ApiClient, ClauseText } from '../api/client.js';

const cache = new Map<string, Promise<ClauseText[]>>();

/** Clauses of a policy by id (empty map while loading or when the server has none). */
export function useClauses(api: ApiClient, policy: string | undefined): { byId: Map<string, ClauseText>; ids: string[] | null } {
  const [list, setList] = useState<ClauseText[] | null>(null);
  useEffect(() => {
    if (!policy) return;
    let p = cache.get(policy);
    if (!p) {
      p = api.clauses(policy).catch(() => {
        cache.delete(policy);
        return [] as ClauseText[];
      });
      cache.set(policy, p);
    }
    let alive = true;
    void p.then((c) => alive && setList(c));
    return () => {
      alive = false;
    };
  }, [api, policy]);
  const [memo, setMemo] = useState<{ byId: Map<string, ClauseText>; ids: string[] | null }>({ byId: new Map(), ids: null });
  useEffect(() => {
    if (list) setMemo({ byId: new Map(list.map((c) => [c.id, c])), ids: list.length ? list.map((c) => c.id) : null });
  }, [list]);
  return memo;
}
