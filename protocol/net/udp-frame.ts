// One UDP datagram in one Ethernet frame (IEEE 802.1Q tag optional, RFC 791 IPv4, RFC 768 UDP): what the
// DHCP server decodes from every captured frame and encodes for every reply, so it builds no objects but the result.

import { DecodeError } from '../binary/decode-error.js';
import { need } from '../binary/reader.js';
import { ETHERTYPE_IPV4, ETHERTYPE_QINQ, ETHERTYPE_VLAN, ETHERNET_MIN_FRAME } from './ethernet.js';
import { checkIpv4Header, IP_PROTOCOL_UDP, IPV4_HEADER_LENGTH, writeIpv4Header } from './ipv4.js';
import { readIpv4 } from './ipv4-address.js';
import { isMac, readMac, writeMac } from './mac.js';
import { checkUdp, UDP_HEADER_LENGTH, writeUdpHeader } from './udp.js';

export interface UdpFrame {
  srcMac: string;
  dstMac: string;
  /** 802.1Q VLAN id (inner tag when 802.1ad-stacked); absent when untagged. */
  vid?: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** On decode this aliases the input: copy it before the capture buffer is reused. */
  payload: Buffer;
}

const WHAT = 'udp frame';
/** TTL of frames we send: the Linux default. */
const TTL = 64;

function u16(buf: Uint8Array, at: number): number {
  return ((buf[at] as number) << 8) | (buf[at + 1] as number);
}

export interface DecodeUdpFrameOptions {
  /**
   * Verify the UDP checksum. A capture on the sending host, or across a veth, sees frames whose checksum
   * the kernel left for the NIC to fill in (CHECKSUM_PARTIAL: only the pseudo-header sum is there), and
   * libpcap does not say which those are; such a capture passes false, as Kea's LPF filter and
   * ISC dhcpd's raw path do. The IPv4 header checksum is always computed in software, so it is always checked.
   * @default true
   */
  verifyUdpChecksum?: boolean;
}

export function decodeUdpFrame(buf: Uint8Array, options?: DecodeUdpFrameOptions): UdpFrame {
  need(buf, 0, 14, 'ethernet header');
  let at = 12;
  let type = u16(buf, at);
  let vid: number | undefined;
  if (type === ETHERTYPE_QINQ) {
    need(buf, at, 6, '802.1ad tag');
    at += 4;
    type = u16(buf, at);
  }
  if (type === ETHERTYPE_VLAN) {
    need(buf, at, 6, '802.1Q tag');
    vid = u16(buf, at + 2) & 0x0fff;
    at += 4;
    type = u16(buf, at);
  }
  if (type !== ETHERTYPE_IPV4) throw new DecodeError(WHAT, `EtherType 0x${type.toString(16)} is not IPv4`, at);
  const ip = at + 2;
  const headerLength = checkIpv4Header(buf, ip);
  if (buf[ip + 9] !== IP_PROTOCOL_UDP) throw new DecodeError(WHAT, `IP protocol ${buf[ip + 9]} is not UDP`, ip + 9);
  const udp = ip + headerLength;
  const udpLength = checkUdp(buf, ip, udp, u16(buf, ip + 2) - headerLength, options?.verifyUdpChecksum ?? true);
  const frame: UdpFrame = {
    srcMac: readMac(buf, 6),
    dstMac: readMac(buf, 0),
    srcIp: readIpv4(buf, ip + 12),
    dstIp: readIpv4(buf, ip + 16),
    srcPort: u16(buf, udp),
    dstPort: u16(buf, udp + 2),
    payload: Buffer.from(buf.buffer, buf.byteOffset + udp + UDP_HEADER_LENGTH, udpLength - UDP_HEADER_LENGTH),
  };
  if (vid !== undefined) frame.vid = vid;
  return frame;
}

export function encodingLengthUdpFrame(frame: UdpFrame): number {
  const length = 14 + (frame.vid === undefined ? 0 : 4) + IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH + frame.payload.length;
  return Math.max(length, ETHERNET_MIN_FRAME);
}

export function encodeUdpFrame(frame: UdpFrame): Buffer {
  for (const mac of [frame.srcMac, frame.dstMac]) if (!isMac(mac)) throw new RangeError(`"${mac}" is not a MAC`);
  const buf = Buffer.alloc(encodingLengthUdpFrame(frame));
  writeMac(buf, 0, frame.dstMac);
  writeMac(buf, 6, frame.srcMac);
  let at = 12;
  if (frame.vid !== undefined) {
    if (!Number.isInteger(frame.vid) || frame.vid < 0 || frame.vid > 0xfff) {
      throw new RangeError(`VLAN id ${frame.vid} is not in 0..4095`);
    }
    buf.writeUInt16BE(ETHERTYPE_VLAN, at);
    buf.writeUInt16BE(frame.vid, at + 2);
    at += 4;
  }
  buf.writeUInt16BE(ETHERTYPE_IPV4, at);
  const ip = at + 2;
  const udp = writeIpv4Header(buf, ip, {
    tos: 0,
    id: 0,
    dontFragment: false,
    ttl: TTL,
    protocol: IP_PROTOCOL_UDP,
    srcIp: frame.srcIp,
    dstIp: frame.dstIp,
    payloadLength: UDP_HEADER_LENGTH + frame.payload.length,
  });
  buf.set(frame.payload, udp + UDP_HEADER_LENGTH);
  writeUdpHeader(buf, ip, udp, frame.srcPort, frame.dstPort, frame.payload.length);
  return buf;
}
