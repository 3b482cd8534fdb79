// The link, network and transport layers under an mDNS message (IEEE 802.1Q, RFC 791 IPv4 or RFC 8200
// IPv6, RFC 768 UDP to port 5353, RFC 6762 §5): yields who sent it and the payload for decodeMdns.

import { DecodeError } from '../binary/decode-error.js';
import { need, readU16 } from '../binary/reader.js';
import { decodeEthernet, ETHERTYPE_IPV4 } from '../net/ethernet.js';
import { checkIpv4Header, IP_PROTOCOL_UDP } from '../net/ipv4.js';
import { readIpv4 } from '../net/ipv4-address.js';
import { MDNS_PORT } from './message.js';

export const ETHERTYPE_IPV6 = 0x86dd;
const IPV6_HEADER_LENGTH = 40;
const WHAT = 'mdns frame';

export interface MdnsFrame {
  srcMac: string;
  vid?: number;
  /** Dotted quad, or IPv6 in full lower-case hex groups. */
  srcIp: string;
  /** Aliases the input: copy before the capture buffer is reused. */
  payload: Buffer;
}

function readIpv6(buf: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((buf[at + i] as number) << 8) | (buf[at + i + 1] as number)).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 §4.2: the longest run (of two or more) of zero groups becomes `::`. */
export function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

/**
 * UDP header at `udp` within a packet ending at `end`; returns the payload. Checksums are the kernel's business here.
 */
function udpPayload(buf: Uint8Array, udp: number, end: number): Buffer {
  need(buf, udp, 8, `${WHAT} udp header`);
  const length = readU16(buf, udp + 4, WHAT);
  if (length < 8 || udp + length > end)
    throw new DecodeError(`${WHAT} udp header`, `length ${length} does not fit`, udp + 4);
  if (readU16(buf, udp + 2, WHAT) !== MDNS_PORT)
    throw new DecodeError(`${WHAT} udp header`, 'destination port is not 5353', udp + 2);
  return Buffer.from(buf.buffer, buf.byteOffset + udp + 8, length - 8);
}

function decodeIpv4Part(buf: Uint8Array, ip: number): { srcIp: string; payload: Buffer } {
  const headerLength = checkIpv4Header(buf, ip);
  if (buf[ip + 9] !== IP_PROTOCOL_UDP) throw new DecodeError(WHAT, `IP protocol ${buf[ip + 9]} is not UDP`, ip + 9);
  return {
    srcIp: readIpv4(buf, ip + 12),
    payload: udpPayload(buf, ip + headerLength, ip + readU16(buf, ip + 2, WHAT)),
  };
}

function decodeIpv6Part(buf: Uint8Array, ip: number): { srcIp: string; payload: Buffer } {
  need(buf, ip, IPV6_HEADER_LENGTH, `${WHAT} ipv6 header`);
  if ((buf[ip] as number) >>> 4 !== 6)
    throw new DecodeError(`${WHAT} ipv6 header`, `version ${(buf[ip] as number) >>> 4}`, ip);
  // Extension headers are not followed: mDNS senders do not use them.
  if (buf[ip + 6] !== IP_PROTOCOL_UDP)
    throw new DecodeError(`${WHAT} ipv6 header`, `next header ${buf[ip + 6]} is not UDP`, ip + 6);
  const end = ip + IPV6_HEADER_LENGTH + readU16(buf, ip + 4, WHAT);
  need(buf, ip, end - ip, `${WHAT} ipv6 payload`);
  return { srcIp: readIpv6(buf, ip + 8), payload: udpPayload(buf, ip + IPV6_HEADER_LENGTH, end) };
}

export function decodeMdnsFrame(buf: Uint8Array): MdnsFrame {
  const { value: eth, offset } = decodeEthernet(buf);
  let part: { srcIp: string; payload: Buffer };
  if (eth.etherType === ETHERTYPE_IPV4) part = decodeIpv4Part(buf, offset);
  else if (eth.etherType === ETHERTYPE_IPV6) part = decodeIpv6Part(buf, offset);
  else throw new DecodeError(WHAT, `EtherType 0x${eth.etherType.toString(16)} is not IP`, offset - 2);
  const frame: MdnsFrame = { srcMac: eth.srcMac, srcIp: part.srcIp, payload: part.payload };
  if (eth.vid !== undefined) frame.vid = eth.vid;
  return frame;
}
