// Unit tests of the spreadsheet module: the template round trip, dossier and comparison export, and one test per kind of bad cell (asserting sheet, row and column).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSet, type CompiledRuleSet, type Dossier } from '../../engine/index.js';
import { buildTemplate, exportComparison, exportDossiers, readCsv, readWorkbook, SHEETS, type SheetIssue } from '../../server/spreadsheets/index.js';

const RULES = path.resolve(import.meta.dirname, '../../rules');
let compiled: CompiledRuleSet;
let samples: Dossier[];

beforeAll(() => {
  const c = compileRuleSet(JSON.parse(readFileSync(path.join(RULES, 'sfc-2017/v1.json'), 'utf8')));
  if (!c.ok) throw new Error('v1 does not compile');
  compiled = c.compiled;
  samples = readdirSync(path.join(RULES, 'samples'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(RULES, 'samples', f), 'utf8')));
});

/** Prepared fact values and evidence: what "equal facts" means, independent of nesting. */
function factsOf(d: unknown) {
  const r = compiled.checkDossier(d);
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  return { values: r.dossier.values, evidence: r.dossier.evidence };
}

async function load(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

/** The template filled with the given rows (values by fact id) on the dossier sheet, plus optional edits of other sheets. */
async function filled(rows: Record<string, unknown>[], edit?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = await load(await buildTemplate(compiled.ruleSet));
  const ws = wb.getWorksheet(SHEETS.dossiers)!;
  const keys = (ws.getRow(3).values as unknown[]).slice(1) as string[];
  for (const r of rows) ws.addRow(keys.map((k) => (k in r ? r[k] : null)));
  edit?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const minimal = (over: Record<string, unknown> = {}) => ({ cityId: 'testcity', cityName: '测试市', province: '测试省', period: 2019, applicationType: '综合型', ...over });

async function issuesOf(buf: Buffer): Promise<SheetIssue[]> {
  const r = await readWorkbook(compiled, buf);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
}
const where = (i: SheetIssue) => ({ code: i.code, sheet: i.sheet, row: i.row, column: i.column, field: i.field });

describe('template', () => {
  it('has the three header rows (Chinese with unit, English, fact id), a sheet per list fact, evidence and notes', async () => {
    const wb = await load(await buildTemplate(compiled.ruleSet));
    expect(wb.worksheets.map((w) => w.name)).toEqual([SHEETS.dossiers, 'largeFirms', SHEETS.evidence, SHEETS.notes]);
    const ws = wb.getWorksheet(SHEETS.dossiers)!;
    const ids = (ws.getRow(3).values as unknown[]).slice(1);
    const col = ids.indexOf('softwareRevenue') + 1;
    expect(ws.getRow(1).getCell(col).value).toBe('软件和信息技术服务业（软件业务）收入（亿元）');
    expect(ws.getRow(2).getCell(col).value).toBe('Software and IT services (software business) revenue (亿元)');
    expect(ids.slice(0, 6)).toEqual(['cityId', 'cityName', 'province', 'isMunicipality', 'period', 'applicationType']);
    expect(ws.getRow(1).getCell(ids.indexOf('largeFirms') + 1).value).toBe('软件业务收入过50亿元的企业（条目数，见 largeFirms 表）');
    expect(ws.getRow(1).getCell(1).value).toBe('城市标识 *');
    const lf = wb.getWorksheet('largeFirms')!;
    expect((lf.getRow(3).values as unknown[]).slice(1)).toEqual(['cityId', 'period', 'name', 'softwareRevenue']);
    const notes = wb.getWorksheet(SHEETS.notes)!;
    const helpRow = notes.getRows(1, notes.rowCount)!.find((r) => r.getCell(1).value === 'revenueGrowthPct')!;
    expect(helpRow.getCell(8).value).toBe('可选；未填时由本年与上年收入推算');
    expect(helpRow.getCell(5).value).toBe('%');
  });

  it('offers drop-down lists for yes/no and enum columns', async () => {
    const wb = await load(await buildTemplate(compiled.ruleSet));
    const ws = wb.getWorksheet(SHEETS.dossiers)!;
    const ids = (ws.getRow(3).values as unknown[]).slice(1);
    const bool = ws.getRow(4).getCell(ids.indexOf('isMunicipality') + 1).dataValidation;
    expect(bool).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    const en = ws.getRow(10).getCell(ids.indexOf('applicationType') + 1).dataValidation;
    expect(en).toMatchObject({ type: 'list', formulae: ['"综合型,特色型"'] });
  });
});

describe('round trip', () => {
  it('template filled with the 16 sample dossiers reads back to equal facts (values, evidence, sources, lists)', async () => {
    const buf = await exportDossiers(compiled.ruleSet, samples);
    const r = await readWorkbook(compiled, buf);
    if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 5)));
    expect(r.dossiers).toHaveLength(samples.length);
    r.dossiers.forEach((d, i) => expect(factsOf(d)).toEqual(factsOf(samples[i])));
    expect(r.dossiers.map((d) => d.meta?.title)).toEqual(samples.map((d) => d.meta?.title));
    expect(r.rows[0]).toEqual({ sheet: SHEETS.dossiers, row: 4, cityId: 'beijing', period: 2019 });
  });

  it('an exported file is the template layout (same header rows), so export → edit → import works', async () => {
    const a = await load(await buildTemplate(compiled.ruleSet));
    const b = await load(await exportDossiers(compiled.ruleSet, samples.slice(0, 2)));
    for (const r of [1, 2, 3]) expect(b.getWorksheet(SHEETS.dossiers)!.getRow(r).values).toEqual(a.getWorksheet(SHEETS.dossiers)!.getRow(r).values);
  });

  it('CSV export reads back to equal values (lists as JSON cells)', async () => {
    const csv = await exportDossiers(compiled.ruleSet, samples, 'csv');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const r = await readCsv(compiled, csv.toString('utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 5)));
    r.dossiers.forEach((d, i) => expect(factsOf(d).values).toEqual(factsOf(samples[i]).values));
  });

  it('accepts enum labels in either language, 是/否 and true/false, and numbers written as text with separators', async () => {
    const buf = await filled([minimal({ applicationType: 'Featured', isMunicipality: 'true', softwareRevenue: '1,450.5', period: '2019', fraudFound: '否' })]);
    const r = await readWorkbook(compiled, buf);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.dossiers[0].facts).toMatchObject({ applicationType: 'featured', isMunicipality: true, softwareRevenue: 1450.5, period: 2019, fraudFound: false });
  });
});

describe('every kind of bad cell is reported with its row and column, and nothing is returned', () => {
  // Column letters of sfc-2017@1's dossier sheet: A cityId, B cityName, C province, D isMunicipality, E period, F applicationType.
  const col = async (id: string) => {
    const wb = await load(await buildTemplate(compiled.ruleSet));
    const ids = (wb.getWorksheet(SHEETS.dossiers)!.getRow(3).values as unknown[]).slice(1);
    const n = ids.indexOf(id) + 1;
    let s = '';
    for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
    return s;
  };

  it('text in a number column', async () => {
    const issues = await issuesOf(await filled([minimal(), minimal({ cityId: 'b', softwareRevenue: '一千' })]));
    expect(issues.map(where)).toEqual([{ code: 'not_a_number', sheet: SHEETS.dossiers, row: 5, column: await col('softwareRevenue'), field: 'softwareRevenue' }]);
  });

  it('a fraction in an integer column', async () => {
    const issues = await issuesOf(await filled([minimal({ top100Firms: 2.5 })]));
    expect(issues.map(where)).toEqual([{ code: 'not_an_integer', sheet: SHEETS.dossiers, row: 4, column: await col('top100Firms'), field: 'top100Firms' }]);
  });

  it('a value out of range', async () => {
    const issues = await issuesOf(await filled([minimal({ rdExpensePct: 140 })]));
    expect(issues.map(where)).toEqual([{ code: 'out_of_range', sheet: SHEETS.dossiers, row: 4, column: await col('rdExpensePct'), field: 'rdExpensePct' }]);
  });

  it('a value not among the enum values', async () => {
    const issues = await issuesOf(await filled([minimal({ applicationType: '混合型' })]));
    expect(issues.map(where)).toEqual([{ code: 'invalid_enum', sheet: SHEETS.dossiers, row: 4, column: 'F', field: 'applicationType' }]);
  });

  it('a yes/no cell with something else', async () => {
    const issues = await issuesOf(await filled([minimal({ isMunicipality: '也许' })]));
    expect(issues.map(where)).toEqual([{ code: 'invalid_boolean', sheet: SHEETS.dossiers, row: 4, column: 'D', field: 'isMunicipality' }]);
  });

  it('an unknown column in the fact-id row', async () => {
    const buf = await filled([minimal()], (wb) => {
      const ws = wb.getWorksheet(SHEETS.dossiers)!;
      const n = ws.getRow(3).cellCount + 1;
      ws.getRow(3).getCell(n).value = 'softwareRevenu';
    });
    const issues = await issuesOf(buf);
    expect(issues.map(where)).toEqual([{ code: 'unknown_column', sheet: SHEETS.dossiers, row: 3, column: await col('meta.sources').then((c) => String.fromCharCode(c.charCodeAt(c.length - 1) + 1).padStart(c.length, c[0])), field: 'softwareRevenu' }]);
  });

  it('a required value left empty', async () => {
    const issues = await issuesOf(await filled([minimal({ province: null })]));
    expect(issues.map(where)).toEqual([{ code: 'missing_required_fact', sheet: SHEETS.dossiers, row: 4, column: 'C', field: 'province' }]);
  });

  it('the same city and period on two rows', async () => {
    const issues = await issuesOf(await filled([minimal(), minimal({ cityId: 'other' }), minimal()]));
    expect(issues.map(where)).toEqual([{ code: 'duplicate_row', sheet: SHEETS.dossiers, row: 6, column: 'A', field: 'cityId' }]);
  });

  it('an award that is not allowed (0.5: the awards are 0 or 1–3 in steps of 0.5)', async () => {
    const issues = await issuesOf(await filled([minimal({ 'bonusAwards.majorInnovation': 0.5 })]));
    expect(issues.map(where)).toEqual([{ code: 'invalid_award', sheet: SHEETS.dossiers, row: 4, column: await col('bonusAwards.majorInnovation'), field: 'bonusAwards.majorInnovation' }]);
  });

  it('a bad entry on a list sheet is reported on that sheet', async () => {
    const buf = await filled([minimal()], (wb) => {
      const ws = wb.getWorksheet('largeFirms')!;
      ws.addRow(['testcity', 2019, '甲', 80]);
      ws.addRow(['testcity', 2019, '乙', '很多']);
      ws.addRow(['testcity', 2019, '丙', -3]);
      ws.addRow(['nowhere', 2019, '丁', 60]);
    });
    const issues = await issuesOf(buf);
    expect(issues.map(where)).toEqual([
      { code: 'not_a_number', sheet: 'largeFirms', row: 5, column: 'D', field: 'softwareRevenue' },
      { code: 'unknown_city', sheet: 'largeFirms', row: 7, column: 'A', field: 'cityId' },
    ]);
    // The negative revenue is reported by the rule set's check once the sheet's cells parse.
    const buf2 = await filled([minimal()], (wb) => wb.getWorksheet('largeFirms')!.addRow(['testcity', 2019, '丙', -3]));
    expect((await issuesOf(buf2)).map(where)).toEqual([{ code: 'out_of_range', sheet: 'largeFirms', row: 4, column: 'D', field: 'softwareRevenue' }]);
  });

  it("a list's stated entry count: 0 states none, a count that does not match the sheet is reported", async () => {
    const none = await readWorkbook(compiled, await filled([minimal({ largeFirms: 0 })]));
    expect(none.ok && none.dossiers[0].facts.largeFirms).toEqual([]);
    const blank = await readWorkbook(compiled, await filled([minimal()]));
    expect(blank.ok && 'largeFirms' in blank.dossiers[0].facts).toBe(false);
    const buf = await filled([minimal({ largeFirms: 2 })], (wb) => wb.getWorksheet('largeFirms')!.addRow(['testcity', 2019, '甲', 80]));
    expect((await issuesOf(buf)).map(where)).toEqual([{ code: 'list_count_mismatch', sheet: SHEETS.dossiers, row: 4, column: await col('largeFirms'), field: 'largeFirms' }]);
  });

  it('evidence for a figure that has no value, or a page without its document', async () => {
    const buf = await filled([minimal({ softwareRevenue: 1200 })], (wb) => {
      const ws = wb.getWorksheet(SHEETS.evidence)!;
      ws.addRow(['testcity', 2019, 'softwareRevenuePrev', '统计公报', 3, 2019]);
      ws.addRow(['testcity', 2019, 'softwareRevenue', null, 12, 2019]);
    });
    expect((await issuesOf(buf)).map(where)).toEqual([
      { code: 'evidence_without_value', sheet: SHEETS.evidence, row: 4, column: 'C', field: 'softwareRevenuePrev' },
      { code: 'missing_document', sheet: SHEETS.evidence, row: 5, column: 'D', field: 'document' },
    ]);
  });

  it('many bad cells at once are all reported, in sheet, row, column order', async () => {
    const issues = await issuesOf(await filled([minimal({ softwareRevenue: 'abc', isMunicipality: 'x' }), minimal({ cityId: 'b', applicationType: 'z' })]));
    expect(issues.map((i) => `${i.column}${i.row}:${i.code}`)).toEqual(['D4:invalid_boolean', `${await col('softwareRevenue')}4:not_a_number`, 'F5:invalid_enum']);
  });

  it('CSV: bad cells by row and column; a file without the fact-id header row', async () => {
    const head = 'cityId,cityName,province,period,applicationType,softwareRevenue\n';
    const r = await readCsv(compiled, head + 'a,甲,省,2019,comprehensive,100\nb,乙,省,20x9,comprehensive,100\n');
    expect(r.ok ? [] : r.issues.map(where)).toEqual([{ code: 'not_a_number', sheet: 'CSV', row: 3, column: 'D', field: 'period' }]);
    const r2 = await readCsv(compiled, 'city,name\na,b\n');
    expect(r2.ok ? [] : r2.issues.map((i) => i.code)).toEqual(['missing_header']);
  });

  it('a file that is not a workbook', async () => {
    expect((await issuesOf(Buffer.from('hello'))).map((i) => i.code)).toEqual(['not_a_workbook']);
  });
});

describe('comparison export', () => {
  const matrix = {
    columns: [
      { label: 'sfc-2017@1', ruleSetId: 'sfc-2017', version: 1, draft: null, contentHash: 'sha256:a', interpretations: {} },
      { label: 'lower threshold', ruleSetId: 'sfc-2017', version: 2, draft: null, contentHash: 'sha256:b', interpretations: {} },
    ],
    rows: [
      {
        dossierId: 'x-2019', revision: 1, name: '甲市', changed: true,
        cells: [
          { ok: true, status: 'failed', passed: false, title: 'none', titleRank: 0, total: 72.5, rank: 2, changed: false },
          { ok: true, status: 'passed', passed: true, title: 'comprehensive', titleRank: 2, total: 81, rank: 1, changed: true },
        ],
      },
      {
        dossierId: 'y-2019', revision: 1, name: '乙市', changed: false,
        cells: [
          { ok: true, status: 'passed', passed: true, title: 'comprehensive', titleRank: 2, total: 90, rank: 1, changed: false },
          { ok: true, status: 'passed', passed: true, title: 'comprehensive', titleRank: 2, total: 80, rank: 2, changed: false },
        ],
      },
    ],
    changedDossiers: ['x-2019'],
  };
  const outcomes = compiledOutcomes();
  function compiledOutcomes() {
    return JSON.parse(readFileSync(path.join(RULES, 'sfc-2017/v1.json'), 'utf8')).outcomes;
  }

  it('xlsx: version labels over four columns, values, and the changed cells filled', async () => {
    const wb = await load(await exportComparison(matrix, { format: 'xlsx', outcomes }));
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(3).value).toBe('sfc-2017@1');
    expect(ws.getRow(1).getCell(7).value).toBe('lower threshold');
    expect(ws.getRow(2).getCell(3).value).toBe('总分 Total');
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(['甲市', 'x-2019', 72.5, '未通过 failed', '未授予称号 No title', 2, 81, '通过 passed', '中国软件名城 China Software Famous City', 1, '是']);
    expect((ws.getRow(3).getCell(7).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFE08A');
    expect(ws.getRow(3).getCell(3).fill).toBeUndefined();
    expect(ws.getRow(4).getCell(11).value).toBe('否');
  });

  it('CSV: one header row and one row per city', async () => {
    const csv = (await exportComparison(matrix, { format: 'csv', outcomes })).toString('utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0].split(',').slice(0, 4)).toEqual(['城市 City', '档案 Dossier', 'sfc-2017@1 总分 Total', 'sfc-2017@1 结论 Verdict']);
    expect(lines[1]).toBe('甲市,x-2019,72.5,未通过 failed,未授予称号 No title,2,81,通过 passed,中国软件名城 China Software Famous City,1,是');
  });
});
