// Export of a re-scoring comparison (the /api/batch matrix) to .xlsx, with the cells whose outcome changes highlighted, or to CSV.
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import type { BatchResponse } from '../api/schemas.js';
import type { I18nText } from '../../engine/schema/common.js';
import { columnLetter } from './columns.js';
import { csvBuffer } from './dossierBook.js';

export type ComparisonMatrix = z.infer<typeof BatchResponse>;

const VERDICT: Record<string, string> = { passed: '通过 passed', failed: '未通过 failed', undecided: '待定 undecided' };
const SUB = [
  { key: 'total', zh: '总分', en: 'Total' },
  { key: 'verdict', zh: '结论', en: 'Verdict' },
  { key: 'title', zh: '称号', en: 'Title' },
  { key: 'rank', zh: '排名', en: 'Rank' },
] as const;
const CHANGED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE08A' } };

function cellValues(c: ComparisonMatrix['rows'][number]['cells'][number], titleLabel: (id: string | null) => string): (string | number | null)[] {
  if (!c.ok) return [null, `无法评估 invalid: ${(c.issues ?? []).map((i) => i.code).join(', ')}`, null, null];
  return [c.total, c.status ? (VERDICT[c.status] ?? c.status) : null, titleLabel(c.title), c.rank];
}

/** The comparison as a workbook or CSV: one row per dossier, four columns (total, verdict, title, rank) per version, and whether the outcome changes. */
export async function exportComparison(matrix: ComparisonMatrix, opts: { format: 'xlsx' | 'csv'; outcomes?: { id: string; label: I18nText }[] }): Promise<Buffer> {
  const titleLabel = (id: string | null) => {
    if (id === null) return '';
    const o = opts.outcomes?.find((x) => x.id === id);
    return o ? `${o.label.zh} ${o.label.en}` : id;
  };
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mingcheng 名城';
  const ws = wb.addWorksheet('对比 Comparison');
  const fixed = [
    { zh: '城市', en: 'City' },
    { zh: '档案', en: 'Dossier' },
  ];
  const last = { zh: '结果有变化', en: 'Outcome changes' };
  if (opts.format === 'csv') {
    ws.addRow([...fixed.map((f) => `${f.zh} ${f.en}`), ...matrix.columns.flatMap((c) => SUB.map((s) => `${c.label} ${s.zh} ${s.en}`)), `${last.zh} ${last.en}`]);
    for (const r of matrix.rows) ws.addRow([r.name, r.dossierId, ...r.cells.flatMap((c) => cellValues(c, titleLabel)), r.changed ? '是' : '否']);
    return csvBuffer(wb);
  }
  // Row 1: version labels over their four columns; row 2: the sub-headers; data from row 3.
  ws.addRow([...fixed.map((f) => `${f.zh} ${f.en}`), ...matrix.columns.flatMap((c) => [c.label, null, null, null]), `${last.zh} ${last.en}`]);
  ws.addRow([null, null, ...matrix.columns.flatMap(() => SUB.map((s) => `${s.zh} ${s.en}`)), null]);
  matrix.columns.forEach((_, i) => ws.mergeCells(1, 3 + i * 4, 1, 6 + i * 4));
  ws.mergeCells(1, 1, 2, 1);
  ws.mergeCells(1, 2, 2, 2);
  const lastCol = 3 + matrix.columns.length * 4;
  ws.mergeCells(1, lastCol, 2, lastCol);
  for (const r of [1, 2]) ws.getRow(r).font = { bold: true };
  for (const r of matrix.rows) {
    const row = ws.addRow([r.name, r.dossierId, ...r.cells.flatMap((c) => cellValues(c, titleLabel)), r.changed ? '是' : '否']);
    r.cells.forEach((c, i) => {
      if (!c.changed) return;
      for (let k = 0; k < 4; k++) {
        const cell = row.getCell(3 + i * 4 + k);
        cell.fill = CHANGED_FILL;
        cell.font = { bold: true };
      }
    });
  }
  ws.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];
  ws.getColumn(1).width = 12;
  ws.getColumn(2).width = 18;
  for (let c = 3; c < lastCol; c++) ws.getColumn(c).width = 16;
  ws.getColumn(lastCol).width = 14;
  const about = wb.addWorksheet('版本 Versions');
  about.addRow(['列 Column', '规则集 Rule set', '版本 Version', '草稿 Draft', '内容哈希 Content hash', '解释选项 Interpretations', '起始列 First column']).font = { bold: true };
  matrix.columns.forEach((c, i) => about.addRow([c.label, c.ruleSetId, c.version, c.draft ?? '', c.contentHash, JSON.stringify(c.interpretations), columnLetter(3 + i * 4)]));
  about.getColumn(5).width = 40;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
