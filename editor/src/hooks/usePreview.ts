// The live preview: sample dossiers evaluated (evaluateFast, in the browser) under the draft and under the version it is based on.
import { useEffect, useMemo, useState } from 'react';
import { compileRuleSet, type CompiledRuleSet, type FastResult, type RuleSet } from '../../../engine/index.js';
import type { ApiClient, DossierDetail } from '../api/client.js';
import { evaluationChanges, type ItemChange } from '../model/evaluationDiff.js';

export interface PreviewCell {
  ok: boolean;
  result: FastResult | null;
  /** Why the dossier could not be evaluated (its first issue). */
  problem: string | null;
}

export interface PreviewRow {
  id: string;
  name: string;
  type: string | null;
  period: number | null;
  base: PreviewCell | null;
  draft: PreviewCell | null;
  changed: boolean;
}

function run(compiled: CompiledRuleSet | null, dossier: unknown): PreviewCell | null {
  if (!compiled) return null;
  const checked = compiled.checkDossier(dossier);
  if (!checked.ok) return { ok: false, result: null, problem: checked.issues[0]?.message ?? 'invalid' };
  try {
    return { ok: true, result: compiled.evaluateFast(checked.dossier), problem: null };
  } catch (e) {
    return { ok: false, result: null, problem: (e as Error).message };
  }
}

const same = (a: PreviewCell | null, b: PreviewCell | null) =>
  !a || !b ? false : a.ok === b.ok && a.result?.status === b.result?.status && a.result?.title === b.result?.title && a.result?.total === b.result?.total;

/** Evaluates the chosen sample dossiers under the draft (recomputed when `compiled` changes) and under the base version (once); also returns the base version's document. */
export function usePreview(api: ApiClient, compiled: CompiledRuleSet | null, base: { id: string; version: number } | null) {
  const [dossiers, setDossiers] = useState<DossierDetail[]>([]);
  const [selected, setSelected] = useState<Set<string> | null>(null);
  const [baseCompiled, setBaseCompiled] = useState<CompiledRuleSet | null>(null);
  const [baseRuleSet, setBaseRuleSet] = useState<RuleSet | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    (async () => {
      const list = await api.dossiers();
      const details = await Promise.all(list.slice(0, 40).map((d) => api.dossier(d.id)));
      if (alive) setDossiers(details);
    })().catch((e) => alive && setError((e as Error).message));
    return () => {
      alive = false;
    };
  }, [api]);

  useEffect(() => {
    if (!base) return;
    let alive = true;
    api
      .version(base.id, base.version)
      .then((v) => {
        if (!alive) return;
        setBaseRuleSet(v.document);
        const c = compileRuleSet(v.document);
        if (c.ok) setBaseCompiled(c.compiled);
      })
      .catch((e) => alive && setError((e as Error).message));
    return () => {
      alive = false;
    };
  }, [api, base?.id, base?.version]);

  const chosen = useMemo(() => dossiers.filter((d) => !selected || selected.has(d.id)), [dossiers, selected]);

  const baseCells = useMemo(() => new Map(chosen.map((d) => [d.id, run(baseCompiled, d.dossier)])), [baseCompiled, chosen]);

  const { rows, ms } = useMemo(() => {
    const t0 = performance.now();
    const rows: PreviewRow[] = chosen.map((d) => {
      const draft = run(compiled, d.dossier);
      const baseCell = baseCells.get(d.id) ?? null;
      return { id: d.id, name: d.cityName ?? d.id, type: d.type, period: d.period, base: baseCell, draft, changed: !!baseCell && !!draft && !same(baseCell, draft) };
    });
    return { rows, ms: performance.now() - t0 };
  }, [compiled, chosen, baseCells]);

  /** Why a row changed: both full evaluations (json-rules-engine, explained) and the items that differ. */
  const explain = async (id: string): Promise<ItemChange[] | null> => {
    const d = dossiers.find((x) => x.id === id);
    if (!d || !compiled || !baseCompiled) return null;
    const [b, a] = await Promise.all([baseCompiled.evaluate(d.dossier), compiled.evaluate(d.dossier)]);
    return b.ok && a.ok ? evaluationChanges(b.evaluation, a.evaluation) : null;
  };

  const toggle = (id: string) =>
    setSelected((cur) => {
      const next = new Set(cur ?? dossiers.map((d) => d.id));
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return { rows, ms, dossiers, selected: selected ?? new Set(dossiers.map((d) => d.id)), toggle, error, baseReady: !!baseCompiled, baseRuleSet, explain };
}
