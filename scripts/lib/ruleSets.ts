// Finds, reads and compiles a rule-set version for the scripts: `id@version` from rules/<id>/v<version>.json or a file path, with its policy's clauses and scope.
import fs from 'node:fs';
import path from 'node:path';
import { applyInterpretations, compileRuleSet, type CompiledRuleSet, type I18nText } from '../../engine/index.js';
import type { ClauseScope } from '../../engine/coverage.js';
import { ROOT, UserError, issueLine, readJsonFile, shown, userPath } from './cli.js';

export interface Clause {
  id: string;
  text_zh: string;
  text_en: string;
  title_en?: string;
}

export interface LoadedRuleSet {
  compiled: CompiledRuleSet;
  /** `id@version`, as written on reports. */
  label: string;
  /** The interpretation options chosen with --interp, in words (empty: the rule set as published). */
  variant: { id: string; option: string; question: I18nText; label: I18nText }[];
  file: string;
  /** The policy's clauses by id, in the policy's order; empty when the rule set names no policy on disk. */
  clauses: Map<string, Clause>;
  policyDir: string | null;
}

const RULES = path.join(ROOT, 'rules');
const VERSION_FILE = /^v(\d+)\.json$/;

/** Every published `id@version` under rules/ (golden files and policy texts are not rule sets). */
export function availableRuleSets(): string[] {
  const found: string[] = [];
  for (const dir of safeList(RULES)) {
    if (dir === 'policy' || dir === 'samples') continue;
    for (const f of safeList(path.join(RULES, dir))) {
      const m = VERSION_FILE.exec(f);
      if (m) found.push(`${dir}@${m[1]}`);
    }
  }
  return found.sort();
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The file a `--rules` value names: a path to a JSON file, or `id@version` (without a version: the newest under rules/<id>/). */
export function ruleSetFile(spec: string): string {
  if (spec.endsWith('.json') || spec.includes('/') || spec.includes(path.sep)) {
    const file = userPath(spec);
    if (!fs.existsSync(file)) throw new UserError(`${shown(file)}: rule-set file not found`);
    return file;
  }
  const m = /^([a-z0-9][a-z0-9-]*)(?:@v?(\d+))?$/i.exec(spec);
  const known = availableRuleSets();
  const list = known.length ? `available: ${known.join(', ')}` : 'no rule sets found under rules/';
  if (!m) throw new UserError(`--rules ${spec}: expected id@version such as sfc-2017@1, or a path to a rule-set JSON file; ${list}`);
  const newest = known.filter((k) => k.startsWith(`${m[1]}@`)).map((k) => Number(k.split('@')[1])).sort((a, b) => b - a)[0];
  const file = path.join(RULES, m[1], `v${m[2] ?? newest ?? '1'}.json`);
  if (!fs.existsSync(file)) throw new UserError(`--rules ${spec}: unknown rule set (no ${shown(file)}); ${list}`);
  return file;
}

/** Parses repeated `--interp <interpretation id>=<option>` values. */
export function parseInterpChoices(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(v.trim());
    if (!m) throw new UserError(`--interp ${v}: expected <interpretation id>=<option>, e.g. --interp interp:bonus-cap=cap-10`);
    if (m[1] in out && out[m[1]] !== m[2]) throw new UserError(`--interp ${m[1]}: given twice with different options (${out[m[1]]}, ${m[2]})`);
    out[m[1]] = m[2];
  }
  return out;
}

/** Reads, checks and compiles a rule set, with interpretation options chosen; a rule set with errors is a UserError listing each issue. */
export function loadRuleSet(spec: string, choices: Record<string, string> = {}): LoadedRuleSet {
  const file = ruleSetFile(spec);
  let doc = readJsonFile(file, 'rule set');
  const variant: LoadedRuleSet['variant'] = [];
  if (Object.keys(choices).length) {
    const base = compileRuleSet(doc, { clauseIds: null });
    if (!base.ok) throw new UserError(`${shown(file)}: rule set is not valid`, base.issues.filter((i) => (i.severity ?? 'error') === 'error').map(issueLine));
    const applied = applyInterpretations(base.compiled.ruleSet, choices);
    if (!applied.ok) throw new UserError(`--interp: ${applied.issues.length} problem${applied.issues.length === 1 ? '' : 's'} with the chosen options`, applied.issues.map((i) => i.message));
    for (const [id, option] of Object.entries(choices)) {
      const it = applied.ruleSet.interpretations.find((x) => x.id === id)!;
      variant.push({ id, option, question: it.question, label: it.options.find((o) => o.id === option)!.label });
    }
    doc = applied.ruleSet;
  }
  const policy = doc !== null && typeof doc === 'object' && typeof (doc as { policy?: unknown }).policy === 'string' ? (doc as { policy: string }).policy : null;
  const policyDir = policy ? path.join(RULES, 'policy', policy) : null;
  const clauses = new Map<string, Clause>();
  if (policyDir) {
    const clausesFile = path.join(policyDir, 'clauses.json');
    if (!fs.existsSync(clausesFile)) throw new UserError(`${shown(file)}: policy "${policy}" has no clause file ${shown(clausesFile)}`);
    const list = readJsonFile(clausesFile, 'clause list');
    if (!Array.isArray(list)) throw new UserError(`${shown(clausesFile)}: expected an array of clauses {id, text_zh, text_en}`);
    for (const c of list as Clause[]) clauses.set(c.id, c);
  }
  const r = compileRuleSet(doc, { clauseIds: policyDir ? [...clauses.keys()] : null });
  if (!r.ok) {
    const errors = r.issues.filter((i) => (i.severity ?? 'error') === 'error');
    throw new UserError(`${shown(file)}: rule set is not valid (${errors.length} error${errors.length === 1 ? '' : 's'})`, errors.map(issueLine));
  }
  const rs = r.compiled.ruleSet;
  return { compiled: r.compiled, label: `${rs.id}@${rs.version}`, variant, file, clauses, policyDir };
}

/** The policy's clause scope (normative clauses and deliberate omissions), from rules/policy/<policy>/scope.json. */
export function loadScope(loaded: LoadedRuleSet): { scope: ClauseScope; file: string } {
  if (!loaded.policyDir) throw new UserError(`${shown(loaded.file)}: the rule set names no policy, so there is no clause scope to check against`);
  const file = path.join(loaded.policyDir, 'scope.json');
  const doc = readJsonFile(file, 'clause scope') as Partial<ClauseScope>;
  if (!Array.isArray(doc?.normative) || typeof doc.notImplemented !== 'object' || doc.notImplemented === null)
    throw new UserError(`${shown(file)}: expected {normative: string[], notImplemented: {clauseId: reason}}`);
  return { scope: { normative: doc.normative, notImplemented: doc.notImplemented }, file };
}
