// One process per data folder: a lock file holding the owner's pid, taken over only when that process is gone.
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `dataDir/lock`; refuses when a live process (this one included) holds it. */
export async function acquireStoreLock(dataDir: string): Promise<{ release: () => Promise<void> }> {
  const file = path.join(dataDir, 'lock');
  const abs = path.resolve(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      held.add(abs);
      return {
        release: async () => {
          held.delete(abs);
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid === process.pid && held.has(abs)) throw new Error(`the store in ${dataDir} is already open in this process`);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`the store in ${dataDir} is in use by process ${pid} (stop that server first, or use another DATA_DIR)`);
      }
      // Left by a process that is gone (or by this one, before a restart in the same process): take it over.
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`cannot take the lock ${file}`);
}
