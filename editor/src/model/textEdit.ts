// The smallest single edit that turns one text into another (common prefix and suffix kept), so a change made elsewhere reaches the JSON view as an edit, not a replacement; pure.

export interface TextEdit {
  /** Offset of the first replaced character. */
  start: number;
  /** Offset just after the last replaced character (in the old text). */
  end: number;
  /** The text that goes in their place. */
  text: string;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The one replacement that turns `from` into `to`, or null when they are equal; never splits a surrogate pair. */
export function minimalEdit(from: string, to: string): TextEdit | null {
  if (from === to) return null;
  const max = Math.min(from.length, to.length);
  let p = 0;
  while (p < max && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  if (p > 0 && isHigh(from.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < max - p && from.charCodeAt(from.length - 1 - s) === to.charCodeAt(to.length - 1 - s)) s++;
  if (s > 0 && isLow(from.charCodeAt(from.length - s))) s--;
  return { start: p, end: from.length - s, text: to.slice(p, to.length - s) };
}

/** Applies an edit (for tests and for callers without an editor model). */
export function applyEdit(text: string, e: TextEdit | null): string {
  return e ? text.slice(0, e.start) + e.text + text.slice(e.end) : text;
}
