// Renders a fully explained evaluation as a readable report in Chinese or English, every claim followed by the clause ids it rests on.
import { readable, type CompiledRuleSet, type Evaluation, type I18nText, type RuleSet, type Score, type Status } from '../../engine/index.js';
import { type Lang, msg, statusMark, statusWord } from './messages.js';
import type { Clause } from './ruleSets.js';

/** Colour functions; identity ones when colour is off. */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/** Collects the clause ids a report cites, in the order they first appear. */
export class Citations {
  readonly ids = new Set<string>();
  constructor(private readonly paint: Paint) {}
  /** `[I1.1, I1.2]` for the end of a line (empty when nothing is cited). */
  tag(cites: readonly string[]): string {
    if (!cites.length) return '';
    cites.forEach((c) => this.ids.add(c));
    return `  ${this.paint.dim(`[${cites.join(', ')}]`)}`;
  }
}

/** A score as text: exact, a range when facts are missing, or open-ended. */
export const score = (s: Score): string => (s.value !== null ? String(s.value) : s.hi === null ? `≥ ${s.lo}` : `${s.lo}–${s.hi}`);

/** A status mark in its colour. */
export function mark(s: Status, paint: Paint): string {
  const m = statusMark(s);
  return s === 'passed' ? paint.green(m) : s === 'failed' ? paint.red(m) : s === 'undecided' ? paint.yellow(m) : paint.dim(m);
}

function statusColoured(s: Status, lang: Lang, paint: Paint): string {
  const w = `${statusMark(s)} ${statusWord(s, lang)}`;
  return s === 'passed' ? paint.green(w) : s === 'failed' ? paint.red(w) : s === 'undecided' ? paint.yellow(w) : paint.dim(w);
}

/** `sha256:91ccc4…` shortened to the algorithm and 12 hex digits. */
export const shortHash = (h: string): string => (/^([a-z0-9]+:)?([0-9a-f]{12})/i.exec(h)?.[0] ?? h.slice(0, 19));

const sep = (lang: Lang) => (lang === 'zh' ? '：' : ': ');

/** A rule-set variant chosen with --interp, in words. */
export interface VariantChoice {
  question: I18nText;
  label: I18nText;
}

/** The line naming an interpretation variant, or null for the rule set as published. */
export function variantLine(variant: VariantChoice[], lang: Lang): string | null {
  if (!variant.length) return null;
  return `${msg('variant', lang)}${sep(lang)}${variant.map((v) => `${v.question[lang]} → ${v.label[lang]}`).join(lang === 'zh' ? '；' : '; ')}`;
}

/** Labels of the rule items an evaluation names, for words instead of ids. */
export function itemLabels(ev: Evaluation): Map<string, I18nText> {
  const m = new Map<string, I18nText>();
  for (const s of ev.stages) {
    m.set(s.id, s.label);
    if (s.kind === 'checks' || s.kind === 'bonus') for (const i of s.items) m.set(i.id, i.label);
    if (s.kind === 'score')
      for (const i of s.items) {
        m.set(i.id, i.label);
        for (const r of i.requirements) m.set(r.id, r.label);
      }
    if (s.kind === 'outcome') for (const r of s.rules) m.set(r.id, r.label);
  }
  return m;
}

/** The report for one evaluation; `cites` gathers the clause ids it quotes. */
export function renderEvaluation(ev: Evaluation, compiled: CompiledRuleSet, lang: Lang, paint: Paint, cites: Citations, variant: VariantChoice[] = []): string {
  const rs = compiled.ruleSet;
  const L: string[] = [];
  const tx = (t: I18nText) => t[lang];
  const p = ev.provenance;
  const typeLabel = rs.subject.types.find((t) => t.id === ev.subject.type)?.label[lang] ?? ev.subject.type;
  const o = ev.outcome;
  const outcomeStage = ev.stages.find((s) => s.kind === 'outcome');
  const pts = msg('points', lang);

  L.push(paint.bold(`${msg('reportTitle', lang)} · ${ev.subject.name}`));
  L.push(`${msg('city', lang)} ${ev.subject.name} (${ev.subject.id}) · ${msg('period', lang)} ${ev.subject.period} · ${msg('type', lang)} ${typeLabel}`);
  L.push(paint.dim(`${msg('ruleSet', lang)} ${p.ruleSetId}@${p.version} · ${msg('contentHash', lang)} ${shortHash(p.contentHash)} · ${msg('engine', lang)} ${p.engineVersion}`));
  const vl = variantLine(variant, lang);
  if (vl) L.push(paint.yellow(vl));
  L.push('');
  const labels = itemLabels(ev);

  // Verdict and title.
  const titleText = o.title ? tx(o.title.label) : o.status === 'failed' ? msg('noTitle', lang) : msg('undecidedTitle', lang);
  const selfAssessed = o.indicative && o.confers === false;
  const verdictColour = o.status === 'passed' && !selfAssessed ? paint.green : o.status === 'failed' ? paint.red : paint.yellow;
  const verdictWords = o.verdict ? tx(o.verdict) : `${statusWord(o.status, lang)} — ${titleText}`;
  L.push(paint.bold(`${msg('verdict', lang)}${sep(lang)}`) + verdictColour(paint.bold(`${statusMark(o.status)} ${verdictWords}`)) + cites.tag(o.disqualified ? o.disqualified.cites : (outcomeStage?.cites ?? [])));
  L.push(`  ${totalsLine(ev, lang)}`);
  if (o.indicative) L.push(paint.yellow(`  ${msg(selfAssessed ? 'selfAssessment' : 'indicative', lang)}`));

  for (const s of ev.stages) {
    L.push('');
    if (s.kind === 'checks') {
      const also = s.status === 'not-applicable' && s.shownFor ? paint.dim(`（${msg(`shownFor_${s.shownFor}`, lang)}）`) : '';
      L.push(`${paint.bold(`━━ ${tx(s.label)}`)}  ${statusColoured(s.status, lang, paint)}${also}${cites.tag(s.cites)}`);
      if (s.status === 'not-applicable' && !s.shownFor) continue;
      for (const it of s.items) {
        const adv = it.severity === 'advisory' ? paint.dim(lang === 'zh' ? '（提示项）' : ' (advisory)') : '';
        L.push(`  ${mark(it.status, paint)} ${tx(it.label)}${adv}${sep(lang)}${tx(it.text)}${cites.tag(it.cites)}`);
      }
    } else if (s.kind === 'score') {
      L.push(`${paint.bold(`━━ ${tx(s.label)}`)}  ${msg('base', lang)} ${score(s.points)} / ${s.base}${cites.tag(s.cites)}`);
      for (const it of s.items) {
        const counted = it.requirements.filter((r) => r.status !== 'not-applicable');
        const met = counted.filter((r) => r.status === 'passed').length;
        const basis = it.basis === 'evaluators' ? msg('basisEvaluators', lang) : paint.yellow(msg('basisIndicative', lang));
        L.push(`  ${paint.bold(tx(it.label))}  ${paint.cyan(`${score(it.points)} / ${it.max}`)} · ${basis} · ${msg('requirementsMet', lang)} ${met}/${counted.length}${cites.tag(it.cites)}`);
        // Requirements that do not apply to the subject's type are counted out above and not listed.
        for (const r of it.requirements.filter((x) => x.status !== 'not-applicable')) L.push(`      ${mark(r.status, paint)} ${tx(r.label)}${sep(lang)}${tx(r.text)}${cites.tag(r.cites)}`);
      }
    } else if (s.kind === 'bonus') {
      L.push(`${paint.bold(`━━ ${tx(s.label)}`)}  ${tx(s.text)}${cites.tag(s.cites)}`);
      for (const it of s.items) {
        const shownPts = it.status === 'not-applicable' ? '–' : `+${score(it.points)} ${pts}`;
        L.push(`  ${mark(it.status, paint)} ${tx(it.label)}  ${paint.cyan(shownPts)}${sep(lang)}${tx(it.text)}${cites.tag(it.cites)}`);
      }
    } else {
      L.push(`${paint.bold(`━━ ${tx(s.label)}`)}  ${statusColoured(s.status, lang, paint)}${cites.tag(s.cites)}`);
      for (const r of s.rules) L.push(`  ${mark(r.status, paint)} ${tx(r.label)}${sep(lang)}${tx(r.text)}${cites.tag(r.cites)}`);
    }
  }

  if (ev.derived.length) {
    L.push('', paint.bold(`━━ ${msg('derived', lang)}`));
    const factLabel = (id: string) => rs.facts.find((f) => f.id === id)?.label[lang] ?? rs.derived.find((x) => x.id === id)?.label[lang] ?? id;
    // What a value misses, by its label: a fact, a derived value, a reference figure ("national software revenue, 2015")
    // or the reason it cannot be computed; never the engine's id.
    const missingLabel = (id: string) => compiled.core.words.missingLabel(id)[lang];
    // A number with its unit as the checks word it ("17.2%", "256.6亿元"; "256.6 × 100 million yuan").
    const withUnit = (x: number, unit: string | undefined) => `${readable(x)}${compiled.core.words.unitSuffix(unit)[lang]}`;
    for (const d of ev.derived) {
      const v =
        typeof d.value === 'number'
          ? withUnit(d.value, d.unit)
          : d.value !== null
            ? compiled.core.words.value(d.value, d.id)[lang]
            : paint.yellow(`? (${lang === 'zh' ? '缺少' : 'missing'} ${d.missing.map(missingLabel).join(lang === 'zh' ? '、' : ', ')})`);
      const inputs = d.inputs
        .map((i) => {
          const shown =
            typeof i.value === 'number'
              ? withUnit(i.value, compiled.core.words.labeler(i.fact).unit)
              : i.value === null
                ? '?'
                : Array.isArray(i.value)
                  ? lang === 'zh'
                    ? `${i.value.length} 项`
                    : `${i.value.length} entr${i.value.length === 1 ? 'y' : 'ies'}`
                  : compiled.core.words.value(i.value, i.fact)[lang];
          return `${factLabel(i.fact)} ${shown}`;
        })
        .join(lang === 'zh' ? '；' : '; ');
      L.push(`  ${tx(d.label)} = ${v}${cites.tag(d.cites)}`, ...(inputs ? [paint.dim(`      ← ${inputs}`)] : []));
    }
  }

  L.push('', paint.bold(`━━ ${msg('totalHeading', lang)}`), `  ${totalsLine(ev, lang)}${cites.tag(outcomeStage?.cites ?? [])}`);

  L.push('', paint.bold(`━━ ${msg('opinions', lang)}`));
  if (!ev.improvementOpinions.length) L.push(`  ${msg('none', lang)}`);
  ev.improvementOpinions.forEach((op, i) => L.push(`  ${i + 1}. ${tx(op.text)}${cites.tag(op.cites)}`));

  L.push('', paint.bold(`━━ ${msg('gap', lang)}`));
  const gap = ev.gapToPass;
  if (!gap) L.push(`  ${msg('none', lang)}`);
  else if (gap.routes && gap.routes.length > 1) {
    gap.routes.forEach((r, i) => {
      L.push(`  ${i === 0 ? '' : `${msg('or', lang)} `}${paint.bold(`${msg('route', lang)} ${i + 1}`)}（${tx(r.label)}）`.replace('（', lang === 'zh' ? '（' : ' (').replace(/）$/, lang === 'zh' ? '）' : ')'));
      for (const n of r.needs) L.push(`    - ${tx(n.text)}${cites.tag(n.cites)}`);
    });
  } else if (gap.routes && gap.routes.length === 1) {
    for (const n of gap.routes[0].needs) L.push(`  - ${tx(n.text)}${cites.tag(n.cites)}`);
  } else {
    const gapCites = [...new Set([...gap.checks.flatMap((c) => c.cites), ...(gap.pointsNeeded ? (outcomeStage?.cites ?? []) : [])])];
    L.push(`  ${tx(gap.text)}${cites.tag(gapCites)}`);
  }

  L.push('', paint.bold(`━━ ${msg('missing', lang)}`));
  if (!ev.missingFacts.length) L.push(`  ${msg('none', lang)}`);
  for (const m of ev.missingFacts)
    L.push(`  ${paint.yellow('?')} ${tx(m.label)}${lang === 'zh' ? '；' : '; '}${msg('neededBy', lang)} ${m.neededBy.map((id) => labels.get(id)?.[lang] ?? id).join(lang === 'zh' ? '、' : ', ')}`);

  L.push('', paint.bold(`━━ ${msg('warnings', lang)}`));
  if (!ev.warnings.length) L.push(`  ${msg('none', lang)}`);
  for (const w of ev.warnings) L.push(`  ${paint.yellow('!')} ${tx(w.text)}${cites.tag(w.cites)}`);

  return L.join('\n');
}

/** `base 85 + bonus 16 = total 101; pass mark 100: reached`. */
function totalsLine(ev: Evaluation, lang: Lang): string {
  const o = ev.outcome;
  const sum = `${msg('base', lang)} ${score(o.baseScore)} + ${msg('bonus', lang)} ${score(o.bonus)} = ${msg('total', lang)} ${score(o.total)}`;
  if (o.passMark === null) return sum;
  const reached = o.total.value !== null ? (o.total.value >= o.passMark ? msg('reached', lang) : msg('notReached', lang)) : statusWord('undecided', lang);
  return `${sum}${lang === 'zh' ? '，' : '; '}${msg('passMark', lang)} ${o.passMark}${sep(lang)}${reached}`;
}

/** The "clauses cited" section: each cited clause quoted from the policy text, in the policy's order. */
export function renderClauses(ids: Iterable<string>, clauses: Map<string, Clause>, lang: Lang, paint: Paint): string {
  const wanted = new Set(ids);
  if (!wanted.size) return '';
  const order = [...clauses.keys()];
  const sorted = [...wanted].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  function rank(id: string): number {
    const i = order.indexOf(id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  }
  const L = [paint.bold(`━━ ${msg('clausesCited', lang)} (${sorted.length})`)];
  for (const id of sorted) {
    const c = clauses.get(id);
    if (!c) {
      L.push(`  ${paint.bold(`[${id}]`)} ${paint.yellow(msg('clauseUnknown', lang))}`);
      continue;
    }
    const head = lang === 'en' && c.title_en ? `${paint.bold(`[${id}]`)} ${paint.bold(c.title_en)}` : paint.bold(`[${id}]`);
    const text = (lang === 'zh' ? c.text_zh : c.text_en).trim().split('\n');
    if (lang === 'en' && c.title_en) L.push(`  ${head}`, ...text.map((l) => `      ${l}`));
    else L.push(`  ${head} ${text[0]}`, ...text.slice(1).map((l) => `      ${l}`));
  }
  return L.join('\n');
}
