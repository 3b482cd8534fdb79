// Bounds-checked big-endian writes (network byte order, RFC 1700 "Data Notations") for every encoder.
// An encoder that runs past its buffer has a length bug, so these throw RangeError rather than DecodeError.

function room(buf: Uint8Array, offset: number, length: number): void {
  if (offset < 0 || offset + length > buf.length) {
    throw new RangeError(`write of ${length} bytes at offset ${offset} overruns a ${buf.length}-byte buffer`);
  }
}

function checkValue(value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`value ${value} is not an integer in 0..${max}`);
  }
}

export function writeU8(buf: Uint8Array, offset: number, value: number): number {
  room(buf, offset, 1);
  checkValue(value, 0xff);
  buf[offset] = value;
  return offset + 1;
}

export function writeU16(buf: Uint8Array, offset: number, value: number): number {
  room(buf, offset, 2);
  checkValue(value, 0xffff);
  buf[offset] = value >>> 8;
  buf[offset + 1] = value & 0xff;
  return offset + 2;
}

export function writeU32(buf: Uint8Array, offset: number, value: number): number {
  room(buf, offset, 4);
  checkValue(value, 0xffffffff);
  buf[offset] = value >>> 24;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
  return offset + 4;
}

/** Copies `src` into `buf` at `offset`; returns the offset just past it. */
export function writeBytes(buf: Uint8Array, offset: number, src: Uint8Array): number {
  room(buf, offset, src.length);
  buf.set(src, offset);
  return offset + src.length;
}
