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

/** Beyond this many changed lines a line diff costs more than it saves: one minimal edit instead. */
const MAX_LINE_CHANGES = 400;

/** Line starts of `text` (offsets), with the text's length as a final entry. */
function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  out.push(text.length);
  return out;
}

/**
 * The edits that turn `from` into `to`, one per region of changed lines (Myers' diff on lines, each region then narrowed to
 * the characters that differ), sorted and non-overlapping, in offsets of `from`. Unlike one minimal edit, two changes far
 * apart never become one replacement of everything between them, so a cursor between them keeps its place.
 */
export function lineEdits(from: string, to: string): TextEdit[] {
  if (from === to) return [];
  const fs = lineStarts(from);
  const ts = lineStarts(to);
  const fl = fs.length - 1;
  const tl = ts.length - 1;
  const line = (text: string, starts: number[], n: number) => text.slice(starts[n], starts[n + 1]);
  // Lines as numbers (equal text, equal number), so the diff compares integers.
  const ids = new Map<string, number>();
  const idOf = (s: string) => {
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  const a = Array.from({ length: fl }, (_, n) => idOf(line(from, fs, n)));
  const b = Array.from({ length: tl }, (_, n) => idOf(line(to, ts, n)));
  let lo = 0;
  while (lo < fl && lo < tl && a[lo] === b[lo]) lo++;
  let hiA = fl;
  let hiB = tl;
  while (hiA > lo && hiB > lo && a[hiA - 1] === b[hiB - 1]) {
    hiA--;
    hiB--;
  }
  const n = hiA - lo;
  const m = hiB - lo;
  const single = () => {
    const e = minimalEdit(from, to);
    return e ? [e] : [];
  };
  // Myers: V per edit distance d, kept for the walk back.
  const max = Math.min(n + m, MAX_LINE_CHANGES);
  const off = max + 1;
  const trace: Int32Array[] = [];
  let v = new Int32Array(2 * max + 3);
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[lo + x] === b[lo + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return single();
  trace.push(v.slice());
  // Walk back: the matched line pairs (in the trimmed ranges), last first.
  const matches: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const pv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && pv[off + k - 1] < pv[off + k + 1]) ? k + 1 : k - 1;
    const px = pv[off + prevK];
    const py = px - prevK;
    while (x > px && y > py && x - 1 >= (prevK === k + 1 ? px : px + 1)) {
      x--;
      y--;
      matches.push([x, y]);
    }
    x = px;
    y = py;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    matches.push([x, y]);
  }
  matches.reverse();
  // Regions between matched lines are the changes.
  const edits: TextEdit[] = [];
  let ia = 0;
  let ib = 0;
  const region = (a0: number, a1: number, b0: number, b1: number) => {
    if (a0 === a1 && b0 === b1) return;
    const fStart = fs[lo + a0];
    const fEnd = fs[lo + a1];
    const tStart = ts[lo + b0];
    const tEnd = ts[lo + b1];
    const e = minimalEdit(from.slice(fStart, fEnd), to.slice(tStart, tEnd));
    if (e) edits.push({ start: fStart + e.start, end: fStart + e.end, text: e.text });
  };
  for (const [ma, mb] of matches) {
    region(ia, ma, ib, mb);
    ia = ma + 1;
    ib = mb + 1;
  }
  region(ia, n, ib, m);
  return edits;
}

/** Applies edits in offsets of the same text, sorted and non-overlapping. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * `target` (a document written out in full) as an edit of `mine` (the text a person is typing in, maybe formatted their own
 * way): the changes from `minePretty` (mine written out in full) to `target` are applied to `mine` itself, so the lines
 * where only the person's formatting differs stay as they typed them. Null when a change meets such a line (the caller
 * then takes `target` as it is).
 */
export function rebaseText(mine: string, minePretty: string, target: string): string | null {
  if (mine === minePretty) return target;
  const fmt = lineEdits(mine, minePretty);
  const changes = lineEdits(minePretty, target);
  // Where each formatting difference lies in minePretty, and how far offsets move across it.
  const images: { start: number; end: number; shift: number }[] = [];
  let shift = 0;
  for (const f of fmt) {
    const start = f.start + shift;
    images.push({ start, end: start + f.text.length, shift });
    shift += f.text.length - (f.end - f.start);
  }
  const mapped: TextEdit[] = [];
  let k = 0;
  for (const c of changes) {
    while (k < images.length && images[k].end < c.start) k++;
    // Touching or overlapping a line formatted by hand: no rebase.
    if (k < images.length && images[k].start <= c.end) return null;
    // Offsets in minePretty before the k-th formatting difference map back by the shift accumulated before it.
    const back = k < images.length ? images[k].shift : shift;
    mapped.push({ start: c.start - back, end: c.end - back, text: c.text });
  }
  return applyEdits(mine, mapped);
}
