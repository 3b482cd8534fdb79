// The DHCPv6 option TLV list (RFC 8415 §21.1: 16-bit code, 16-bit length, data), shared by messages,
// relay messages and every option that encapsulates options (IA_NA §21.4, IA_PD §21.21, IA Address §21.6).

import { DecodeError } from '../binary/decode-error.js';
import { need } from '../binary/reader.js';
import type { Dhcp6Option } from './message.js';

const HEADER = 4;

/** Decodes `buf[start, end)` as options; each option's data aliases `buf`. */
export function decodeOptionList(buf: Uint8Array, start: number, end: number, what = 'dhcp6 options'): Dhcp6Option[] {
  const options: Dhcp6Option[] = [];
  let at = start;
  while (at < end) {
    if (at + HEADER > end)
      throw new DecodeError(what, `truncated option header: need ${HEADER} bytes, have ${end - at}`, at);
    const code = ((buf[at] as number) << 8) | (buf[at + 1] as number);
    const length = ((buf[at + 2] as number) << 8) | (buf[at + 3] as number);
    if (at + HEADER + length > end) {
      throw new DecodeError(
        what,
        `option ${code} length ${length} runs past the end (${end - at - HEADER} bytes left)`,
        at + 2,
      );
    }
    need(buf, at + HEADER, length, what);
    options.push({ code, data: Buffer.from(buf.buffer, buf.byteOffset + at + HEADER, length) });
    at += HEADER + length;
  }
  return options;
}

export function encodingLengthOptionList(options: readonly Dhcp6Option[]): number {
  let length = 0;
  for (const option of options) length += HEADER + option.data.length;
  return length;
}

/** Writes the options at `offset`; returns the offset just past them. RangeError for a code or length over 16 bits. */
export function writeOptionList(buf: Buffer, offset: number, options: readonly Dhcp6Option[]): number {
  let at = offset;
  for (const { code, data } of options) {
    if (!Number.isInteger(code) || code < 0 || code > 0xffff)
      throw new RangeError(`dhcp6 option code ${code} is not in 0..65535`);
    if (data.length > 0xffff) throw new RangeError(`dhcp6 option ${code} has ${data.length} bytes, more than 65535`);
    if (at + HEADER + data.length > buf.length)
      throw new RangeError(`dhcp6 option ${code} overruns a ${buf.length}-byte buffer`);
    buf.writeUInt16BE(code, at);
    buf.writeUInt16BE(data.length, at + 2);
    data.copy(buf, at + HEADER);
    at += HEADER + data.length;
  }
  return at;
}

export function encodeOptionList(options: readonly Dhcp6Option[]): Buffer {
  const buf = Buffer.alloc(encodingLengthOptionList(options));
  writeOptionList(buf, 0, options);
  return buf;
}
