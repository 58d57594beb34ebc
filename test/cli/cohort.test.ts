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
    // sfc-2017@2: only title holders swap; gamma (featured holder, 2000亿, meets I1.3) is promoted over alpha (1450亿), not over the first-time delta.
    expect(r.stdout).toMatch(/^丙市 \(gamma\) +中国软件特色名城 +中国软件特色名城 +中国软件名城 +晋级 +102\.5$/m);
    expect(r.stdout).toMatch(/^甲市 \(alpha\) +中国软件名城 +中国软件名城 +中国软件特色名城 +退级 +1 +101$/m);
    expect(r.stdout).toMatch(/^丁市 \(delta\) +— +中国软件名城 +中国软件名城 +新授予 +2 +100\.5$/m);
    expect(r.stdout).toMatch(/^乙市 \(beta\) +中国软件特色名城 +— +— +撤销 +76$/m);
    expect(r.stdout).toContain('↳ 撤销原“中国软件特色名城”称号：动态评估未通过  [M7.3]');
    expect(r.stdout).toMatch(/↳ 晋级：软件和信息技术服务业（软件业务）收入 2000亿元 超过“中国软件名城” 甲市（1450亿元）  \[I3\.1\]  〔解读：晋级与退级如何进行？〕/);
    expect(r.stdout).toContain('名额：“中国软件名城”共 2 家，未超出名额上限 10 家  [M5.1, I3.1]');
    expect(r.stdout).toContain('[I3.1] 严格控制中国软件名城数量');
  });

  it('runs a cohort under version 1 or an interpretation variant, and names the variant', async () => {
    const v1 = await tsx('scripts/cohort.ts', 'test/cli/fixtures/cohort', '--rules', 'sfc-2017@1');
    expect(v1.stdout).toMatch(/^丁市 \(delta\) +— +中国软件名城 +中国软件特色名城 +新授予/m);
    const v = await tsx('scripts/cohort.ts', 'test/cli/fixtures/cohort', '--interp', 'interp:promotion-cap-room=promote', '--lang', 'en');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('Interpretation variant: Does promotion demote another city even when the cap has room? → No: below the cap the city is promoted and nobody demoted');
    expect(v.stdout).toMatch(/^甲市 \(alpha\) +China Software Famous City +China Software Famous City +China Software Famous City +kept/m);
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
