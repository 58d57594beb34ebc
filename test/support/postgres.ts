// A throwaway PostgreSQL for tests: a cluster from this machine's server binaries in a temp folder on a free port (run as an unprivileged user when the tests run as root), or the server MC_TEST_DATABASE_URL names; each suite gets fresh databases.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './suites.js';

export interface TestPostgres {
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases made here and stops the cluster this helper started. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The OS user the cluster runs as: initdb and postgres refuse root. */
function runAs(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid, name };
    } catch {
      // No such user.
    }
  }
  throw new Error('the tests run as root and there is no postgres or nobody user to run PostgreSQL as');
}

function run(bin: string, args: string[], user: ReturnType<typeof runAs>): void {
  if (user) execFileSync('runuser', ['-u', user.name, '--', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  else execFileSync(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** An initialised cluster to copy (initdb takes seconds; a copy a fraction of one), made once per machine. */
function template(bin: string, user: ReturnType<typeof runAs>): string {
  const version = path.basename(path.dirname(bin));
  const root = path.join(tmpdir(), `mingcheng-pg-template-${version}-${user?.uid ?? process.getuid?.() ?? 'u'}`);
  const ready = path.join(root, 'data', 'PG_VERSION');
  if (existsSync(ready) && existsSync(path.join(root, 'ok'))) return path.join(root, 'data');
  const lock = `${root}.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(path.join(root, 'ok'))) return path.join(root, 'data');
      if (i > 600) rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['0.1']);
    }
  }
  try {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { mode: 0o700 });
    if (user) chownSync(root, user.uid, user.gid);
    run(path.join(bin, 'initdb'), ['-D', path.join(root, 'data'), '-A', 'trust', '-U', 'mingcheng', '-E', 'UTF8', '--locale=C', '--no-sync'], user);
    mkdirSync(path.join(root, 'ok'));
    return path.join(root, 'data');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Starts (or connects to) a PostgreSQL for one suite. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const made: string[] = [];
  let admin: string;
  let child: ChildProcess | null = null;
  let dir: string | null = null;
  let stopCluster = async () => undefined as void;
  if (process.env.MC_TEST_DATABASE_URL) {
    admin = process.env.MC_TEST_DATABASE_URL;
  } else {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no PostgreSQL server binaries on this machine');
    const user = runAs();
    const data = template(bin, user);
    dir = mkdtempSync(path.join(tmpdir(), 'mc-pg-'));
    chmodSync(dir, 0o700);
    cpSync(data, path.join(dir, 'data'), { recursive: true });
    rmSync(path.join(dir, 'data', 'postmaster.pid'), { force: true });
    if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
    const port = await freePort();
    const args = ['-D', path.join(dir, 'data'), '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'max_connections=100', '-c', 'shared_buffers=32MB'];
    const bin2 = path.join(bin, 'postgres');
    child = user ? spawn('runuser', ['-u', user.name, '--', bin2, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(bin2, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (b) => (log += b));
    admin = `postgres://mingcheng@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new pg.Client({ connectionString: admin });
      try {
        await c.connect();
        await c.end();
        break;
      } catch (e) {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    stopCluster = async () => {
      try {
        run(path.join(bin, 'pg_ctl'), ['stop', '-D', path.join(dir!, 'data'), '-m', 'fast', '-w'], user);
      } catch {
        child!.kill('SIGKILL');
      }
    };
  }
  const withAdmin = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    async createDatabase() {
      const name = `mc_test_${randomBytes(6).toString('hex')}`;
      await withAdmin(`CREATE DATABASE ${name}`);
      made.push(name);
      const u = new URL(admin);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async stop() {
      if (child) {
        const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child!.once('exit', r));
        await stopCluster();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (dir) rmSync(dir, { recursive: true, force: true });
      } else {
        for (const name of made) await withAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      }
    },
  };
}
