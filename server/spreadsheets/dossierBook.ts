// Dossier spreadsheets with exceljs: the template generated from a rule set's facts, export of dossiers, and import of a filled workbook or CSV with every bad cell reported.
//
// Layout (documented in the template's Notes sheet and the README):
// - sheet "档案 Dossiers": header rows 1 (Chinese label and unit), 2 (English label), 3 (fact id, the machine key); one row per city and period from row 4;
// - one sheet per list fact, named by its fact id (e.g. "largeFirms"): one row per entry, keyed by cityId + period;
// - sheet "证据 Evidence": one row per figure with its document, page and year (and published source);
// - sheet "说明 Notes": each fact's help text, unit and allowed values.
// CSV holds only the dossier sheet; there a list fact is one column with a JSON array per cell, and evidence is not carried.
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import type { FactDef, RuleSet } from '../../engine/schema/ruleSet.js';
import type { Dossier } from '../../engine/schema/dossier.js';
import type { I18nText, Issue } from '../../engine/schema/common.js';
import {
  EVIDENCE_COLUMNS,
  HEADER_ROWS,
  SHEETS,
  cellOf,
  columnLetter,
  dossierColumns,
  listColumns,
  parseBoolean,
  parseFactCell,
  parseNumber,
  plainCell,
  type Cell,
  type Column,
} from './columns.js';

/** What the reader needs from a compiled rule set (engine's CompiledRuleSet, or the server's CompiledRuleSetApi). */
export interface DossierChecker {
  ruleSet: RuleSet;
  checkDossier(input: unknown): { ok: true; dossier: unknown; warnings?: Issue[] } | { ok: false; issues: Issue[] };
}

/** One bad cell (or header, or row): where it is and what is wrong with it. */
export interface SheetIssue {
  code: string;
  sheet: string;
  /** 1-based spreadsheet row. */
  row: number;
  /** Column letter, or null when the problem is the whole row or a missing column. */
  column: string | null;
  /** Fact id (or machine key) of the column. */
  field: string | null;
  message: string;
  /** The rule set's own words for a consistency warning, in both languages. */
  text?: I18nText;
}

export type ReadResult =
  | { ok: true; dossiers: Dossier[]; rows: { sheet: string; row: number; cityId: string; period: number }[]; warnings: SheetIssue[] }
  | { ok: false; issues: SheetIssue[] };

type Grid = { name: string; rows: Map<number, (Cell | Date)[]> };

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } };
const TEMPLATE_ROWS = 300;

// ---------------------------------------------------------------- writing

function headerRows(ws: ExcelJS.Worksheet, cols: { key: string; zh: string; en: string }[]): void {
  ws.addRow(cols.map((c) => c.zh));
  ws.addRow(cols.map((c) => c.en));
  ws.addRow(cols.map((c) => c.key));
  for (let r = 1; r <= HEADER_ROWS; r++) {
    const row = ws.getRow(r);
    row.font = r === 3 ? { color: { argb: 'FF6B7280' }, size: 9 } : { bold: r === 1 };
    row.eachCell((c) => (c.fill = HEADER_FILL));
  }
  ws.views = [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }];
  cols.forEach((c, i) => (ws.getColumn(i + 1).width = Math.min(40, Math.max(10, c.zh.length * 2 + 2))));
}

function allowedList(f: FactDef): string[] | null {
  if (f.type === 'boolean') return ['是', '否'];
  if (f.type === 'enum') {
    const labels = (f.values ?? []).map((v) => v.label.zh);
    const ok = labels.every((l) => !l.includes(',')) && labels.join(',').length < 250;
    return ok ? labels : (f.values ?? []).map((v) => v.id);
  }
  return null;
}

function addValidations(ws: ExcelJS.Worksheet, cols: Column[], lastRow: number): void {
  cols.forEach((c, i) => {
    if (!c.fact || c.kind !== 'fact') return;
    const range = `${columnLetter(i + 1)}${HEADER_ROWS + 1}:${columnLetter(i + 1)}${lastRow}`;
    const list = allowedList(c.fact);
    const f = c.fact;
    // exceljs keeps range validations in worksheet.dataValidations (not in its .d.ts).
    const dv = (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
    if (list) dv.add(range, { type: 'list', allowBlank: true, formulae: [`"${list.join(',')}"`], showErrorMessage: true, errorTitle: f.label.zh, error: `${f.label.zh}: ${list.join(' / ')}` });
    else if ((f.type === 'number' || f.type === 'integer') && !f.discretionary)
      dv.add(range, {
        type: f.type === 'integer' ? 'whole' : 'decimal',
        allowBlank: true,
        operator: 'between',
        formulae: [f.min ?? -1e15, f.max ?? 1e15],
        showErrorMessage: true,
        errorTitle: f.label.zh,
        error: `${f.label.zh}${f.unit ? `（${f.unit}）` : ''}: ${f.min ?? '−∞'} – ${f.max ?? '∞'}`,
      });
  });
}

function rangeText(f: FactDef): string {
  if (f.type === 'boolean') return '是 / 否 (true / false)';
  if (f.type === 'enum') return (f.values ?? []).map((v) => `${v.id} = ${v.label.zh} / ${v.label.en}`).join('\n');
  if (f.discretionary) {
    const d = f.discretionary;
    return `${d.allowZero ? '0, ' : ''}${d.min}–${d.max}, step ${d.step}`;
  }
  if (f.type === 'list') return (f.item ?? []).map((it) => `${it.id}: ${it.label.zh} / ${it.label.en}${it.unit ? ` (${it.unit})` : ''}`).join('\n');
  if (f.min !== undefined || f.max !== undefined) return `${f.min ?? '−∞'} – ${f.max ?? '∞'}${f.type === 'integer' ? ' (integer)' : ''}`;
  return f.type === 'integer' ? 'integer' : '';
}

function notesSheet(wb: ExcelJS.Workbook, ruleSet: RuleSet): void {
  const ws = wb.addWorksheet(SHEETS.notes);
  ws.addRow([`${ruleSet.title.zh} · ${ruleSet.id}@${ruleSet.version}`]);
  ws.addRow([
    '第1行：中文名称（单位），第2行：英文名称，第3行：字段标识（勿改）；自第4行起每行一个城市和年度。列表字段（如过50亿元企业）填写在以字段标识命名的工作表中；各数值的证明文件（文件、页码、年份）填写在“证据 Evidence”表中。带 * 的为必填项。是/否字段填写 是 或 否。',
  ]);
  ws.addRow([
    'Row 1: Chinese label (unit); row 2: English label; row 3: fact id (do not edit); from row 4 one row per city and period. List facts (e.g. firms over 50亿) go on the sheet named by their fact id; evidence for each figure (document, page, year) on the "证据 Evidence" sheet. * marks a required column. Yes/no columns take 是 or 否.',
  ]);
  ws.addRow([]);
  const head = ['字段标识 Fact id', '中文名称', 'English', '类型 Type', '单位 Unit', '必填 Required', '取值 Allowed values', '说明', 'Help', '条款 Clauses', '工作表 Sheet'];
  ws.addRow(head).font = { bold: true };
  for (const f of ruleSet.facts) {
    ws.addRow([
      f.id,
      f.label.zh,
      f.label.en,
      f.type,
      f.unit ?? '',
      f.required ? '是' : '',
      rangeText(f),
      f.help?.zh ?? '',
      f.help?.en ?? '',
      f.cites.join(', '),
      f.type === 'list' ? f.id : SHEETS.dossiers,
    ]);
  }
  [24, 28, 34, 10, 10, 8, 36, 40, 40, 14, 16].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.getColumn(7).alignment = { wrapText: true, vertical: 'top' };
}

function getRaw(facts: Record<string, unknown>, id: string): unknown {
  if (id in facts) return facts[id];
  let v: unknown = facts;
  for (const p of id.split('.')) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function unwrap(f: FactDef | undefined, raw: unknown): { value: unknown; extra: Record<string, unknown> | null } {
  if (f?.type !== 'list' && raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw) {
    const { value, ...extra } = raw as Record<string, unknown>;
    return { value, extra };
  }
  return { value: raw, extra: null };
}

function metaCell(d: Dossier, key: string): Cell {
  const m = d.meta ?? {};
  switch (key) {
    case 'meta.title':
      return m.title ?? null;
    case 'meta.notes':
      return m.notes ?? null;
    case 'meta.illustrative':
      return m.illustrative === undefined ? null : m.illustrative ? '是' : '否';
    case 'meta.sources':
      return m.sources?.length ? m.sources.join('\n') : null;
  }
  return null;
}

function fillWorkbook(wb: ExcelJS.Workbook, ruleSet: RuleSet, dossiers: Dossier[]): void {
  const cols = dossierColumns(ruleSet);
  const ws = wb.addWorksheet(SHEETS.dossiers);
  headerRows(ws, cols);
  const evidenceRows: Cell[][] = [];
  const idFact = ruleSet.subject.idFact;
  const periodFact = ruleSet.subject.periodFact;
  for (const d of dossiers) {
    const facts = d.facts as Record<string, unknown>;
    const key = [unwrap(undefined, getRaw(facts, idFact)).value, unwrap(undefined, getRaw(facts, periodFact)).value] as Cell[];
    ws.addRow(
      cols.map((c) => {
        if (c.kind === 'meta') return metaCell(d, c.key);
        if (c.kind === 'count') {
          const items = getRaw(facts, c.key);
          return Array.isArray(items) ? items.length : null;
        }
        const { value, extra } = unwrap(c.fact, getRaw(facts, c.key));
        if (extra) {
          const ev = (extra.evidence ?? {}) as { document?: string; page?: string | number; year?: number };
          evidenceRows.push([...key, c.key, ev.document ?? null, ev.page ?? null, ev.year ?? null, (extra.source as string) ?? null, extra.illustrative === undefined ? null : extra.illustrative ? '是' : '否']);
        }
        return cellOf(c.fact, value);
      }),
    );
  }
  addValidations(ws, cols, Math.max(TEMPLATE_ROWS, dossiers.length + HEADER_ROWS + 50));
  for (const f of ruleSet.facts.filter((x) => x.type === 'list')) {
    const lc = listColumns(ruleSet, f);
    const ls = wb.addWorksheet(f.id.slice(0, 31));
    headerRows(ls, lc);
    for (const d of dossiers) {
      const facts = d.facts as Record<string, unknown>;
      const items = getRaw(facts, f.id);
      if (!Array.isArray(items)) continue;
      const key = [unwrap(undefined, getRaw(facts, idFact)).value, unwrap(undefined, getRaw(facts, periodFact)).value] as Cell[];
      for (const it of items as Record<string, unknown>[]) ls.addRow([...key, ...lc.slice(2).map((c) => cellOf(undefined, it[c.key]))]);
    }
  }
  const es = wb.addWorksheet(SHEETS.evidence);
  headerRows(es, [...EVIDENCE_COLUMNS]);
  for (const r of evidenceRows) es.addRow(r);
  notesSheet(wb, ruleSet);
}

function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mingcheng 名城';
  return wb;
}

/** The import template of a rule set: the dossier sheet with its three header rows, a sheet per list fact, the evidence sheet and the notes. */
export async function buildTemplate(ruleSet: RuleSet): Promise<Buffer> {
  const wb = newWorkbook();
  fillWorkbook(wb, ruleSet, []);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Dossiers written in the template's layout (.xlsx), or the dossier sheet alone as CSV (lists as JSON cells, no evidence). */
export async function exportDossiers(ruleSet: RuleSet, dossiers: Dossier[], format: 'xlsx' | 'csv' = 'xlsx'): Promise<Buffer> {
  const wb = newWorkbook();
  if (format === 'xlsx') {
    fillWorkbook(wb, ruleSet, dossiers);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const cols = csvColumns(ruleSet);
  const ws = wb.addWorksheet(SHEETS.dossiers);
  ws.addRow(cols.map((c) => c.zh));
  ws.addRow(cols.map((c) => c.en));
  ws.addRow(cols.map((c) => c.key));
  for (const d of dossiers) ws.addRow(cols.map((c) => (c.kind === 'meta' ? metaCell(d, c.key) : cellOf(c.fact, unwrap(c.fact, getRaw(d.facts as Record<string, unknown>, c.key)).value))));
  return csvBuffer(wb);
}

/** CSV bytes of a workbook's first sheet, UTF-8 with a byte-order mark so Excel reads Chinese correctly. */
export async function csvBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  const body = Buffer.from(await wb.csv.writeBuffer({ formatterOptions: { writeBOM: false }, map: (v: unknown) => (v === null || v === undefined ? '' : v) } as never));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
}

function csvColumns(ruleSet: RuleSet): Column[] {
  return dossierColumns(ruleSet).map((c) => (c.kind === 'count' ? { ...c, kind: 'fact' as const, zh: `${c.fact!.label.zh}（JSON）`, en: `${c.fact!.label.en} (JSON)` } : c));
}

// ---------------------------------------------------------------- reading

function gridOf(ws: ExcelJS.Worksheet): Grid {
  const rows = new Map<number, (Cell | Date)[]>();
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const vals = (row.values as unknown[]).slice(1).map(plainCell);
    if (vals.some((v) => v !== null)) rows.set(n, vals);
  });
  return { name: ws.name, rows };
}

/** Finds the machine-key header row (the one naming `keyField`) among the first three rows. */
function keyRow(g: Grid, keyField: string): number | null {
  for (let r = 1; r <= HEADER_ROWS; r++) if ((g.rows.get(r) ?? []).some((v) => v === keyField)) return r;
  return null;
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

interface RowRef {
  sheet: string;
  row: number;
  /** Column letter per field on the dossier sheet. */
  cols: Map<string, string>;
  /** List entries: fact id → per item, its sheet, row and column letters. */
  items: Map<string, { sheet: string; row: number; cols: Map<string, string> }[]>;
  /** Evidence rows per fact. */
  evidence: Map<string, number>;
  /** Stated entry counts of list facts. */
  counts: Map<string, number>;
  /** Fields already reported bad on this row (their value was left out, so the rule set's check would report them again). */
  bad: Set<string>;
}

/** Reads the grids of a dossier sheet (and list and evidence sheets) into dossiers; all problems are collected, none thrown. */
function readGrids(checker: DossierChecker, main: Grid, lists: Map<string, Grid>, evidence: Grid | null, inlineLists: boolean): ReadResult {
  const rs = checker.ruleSet;
  const issues: SheetIssue[] = [];
  const add = (sheet: string, row: number, column: string | null, field: string | null, code: string, message: string) =>
    issues.push({ code, sheet, row, column, field, message: `${sheet} ${column ?? ''}${row}${field ? ` (${field})` : ''}: ${message}` });
  const idFact = rs.subject.idFact;
  const periodFact = rs.subject.periodFact;
  const known = new Map<string, Column>((inlineLists ? csvColumns(rs) : dossierColumns(rs)).map((c) => [c.key, c]));

  const kr = keyRow(main, idFact);
  if (kr === null) {
    add(main.name, 1, null, null, 'missing_header', `no header row naming the fact ids (row ${HEADER_ROWS} of the template, with "${idFact}")`);
    return { ok: false, issues };
  }
  const colMap = new Map<number, Column>();
  const seenKeys = new Map<string, string>();
  (main.rows.get(kr) ?? []).forEach((v, i) => {
    if (v === null) return;
    const letter = columnLetter(i + 1);
    const key = String(v);
    const c = known.get(key);
    if (!c) return add(main.name, kr, letter, key, 'unknown_column', `"${key}" is not a fact of ${rs.id}@${rs.version}${lists.size === 0 && rs.facts.some((f) => f.id === key) ? ' (list facts go on their own sheet)' : ''}`);
    if (seenKeys.has(key)) return add(main.name, kr, letter, key, 'duplicate_column', `"${key}" is also column ${seenKeys.get(key)}`);
    seenKeys.set(key, letter);
    colMap.set(i, c);
  });
  const missingColumns = new Set<string>();
  for (const f of rs.facts) {
    if (f.required && f.type !== 'list' && !seenKeys.has(f.id)) {
      missingColumns.add(f.id);
      add(main.name, kr, null, f.id, 'missing_column', `required column "${f.id}" (${f.label.zh}) is absent`);
    }
  }

  const dossiers: Dossier[] = [];
  const refs: RowRef[] = [];
  const byKey = new Map<string, number>();
  for (const [r, vals] of [...main.rows.entries()].sort((a, b) => a[0] - b[0])) {
    if (r <= kr) continue;
    const facts: Record<string, unknown> = {};
    const meta: NonNullable<Dossier['meta']> = {};
    const ref: RowRef = { sheet: main.name, row: r, cols: new Map(seenKeys), items: new Map(), evidence: new Map(), bad: new Set(), counts: new Map() };
    vals.forEach((v, i) => {
      const c = colMap.get(i);
      if (!c || v === null) return;
      const letter = columnLetter(i + 1);
      if (c.kind === 'meta') {
        if (c.key === 'meta.illustrative') {
          const b = parseBoolean(v);
          if (b.ok) meta.illustrative = b.value as boolean;
          else add(main.name, r, letter, c.key, b.code, b.message);
        } else if (c.key === 'meta.sources') meta.sources = String(v).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
        else meta[c.key === 'meta.title' ? 'title' : 'notes'] = v instanceof Date ? v.toISOString() : String(v);
        return;
      }
      if (c.kind === 'count') {
        const n = parseNumber(v, true);
        if (!n.ok || (n.value as number) < 0) {
          ref.bad.add(c.key);
          return add(main.name, r, letter, c.key, n.ok ? 'out_of_range' : n.code, n.ok ? `${v} entries: give 0 or more` : n.message);
        }
        ref.counts.set(c.key, n.value as number);
        if (n.value === 0) setNested(facts, c.key, []);
        return;
      }
      const p = parseFactCell(c.fact!, v);
      if (!p.ok) {
        ref.bad.add(c.key);
        return add(main.name, r, letter, c.key, p.code, p.message);
      }
      setNested(facts, c.key, p.value);
    });
    const cityId = facts[idFact];
    const period = facts[periodFact];
    if (cityId !== undefined && period !== undefined) {
      const k = `${cityId}|${period}`;
      const prev = byKey.get(k);
      if (prev !== undefined) {
        add(main.name, r, seenKeys.get(idFact) ?? null, idFact, 'duplicate_row', `${cityId} ${period} is already on row ${refs[prev].row}`);
        continue;
      }
      byKey.set(k, dossiers.length);
    }
    dossiers.push({ dossierFormat: 1, facts, ...(Object.keys(meta).length ? { meta } : {}) });
    refs.push(ref);
  }

  for (const [factId, g] of lists) {
    const f = rs.facts.find((x) => x.id === factId)!;
    const lc = listColumns(rs, f);
    const lkr = keyRow(g, idFact);
    if (lkr === null) {
      if (g.rows.size > 0) add(g.name, 1, null, null, 'missing_header', `no header row naming "${idFact}"`);
      continue;
    }
    const lcols = new Map<number, (typeof lc)[number]>();
    const lletters = new Map<string, string>();
    (g.rows.get(lkr) ?? []).forEach((v, i) => {
      if (v === null) return;
      const c = lc.find((x) => x.key === String(v));
      if (!c) return add(g.name, lkr, columnLetter(i + 1), String(v), 'unknown_column', `"${v}" is not a field of ${factId}`);
      lcols.set(i, c);
      lletters.set(c.key, columnLetter(i + 1));
    });
    for (const [r, vals] of [...g.rows.entries()].sort((a, b) => a[0] - b[0])) {
      if (r <= lkr) continue;
      const item: Record<string, unknown> = {};
      let badCell = false;
      vals.forEach((v, i) => {
        const c = lcols.get(i);
        if (!c || v === null) return;
        const p = c.type === 'boolean' ? parseBoolean(v) : c.type === 'number' || c.type === 'integer' ? parseNumber(v, c.type === 'integer') : { ok: true as const, value: v instanceof Date ? v.toISOString() : String(v) };
        if (!p.ok) {
          badCell = true;
          return add(g.name, r, columnLetter(i + 1), c.key, p.code, p.message);
        }
        item[c.key] = p.value;
      });
      const k = `${item[idFact]}|${item[periodFact]}`;
      const di = byKey.get(k);
      if (di === undefined) {
        add(g.name, r, lletters.get(idFact) ?? null, idFact, 'unknown_city', `no row for ${item[idFact] ?? '(no city)'} ${item[periodFact] ?? '(no period)'} on ${main.name}`);
        continue;
      }
      const { [idFact]: _c, [periodFact]: _p, ...entry } = item;
      const facts = dossiers[di].facts as Record<string, unknown>;
      const list = (getRaw(facts, factId) as unknown[] | undefined) ?? [];
      if (!badCell) {
        list.push(entry);
        setNested(facts, factId, list);
      } else refs[di].bad.add(factId);
      const refItems = refs[di].items.get(factId) ?? [];
      if (!badCell) refItems.push({ sheet: g.name, row: r, cols: lletters });
      refs[di].items.set(factId, refItems);
    }
  }

  // A stated entry count must match the entries on the list's sheet.
  refs.forEach((ref, i) => {
    for (const [factId, n] of ref.counts) {
      if (ref.bad.has(factId)) continue;
      const got = ref.items.get(factId)?.length ?? 0;
      if (got !== n) {
        ref.bad.add(factId);
        add(main.name, ref.row, ref.cols.get(factId) ?? null, factId, 'list_count_mismatch', `${n} entries stated, ${got} on sheet ${factId}`);
      }
    }
    void i;
  });

  if (evidence) {
    const ekr = keyRow(evidence, 'fact');
    const letters = new Map<string, string>();
    const ecols = new Map<number, string>();
    if (ekr !== null)
      (evidence.rows.get(ekr) ?? []).forEach((v, i) => {
        if (v === null) return;
        if (!EVIDENCE_COLUMNS.some((c) => c.key === v)) return add(evidence.name, ekr, columnLetter(i + 1), String(v), 'unknown_column', `"${v}" is not an evidence column`);
        ecols.set(i, String(v));
        letters.set(String(v), columnLetter(i + 1));
      });
    else if (evidence.rows.size > 0) add(evidence.name, 1, null, null, 'missing_header', 'no header row naming "fact"');
    for (const [r, vals] of [...evidence.rows.entries()].sort((a, b) => a[0] - b[0])) {
      if (ekr === null || r <= ekr) continue;
      const e: Record<string, Cell | Date> = {};
      vals.forEach((v, i) => ecols.has(i) && (e[ecols.get(i)!] = v));
      const at = (k: string) => letters.get(k) ?? null;
      const period = parseNumber(e.period ?? null, true);
      const di = period.ok ? byKey.get(`${e.cityId}|${period.value}`) : undefined;
      if (di === undefined) {
        add(evidence.name, r, at('cityId'), 'cityId', 'unknown_city', `no row for ${e.cityId ?? '(no city)'} ${e.period ?? '(no period)'} on ${main.name}`);
        continue;
      }
      const factId = String(e.fact ?? '');
      const f = rs.facts.find((x) => x.id === factId);
      if (!f || f.type === 'list') {
        add(evidence.name, r, at('fact'), 'fact', 'unknown_fact', `"${factId}" is not a scalar fact of ${rs.id}@${rs.version}`);
        continue;
      }
      const facts = dossiers[di].facts as Record<string, unknown>;
      const value = getRaw(facts, factId);
      if (value === undefined) {
        if (!refs[di].bad.has(factId)) add(evidence.name, r, at('fact'), factId, 'evidence_without_value', `${factId} has no value on ${main.name} row ${refs[di].row}`);
        continue;
      }
      const wrapped: Record<string, unknown> = { value };
      const ev: Record<string, unknown> = {};
      let bad = false;
      if (e.document !== undefined && e.document !== null) ev.document = String(e.document);
      if (e.page !== undefined && e.page !== null) {
        const p = parseNumber(e.page, true);
        ev.page = p.ok ? p.value : String(e.page);
      }
      if (e.year !== undefined && e.year !== null) {
        const y = parseNumber(e.year, true);
        if (y.ok) ev.year = y.value;
        else (bad = true), add(evidence.name, r, at('year'), 'year', y.code, y.message);
      }
      if ((ev.page !== undefined || ev.year !== undefined) && ev.document === undefined) {
        bad = true;
        add(evidence.name, r, at('document'), 'document', 'missing_document', 'a page or year needs the document it refers to');
      }
      if (e.illustrative !== undefined && e.illustrative !== null) {
        const b = parseBoolean(e.illustrative);
        if (b.ok) wrapped.illustrative = b.value;
        else (bad = true), add(evidence.name, r, at('illustrative'), 'illustrative', b.code, b.message);
      }
      if (e.source !== undefined && e.source !== null) wrapped.source = String(e.source);
      if (Object.keys(ev).length) wrapped.evidence = ev;
      if (bad) continue;
      refs[di].evidence.set(factId, r);
      setNested(facts, factId, wrapped);
    }
  }

  // The rule set's own dossier check: ranges, awards, required facts; each issue mapped back to its cell.
  const factIds = rs.facts.map((f) => f.id).sort((a, b) => b.length - a.length);
  const warnings: SheetIssue[] = [];
  dossiers.forEach((d, i) => {
    const ref = refs[i];
    const out = checker.checkDossier(d);
    // Consistency warnings do not stop the import; they are listed beside it, each at its cell.
    const found = out.ok ? (out.warnings ?? []) : out.issues;
    for (const is of found) {
      const put = (sheet: string, row: number, column: string | null, field: string | null, code: string, message: string) =>
        out.ok ? warnings.push({ code, sheet, row, column, field, message, ...(is.text ? { text: is.text } : {}) }) : add(sheet, row, column, field, code, message);
      const rest = is.path[0] === 'facts' ? is.path.slice(1) : is.path;
      const dotted = rest.filter((p) => typeof p === 'string').join('.');
      const factId = factIds.find((id) => dotted === id || dotted.startsWith(id + '.')) ?? null;
      if (!factId) {
        put(ref.sheet, ref.row, null, null, is.code, is.message);
        continue;
      }
      if (ref.bad.has(factId) || missingColumns.has(factId)) continue;
      const idx = rest.findIndex((p) => typeof p === 'number');
      const item = idx >= 0 ? ref.items.get(factId)?.[rest[idx] as number] : undefined;
      if (item) {
        const field = String(rest[idx + 1] ?? '');
        put(item.sheet, item.row, item.cols.get(field) ?? null, field || factId, is.code, is.message);
      } else if (rest.includes('evidence') && ref.evidence.has(factId)) {
        put(SHEETS.evidence, ref.evidence.get(factId)!, null, factId, is.code, is.message);
      } else put(ref.sheet, ref.row, ref.cols.get(factId) ?? null, factId, is.code, is.message);
    }
  });

  if (issues.length) {
    const sheetOrder = [main.name, ...lists.keys(), evidence?.name ?? ''];
    issues.sort((a, b) => sheetOrder.indexOf(a.sheet) - sheetOrder.indexOf(b.sheet) || a.row - b.row || (a.column ?? '').length - (b.column ?? '').length || (a.column ?? '').localeCompare(b.column ?? ''));
    return { ok: false, issues };
  }
  return {
    ok: true,
    dossiers,
    warnings,
    rows: refs.map((r, i) => ({ sheet: r.sheet, row: r.row, cityId: String(getRaw(dossiers[i].facts as Record<string, unknown>, idFact)), period: Number(getRaw(dossiers[i].facts as Record<string, unknown>, periodFact)) })),
  };
}

/** Reads a filled template (.xlsx): every bad cell is reported by sheet, row and column; dossiers only when the whole file is clean. */
export async function readWorkbook(checker: DossierChecker, buffer: Buffer | ArrayBuffer | Uint8Array): Promise<ReadResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as never);
  } catch (err) {
    return { ok: false, issues: [{ code: 'not_a_workbook', sheet: '', row: 0, column: null, field: null, message: `the file is not an .xlsx workbook (${(err as Error).message})` }] };
  }
  const main = wb.getWorksheet(SHEETS.dossiers) ?? wb.worksheets[0];
  if (!main) return { ok: false, issues: [{ code: 'missing_sheet', sheet: SHEETS.dossiers, row: 0, column: null, field: null, message: `the workbook has no "${SHEETS.dossiers}" sheet` }] };
  const lists = new Map<string, Grid>();
  for (const f of checker.ruleSet.facts.filter((x) => x.type === 'list')) {
    const ws = wb.getWorksheet(f.id.slice(0, 31));
    if (ws) lists.set(f.id, gridOf(ws));
  }
  const ev = wb.getWorksheet(SHEETS.evidence);
  return readGrids(checker, gridOf(main), lists, ev ? gridOf(ev) : null, false);
}

/** Reads a CSV of the dossier sheet (header rows as in the template, at least the fact-id row; list facts as JSON cells). */
export async function readCsv(checker: DossierChecker, text: string): Promise<ReadResult> {
  const wb = new ExcelJS.Workbook();
  const ws = await wb.csv.read(Readable.from([text.replace(/^\uFEFF/, '')]), { map: (v: string) => (v === '' ? null : v) } as never);
  const grid = gridOf(ws);
  grid.name = 'CSV';
  return readGrids(checker, grid, new Map(), null, true);
}
