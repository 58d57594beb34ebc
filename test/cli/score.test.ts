// The score command run as a user runs it: the report, --json, and exit code 2 with the file and field named on bad input.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Evaluation } from '../../engine/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join('test/cli/fixtures', name);

async function score(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/score.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe.concurrent('npm run score', () => {
  it('prints the verdict, the stages with clause ids, the totals and the clauses cited', async () => {
    const r = await score(fixture('passing.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('结论：✓ 通过：中国软件名城  [I2.10, M5.2]');
    expect(r.stdout).toContain('基础分 85 + 加分 16 = 总分 101，达标分数 100：达标');
    expect(r.stdout).toMatch(/✓ 产业规模不低于1000亿元：.*\[I1\.1\]$/m);
    expect(r.stdout).toContain('规则集 sfc-2017@2');
    expect(r.stdout).toMatch(/━━ 引用条款 \(\d+\)\n {2}\[M2\.1\] 中国软件名城创建实行申请制/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('explains a failure in English with improvement opinions and the gap', async () => {
    const r = await score(fixture('failing.json'), '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Verdict: ✗ Not passed: no title');
    // English units, numbers at the rule set's precision, no raw ids in the words.
    expect(r.stdout).toContain('100 × 100 million yuan');
    expect(r.stdout).not.toMatch(/\d\.\d{5,}/);
    expect(r.stdout).not.toMatch(/\b(softwareRevenue|fraudFound|national\.employees)\b/);
    expect(r.stdout).toMatch(/Improvement opinions \(改进意见\)\n {2}1\. .*either .*, or .*\[I1\.2, I4\.1\]/);
    expect(r.stdout).toContain('14 more points on the total (pass mark 90)');
  });

  it('names a missing reference figure by its label, in the derived values too, never by its id', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-score-'));
    const d = JSON.parse(fs.readFileSync(path.join(ROOT, fixture('passing.json')), 'utf8'));
    d.facts.period = 2016; // the reference data has no national employee figure for 2016, nor revenue for 2015
    d.facts.softwareEmployees = 352350;
    const file = path.join(dir, 'city-2016.json');
    fs.writeFileSync(file, JSON.stringify(d));
    const zh = await score(file);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/从业人员占全国比例 = \? \(缺少 全国软件和信息技术服务业：全国从业人员（2016 年，参考数据缺失）\)/);
    const en = await score(file, '--lang', 'en');
    expect(en.stdout).toMatch(/Share of national employees = \? \(missing National software and IT services industry: National employees \(2016; reference figure missing\)\)/);
    for (const out of [zh.stdout, en.stdout]) expect(out).not.toContain('ref:');
    // A yes/no derived value is shown as such, not as a value missing nothing; a list read by one as its count.
    expect(zh.stdout).toContain('城市属于四个直辖市 = 否');
    expect(en.stdout).toContain('The city is one of the four municipalities = no');
    expect(zh.stdout).toMatch(/← 软件业务收入过50亿元的企业 \d+ 项/);
    expect(zh.stdout).not.toContain('[object Object]');
    // Derived values and their inputs carry their units as the checks word them, in the report's language.
    expect(zh.stdout).toMatch(/本市产业增量 = [\d.]+亿元/);
    expect(zh.stdout).toMatch(/本市产业增速 = [\d.]+%/);
    expect(en.stdout).toMatch(/City industry increment = [\d.]+ × 100 million yuan/);
    expect(en.stdout).toMatch(/← Software and IT services \(software business\) revenue [\d.]+ × 100 million yuan/);
    for (const out of [zh.stdout, en.stdout]) expect(out).not.toMatch(/\d %|\d 亿元|× 100 million yuan亿元/);
  });

  it('prints with --json an evaluation that matches the Evaluation schema', async () => {
    const r = await score(fixture('passing.json'), '--json', '--rules', 'sfc-2017@1');
    expect(r.code).toBe(0);
    const parsed = Evaluation.safeParse(JSON.parse(r.stdout));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.outcome.total.value).toBe(101);
  });

  it('evaluates under an interpretation variant with --interp and names the variant in the report', async () => {
    const r = await score(fixture('passing.json'), '--interp', 'interp:bonus-cap=cap-10', '--interp', 'interp:firm-tier-overlap=cumulative');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('解读变体：加分是否设总上限？ → 加分总计不超过 10 分；');
    // The passing city's bonus of 16 is capped at 10: 85 + 10 = 95 fails the comprehensive mark.
    expect(r.stdout).toContain('基础分 85 + 加分 10 = 总分 95');
    const j = await score(fixture('passing.json'), '--json', '--interp', 'interp:bonus-cap=cap-10');
    expect(JSON.parse(j.stdout).provenance.interpretations['interp:bonus-cap']).toBe('cap-10');
  });

  it('refuses an unknown interpretation or option with exit 2, naming the options', async () => {
    const r = await score(fixture('passing.json'), '--interp', 'interp:bonus-cap=cap-99');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"interp:bonus-cap" has no option "cap-99"; options: none, cap-10');
    const bad = await score(fixture('passing.json'), '--interp', 'bonus-cap');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected <interpretation id>=<option>');
  });

  it('labels a result without evaluators\' scores as a self-assessment that confers no title', async () => {
    const r = await score(fixture('self-assessed.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('结论：✓ 自评达标（参考分，无专家评分）：指向“中国软件名城”，但不授予称号，须经专家组实地评估');
    expect(r.stdout).toContain('（自评：部分指标无专家评分');
  });

  it('names the file, line and column of malformed JSON and exits 2', async () => {
    const r = await score(fixture('malformed.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('test/cli/fixtures/malformed.json:6:5: malformed JSON in dossier');
  });

  it('lists each issue of an invalid dossier with its path and exits 2', async () => {
    const r = await score(fixture('invalid.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid.json: dossier is not valid under sfc-2017@2');
    expect(r.stderr).toContain('facts.period: required, but absent [missing_required_fact]');
    expect(r.stderr).toContain('facts.applicationType');
  });

  it('says which rule sets exist when given an unknown one, and exits 2', async () => {
    const r = await score(fixture('passing.json'), '--rules', 'sfc-2099@7');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rules sfc-2099@7: unknown rule set');
    expect(r.stderr).toContain('available: sfc-2017@1, sfc-2017@2');
  });

  it('exits 2 when the dossier file does not exist', async () => {
    const r = await score(fixture('nowhere.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere.json: dossier not found');
  });
});
