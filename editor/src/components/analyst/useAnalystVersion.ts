// The published version the analyst pages work under: by default the one in force today (GET /api/rulesets/{id}/in-force), or the one chosen in this tab; the list to choose from, and its document.
import { useState } from 'react';
import { useInForce, useRuleSetDocument, useRuleSets } from '../../api/queries.js';
import type { RuleSet } from '../../../../engine/index.js';

const KEY = 'mingcheng.analyst.ruleSet';

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function chosen(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The chosen version ref ("sfc-2017@1"), the published refs, which of them is in force today, and the chosen version's document once loaded. */
export function useAnalystVersion(): { ref: string | null; refs: string[]; inForce: string | null; setRef(r: string): void; ruleSet: RuleSet | null; error: Error | null } {
  const sets = useRuleSets();
  const [picked, setPicked] = useState<string | null>(chosen);
  const refs = (sets.data ?? []).flatMap((r) => r.versions.map((v) => `${r.id}@${v}`));
  const first = sets.data?.[0];
  const force = useInForce(first?.id, today());
  const inForce = force.data ? force.data.ref : null;
  // Until the in-force answer arrives the ref stays null, so no page evaluates under the wrong version first.
  const fallback = force.isError ? (refs.at(-1) ?? null) : inForce;
  const ref = picked && refs.includes(picked) ? picked : sets.data ? fallback : null;
  const doc = useRuleSetDocument(ref);
  const setRef = (r: string) => {
    try {
      sessionStorage.setItem(KEY, r);
    } catch {
      // Private mode: the choice still holds on this page.
    }
    setPicked(r);
  };
  return { ref, refs, inForce, setRef, ruleSet: doc.data ?? null, error: sets.error ?? doc.error ?? null };
}
