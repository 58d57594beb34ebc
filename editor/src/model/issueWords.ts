// Words for a problem the engine reports, as a policy officer reads them: where it is (the stage and item by their labels, not
// a JSON path) and, for a comparison of different units or kinds, the two sides by their labels and units; pure.
import { fillParameters, type I18nText, type RuleSet } from '../../../engine/index.js';

const pick = (text: I18nText | null | undefined, lang: string) => (!text ? '' : lang.startsWith('en') ? text.en : text.zh);
type Path = readonly (string | number)[];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The labelled things along a path (stage › item › requirement), in the UI language with {parameter}s filled; empty when none has a label. */
export function issuePlace(rs: RuleSet, path: Path, lang: string): string[] {
  const shown = rs.parameters.map((p) => ({ id: p.id, value: p.value === null ? '—' : String(p.value) }));
  const out: string[] = [];
  let node: unknown = rs;
  for (const seg of path) {
    if (!isObj(node) && !Array.isArray(node)) break;
    node = (node as Record<string | number, unknown>)[seg];
    if (typeof seg === 'number' && isObj(node)) {
      const text = (node.label ?? node.question ?? node.title) as I18nText | undefined;
      if (text && typeof text === 'object' && 'zh' in text) out.push(fillParameters(pick(text, lang), shown));
    }
  }
  return out;
}

export interface ComparisonSide {
  /** The fact's, derived value's or parameter's label; the literal value itself. */
  label: string;
  /** 'count', 'yesNo', 'text', a unit such as 亿元, or null for a plain number. */
  kind: string | null;
}

/** The two sides of the comparison an issue at `path` (…condition.value or …condition.operator) points at, or null when it is not one. */
export function comparisonSides(rs: RuleSet, path: Path, lang: string): { left: ComparisonSide; right: ComparisonSide | null } | null {
  const last = path.at(-1);
  if (last !== 'value' && last !== 'operator') return null;
  let node: unknown = rs;
  for (const seg of path.slice(0, -1)) {
    if (!isObj(node) && !Array.isArray(node)) return null;
    node = (node as Record<string | number, unknown>)[seg];
  }
  if (!isObj(node) || typeof node.fact !== 'string') return null;
  const side = (id: string): ComparisonSide => {
    const f = rs.facts.find((x) => x.id === id);
    if (f) return { label: pick(f.label, lang) || id, kind: f.type === 'boolean' ? 'yesNo' : f.type === 'string' || f.type === 'enum' ? 'text' : (f.unit ?? (f.type === 'integer' ? 'count' : null)) };
    const d = rs.derived.find((x) => x.id === id);
    if (d) return { label: pick(d.label, lang) || id, kind: d.unit ?? (/^\s*count\s*\(/.test(d.expr) ? 'count' : null) };
    return { label: id, kind: null };
  };
  const left = side(node.fact);
  const v = node.value;
  let right: ComparisonSide | null = null;
  if (isObj(v) && typeof v.fact === 'string') right = side(v.fact);
  else if (isObj(v) && typeof v.param === 'string') {
    const p = rs.parameters.find((x) => x.id === v.param);
    right = p ? { label: pick(p.label, lang) || p.id, kind: p.type === 'boolean' ? 'yesNo' : p.type === 'enum' ? 'text' : (p.unit ?? null) } : { label: String(v.param), kind: null };
  } else if (typeof v === 'boolean') right = { label: String(v), kind: 'yesNo' };
  else if (typeof v === 'number') right = { label: String(v), kind: null };
  else if (typeof v === 'string') right = { label: `“${v}”`, kind: 'text' };
  return { left, right };
}
