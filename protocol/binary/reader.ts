// Bounds-checked big-endian reads (network byte order, RFC 1700 "Data Notations") for every decoder.
// Each read checks its own bounds and throws DecodeError naming what was being read and where.

import { DecodeError } from './decode-error.js';

/** An inner reader's result: the value and the offset just past it (dns-packet's shape, minus mutable state). */
export interface Decoded<T> {
  value: T;
  offset: number;
}

/** Throws unless `length` bytes are available at `offset`. */
export function need(buf: Uint8Array, offset: number, length: number, what: string): void {
  if (offset < 0 || offset + length > buf.length) {
    const have = Math.max(0, buf.length - offset);
    throw new DecodeError(what, `truncated: need ${length} bytes, have ${have}`, offset);
  }
}

export function readU8(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 1, what);
  return buf[offset] as number;
}

export function readU16(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 2, what);
  return ((buf[offset] as number) << 8) | (buf[offset + 1] as number);
}

export function readU32(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 4, what);
  return (
    (((buf[offset] as number) << 24) |
      ((buf[offset + 1] as number) << 16) |
      ((buf[offset + 2] as number) << 8) |
      (buf[offset + 3] as number)) >>>
    0
  );
}

/** Latin-1 text of `buf[start, end)` up to the first NUL: BOOTP's sname/file convention (RFC 951). */
export function readNulTerminated(buf: Uint8Array, start: number, end: number): string {
  if (buf[start] === 0) return ''; // the usual case: no server name, no boot file
  let stop = start;
  while (stop < end && buf[stop] !== 0) stop++;
  return Buffer.from(buf.buffer, buf.byteOffset + start, stop - start).toString('latin1');
}
