// Chooses and opens the store from the environment: PostgreSQL when DATABASE_URL is set, else the lowdb files in DATA_DIR; the audit key comes from AUDIT_KEY_FILE.
import path from 'node:path';
import type { Repository } from './repository.js';
import { openLowdbRepository, type StartupInfo } from './lowdbRepository.js';
import { defaultAuditKeyFile, loadAuditKey } from './auditKey.js';

export interface StoreConfig {
  dataDir: string;
  databaseUrl: string | null;
  auditKeyFile: string;
}

/** The store settings of this process. */
export function storeConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return {
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL?.trim() || null,
    auditKeyFile: defaultAuditKeyFile(env),
  };
}

/** Where the store is, for messages (never the password of a database URL). */
export function describeStore(c: StoreConfig): string {
  if (!c.databaseUrl) return c.dataDir;
  try {
    const u = new URL(c.databaseUrl);
    u.password = '';
    return u.toString();
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** Opens the configured store; `created` says the audit key file was made now. */
export async function openStore(c: StoreConfig, opts: { onStartup?: (info: StartupInfo) => void } = {}): Promise<{ repo: Repository; keyCreated: boolean }> {
  const { key, created } = await loadAuditKey(c.auditKeyFile, c.databaseUrl ? undefined : c.dataDir);
  if (c.databaseUrl) {
    const { openPgRepository } = await import('./pgRepository.js');
    return { repo: await openPgRepository(c.databaseUrl, { auditKey: key }), keyCreated: created };
  }
  return { repo: await openLowdbRepository(c.dataDir, { auditKey: key, onStartup: opts.onStartup }), keyCreated: created };
}
