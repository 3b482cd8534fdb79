// The reservation columns of the rack's applied state (PROTOCOL.md §4.4) and their hash tables as one binary file:
// typed arrays back to back, so a restart maps them in place instead of parsing, validating and hashing again.

import { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { ColumnArrays } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { CustomOption } from '../../protocol/ipam/types.js';

/** "RKC1" read as a native uint32: a file from a machine of the other byte order is refused, not misread. */
const MAGIC = 0x314b4352;
const HEADER_BYTES = 40;

const pad4 = (n: number) => (n + 3) & ~3;

/** Section order: the 32-bit columns, the 16-bit ones, text, subnets and options (JSON), the three hash tables. */
function layout(count: number, textBytes: number, subnetBytes: number, optionBytes: number) {
  const u32 = HEADER_BYTES;
  const u16 = u32 + count * 20;
  const text = u16 + count * 6;
  const subnets = text + pad4(textBytes);
  const options = pad4(subnets + subnetBytes);
  const tables = pad4(options + optionBytes);
  return { u32, u16, text, subnets, options, tables };
}

/** `keys` is the index over `columns` (built when it was validated): saved so a restart does not rebuild it. */
export function encodeColumns(columns: ReservationColumns, keys: ColumnsIndex): Buffer {
  return Buffer.concat(columnsSections(columns, keys));
}

/**
 * The file encodeColumns makes, as views of the arrays and the zero padding between them, in file order: a writer
 * can hash and write them one at a time instead of first copying tens of megabytes into one buffer.
 */
export function columnsSections(columns: ReservationColumns, keys: ColumnsIndex): Uint8Array[] {
  const a = columns.arrays;
  const n = columns.count;
  const subnets = Buffer.from(JSON.stringify(columns.subnets));
  const options = Buffer.from(JSON.stringify([...columns.options]));
  const { ips, macs, clientIds } = keys.tables;
  const at = layout(n, a.text.length, subnets.length, options.length);
  const header = new Uint32Array([
    MAGIC,
    n,
    a.text.length,
    subnets.length,
    options.length,
    ips.length,
    macs.length,
    clientIds.length,
    0,
    0,
  ]);
  const placed: [number, Uint8Array][] = [
    [0, bytesOf(header)],
    ...[a.ip, a.macLo, a.hostStart, a.idStart, a.idLength].map((column, i): [number, Uint8Array] => [
      at.u32 + i * n * 4,
      bytesOf(column),
    ]),
    ...[a.macHi, a.subnet, a.hostLength].map((column, i): [number, Uint8Array] => [
      at.u16 + i * n * 2,
      bytesOf(column),
    ]),
    [at.text, a.text],
    [at.subnets, subnets],
    [at.options, options],
    [at.tables, bytesOf(ips)],
    [at.tables + ips.length * 4, bytesOf(macs)],
    [at.tables + (ips.length + macs.length) * 4, bytesOf(clientIds)],
  ];
  const sections: Uint8Array[] = [];
  let offset = 0;
  for (const [start, bytes] of placed) {
    if (start > offset) sections.push(new Uint8Array(start - offset));
    sections.push(bytes);
    offset = start + bytes.length;
  }
  return sections;
}

/**
 * The columns in `file` (views into it, no copy when it is 4-byte aligned), or a reason it is not a well-formed
 * columns file. The caller has checked the file's digest; the bounds checks here keep a bug from reading garbage.
 */
export function decodeColumns(file: Uint8Array): { columns: ReservationColumns; keys: ColumnsIndex } | string {
  if (file.length < HEADER_BYTES) return 'shorter than its header';
  const buf = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
  const [magic, n = 0, textBytes = 0, subnetBytes = 0, optionBytes = 0, ipSlots = 0, macSlots = 0, idSlots = 0] =
    new Uint32Array(buf.buffer, buf.byteOffset, HEADER_BYTES / 4);
  if (magic !== MAGIC) return 'not a rackd reservation-columns file (or another byte order)';
  const at = layout(n, textBytes, subnetBytes, optionBytes);
  const end = at.tables + (ipSlots + macSlots + idSlots) * 4;
  if (end !== buf.length) return `${buf.length} bytes where its header implies ${end}`;
  const u32 = (i: number) => new Uint32Array(buf.buffer, buf.byteOffset + at.u32 + i * n * 4, n);
  const u16 = (i: number) => new Uint16Array(buf.buffer, buf.byteOffset + at.u16 + i * n * 2, n);
  const arrays: ColumnArrays = {
    ip: u32(0),
    macLo: u32(1),
    hostStart: u32(2),
    idStart: u32(3),
    idLength: u32(4),
    macHi: u16(0),
    subnet: u16(1),
    hostLength: u16(2),
    text: buf.subarray(at.text, at.text + textBytes),
  };
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let subnets: unknown;
  let options: unknown;
  try {
    subnets = JSON.parse(text.toString('utf8', at.subnets, at.subnets + subnetBytes));
    options = JSON.parse(text.toString('utf8', at.options, at.options + optionBytes));
  } catch {
    return 'subnet or option section is not JSON';
  }
  if (!Array.isArray(subnets) || !subnets.every((s) => typeof s === 'string'))
    return 'subnet section is not a list of CIDRs';
  if (
    !Array.isArray(options) ||
    !options.every((e) => Array.isArray(e) && Number.isInteger(e[0]) && e[0] >= 0 && e[0] < n && Array.isArray(e[1]))
  ) {
    return 'option section is not a list of [row, options]';
  }
  const problem = outOfBounds(arrays, subnets.length);
  if (problem !== undefined) return problem;
  const columns = new ReservationColumns(subnets as string[], arrays, new Map(options as [number, CustomOption[]][]));
  const table = (offset: number, slots: number) => new Int32Array(buf.buffer, buf.byteOffset + offset, slots);
  const keys = ColumnsIndex.restore(columns, {
    ips: table(at.tables, ipSlots),
    macs: table(at.tables + ipSlots * 4, macSlots),
    clientIds: table(at.tables + (ipSlots + macSlots) * 4, idSlots),
  });
  return keys === undefined ? 'its hash tables do not fit its rows' : { columns, keys };
}

function outOfBounds(a: ColumnArrays, subnets: number): string | undefined {
  const textBytes = a.text.length;
  for (let row = 0; row < a.ip.length; row++) {
    if ((a.subnet[row] ?? 0) >= subnets) return `row ${row} names subnet ${a.subnet[row]} of ${subnets}`;
    if (
      (a.hostStart[row] ?? 0) + (a.hostLength[row] ?? 0) > textBytes ||
      (a.idStart[row] ?? 0) + (a.idLength[row] ?? 0) > textBytes
    ) {
      return `row ${row} points past the text section`;
    }
  }
  return undefined;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
