import { BioimageioError } from './errors';

/**
 * The central directory of a zip archive, read from its bytes: per entry its stored name, how it
 * is compressed, its sizes as the directory declares them, and where its data starts. Nothing is
 * decompressed here. The directory is the one source of names and sizes (local headers are used
 * only to find where the data starts), so what is checked is what is later read.
 */
export interface ZipEntryRecord {
  /** The name as stored (`/`-separated; directories end with `/`). */
  name: string;
  /** 0 stored, 8 deflate (others are refused when the entry is read). */
  method: number;
  /** General purpose flags (bit 0: encrypted). */
  flags: number;
  /** Bytes of compressed data in the archive. */
  compressedSize: number;
  /** Bytes the entry declares it inflates to (not trusted: reading stops there). */
  declaredSize: number;
  /** Offset of the entry's local header in the archive. */
  localHeader: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;

/** A damaged or unreadable archive: names the archive, as fflate's messages did before. */
function damaged(reason: string, file: string): BioimageioError {
  return new BioimageioError(`not a readable zip archive (${reason})`, { file });
}

function u64(view: DataView, at: number, file: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged('a size or offset beyond 2^53', file);
  return Number(v);
}

/** Names are UTF-8 when flag bit 11 says so, else code page 437, read as Latin-1 as fflate does. */
function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Every entry of the central directory, in its order. */
export function readZipDirectory(bytes: Uint8Array, file: string): ZipEntryRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  // The end record is the last 22 bytes, plus a comment of at most 65535 bytes.
  let end = -1;
  for (let at = n - 22; at >= Math.max(0, n - 22 - MAX_U16); at--) {
    if (view.getUint32(at, true) === EOCD && at + 22 + view.getUint16(at + 20, true) <= n) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged('no end of central directory record', file);
  let count = view.getUint16(end + 10, true);
  let dirSize = view.getUint32(end + 12, true);
  let dirStart = view.getUint32(end + 16, true);
  if (count === MAX_U16 || dirSize === MAX_U32 || dirStart === MAX_U32) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) throw damaged('a zip64 archive without its zip64 end record', file);
    const z = u64(view, locator + 8, file);
    if (z + 56 > n || view.getUint32(z, true) !== ZIP64_EOCD) throw damaged('a zip64 end record outside the archive', file);
    count = u64(view, z + 32, file);
    dirSize = u64(view, z + 40, file);
    dirStart = u64(view, z + 48, file);
  }
  if (dirStart + dirSize > n) throw damaged('the central directory lies outside the archive', file);
  // Each directory record is at least 46 bytes: a count larger than that allows is a lie.
  if (count * 46 > dirSize) throw damaged(`${count} entries cannot fit in a ${dirSize}-byte directory`, file);

  const entries: ZipEntryRecord[] = [];
  let at = dirStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirStart + dirSize || view.getUint32(at, true) !== CENTRAL) throw damaged(`central directory record ${i + 1} is damaged`, file);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let declaredSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeader = view.getUint32(at + 42, true);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > dirStart + dirSize) throw damaged(`central directory record ${i + 1} runs past the directory`, file);
    const name = decodeName(bytes.subarray(nameStart, extraStart), (flags & 0x800) !== 0);
    // zip64: the fields that overflowed (0xffffffff) follow in the extra field 0x0001, in this order.
    if (declaredSize === MAX_U32 || compressedSize === MAX_U32 || localHeader === MAX_U32) {
      let e = extraStart;
      let found = false;
      while (e + 4 <= extraStart + extraLength) {
        const id = view.getUint16(e, true);
        const size = view.getUint16(e + 2, true);
        if (id === 1) {
          let f = e + 4;
          const take = () => {
            if (f + 8 > e + 4 + size) throw damaged(`the zip64 sizes of '${name}' are incomplete`, file);
            const v = u64(view, f, file);
            f += 8;
            return v;
          };
          if (declaredSize === MAX_U32) declaredSize = take();
          if (compressedSize === MAX_U32) compressedSize = take();
          if (localHeader === MAX_U32) localHeader = take();
          found = true;
          break;
        }
        e += 4 + size;
      }
      if (!found) throw damaged(`'${name}' has no zip64 sizes`, file);
    }
    entries.push({ name, method, flags, compressedSize, declaredSize, localHeader });
    at = next;
  }
  return entries;
}

/** Where an entry's compressed data lies in the archive, checked to lie inside it. */
export function entryData(bytes: Uint8Array, entry: ZipEntryRecord, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeader;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw damaged(`the local header of '${entry.name}' is damaged`, file);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) throw damaged(`the data of '${entry.name}' runs past the end of the archive`, file);
  return bytes.subarray(start, start + entry.compressedSize);
}
