// Checks of what a person types into the editor's boxes, as pure functions returning a value or the i18n key of the problem.

/** Parses typed text to a number within bounds, or returns the i18n key of the problem. */
export function checkNumberText(text: string, opts: { min?: number; max?: number; nullable?: boolean }): { ok: true; value: number | null } | { ok: false; key: string } {
  const t = text.trim();
  if (t === '') return opts.nullable ? { ok: true, value: null } : { ok: false, key: 'input.required' };
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return { ok: false, key: 'input.notANumber' };
  const n = Number(t);
  if (opts.min !== undefined && n < opts.min) return { ok: false, key: 'input.belowMin' };
  if (opts.max !== undefined && n > opts.max) return { ok: false, key: 'input.aboveMax' };
  return { ok: true, value: n };
}

/** Splits a golden-case problem ("total: expected 101, got 99") into field, expected and actual; null for other wording. */
export function splitProblem(p: string): { field: string; expected: string; actual: string } | null {
  const m = /^(.*?): expected (.*?), got (.*)$/.exec(p);
  return m ? { field: m[1], expected: m[2], actual: m[3] } : null;
}
