// Builds zip bombs for the import tests without ever holding the inflated bytes: one deflate block of a MiB of zeros, repeated.
import zlib from 'node:zlib';

const MiB = 1024 ** 2;

/**
 * A zip whose one entry (named like a workbook's sheet) inflates to `inflated` bytes of zeros (a multiple of 1 MiB).
 * `declared` is the size its headers state (default: the truth); a smaller one makes an entry that lies about its size.
 */
export function zipBomb(opts: { inflated: number; declared?: number; name?: string }): Buffer {
  const blocks = Math.ceil(opts.inflated / MiB);
  // A full flush ends the block on a byte boundary and forgets the window, so the same bytes can follow themselves.
  const block = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const final = Buffer.from([0x03, 0x00]); // an empty final block (fixed Huffman, end of block)
  const data = Buffer.concat([...Array.from({ length: blocks }, () => block), final]);
  const size = opts.declared ?? blocks * MiB;
  const name = Buffer.from(opts.name ?? 'xl/worksheets/sheet1.xml');
  const crc = 0; // nothing reads that far: the guard refuses the entry first
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(0, 10); // time, date
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(0, 12);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  // extra, comment, disk, internal attrs, external attrs: 0; local header offset 0
  const centralStart = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
