// The one module that does arithmetic on scores: exact decimals (decimal.js), one rounding rule per rule set; pure.
import Decimal from 'decimal.js';

/** Decimal constructor used for every score and derived figure: 34 significant digits, never binary floating point. */
export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -20, toExpPos: 30 });
export type Dec = Decimal;

export const ZERO = new Dec(0);

const ROUNDING = { halfUp: Decimal.ROUND_HALF_UP, halfEven: Decimal.ROUND_HALF_EVEN, down: Decimal.ROUND_DOWN } as const;
export type RoundingName = keyof typeof ROUNDING;

/** Rounds to the rule set's scale with its rounding rule. */
export function roundTo(x: Dec, scale: number, rounding: RoundingName): Dec {
  return x.toDecimalPlaces(scale, ROUNDING[rounding]);
}

/** Converts a JSON number to a decimal through its shortest decimal text, so 0.1 stays 0.1. */
export function dec(n: number | string | Dec): Dec {
  return n instanceof Dec ? n : new Dec(n);
}

/** Sum of decimals. */
export function sum(xs: Dec[]): Dec {
  let s = ZERO;
  for (const x of xs) s = s.plus(x);
  return s;
}

/** Shortest readable text of a decimal, e.g. "1", "0.5", "99.95". */
export function fmt(x: Dec | number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'number') {
    // A number's decimal starts from its shortest text, which the decimal prints back unless that text has an exponent.
    const s = String(x);
    if (s.indexOf('e') < 0) return s;
  }
  return dec(x).toString();
}

/** The exact number of millionths in x, or null when x has more than six decimals or is too large to count so. */
function millionths(x: number): number | null {
  const u = Math.round(x * 1_000_000);
  return u / 1_000_000 === x && Math.abs(u) < 9_007_199_254_740 ? u : null;
}

/**
 * a − b of two JSON numbers, exactly as dec(a).minus(dec(b)).toNumber() gives it: for numbers with at most six decimals
 * the difference of their millionths is exact and one division rounds it as the decimal's conversion does; the decimal
 * otherwise.
 */
export function minusNumber(a: number, b: number): number {
  return exactMinus(a, b) ?? dec(a).minus(dec(b)).toNumber();
}

/** a − b as a number whose shortest text is the exact decimal difference, for numbers with at most six decimals; null otherwise. */
export function exactMinus(a: number, b: number): number | null {
  const ua = millionths(a);
  const ub = millionths(b);
  if (ua === null || ub === null) return null;
  const r = (ua - ub) / 1_000_000;
  return r === 0 ? 0 : r;
}
