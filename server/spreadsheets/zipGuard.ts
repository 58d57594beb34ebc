// Caps on what an uploaded workbook (a zip) may inflate to, checked with yauzl before exceljs sees the file: entry count, each entry's and the total inflated size.
import yauzl from 'yauzl';

/** The caps; a filled template of 2,000 cities inflates to well under a tenth of them. */
export const ZIP_LIMITS = {
  /** Entries in the archive (a workbook has a dozen or two). */
  entries: 1_000,
  /** Inflated bytes of one entry (one sheet's XML). */
  entryBytes: 32 * 1024 ** 2,
  /** Inflated bytes of all entries together. */
  totalBytes: 64 * 1024 ** 2,
} as const;

export type ZipLimits = { entries: number; entryBytes: number; totalBytes: number };

/** Why a workbook is refused before it is parsed: the cap it breaks (`limit`) and the entry concerned. */
export interface ZipRefusal {
  code: 'not_a_workbook' | 'zip_too_many_entries' | 'zip_entry_too_large' | 'zip_too_large';
  message: string;
  limit?: number;
  entry?: string;
}

/** A byte count as people read it: 1.5 GiB, 32 MiB, 900 bytes. */
function MB(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 ? 1 : 0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} bytes`;
}

/**
 * Checks a zip against the caps: first what its central directory declares, then by inflating every entry and counting
 * the bytes (so an entry that lies about its size, or entries that share their data, are stopped at the cap). Memory
 * stays at yauzl's stream buffers: the inflated bytes are counted and dropped.
 */
export async function checkZip(buffer: Buffer, limits: ZipLimits = ZIP_LIMITS): Promise<ZipRefusal | null> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    return { code: 'not_a_workbook', message: `the file is not an .xlsx workbook (${(err as Error).message})` };
  }
  if (zip.entryCount > limits.entries)
    return { code: 'zip_too_many_entries', message: `the workbook has ${zip.entryCount} entries; at most ${limits.entries} are accepted`, limit: limits.entries };
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        zip.once('entry', resolve).once('end', () => resolve(null)).once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners();
      if (!entry) break;
      if (entry.uncompressedSize > limits.entryBytes)
        return { code: 'zip_entry_too_large', message: `${entry.fileName} inflates to ${MB(entry.uncompressedSize)}; one entry may hold at most ${MB(limits.entryBytes)}`, limit: limits.entryBytes, entry: entry.fileName };
      declared += entry.uncompressedSize;
      if (declared > limits.totalBytes)
        return { code: 'zip_too_large', message: `the workbook inflates to more than ${MB(limits.totalBytes)} (the most a workbook may hold)`, limit: limits.totalBytes };
      entries.push(entry);
    }
    let total = 0;
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      const stream = await zip.openReadStreamPromise(entry);
      const refusal = await new Promise<ZipRefusal | null>((resolve, reject) => {
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          total += chunk.length;
          const over: ZipRefusal | null =
            bytes > limits.entryBytes
              ? { code: 'zip_entry_too_large', message: `${entry.fileName} inflates to more than ${MB(limits.entryBytes)}`, limit: limits.entryBytes, entry: entry.fileName }
              : total > limits.totalBytes
                ? { code: 'zip_too_large', message: `the workbook inflates to more than ${MB(limits.totalBytes)} (the most a workbook may hold)`, limit: limits.totalBytes }
                : null;
          if (over) {
            stream.destroy();
            resolve(over);
          }
        });
        stream.once('end', () => resolve(null));
        stream.once('error', (err: Error) =>
          // yauzl stops an entry that inflates to more than its directory entry declares.
          /too many bytes/.test(err.message)
            ? resolve({ code: 'zip_entry_too_large', message: `${entry.fileName} inflates to more than the ${MB(entry.uncompressedSize)} it declares`, limit: limits.entryBytes, entry: entry.fileName })
            : reject(err),
        );
      });
      if (refusal) return refusal;
    }
  } catch (err) {
    return { code: 'not_a_workbook', message: `the workbook cannot be read (${(err as Error).message})` };
  } finally {
    zip.close();
  }
  return null;
}
