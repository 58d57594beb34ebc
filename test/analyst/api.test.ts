// API tests of the analyst endpoints on the real engine: template, import (dry run, all-or-nothing, 422 with cells), export, comparison export, sweep, flips, drill-down and the dossier list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import * as engine from '../../engine/index.js';
import type { EngineApi } from '../../server/engine.js';
import { makeServer, type TestServer } from '../server/helpers.js';
import { readCsv, SHEETS } from '../../server/spreadsheets/index.js';

const realEngine: EngineApi = engine;
let t: TestServer;
beforeAll(async () => {
  t = await makeServer(realEngine, { samples: true, bodyLimit: '10mb' });
});
afterAll(async () => {
  expect(t.internalErrors).toEqual([]);
  await t.cleanup();
});

/** supertest parser that keeps a binary body as a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function workbook(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

describe('spreadsheets over HTTP', () => {
  it('GET template: an .xlsx named by the version, with the fact-id header row', async () => {
    const res = await request(t.app).get('/api/analysis/template?ruleSet=sfc-2017@1').set(t.auth('viewer')).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain('dossier-template-sfc-2017@1.xlsx');
    const wb = await workbook(res.body);
    expect((wb.getWorksheet(SHEETS.dossiers)!.getRow(3).values as unknown[]).slice(1, 4)).toEqual(['cityId', 'cityName', 'province']);
  });

  it('export → import round trip: a dry run stores nothing and says what would change; the real import stores one revision per changed dossier', async () => {
    const exp = await request(t.app).get('/api/analysis/export?ruleSet=sfc-2017@1&period=2019').set(t.auth('viewer')).buffer(true).parse(binary);
    expect(exp.status).toBe(200);
    const wb = await workbook(exp.body);
    const ws = wb.getWorksheet(SHEETS.dossiers)!;
    const ids = (ws.getRow(3).values as unknown[]).slice(1);
    expect(ws.getRow(4).getCell(1).value).toBe('beijing');
    ws.getRow(4).getCell(ids.indexOf('softwareRevenue') + 1).value = 12000;
    ws.addRow(ids.map((k) => ({ cityId: 'newtown', cityName: '新城', province: '某省', period: 2019, applicationType: '特色型' })[k as string] ?? null));
    const content = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const before = await t.snapshot();
    const dry = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1&dryRun=true').set(t.auth('analyst')).send({ format: 'xlsx', content });
    expect(dry.status).toBe(200);
    expect(dry.body.dossiers.map((d: { id: string; action: string; row: number }) => [d.id, d.action, d.row])).toEqual([
      ['beijing-2019', 'update', 4],
      ['shenzhen-2019', 'unchanged', 5],
      ['xian-2019', 'unchanged', 6],
      ['newtown-2019', 'create', 7],
    ]);
    expect(await t.snapshot()).toBe(before);
    const real = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'xlsx', content, filename: 'cities.xlsx' });
    expect(real.status).toBe(200);
    expect(real.body.dossiers.map((d: { revision: number | null }) => d.revision)).toEqual([2, null, null, 1]);
    const bj = await request(t.app).get('/api/dossiers/beijing-2019').set(t.auth('viewer'));
    expect(bj.body.dossier.facts.softwareRevenue).toEqual({ value: 12000, source: expect.any(String) });
  });

  it('a file with bad cells: 422 with every cell by sheet, row and column, and nothing stored', async () => {
    const tpl = await request(t.app).get('/api/analysis/template?ruleSet=sfc-2017@1').set(t.auth('viewer')).buffer(true).parse(binary);
    const wb = await workbook(tpl.body);
    const ws = wb.getWorksheet(SHEETS.dossiers)!;
    ws.addRow(['good', '好', '省', '否', 2019, '综合型']);
    ws.addRow(['bad', '坏', '省', '也许', 2019, '混合型']);
    const before = await t.snapshot();
    const res = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_dossier');
    expect(res.body.error.issues.map((i: { code: string; path: unknown[] }) => [i.code, ...i.path])).toEqual([
      ['invalid_boolean', SHEETS.dossiers, 5, 'D'],
      ['invalid_enum', SHEETS.dossiers, 5, 'F'],
    ]);
    expect(res.body.error.cells[0]).toMatchObject({ sheet: SHEETS.dossiers, row: 5, column: 'D', field: 'isMunicipality' });
    expect(await t.snapshot()).toBe(before);
  });

  it('CSV import; a viewer may not import', async () => {
    const csv = 'cityId,cityName,province,period,applicationType\ncsvtown,表城,省,2020,comprehensive\n';
    expect((await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('viewer')).send({ format: 'csv', content: csv })).status).toBe(403);
    const res = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'csv', content: csv });
    expect(res.status).toBe(200);
    expect(res.body.dossiers).toEqual([{ id: 'csvtown-2020', sheet: 'CSV', row: 2, cityId: 'csvtown', period: 2020, action: 'create', revision: 1 }]);
  });

  it('CSV export: the three header rows, then one row per dossier; a file that is not a workbook is refused with 422', async () => {
    const res = await request(t.app).get('/api/analysis/export?ruleSet=sfc-2017@1&period=2018&format=csv').set(t.auth('viewer'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const v1 = engine.compileRuleSet((await request(t.app).get('/api/rulesets/sfc-2017/versions/1').set(t.auth('viewer'))).body.document);
    if (!v1.ok) throw new Error('v1');
    const back = await readCsv(v1.compiled, res.text);
    expect(back.ok && back.rows.map((r) => [r.cityId, r.row])).toEqual([['tianjin', 4], ['wuhan', 5]]);
    const bad = await request(t.app).post('/api/analysis/import?ruleSet=sfc-2017@1').set(t.auth('analyst')).send({ format: 'xlsx', content: Buffer.from('not a zip').toString('base64') });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues.map((i: { code: string }) => i.code)).toEqual(['not_a_workbook']);
  });

  it('POST comparison export: the batch matrix as .xlsx with the changed cells marked, and as CSV', async () => {
    const batch = await request(t.app)
      .post('/api/batch')
      .set(t.auth('analyst'))
      .send({ filter: { period: 2020 }, versions: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', interpretations: { 'interp:bonus-cap': 'cap-10' }, label: 'cap-10' }] });
    expect(batch.status).toBe(200);
    expect(batch.body.changedDossiers).toEqual(['chongqing-2020']);
    const x = await request(t.app).post('/api/analysis/comparison/export').set(t.auth('analyst')).send({ matrix: batch.body, format: 'xlsx', ruleSet: 'sfc-2017@1' }).buffer(true).parse(binary);
    expect(x.status).toBe(200);
    const ws = (await workbook(x.body)).worksheets[0];
    const row = ws.getRows(3, ws.rowCount - 2)!.find((r) => r.getCell(2).value === 'chongqing-2020')!;
    expect([row.getCell(3).value, row.getCell(5).value, row.getCell(7).value, row.getCell(9).value, row.getCell(11).value]).toEqual([100.5, '中国软件名城 China Software Famous City', 98, '未授予称号 No title', '是']);
    const c = await request(t.app).post('/api/analysis/comparison/export').set(t.auth('analyst')).send({ matrix: batch.body, format: 'csv' });
    expect(c.headers['content-type']).toContain('text/csv');
    expect(c.text).toContain('chongqing-2020,100.5,通过 passed,comprehensive,');
  });
});

describe('sensitivity on the fast path', () => {
  it('sweeps the revenue threshold from 500 to 2000 in 16 steps: pass counts fall and the flips name the cities and values', async () => {
    const res = await request(t.app).post('/api/analysis/sweep').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', parameter: 'revenueThreshold', from: 500, to: 2000, steps: 16 });
    expect(res.status).toBe(200);
    expect(res.body.points.map((p: { value: number }) => p.value)).toEqual([500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000]);
    const passed = res.body.points.map((p: { passed: number }) => p.passed);
    expect(passed[0]).toBeGreaterThan(passed.at(-1));
    expect(res.body.flips.find((f: { subjectId: string }) => f.subjectId === 'fuzhou').changes).toEqual([{ at: 1000, from: 'passed:featured', to: 'failed:none' }]);
    expect(typeof res.body.elapsedMs).toBe('number');
  });

  it('refuses an unknown parameter and a sweep without values', async () => {
    expect((await request(t.app).post('/api/analysis/sweep').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', parameter: 'nope', values: [1] })).status).toBe(400);
    expect((await request(t.app).post('/api/analysis/sweep').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', parameter: 'revenueThreshold', from: 1 })).status).toBe(400);
  });

  it('flips each interpretation: the 10-point bonus cap fails chongqing', async () => {
    const res = await request(t.app).post('/api/analysis/flips').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', period: 2020 });
    expect(res.status).toBe(200);
    const cap = res.body.flips.find((f: { option: string }) => f.option === 'cap-10');
    expect(cap.changed.find((c: { subjectId: string }) => c.subjectId === 'chongqing')).toMatchObject({ from: 'passed:comprehensive', to: 'failed:none', totalFrom: 100.5, totalTo: 98 });
  });
});

describe('drill-down and dossier list', () => {
  it('explains which rule change moved which points for one city', async () => {
    const res = await request(t.app)
      .post('/api/analysis/explain')
      .set(t.auth('analyst'))
      .send({ dossierId: 'chongqing-2020', columns: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: 'sfc-2017@1', interpretations: { 'interp:bonus-cap': 'cap-10' } }] });
    expect(res.status).toBe(200);
    expect(res.body.evaluations.map((e: { outcome: { total: { value: number } } }) => e.outcome.total.value)).toEqual([100.5, 98]);
    const step = res.body.steps[0];
    expect(step.ruleChanges.map((c: { id: string }) => c.id)).toContain('bonusCap');
    expect(step.moves.some((m: { because: { en: string }[] }) => m.because.some((b) => b.en.includes('bonusCap')))).toBe(true);
  });

  it('a draft can be a drill-down column: lowering the threshold to 900 names revenueThreshold behind the moved gate', async () => {
    const created = await request(t.app).post('/api/drafts').set(t.auth('editor')).send({ from: 'sfc-2017@1' });
    const doc = created.body.document;
    doc.parameters.find((p: { id: string }) => p.id === 'revenueThreshold').value = 900;
    expect((await request(t.app).put(`/api/drafts/${created.body.id}`).set(t.auth('editor')).set('If-Match', created.headers.etag).send({ document: doc })).status).toBe(200);
    const res = await request(t.app)
      .post('/api/analysis/explain')
      .set(t.auth('analyst'))
      .send({ dossierId: 'fuzhou-2021', columns: [{ ruleSet: 'sfc-2017@1' }, { ruleSet: created.body.id }] });
    expect(res.status).toBe(200);
    expect(res.body.evaluations.map((e: { outcome: { title: { id: string } | null } }) => e.outcome.title?.id ?? null)).toEqual([null, 'featured']);
    const gate = res.body.steps[0].moves.find((m: { cites: string[]; kind: string }) => m.kind === 'check' && m.cites.includes('I1.1'));
    expect(gate).toMatchObject({ from: { status: 'failed' }, to: { status: 'passed' } });
    expect(gate.because.map((b: { en: string }) => b.en).join()).toContain('revenueThreshold');
    expect((await request(t.app).post('/api/analysis/explain').set(t.auth('analyst')).send({ dossierId: 'fuzhou-2021', columns: [{ ruleSet: 'draft-999' }] })).status).toBe(404);
  });

  it('lists dossiers with their verdict under a version and their last stored evaluation', async () => {
    await request(t.app).post('/api/evaluations').set(t.auth('analyst')).send({ ruleSet: 'sfc-2017@1', dossierId: 'wuhan-2018' });
    const res = await request(t.app).get('/api/analysis/dossiers?ruleSet=sfc-2017@1&period=2018').set(t.auth('viewer'));
    expect(res.status).toBe(200);
    const w = res.body.find((d: { id: string }) => d.id === 'wuhan-2018');
    expect(w).toMatchObject({ cityName: '武汉', period: 2018, type: 'comprehensive', verdict: { ok: true, status: 'passed', title: 'comprehensive', total: 102.5 }, lastEvaluation: { ref: 'sfc-2017@1', status: 'passed' } });
  });
});
