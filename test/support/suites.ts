// Which optional test suites this machine can run (the browser suites need chromium, the PostgreSQL suites a PostgreSQL server), and the one-line notice when one is skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Set by .ci/run: a missing chromium or PostgreSQL then fails the run instead of skipping its suites. */
export const REQUIRE_SUITES = process.env.MC_REQUIRE_SUITES === '1';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** The folder holding initdb and postgres, if this machine has PostgreSQL's server binaries. */
export function postgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env.MC_PG_BIN) candidates.push(process.env.MC_PG_BIN);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // No pg_config on PATH.
  }
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(path.join('/usr/lib/postgresql', v, 'bin'));
  } catch {
    // Not Debian's layout.
  }
  return candidates.find((d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'postgres'))) ?? null;
}

/** A PostgreSQL the tests may use: a given server (MC_TEST_DATABASE_URL, a role that may create databases) or one they start from local binaries. */
export function postgresAvailable(): boolean {
  return Boolean(process.env.MC_TEST_DATABASE_URL) || postgresBinDir() !== null;
}

export const NOTICES = {
  browser: `browser suites (test/e2e) skipped: no chromium at ${CHROMIUM}; enable them with: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`,
  postgres: 'PostgreSQL suites skipped: no PostgreSQL server binaries; enable them with: apt-get install -y postgresql (or set MC_TEST_DATABASE_URL to a server)',
};

/** vitest globalSetup: one notice per skipped kind of suite, or a failed run when CI requires them. */
export default function setup(): void {
  const missing = [...(chromiumAvailable() ? [] : ['browser' as const]), ...(postgresAvailable() ? [] : ['postgres' as const])];
  if (missing.length && REQUIRE_SUITES) throw new Error(`MC_REQUIRE_SUITES=1 but ${missing.map((m) => NOTICES[m].split(':')[0].replace(' skipped', '')).join(' and ')} cannot run: ${missing.map((m) => NOTICES[m].split('; ')[1]).join('; ')}`);
  for (const m of missing) console.log(NOTICES[m]);
}
