// Checks what an analyst typed for a parameter sweep (from, to, steps, copies) before anything runs: each problem is named at its field, so a bad input gets a message, not an empty chart. Pure; tested without a DOM.
import { range } from '../../workers/sensitivityProtocol.js';

export const MAX_STEPS = 1000;
export const MAX_COPIES = 5000;

export type SweepField = 'from' | 'to' | 'steps' | 'scale';
/** A problem at a field: an i18n key under analyst.sensitivity.errors and its values. */
export interface SweepProblem {
  field: SweepField;
  key: 'notANumber' | 'notAWhole' | 'order' | 'stepsRange' | 'scaleRange' | 'belowMin' | 'aboveMax';
  values?: Record<string, number>;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The values to sweep, or the problems with the input; `bounds` are the parameter's own min and max when it has them. */
export function checkSweep(input: { from: string; to: string; steps: string; scale: string }, bounds: { min?: number; max?: number } = {}): { ok: true; values: number[]; copies: number } | { ok: false; problems: SweepProblem[] } {
  const problems: SweepProblem[] = [];
  const num = (field: SweepField, text: string): number | null => {
    if (!NUMBER.test(text.trim())) {
      problems.push({ field, key: 'notANumber' });
      return null;
    }
    return Number(text.trim());
  };
  const from = num('from', input.from);
  const to = num('to', input.to);
  if (from !== null && to !== null && !(from < to)) problems.push({ field: 'to', key: 'order' });
  for (const [field, v] of [['from', from], ['to', to]] as const) {
    if (v === null) continue;
    if (bounds.min !== undefined && v < bounds.min) problems.push({ field, key: 'belowMin', values: { min: bounds.min } });
    if (bounds.max !== undefined && v > bounds.max) problems.push({ field, key: 'aboveMax', values: { max: bounds.max } });
  }
  const stepsText = input.steps.trim();
  const steps = /^\d+$/.test(stepsText) ? Number(stepsText) : null;
  if (steps === null) problems.push({ field: 'steps', key: 'notAWhole' });
  else if (steps < 2 || steps > MAX_STEPS) problems.push({ field: 'steps', key: 'stepsRange', values: { min: 2, max: MAX_STEPS } });
  const scaleText = input.scale.trim();
  let copies = 0;
  if (scaleText) {
    if (!/^\d+$/.test(scaleText)) problems.push({ field: 'scale', key: 'notAWhole' });
    else if (Number(scaleText) < 1 || Number(scaleText) > MAX_COPIES) problems.push({ field: 'scale', key: 'scaleRange', values: { max: MAX_COPIES } });
    else copies = Number(scaleText);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, values: range(from!, to!, steps!), copies };
}
