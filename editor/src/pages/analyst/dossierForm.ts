// Pure logic of the dossier form generated from a rule set's facts: sections, reading a dossier into text fields, checking each field, and writing the dossier back; tested without a DOM.
import type { Dossier, FactDef, RuleSet } from '../../../../engine/index.js';

/** What the form holds for one fact: the text typed, and the evidence of the figure. */
export interface FieldState {
  text: string;
  document: string;
  page: string;
  year: string;
  /** Keys kept from the stored wrapper that the form does not edit (source, illustrative). */
  keep: Record<string, unknown>;
}
export type FormState = Record<string, FieldState>;

export interface FieldError {
  code: string;
  /** i18n key under analyst.form.errors, with its values. */
  key: string;
  values?: Record<string, string | number>;
}

/** Facts grouped by their `group`, in rule-set order. */
export function sections(ruleSet: RuleSet): { group: string; facts: FactDef[] }[] {
  const out: { group: string; facts: FactDef[] }[] = [];
  for (const f of ruleSet.facts) {
    const g = f.group ?? 'other';
    let s = out.find((x) => x.group === g);
    if (!s) out.push((s = { group: g, facts: [] }));
    s.facts.push(f);
  }
  return out;
}

function rawFact(facts: Record<string, unknown>, id: string): unknown {
  if (id in facts) return facts[id];
  let v: unknown = facts;
  for (const p of id.split('.')) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

const empty = (): FieldState => ({ text: '', document: '', page: '', year: '', keep: {} });

/** The form state of a dossier (an empty form for null). */
export function toForm(ruleSet: RuleSet, dossier: Dossier | null): FormState {
  const state: FormState = {};
  for (const f of ruleSet.facts) {
    const s = empty();
    let v = dossier ? rawFact(dossier.facts as Record<string, unknown>, f.id) : undefined;
    if (f.type !== 'list' && v && typeof v === 'object' && !Array.isArray(v) && 'value' in v) {
      const { value, evidence, ...keep } = v as { value: unknown; evidence?: { document?: string; page?: string | number; year?: number } };
      v = value;
      s.document = evidence?.document ?? '';
      s.page = evidence?.page === undefined ? '' : String(evidence.page);
      s.year = evidence?.year === undefined ? '' : String(evidence.year);
      s.keep = keep;
    }
    if (v !== undefined && v !== null) s.text = f.type === 'list' ? JSON.stringify(v, null, 1) : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
    state[f.id] = s;
  }
  return state;
}

/** Parses and checks one field against its fact: type, range, enum values, allowed awards; an empty optional field is fine. */
export function checkField(f: FactDef, text: string): { ok: true; value: unknown } | { ok: false; error: FieldError } {
  const t = text.trim();
  if (t === '') return f.required ? { ok: false, error: { code: 'required', key: 'required' } } : { ok: true, value: undefined };
  switch (f.type) {
    case 'number':
    case 'integer': {
      if (!/^[+-]?\d+(\.\d+)?$/.test(t)) return { ok: false, error: { code: 'not_a_number', key: 'notANumber' } };
      const n = Number(t);
      if (f.type === 'integer' && !Number.isInteger(n)) return { ok: false, error: { code: 'not_an_integer', key: 'notAnInteger' } };
      if (f.min !== undefined && n < f.min) return { ok: false, error: { code: 'out_of_range', key: 'min', values: { min: f.min } } };
      if (f.max !== undefined && n > f.max) return { ok: false, error: { code: 'out_of_range', key: 'max', values: { max: f.max } } };
      const d = f.discretionary;
      if (d && !((d.allowZero && n === 0) || (n >= d.min && n <= d.max && Number.isInteger(Math.round(((n - d.min) / d.step) * 1e9) / 1e9))))
        return { ok: false, error: { code: 'invalid_award', key: 'award', values: { min: d.min, max: d.max, step: d.step } } };
      return { ok: true, value: n };
    }
    case 'boolean':
      return t === 'true' || t === 'false' ? { ok: true, value: t === 'true' } : { ok: false, error: { code: 'invalid_boolean', key: 'boolean' } };
    case 'enum':
      return (f.values ?? []).some((v) => v.id === t) ? { ok: true, value: t } : { ok: false, error: { code: 'invalid_enum', key: 'enum' } };
    case 'string':
      return { ok: true, value: t };
    case 'list': {
      try {
        const v = JSON.parse(t);
        if (!Array.isArray(v)) throw new Error();
        for (const it of v) {
          if (!it || typeof it !== 'object') throw new Error();
          for (const field of f.item ?? []) {
            const x = (it as Record<string, unknown>)[field.id];
            if (x === undefined && field.required !== false) return { ok: false, error: { code: 'invalid_list', key: 'listField', values: { field: field.id } } };
            if (x !== undefined && (field.type === 'number' || field.type === 'integer') && typeof x !== 'number') return { ok: false, error: { code: 'invalid_list', key: 'listField', values: { field: field.id } } };
          }
        }
        return { ok: true, value: v };
      } catch {
        return { ok: false, error: { code: 'invalid_list', key: 'list' } };
      }
    }
  }
}

/** Checks the evidence of a figure: a page or year needs the document; the year is a whole number. */
export function checkEvidence(s: FieldState): FieldError | null {
  if ((s.page.trim() || s.year.trim()) && !s.document.trim()) return { code: 'missing_document', key: 'evidenceDocument' };
  if (s.year.trim() && !/^\d{4}$/.test(s.year.trim())) return { code: 'invalid_year', key: 'evidenceYear' };
  return null;
}

/** Every field's error (empty when the form is clean). */
export function formErrors(ruleSet: RuleSet, state: FormState): Record<string, FieldError> {
  const out: Record<string, FieldError> = {};
  for (const f of ruleSet.facts) {
    const s = state[f.id] ?? empty();
    const c = checkField(f, s.text);
    if (!c.ok) out[f.id] = c.error;
    else {
      const e = checkEvidence(s);
      if (e) out[f.id] = e;
    }
  }
  return out;
}

function setNested(target: Record<string, unknown>, id: string, value: unknown): void {
  const parts = id.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (!node[p] || typeof node[p] !== 'object') node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The dossier a clean form describes (nested facts, values wrapped when they carry evidence); keeps the original meta. */
export function fromForm(ruleSet: RuleSet, state: FormState, meta?: Dossier['meta']): Dossier {
  const facts: Record<string, unknown> = {};
  for (const f of ruleSet.facts) {
    const s = state[f.id] ?? empty();
    const c = checkField(f, s.text);
    if (!c.ok || c.value === undefined) continue;
    const evidence: Record<string, unknown> = {};
    if (s.document.trim()) evidence.document = s.document.trim();
    if (s.page.trim()) evidence.page = /^\d+$/.test(s.page.trim()) ? Number(s.page.trim()) : s.page.trim();
    if (s.year.trim()) evidence.year = Number(s.year.trim());
    const wrap = f.type !== 'list' && (Object.keys(evidence).length > 0 || Object.keys(s.keep).length > 0);
    setNested(facts, f.id, wrap ? { value: c.value, ...s.keep, ...(Object.keys(evidence).length ? { evidence } : {}) } : c.value);
  }
  return { dossierFormat: 1, facts, ...(meta ? { meta } : {}) };
}
