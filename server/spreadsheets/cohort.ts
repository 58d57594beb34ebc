// Export of a cohort answer (POST /api/cohort) to .xlsx: the titles after the cap and promotion/demotion, and one row per city with its change and the reasons, each cited.
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import type { CohortResponse } from '../api/schemas.js';
import type { I18nText } from '../../engine/schema/common.js';

export type CohortAnswer = z.infer<typeof CohortResponse>;

const CHANGE: Record<string, string> = {
  kept: '保持 kept',
  promoted: '晋级 promoted',
  demoted: '退级 demoted',
  awarded: '新授予 newly awarded',
  'not-passed': '未通过 not passed',
  revoked: '撤销 revoked',
  'over-cap': '超出名额 over the cap',
  undecided: '待定 undecided',
};
const CHANGED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE08A' } };

/** The cohort as a workbook: sheet 成员 Members (a row per city) and sheet 称号 Titles (who holds each title), plus the provenance. */
export async function exportCohort(answer: CohortAnswer, opts: { outcomes?: { id: string; label: I18nText }[] } = {}): Promise<Buffer> {
  const label = (id: string | null) => {
    if (id === null) return '';
    const o = opts.outcomes?.find((x) => x.id === id);
    return o ? `${o.label.zh} ${o.label.en}` : id;
  };
  const r = answer.result;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Mingcheng 名城';
  const ws = wb.addWorksheet('成员 Members');
  ws.addRow(['城市 City', '类型 Type', '原称号 Held', '自身评估 Qualified', '结果 Result', '变化 Change', '总分 Total', '排名 Rank', '理由 Reasons', '条款 Clauses']).font = { bold: true };
  for (const m of r.members) {
    const row = ws.addRow([
      m.name,
      m.type,
      label(m.held),
      label(m.qualified),
      label(m.result),
      CHANGE[m.change] ?? m.change,
      m.total,
      m.rank,
      m.reasons.map((x) => `${x.text.zh} / ${x.text.en}`).join('\n'),
      [...new Set(m.reasons.flatMap((x) => x.cites))].join(' '),
    ]);
    row.getCell(9).alignment = { wrapText: true, vertical: 'top' };
    if (m.result !== m.held) for (const c of [3, 5, 6]) row.getCell(c).fill = CHANGED_FILL;
  }
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }];
  [14, 10, 22, 22, 22, 18, 10, 8, 70, 16].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const titles = wb.addWorksheet('称号 Titles');
  titles.addRow(['称号 Title', '数量 Count', '城市 Cities']).font = { bold: true };
  for (const [id, ids] of Object.entries(r.titles)) titles.addRow([label(id), ids.length, ids.map((s) => r.members.find((m) => m.subjectId === s)?.name ?? s).join('、')]);
  titles.getColumn(1).width = 30;
  titles.getColumn(3).width = 80;
  const about = wb.addWorksheet('来源 Provenance');
  for (const [k, v] of [
    ['规则集 Rule set', `${answer.ruleSetId}@${answer.version}`],
    ['内容哈希 Content hash', answer.contentHash],
    ['年度 Period', answer.period],
    ['方式 Mode', r.mode],
    ['档案 Dossiers', answer.dossiers.map((d) => `${d.id} r${d.revision}`).join(', ')],
  ] as const)
    about.addRow([k, v]);
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
