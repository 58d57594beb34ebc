// The cohort and coverage commands run as a user runs them: the cohort table with each change and its clauses, and the coverage exit code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CohortResult } from '../../engine/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function tsx(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', script, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe.concurrent('npm run cohort', () => {
  it('prints each city with its held, own and resulting title, the change and the reasons with clause ids', async () => {
    const r = await tsx('scripts/cohort.ts', 'test/cli/fixtures/cohort');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^丙市 \(gamma\) +中国软件特色名城 +中国软件特色名城 +中国软件名城 +晋级 +102\.5$/m);
    expect(r.stdout).toMatch(/^乙市 \(beta\) +中国软件特色名城 +— +— +撤销 +76$/m);
    expect(r.stdout).toContain('↳ 撤销原“中国软件特色名城”称号  [M7.3, I3.1]');
    expect(r.stdout).toMatch(/↳ 晋级：产业规模 2000 亿元超过综合型名城 .*\[I3\.1\]/);
    expect(r.stdout).toContain('[I3.1] 严格控制中国软件名城数量');
  });

  it('prints with --json a result that matches the CohortResult schema', async () => {
    const r = await tsx('scripts/cohort.ts', 'test/cli/fixtures/cohort', '--json', '--mode', 'award');
    expect(r.code).toBe(0);
    const parsed = CohortResult.safeParse(JSON.parse(r.stdout));
    expect(parsed.success).toBe(true);
    expect(parsed.data?.members.map((m) => [m.subjectId, m.change])).toEqual([
      ['alpha', 'kept'],
      ['beta', 'revoked'],
      ['delta', 'awarded'],
      ['gamma', 'kept'],
    ]);
  });
});

describe('npm run coverage:clauses', () => {
  it('lists the rule items implementing each clause and exits 0 for sfc-2017 v1', async () => {
    const r = await tsx('scripts/coverage.ts', '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^N I1\.1 .*\n +implemented by: .*gate:industry-scale/m);
    expect(r.stdout).toMatch(/M2\.4\.5 +reason: /);
  });
});
