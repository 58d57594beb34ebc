// The score command run as a user runs it: the report, --json, and exit code 2 with the file and field named on bad input.
import { execFile } from 'node:child_process';
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
    expect(r.stdout).toContain('结论：✓ 通过 — 中国软件名城  [I2.10, M5.2]');
    expect(r.stdout).toContain('基础分 85 + 加分 16 = 总分 101，达标分数 100：达标');
    expect(r.stdout).toMatch(/✓ 产业规模不低于1000亿元：.*\[I1\.1\]$/m);
    expect(r.stdout).toContain('规则集 sfc-2017@1');
    expect(r.stdout).toMatch(/━━ 引用条款 \(\d+\)\n {2}\[M2\.1\] 中国软件名城创建实行申请制/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('explains a failure in English with improvement opinions and the gap', async () => {
    const r = await score(fixture('failing.json'), '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Verdict: ✗ failed — no title');
    expect(r.stdout).toMatch(/Improvement opinions \(改进意见\)\n {2}1\. .*either .*, or .*\[I1\.2, I4\.1\]/);
    expect(r.stdout).toContain('14 more points on the total (pass mark 90)');
  });

  it('prints with --json an evaluation that matches the Evaluation schema', async () => {
    const r = await score(fixture('passing.json'), '--json', '--rules', 'sfc-2017@1');
    expect(r.code).toBe(0);
    const parsed = Evaluation.safeParse(JSON.parse(r.stdout));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.outcome.total.value).toBe(101);
  });

  it('names the file, line and column of malformed JSON and exits 2', async () => {
    const r = await score(fixture('malformed.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('test/cli/fixtures/malformed.json:6:5: malformed JSON in dossier');
  });

  it('lists each issue of an invalid dossier with its path and exits 2', async () => {
    const r = await score(fixture('invalid.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid.json: dossier is not valid under sfc-2017@1');
    expect(r.stderr).toContain('facts.period: required, but absent [missing_required_fact]');
    expect(r.stderr).toContain('facts.applicationType');
  });

  it('says which rule sets exist when given an unknown one, and exits 2', async () => {
    const r = await score(fixture('passing.json'), '--rules', 'sfc-2099@7');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rules sfc-2099@7: unknown rule set');
    expect(r.stderr).toContain('available: sfc-2017@1');
  });

  it('exits 2 when the dossier file does not exist', async () => {
    const r = await score(fixture('nowhere.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere.json: dossier not found');
  });
});
