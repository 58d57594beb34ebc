// A plain-text table whose columns line up with Chinese text and colours (widths measured by string-width, not by string length).
import stringWidth from 'string-width';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Lines of a table: a header, a rule, and each row; `after` lines (e.g. reasons) are printed under their row unpadded. */
export function table(columns: Column[], rows: { cells: string[]; after?: string[] }[], gap = '  '): string[] {
  const widths = columns.map((c, i) => Math.max(stringWidth(c.header), ...rows.map((r) => stringWidth(r.cells[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i], columns[i].align ?? 'left'))
      .join(gap)
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join(gap)];
  for (const r of rows) out.push(line(r.cells), ...(r.after ?? []));
  return out;
}
