// ARP for Ethernet and IPv4 (RFC 826): the 28-byte request/reply body that follows an Ethernet header
// with EtherType 0x0806. Other hardware or protocol types are refused.

import { DecodeError } from '../binary/decode-error.js';
import { need, readU16 } from '../binary/reader.js';
import { isIpv4, readIpv4, writeIpv4 } from './ipv4-address.js';
import { isMac, readMac, writeMac } from './mac.js';

export const ARP_LENGTH = 28;
const WHAT = 'arp packet';

export const enum ArpOp {
  Request = 1,
  Reply = 2,
}

export interface ArpPacket {
  op: ArpOp;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export function decodeArp(buf: Uint8Array, start = 0): ArpPacket {
  need(buf, start, ARP_LENGTH, WHAT);
  const htype = readU16(buf, start, WHAT);
  const ptype = readU16(buf, start + 2, WHAT);
  if (htype !== 1 || ptype !== 0x0800) {
    throw new DecodeError(WHAT, `hardware/protocol type ${htype}/0x${ptype.toString(16)}, expected 1/0x800`, start);
  }
  if (buf[start + 4] !== 6 || buf[start + 5] !== 4) {
    throw new DecodeError(WHAT, `address lengths ${buf[start + 4]}/${buf[start + 5]}, expected 6/4`, start + 4);
  }
  const op = readU16(buf, start + 6, WHAT);
  if (op !== ArpOp.Request && op !== ArpOp.Reply) throw new DecodeError(WHAT, `op ${op}, expected 1 or 2`, start + 6);
  return {
    op,
    senderMac: readMac(buf, start + 8),
    senderIp: readIpv4(buf, start + 14),
    targetMac: readMac(buf, start + 18),
    targetIp: readIpv4(buf, start + 24),
  };
}

export function encodingLengthArp(): number {
  return ARP_LENGTH;
}

export function encodeArp(packet: ArpPacket, buf: Buffer = Buffer.alloc(ARP_LENGTH), offset = 0): Buffer {
  if (offset < 0 || offset + ARP_LENGTH > buf.length)
    throw new RangeError(`ARP needs ${ARP_LENGTH} bytes at ${offset}`);
  if (packet.op !== ArpOp.Request && packet.op !== ArpOp.Reply)
    throw new RangeError(`ARP op ${packet.op} is not 1 or 2`);
  for (const mac of [packet.senderMac, packet.targetMac])
    if (!isMac(mac)) throw new RangeError(`"${mac}" is not a MAC`);
  for (const ip of [packet.senderIp, packet.targetIp]) if (!isIpv4(ip)) throw new RangeError(`"${ip}" is not IPv4`);
  buf.set([0, 1, 0x08, 0x00, 6, 4, 0, packet.op], offset);
  writeMac(buf, offset + 8, packet.senderMac);
  writeIpv4(buf, offset + 14, packet.senderIp);
  writeMac(buf, offset + 18, packet.targetMac);
  writeIpv4(buf, offset + 24, packet.targetIp);
  return buf;
}
