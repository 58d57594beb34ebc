// Scores one dossier under a rule-set version and prints the explained report, each line with the clauses it rests on.
//
// Usage: npm run score -- <dossier.json> [--rules sfc-2017@2 | --rules path/to/ruleset.json] [--interp <id>=<option> ...] [--json] [--lang zh|en]
//   --rules   rule set as id@version (rules/<id>/v<version>.json), id (its newest version) or a file; default sfc-2017 (newest)
//   --interp  evaluate under an interpretation variant without writing a rule-set file (repeatable); the report names it
//   --json   print the Evaluation object as JSON instead of the report
//   --lang   report language, zh (default) or en
// Exit codes: 0 evaluated (whatever the verdict), 2 bad input (file, JSON, dossier, rule set), 1 internal error.
import { Command, Option } from 'commander';
import { UserError, issueLine, out, print, readJsonFile, run, shown, userPath } from './lib/cli.js';
import type { Lang } from './lib/messages.js';
import { Citations, renderClauses, renderEvaluation } from './lib/report.js';
import { loadRuleSet, parseInterpChoices } from './lib/ruleSets.js';

await run(async () => {
  const program = new Command('score')
    .description('Score a dossier under a rule-set version and explain the result')
    .argument('<dossier>', 'dossier JSON file ({dossierFormat: 1, facts: {...}})')
    .option('--rules <ruleSet>', 'rule set: id@version, id (its newest version) or a path to a rule-set JSON file', 'sfc-2017')
    .option('--interp <id=option>', 'choose an interpretation option, e.g. interp:bonus-cap=cap-10 (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--json', 'print the evaluation as JSON', false)
    .addOption(new Option('--lang <lang>', 'report language').choices(['zh', 'en']).default('zh'))
    .exitOverride()
    .parse();
  const opts = program.opts<{ rules: string; interp: string[]; json: boolean; lang: Lang }>();
  const file = userPath(program.args[0]);

  const loaded = loadRuleSet(opts.rules, parseInterpChoices(opts.interp));
  const dossier = readJsonFile(file, 'dossier');
  const r = await loaded.compiled.evaluate(dossier, { now: new Date().toISOString() });
  if (!r.ok) {
    const n = r.issues.length;
    throw new UserError(`${shown(file)}: dossier is not valid under ${loaded.label} (${n} issue${n === 1 ? '' : 's'})`, r.issues.map(issueLine));
  }
  if (opts.json) {
    print(JSON.stringify(r.evaluation, null, 2));
    return 0;
  }
  const cites = new Citations(out);
  const report = renderEvaluation(r.evaluation, loaded.compiled, opts.lang, out, cites, loaded.variant);
  print(`${report}\n\n${renderClauses(cites.ids, loaded.clauses, opts.lang, out)}`);
  return 0;
});
