// The published version the analyst pages work under (remembered across pages), the list to choose from, and its rule-set document.
import { useEffect, useState } from 'react';
import { useApi } from '../../auth/useAuth.js';
import type { RuleSet } from '../../../../engine/index.js';

const KEY = 'mingcheng.analyst.ruleSet';
const docs = new Map<string, Promise<RuleSet>>();

/** The chosen version ref ("sfc-2017@1"), the published refs, and the chosen version's document once loaded. */
export function useAnalystVersion(): { ref: string | null; refs: string[]; setRef(r: string): void; ruleSet: RuleSet | null; error: string | null } {
  const api = useApi();
  const [refs, setRefs] = useState<string[]>([]);
  const [ref, setRefState] = useState<string | null>(() => localStorage.getItem(KEY));
  const [ruleSet, setRuleSet] = useState<RuleSet | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    api
      .ruleSets()
      .then((list) => {
        const all = list.flatMap((r) => r.versions.map((v) => `${r.id}@${v}`));
        if (!alive) return;
        setRefs(all);
        setRefState((cur) => (cur && all.includes(cur) ? cur : (all[0] ?? null)));
      })
      .catch((e) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [api]);
  useEffect(() => {
    if (!ref) return;
    let alive = true;
    const [id, v] = ref.split('@');
    let p = docs.get(ref);
    if (!p) {
      p = api.version(id, Number(v)).then((d) => d.document);
      docs.set(ref, p);
      p.catch(() => docs.delete(ref));
    }
    p.then((d) => alive && setRuleSet(d)).catch((e) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [api, ref]);
  const setRef = (r: string) => {
    localStorage.setItem(KEY, r);
    setRuleSet(null);
    setRefState(r);
  };
  return { ref, refs, setRef, ruleSet, error };
}
