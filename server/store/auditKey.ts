// The audit chain's key: 32 random bytes in a file outside the data folder, created on first start with mode 0600.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where the key lives unless AUDIT_KEY_FILE says otherwise. */
export function defaultAuditKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.AUDIT_KEY_FILE ?? path.join(env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'mingcheng', 'audit-key'));
}

/** Reads the key, creating it (0600, its folder 0700) when the file does not exist; refuses a key file inside `dataDir`. */
export async function loadAuditKey(file: string, dataDir?: string): Promise<{ key: Buffer; created: boolean }> {
  const abs = path.resolve(file);
  if (dataDir) {
    const rel = path.relative(path.resolve(dataDir), abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new Error(`the audit key file ${abs} is inside the data folder ${dataDir}; keep it outside (AUDIT_KEY_FILE)`);
  }
  try {
    return { key: parseKey(await readFile(abs, 'utf8'), abs), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(path.dirname(abs), { recursive: true, mode: 0o700 });
  const hex = randomBytes(32).toString('hex');
  try {
    const fh = await open(abs, 'wx', 0o600);
    try {
      await fh.writeFile(hex + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { key: parseKey(await readFile(abs, 'utf8'), abs), created: false };
    throw e;
  }
  await chmod(abs, 0o600);
  if (((await stat(abs)).mode & 0o077) !== 0) throw new Error(`cannot make ${abs} private (mode 0600)`);
  return { key: Buffer.from(hex, 'hex'), created: true };
}

function parseKey(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} is not an audit key (64 hex digits expected)`);
  return Buffer.from(hex, 'hex');
}
