// 16-byte IPv6 addresses on the wire (RFC 8415 §9 link/peer address, §21.x address lists) to and from the
// RFC 5952 text form, reusing the IPAM's RFC 4291 parser so config text and wire values compare as equal.

import { need } from '../binary/reader.js';
import { formatIpv6, parseIpv6 } from '../ipam/ipv6-text.js';

export const IPV6_LENGTH = 16;

export function readIpv6(buf: Uint8Array, offset: number, what: string): string {
  need(buf, offset, IPV6_LENGTH, what);
  let value = 0n;
  for (let i = 0; i < IPV6_LENGTH; i++) value = (value << 8n) | BigInt(buf[offset + i] as number);
  return formatIpv6(value);
}

/** Throws RangeError for text that is not an IPv6 address (an encoder's input is ours to get right). */
export function ipv6Bytes(text: string): Buffer {
  const value = parseIpv6(text);
  if (value === undefined) throw new RangeError(`"${text}" is not an IPv6 address`);
  const out = Buffer.alloc(IPV6_LENGTH);
  let rest = value;
  for (let i = IPV6_LENGTH - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** RFC 4291 §2.5.6: fe80::/10. */
export function isLinkLocal6(text: string): boolean {
  const value = parseIpv6(text);
  return value !== undefined && value >> 118n === 0x3fan;
}

/** RFC 4291 §2.5.2. */
export function isUnspecified6(text: string): boolean {
  return parseIpv6(text) === 0n;
}
