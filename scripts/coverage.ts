// Prints which policy clauses a rule set implements and by which items, and fails when a normative clause is left out without a reason.
//
// Usage: npm run coverage:clauses [-- --rules sfc-2017@1 | --rules path/to/ruleset.json] [--json] [--lang zh|en]
//   Reads the policy's clauses.json and scope.json (rules/policy/<policy>/) named by the rule set's `policy` field.
// Exit codes: 0 every normative clause is implemented or has a reason, 1 some are missing (or an internal error), 2 bad input.
import { Command, Option } from 'commander';
import { clauseCoverage } from '../engine/index.js';
import { out, print, run, shown } from './lib/cli.js';
import { msg, type Lang } from './lib/messages.js';
import { loadRuleSet, loadScope } from './lib/ruleSets.js';

await run(async () => {
  const program = new Command('coverage:clauses')
    .description('Clause coverage of a rule set: implemented clauses, and normative clauses left out with their reason')
    .option('--rules <ruleSet>', 'rule set: id@version or a path to a rule-set JSON file', 'sfc-2017@1')
    .option('--json', 'print the coverage as JSON', false)
    .addOption(new Option('--lang <lang>', 'language of clause titles').choices(['zh', 'en']).default('zh'))
    .exitOverride()
    .parse();
  const opts = program.opts<{ rules: string; json: boolean; lang: Lang }>();
  const loaded = loadRuleSet(opts.rules);
  const { scope, file: scopeFile } = loadScope(loaded);
  const cov = clauseCoverage(loaded.compiled.ruleSet, [...loaded.clauses.keys()], scope);
  if (opts.json) {
    print(JSON.stringify(cov, null, 2));
    return cov.missing.length ? 1 : 0;
  }

  const lang = opts.lang;
  const normative = new Set(scope.normative);
  const title = (id: string) => {
    const c = loaded.clauses.get(id);
    if (!c) return out.yellow(msg('clauseUnknown', lang));
    const text = lang === 'en' ? (c.title_en ?? c.text_en) : c.text_zh;
    const first = text.split('\n')[0];
    return out.dim(first.length > 40 ? `${first.slice(0, 40)}…` : first);
  };
  const L: string[] = [];
  L.push(out.bold(`${msg('coverageTitle', lang)} · ${loaded.label}`));
  L.push(out.dim(`${shown(loaded.file)} · ${shown(scopeFile)} · ${loaded.clauses.size} clauses, ${scope.normative.length} normative (N)`));
  L.push('');
  for (const c of cov.clauses) {
    const tag = normative.has(c.id) ? out.bold('N') : ' ';
    L.push(`${tag} ${c.id.padEnd(8)} ${title(c.id)}`);
    const kinds = groupCitations(c.citedBy);
    const pad = ' '.repeat(13);
    if (kinds.rules.length) L.push(`${pad}${msg('implementedBy', lang)}: ${kinds.rules.join(', ')}`);
    if (kinds.data.length) L.push(out.dim(`${pad}${msg('dataCiting', lang)}: ${kinds.data.join(', ')}`));
    if (kinds.interpretations.length) L.push(out.dim(`${pad}${msg('interpretedBy', lang)}: ${kinds.interpretations.join(', ')}`));
    if (!c.citedBy.length && normative.has(c.id)) L.push(`${pad}${out.dim(msg('notCited', lang))}`);
  }
  L.push('', out.bold(`━━ ${msg('normativeNotImplemented', lang)}`));
  const left = cov.normative.filter((n) => !n.implemented);
  if (!left.length) L.push(`  ${msg('none', lang)}`);
  for (const n of left) {
    L.push(n.reason ? `  ${out.yellow('–')} ${n.id.padEnd(8)} ${msg('reason', lang)}: ${n.reason}` : `  ${out.red('✗')} ${n.id.padEnd(8)} ${out.red(msg('noReason', lang))}`);
  }
  L.push('');
  L.push(cov.missing.length ? out.red(`✗ ${cov.missing.join(', ')}`) : out.green(`✓ ${msg('coverageOk', lang)}`));
  print(L.join('\n'));
  return cov.missing.length ? 1 : 0;
});

/** Splits what cites a clause into rule items (stages, checks, indicators, requirements, bonuses, outcome and cohort rules), the data they read, and interpretation notes. */
function groupCitations(citedBy: string[]): { rules: string[]; data: string[]; interpretations: string[] } {
  const data = new Map<string, number>();
  const rules: string[] = [];
  const interpretations: string[] = [];
  for (const by of citedBy) {
    const kind = by.slice(0, by.indexOf(':'));
    if (kind === 'interp') interpretations.push(by);
    else if (kind === 'parameter' || kind === 'fact' || kind === 'derived') data.set(kind, (data.get(kind) ?? 0) + 1);
    else rules.push(by);
  }
  return { rules, data: [...data].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`), interpretations };
}
