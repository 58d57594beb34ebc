// Evaluates every dossier in a folder as one cohort (cap, promotion and demotion) and prints who holds which title afterwards, and why.
//
// Usage: npm run cohort -- <folder> [--rules sfc-2017@2 | --rules path/to/ruleset.json] [--interp <id>=<option> ...] [--mode award|dynamic] [--period <year>] [--json] [--lang zh|en]
//   --interp  evaluate under an interpretation variant without writing a rule-set file (repeatable); the report names it
//   <folder>  every *.json file in it is one dossier of the same period
//   --mode    dynamic (default): titles held before (currentTitle) may be kept, promoted, demoted or revoked;
//             award: a first award, where the cap applies and nobody holds a title yet
//   --period  evaluate only the dossiers of this statistical year (a cohort is one period)
//   --json    print the CohortResult object as JSON
// Exit codes: 0 evaluated, 2 bad input (folder, JSON, dossier, rule set), 1 internal error.
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { evaluateCohort, type CohortChange, type CohortResult, type RuleSet } from '../engine/index.js';
import { UserError, issueLine, out, print, readJsonFile, run, shown, userPath } from './lib/cli.js';
import { changeWord, msg, type Lang } from './lib/messages.js';
import { Citations, renderClauses, shortHash, variantLine, type Paint, type VariantChoice } from './lib/report.js';
import { loadRuleSet, parseInterpChoices } from './lib/ruleSets.js';
import { table } from './lib/table.js';

await run(async () => {
  const program = new Command('cohort')
    .description('Evaluate every dossier in a folder as one cohort and apply the cap and promotion/demotion rules')
    .argument('<folder>', 'folder of dossier JSON files, one period')
    .option('--rules <ruleSet>', 'rule set: id@version, id (its newest version) or a path to a rule-set JSON file', 'sfc-2017')
    .option('--interp <id=option>', 'choose an interpretation option, e.g. interp:bonus-cap=cap-10 (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option('--mode <mode>', 'award (first award) or dynamic (titles held before)').choices(['award', 'dynamic']).default('dynamic'))
    .option('--period <year>', 'only the dossiers of this statistical year')
    .option('--json', 'print the cohort result as JSON', false)
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']).default('zh'))
    .exitOverride()
    .parse();
  const opts = program.opts<{ rules: string; interp: string[]; mode: 'award' | 'dynamic'; period?: string; json: boolean; lang: Lang }>();
  const folder = userPath(program.args[0]);

  const loaded = loadRuleSet(opts.rules, parseInterpChoices(opts.interp));
  const periodFact = loaded.compiled.ruleSet.subject.periodFact;
  let files = dossierFiles(folder);
  let dossiers = files.map((f) => readJsonFile(f, 'dossier'));
  if (opts.period !== undefined) {
    if (!/^\d{4}$/.test(opts.period)) throw new UserError(`--period ${opts.period}: expected a year such as 2019`);
    const keep = dossiers.map((d) => periodOf(d, periodFact) === Number(opts.period));
    files = files.filter((_, i) => keep[i]);
    dossiers = dossiers.filter((_, i) => keep[i]);
    if (!files.length) throw new UserError(`${shown(folder)}: no dossier has ${periodFact} ${opts.period}`);
  }
  const r = await evaluateCohort(loaded.compiled, dossiers, { mode: opts.mode, now: new Date().toISOString() });
  if (!r.ok) {
    if (r.issues.some((i) => i.code === 'mixed_periods')) {
      const byPeriod = new Map<string, string[]>();
      dossiers.forEach((d, i) => {
        const key = String(periodOf(d, periodFact) ?? '?');
        byPeriod.set(key, [...(byPeriod.get(key) ?? []), path.basename(files[i])]);
      });
      const lines = [...byPeriod].sort().map(([y, fs]) => `${y}: ${fs.join(', ')}`);
      throw new UserError(`${shown(folder)}: a cohort is one period, but these dossiers span ${byPeriod.size}; choose one with --period <year>`, lines);
    }
    const lines = r.issues.map((i) => {
      const at = typeof i.path[0] === 'number' ? files[i.path[0]] : null;
      const local = { ...i, path: at ? i.path.slice(1) : i.path, message: i.message.replace(/^dossier \d+( \([^)]*\))?: /, '') };
      const hint = i.code === 'missing_fact' && opts.mode === 'dynamic' ? ' (or use --mode award for a first award)' : '';
      return `${at ? `${shown(at)}: ` : ''}${issueLine(local)}${hint}`;
    });
    throw new UserError(`${shown(folder)}: the cohort cannot be evaluated under ${loaded.label} (${lines.length} issue${lines.length === 1 ? '' : 's'})`, lines);
  }
  if (opts.json) {
    print(JSON.stringify(r.result, null, 2));
    return 0;
  }
  const cites = new Citations(out);
  print(`${renderCohort(r.result, loaded.compiled.ruleSet, files, opts.lang, out, cites, loaded.variant)}\n\n${renderClauses(cites.ids, loaded.clauses, opts.lang, out)}`);
  return 0;
});

/** The period a dossier states (bare or wrapped with evidence), if any. */
function periodOf(d: unknown, periodFact: string): number | undefined {
  let v: unknown = (d as { facts?: unknown } | null)?.facts;
  for (const k of periodFact.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  if (v !== null && typeof v === 'object' && 'value' in v) v = (v as { value: unknown }).value;
  return typeof v === 'number' ? v : undefined;
}

/** The *.json files of a folder, sorted by name. */
function dossierFiles(folder: string): string[] {
  let names: string[];
  try {
    if (!fs.statSync(folder).isDirectory()) throw new UserError(`${shown(folder)}: not a folder; give the folder that holds the dossiers`);
    names = fs.readdirSync(folder);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${shown(folder)}: folder not found`);
  }
  const files = names.filter((n) => n.endsWith('.json')).sort();
  if (!files.length) throw new UserError(`${shown(folder)}: no *.json dossiers in this folder`);
  return files.map((n) => path.join(folder, n));
}

function renderCohort(res: CohortResult, rs: RuleSet, files: string[], lang: Lang, paint: Paint, cites: Citations, variant: VariantChoice[]): string {
  const interpTag = (ids: string[] | undefined) => {
    const qs = (ids ?? []).map((id) => rs.interpretations.find((i) => i.id === id)?.question[lang]).filter(Boolean);
    return qs.length ? `  ${paint.dim(`〔${msg('interpretation', lang)}${lang === 'zh' ? '：' : ': '}${qs.join(lang === 'zh' ? '；' : '; ')}〕`)}` : '';
  };
  const outcome = (id: string | null, possible?: string[]): string => {
    if (id === null) return paint.yellow(possible?.length ? `? (${possible.map((x) => outcome(x)).join(' / ')})` : '?');
    const o = rs.outcomes.find((x) => x.id === id);
    return !o ? id : o.rank === 0 ? '—' : o.label[lang];
  };
  const changeColour: Record<CohortChange, (s: string) => string> = {
    promoted: paint.green,
    awarded: paint.green,
    kept: (s) => s,
    demoted: paint.red,
    revoked: paint.red,
    'over-cap': paint.yellow,
    'not-passed': paint.dim,
    undecided: paint.yellow,
  };
  const p = res.provenance;
  const L: string[] = [];
  L.push(paint.bold(`${msg('cohortTitle', lang)} · ${msg('period', lang)} ${res.period} · ${msg('mode', lang)} ${msg(res.mode === 'award' ? 'modeAward' : 'modeDynamic', lang)}`));
  L.push(paint.dim(`${msg('ruleSet', lang)} ${p.ruleSetId}@${p.version} · ${msg('contentHash', lang)} ${shortHash(p.contentHash)} · ${files.length} ${msg('dossiers', lang)}${rs.cohort ? cites.tag(rs.cohort.cites) : ''}`));
  const vl = variantLine(variant, lang);
  if (vl) L.push(paint.yellow(vl));
  L.push('');
  const rows = res.members.map((m) => ({
    cells: [
      `${m.name} (${m.subjectId})`,
      outcome(m.held),
      outcome(m.qualified),
      paint.bold(outcome(m.result, m.possible)),
      changeColour[m.change](changeWord(m.change, lang)),
      m.rank !== null ? String(m.rank) : m.rankRange ? `${m.rankRange.lo}–${m.rankRange.hi}` : '',
      m.total !== null ? String(m.total) : m.totalRange ? `${m.totalRange.lo}–${m.totalRange.hi ?? '∞'}` : '?',
    ],
    after: m.reasons.map((r) => `    ${paint.dim('↳')} ${r.text[lang]}${cites.tag(r.cites)}${interpTag(r.interpretations)}`),
  }));
  L.push(
    ...table(
      [
        { header: msg('colCity', lang) },
        { header: msg('colHeld', lang) },
        { header: msg('colOwn', lang) },
        { header: msg('colResult', lang) },
        { header: msg('colChange', lang) },
        { header: msg('colRank', lang), align: 'right' },
        { header: msg('colTotal', lang), align: 'right' },
      ],
      rows,
    ),
  );
  L.push('', paint.bold(`━━ ${msg('titlesAfter', lang)}`));
  const nameOf = new Map(res.members.map((m) => [m.subjectId, m.name]));
  const list = (ids: string[]) => ids.map((id) => nameOf.get(id) ?? id).join(lang === 'zh' ? '、' : ', ') || msg('none', lang);
  for (const o of rs.outcomes.filter((x) => x.rank > 0).sort((a, b) => b.rank - a.rank)) {
    const holders = res.titles[o.id] ?? [];
    L.push(`  ${o.label[lang]} (${holders.length}): ${list(holders)}`);
  }
  if (res.undecided?.length) L.push(`  ${paint.yellow(msg('undecidedList', lang))} (${res.undecided.length}): ${list(res.undecided)}`);
  if (res.cap) for (const r of res.cap.reasons) L.push(`  ${msg('capSummary', lang)}${lang === 'zh' ? '：' : ': '}${res.cap.status === 'within' ? r.text[lang] : paint.yellow(r.text[lang])}${cites.tag(r.cites)}${interpTag(r.interpretations)}`);
  return L.join('\n');
}
