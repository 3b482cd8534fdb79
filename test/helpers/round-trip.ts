// The one round-trip check every codec gets (STYLE.md): decode(encode(v)) equals v, encodingLength equals the
// bytes written, re-encoding is byte-identical, and, where the codec takes an offset, encoding there works too.

import { expect } from 'vitest';

export interface Codec<T> {
  encode(value: T): Buffer;
  decode(buf: Uint8Array): T;
  encodingLength(value: T): number;
  /** For codecs that write into a caller's buffer at an offset; returns the offset after the value. */
  encodeAt?(value: T, buf: Buffer, offset: number): number;
  /** For codecs that read at an offset. */
  decodeAt?(buf: Uint8Array, offset: number): T;
}

/** Runs every check and returns the encoding; `expected` is what decoding should give when not `value` itself. */
export function roundTrip<T>(codec: Codec<T>, value: T, expected: T = value): Buffer {
  const bytes = codec.encode(value);
  expect(codec.encodingLength(value)).toBe(bytes.length);
  const decoded = codec.decode(bytes);
  expect(decoded).toEqual(expected);
  expect(codec.encode(decoded).equals(bytes)).toBe(true);
  if (codec.encodeAt && codec.decodeAt) {
    const offset = 7;
    const buf = Buffer.alloc(offset + bytes.length + 5, 0xa5);
    expect(codec.encodeAt(value, buf, offset)).toBe(offset + bytes.length);
    expect(buf.subarray(offset, offset + bytes.length).equals(bytes)).toBe(true);
    expect(buf[offset - 1]).toBe(0xa5);
    expect(buf[offset + bytes.length]).toBe(0xa5);
    expect(codec.decodeAt(buf, offset)).toEqual(expected);
  }
  return bytes;
}
