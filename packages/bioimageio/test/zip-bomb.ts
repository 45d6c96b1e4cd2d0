import zlib from 'node:zlib';

/**
 * Zip archives built byte by byte, so a test can give an entry any declared size (zip writers
 * always tell the truth), and decompression bombs built without ever holding what they inflate to.
 */

/** Raw deflate of `mib` MiB of zeros (~1 KB per MiB): one fully flushed MiB repeated, then an empty final block. */
export function deflatedZeros(mib: number): Uint8Array {
  // A full flush ends the piece on a byte boundary with no reference to earlier data, so copies chain.
  const piece = zlib.deflateRawSync(Buffer.alloc(2 ** 20), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const end = zlib.deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array<Buffer>(mib).fill(piece), end]);
}

export interface RawEntry {
  name: string;
  /** The bytes as stored in the archive: raw deflate for method 8, the file itself for method 0. */
  data: Uint8Array;
  method: 0 | 8;
  /** The uncompressed size the headers declare (the truth or not). */
  declaredSize: number;
}

/** A normal deflated entry (its declared size is the truth). */
export function deflatedEntry(name: string, content: Uint8Array | string): RawEntry {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return { name, data: zlib.deflateRawSync(bytes), method: 8, declaredSize: bytes.length };
}

/**
 * A zip archive of `entries` (local headers, data, central directory, end record). CRCs are 0:
 * biaflow's reader does not check them, and the bombs have no true one to give.
 */
export function buildZip(entries: readonly RawEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.data));
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
