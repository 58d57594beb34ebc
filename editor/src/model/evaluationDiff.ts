// Why a city's result changed between two rule-set versions: the checks, indicators, bonus items and outcome that differ, each with both explanations; pure.
import type { Evaluation, I18nText } from '../../../engine/index.js';

export interface ItemChange {
  /** Stage kind the item belongs to, or 'outcome' for the verdict itself. */
  kind: 'checks' | 'score' | 'bonus' | 'outcome';
  id: string;
  label: I18nText;
  cites: string[];
  before: string;
  after: string;
  /** The engine's explanation under each version; for the verdict, the title awarded (null: none). */
  textBefore: I18nText | null;
  textAfter: I18nText | null;
}

interface Entry {
  kind: ItemChange['kind'];
  label: I18nText;
  cites: string[];
  value: string;
  text: I18nText;
}

const pts = (v: number | null | undefined) => (v === null || v === undefined ? '?' : String(v));

/** Lists what differs between two evaluations of the same dossier (before: base version, after: draft). */
export function evaluationChanges(before: Evaluation, after: Evaluation): ItemChange[] {
  const out: ItemChange[] = [];
  const b = before.outcome;
  const a = after.outcome;
  const verdict = (o: Evaluation['outcome']) => `${o.status} · ${pts(o.total.value)}`;
  if (verdict(b) !== verdict(a) || b.title?.id !== a.title?.id)
    out.push({ kind: 'outcome', id: 'outcome', label: { zh: '结论', en: 'Verdict' }, cites: [], before: verdict(b), after: verdict(a), textBefore: b.title?.label ?? null, textAfter: a.title?.label ?? null });
  const collect = (e: Evaluation, into: Map<string, Entry>) => {
    for (const s of e.stages) {
      if (s.kind === 'checks') for (const i of s.items) into.set(i.id, { kind: 'checks', label: i.label, cites: i.cites, value: i.status, text: i.text });
      if (s.kind === 'score') for (const i of s.items) into.set(i.id, { kind: 'score', label: i.label, cites: i.cites, value: `${pts(i.points.value)} / ${i.max}`, text: i.text });
      if (s.kind === 'bonus') for (const i of s.items) into.set(i.id, { kind: 'bonus', label: i.label, cites: i.cites, value: pts(i.points.value), text: i.text });
    }
  };
  const items = new Map<string, Entry>();
  const afterItems = new Map<string, Entry>();
  collect(before, items);
  collect(after, afterItems);
  for (const [id, x] of items) {
    const y = afterItems.get(id);
    if (!y) out.push({ kind: x.kind, id, label: x.label, cites: x.cites, before: x.value, after: '—', textBefore: x.text, textAfter: null });
    else if (x.value !== y.value) out.push({ kind: x.kind, id, label: y.label, cites: y.cites, before: x.value, after: y.value, textBefore: x.text, textAfter: y.text });
  }
  for (const [id, y] of afterItems) if (!items.has(id)) out.push({ kind: y.kind, id, label: y.label, cites: y.cites, before: '—', after: y.value, textBefore: null, textAfter: y.text });
  return out;
}
