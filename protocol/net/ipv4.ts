// IPv4 header (RFC 791 §3.1): checksum verified on decode, header options skipped, fragments refused
// because DHCP and ARP traffic is never legitimately fragmented and reassembly is not worth its risk.

import { DecodeError } from '../binary/decode-error.js';
import type { Decoded } from '../binary/reader.js';
import { need } from '../binary/reader.js';
import { internetChecksum } from './checksum.js';
import { isIpv4, readIpv4, writeIpv4 } from './ipv4-address.js';

export const IPV4_HEADER_LENGTH = 20;
export const IP_PROTOCOL_UDP = 17;
const WHAT = 'ipv4 header';

export interface Ipv4Header {
  tos: number;
  id: number;
  /** The DF flag. */
  dontFragment: boolean;
  ttl: number;
  protocol: number;
  srcIp: string;
  dstIp: string;
  /** Length of the payload (total length minus header length). */
  payloadLength: number;
}

/**
 * Checks version, lengths, checksum and fragmentation of the header at `start` without building an object;
 * returns the header length. The packet is `buf[start, start + totalLength)`; bytes after it are link padding.
 */
export function checkIpv4Header(buf: Uint8Array, start: number): number {
  need(buf, start, IPV4_HEADER_LENGTH, WHAT);
  const first = buf[start] as number;
  if (first >>> 4 !== 4) throw new DecodeError(WHAT, `version ${first >>> 4}, expected 4`, start);
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) throw new DecodeError(WHAT, `IHL ${headerLength / 4} is below 5`, start);
  need(buf, start, headerLength, WHAT);
  const totalLength = ((buf[start + 2] as number) << 8) | (buf[start + 3] as number);
  if (totalLength < headerLength) {
    throw new DecodeError(WHAT, `total length ${totalLength} is shorter than the header`, start + 2);
  }
  need(buf, start, totalLength, 'ipv4 packet');
  const fragment = (((buf[start + 6] as number) << 8) | (buf[start + 7] as number)) & 0x3fff;
  if (fragment !== 0) throw new DecodeError(WHAT, 'fragmented', start + 6);
  if (internetChecksum(buf, start, start + headerLength) !== 0) {
    throw new DecodeError(WHAT, 'bad header checksum', start + 10);
  }
  return headerLength;
}

/** Decodes the header at `start`; `offset` is where the payload starts. */
export function decodeIpv4(buf: Uint8Array, start = 0): Decoded<Ipv4Header> {
  const headerLength = checkIpv4Header(buf, start);
  const totalLength = ((buf[start + 2] as number) << 8) | (buf[start + 3] as number);
  const value: Ipv4Header = {
    tos: buf[start + 1] as number,
    id: ((buf[start + 4] as number) << 8) | (buf[start + 5] as number),
    dontFragment: ((buf[start + 6] as number) & 0x40) !== 0,
    ttl: buf[start + 8] as number,
    protocol: buf[start + 9] as number,
    srcIp: readIpv4(buf, start + 12),
    dstIp: readIpv4(buf, start + 16),
    payloadLength: totalLength - headerLength,
  };
  return { value, offset: start + headerLength };
}

/** Writes a 20-byte header (no options) with its checksum at `offset`; returns the payload offset. */
export function writeIpv4Header(buf: Uint8Array, offset: number, header: Ipv4Header): number {
  const totalLength = IPV4_HEADER_LENGTH + header.payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`IPv4 packet of ${totalLength} bytes exceeds 65535`);
  for (const ip of [header.srcIp, header.dstIp])
    if (!isIpv4(ip)) throw new RangeError(`"${ip}" is not an IPv4 address`);
  buf[offset] = 0x45;
  buf[offset + 1] = header.tos & 0xff;
  buf[offset + 2] = totalLength >>> 8;
  buf[offset + 3] = totalLength & 0xff;
  buf[offset + 4] = (header.id >>> 8) & 0xff;
  buf[offset + 5] = header.id & 0xff;
  buf[offset + 6] = header.dontFragment ? 0x40 : 0;
  buf[offset + 7] = 0;
  buf[offset + 8] = header.ttl & 0xff;
  buf[offset + 9] = header.protocol & 0xff;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  writeIpv4(buf, offset + 12, header.srcIp);
  writeIpv4(buf, offset + 16, header.dstIp);
  const checksum = internetChecksum(buf, offset, offset + IPV4_HEADER_LENGTH);
  buf[offset + 10] = checksum >>> 8;
  buf[offset + 11] = checksum & 0xff;
  return offset + IPV4_HEADER_LENGTH;
}
