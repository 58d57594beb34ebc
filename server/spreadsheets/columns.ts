// The spreadsheet layout of a rule set's facts (which column holds which fact, and its headers) and the parsing of one cell into a fact value; pure.
import type { FactDef, RuleSet } from '../../engine/schema/ruleSet.js';

/** One column of the dossier sheet: a scalar fact, or a dossier meta field. */
export interface Column {
  /** Machine key written in header row 3: a fact id, or `meta.title` etc. */
  key: string;
  /** fact: a scalar fact; count: how many entries a list fact has on its own sheet (0 = stated empty); meta: a dossier meta field. */
  kind: 'fact' | 'count' | 'meta';
  fact?: FactDef;
  zh: string;
  en: string;
}

/** Sheet names of the template; list facts get a sheet named by their fact id. */
export const SHEETS = { dossiers: '档案 Dossiers', evidence: '证据 Evidence', notes: '说明 Notes' } as const;

/** Header rows on every data sheet: 1 Chinese label (unit), 2 English label, 3 machine key; data from row 4. */
export const HEADER_ROWS = 3;

export const META_COLUMNS: Column[] = [
  { key: 'meta.title', kind: 'meta', zh: '档案标题', en: 'Dossier title' },
  { key: 'meta.notes', kind: 'meta', zh: '备注', en: 'Notes' },
  { key: 'meta.illustrative', kind: 'meta', zh: '示意数据', en: 'Illustrative values' },
  { key: 'meta.sources', kind: 'meta', zh: '来源（每行一个）', en: 'Sources (one per line)' },
];

/** Evidence sheet columns: which figure (city, period, fact) and where it comes from. */
export const EVIDENCE_COLUMNS = [
  { key: 'cityId', zh: '城市标识', en: 'City id' },
  { key: 'period', zh: '统计年度', en: 'Statistical year' },
  { key: 'fact', zh: '指标（字段标识）', en: 'Fact id' },
  { key: 'document', zh: '证明文件', en: 'Document' },
  { key: 'page', zh: '页码', en: 'Page' },
  { key: 'year', zh: '文件年份', en: 'Document year' },
  { key: 'source', zh: '公开来源', en: 'Published source' },
  { key: 'illustrative', zh: '示意数据', en: 'Illustrative' },
] as const;

const withUnit = (label: string, unit?: string) => (unit ? `${label}（${unit}）` : label);

/**
 * Columns of the dossier sheet: every fact in rule-set order, then the meta fields. A list fact's entries live on their own sheet;
 * its column here holds the number of entries, so 0 states "none" (an empty list), while a blank with no entries leaves the fact missing.
 */
export function dossierColumns(ruleSet: RuleSet): Column[] {
  const facts = ruleSet.facts.map<Column>((f) =>
    f.type === 'list'
      ? { key: f.id, kind: 'count', fact: f, zh: `${f.label.zh}（条目数，见 ${f.id} 表）`, en: `${f.label.en} (number of entries on sheet ${f.id})` }
      : { key: f.id, kind: 'fact', fact: f, zh: withUnit(f.label.zh, f.unit) + (f.required ? ' *' : ''), en: f.label.en + (f.unit ? ` (${f.unit})` : '') + (f.required ? ' *' : '') },
  );
  return [...facts, ...META_COLUMNS];
}

/** Columns of a list fact's sheet: the city and period it belongs to, then the item fields. */
export function listColumns(ruleSet: RuleSet, fact: FactDef): { key: string; zh: string; en: string; type: string; required: boolean; min?: number }[] {
  const id = ruleSet.facts.find((f) => f.id === ruleSet.subject.idFact)!;
  const period = ruleSet.facts.find((f) => f.id === ruleSet.subject.periodFact)!;
  return [
    { key: id.id, zh: id.label.zh + ' *', en: id.label.en + ' *', type: 'string', required: true },
    { key: period.id, zh: period.label.zh + ' *', en: period.label.en + ' *', type: 'integer', required: true },
    ...(fact.item ?? []).map((it) => ({
      key: it.id,
      zh: withUnit(it.label.zh, it.unit) + (it.required !== false ? ' *' : ''),
      en: it.label.en + (it.unit ? ` (${it.unit})` : '') + (it.required !== false ? ' *' : ''),
      type: it.type,
      required: it.required !== false,
      ...(it.min !== undefined ? { min: it.min } : {}),
    })),
  ];
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export type Cell = string | number | boolean | null;

/** Plain value of an exceljs cell value (rich text, formulas, hyperlinks and dates flattened). */
export function plainCell(v: unknown): Cell | Date {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return plainCell((o.richText as { text: string }[]).map((r) => r.text).join(''));
    if ('result' in o) return plainCell(o.result);
    if ('text' in o) return plainCell(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

export const TRUE_WORDS = ['是', 'true', 'yes', 'y', '1', '有', '√'];
export const FALSE_WORDS = ['否', 'false', 'no', 'n', '0', '无', '×'];

export type Parsed = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const NUMBER_TEXT = /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

/** Parses one cell as a number (plain, or text with thousands separators). */
export function parseNumber(v: Cell | Date, integer: boolean): Parsed {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && NUMBER_TEXT.test(v.replace(/\s/g, ''))) n = Number(v.replace(/[,\s]/g, ''));
  else return { ok: false, code: 'not_a_number', message: `${JSON.stringify(v instanceof Date ? v.toISOString() : v)} is not a number` };
  if (!Number.isFinite(n)) return { ok: false, code: 'not_a_number', message: `${v} is not a finite number` };
  if (integer && !Number.isInteger(n)) return { ok: false, code: 'not_an_integer', message: `${n} is not a whole number` };
  return { ok: true, value: n };
}

/** Parses one cell as a yes/no value: 是/否, true/false, yes/no, 1/0. */
export function parseBoolean(v: Cell | Date): Parsed {
  if (typeof v === 'boolean') return { ok: true, value: v };
  const s = String(v instanceof Date ? '' : v).trim().toLowerCase();
  if (TRUE_WORDS.includes(s)) return { ok: true, value: true };
  if (FALSE_WORDS.includes(s)) return { ok: true, value: false };
  return { ok: false, code: 'invalid_boolean', message: `${JSON.stringify(v)} is not 是/否 (true/false)` };
}

/** Parses one cell of a fact's column into the fact value (range and award checks are left to the rule set's dossier check). */
export function parseFactCell(f: FactDef, v: Cell | Date): Parsed {
  switch (f.type) {
    case 'number':
    case 'integer':
      return parseNumber(v, f.type === 'integer');
    case 'boolean':
      return parseBoolean(v);
    case 'enum': {
      const s = String(v instanceof Date ? '' : v).trim();
      const hit = (f.values ?? []).find((x) => x.id === s || x.label.zh === s || x.label.en.toLowerCase() === s.toLowerCase());
      if (hit) return { ok: true, value: hit.id };
      const allowed = (f.values ?? []).map((x) => `${x.id} (${x.label.zh})`).join(', ');
      return { ok: false, code: 'invalid_enum', message: `${JSON.stringify(v)} is not one of ${allowed}` };
    }
    case 'string':
      return { ok: true, value: v instanceof Date ? v.toISOString().slice(0, 10) : String(v) };
    case 'list': {
      // Only in CSV: a list fact is a JSON array in one cell.
      if (typeof v !== 'string') return { ok: false, code: 'invalid_list', message: 'a list must be a JSON array, e.g. [{"name":"A","softwareRevenue":120}]' };
      try {
        const parsed = JSON.parse(v);
        if (!Array.isArray(parsed)) throw new Error('not an array');
        return { ok: true, value: parsed };
      } catch {
        return { ok: false, code: 'invalid_list', message: 'a list must be a JSON array, e.g. [{"name":"A","softwareRevenue":120}]' };
      }
    }
  }
}

/** The cell text a fact value is written as (booleans as 是/否, enums by id, lists as JSON). */
export function cellOf(f: FactDef | undefined, value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (f?.type === 'list' || Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}
