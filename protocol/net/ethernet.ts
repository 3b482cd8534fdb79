// Ethernet II framing with IEEE 802.1Q VLAN tags (and an 802.1ad 0x88a8 outer tag, which is recorded
// and skipped): the layer under RFC 894 IPv4 and RFC 826 ARP.

import type { Decoded } from '../binary/reader.js';
import { need, readU16 } from '../binary/reader.js';
import { readMac, writeMac } from './mac.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERNET_HEADER_LENGTH = 14;
/** Shortest frame on the wire without FCS (IEEE 802.3 §4.4.2); shorter frames are padded. */
export const ETHERNET_MIN_FRAME = 60;

export interface EthernetHeader {
  dstMac: string;
  srcMac: string;
  /** 802.1Q VLAN id of the (inner) tag, when tagged. */
  vid?: number;
  /** 802.1Q priority code point of the (inner) tag, when tagged. */
  pcp?: number;
  /** VLAN id of an 802.1ad (0x88a8) service tag, when present. */
  outerVid?: number;
  /** EtherType of the payload (after any tags). */
  etherType: number;
}

const WHAT = 'ethernet header';

/** Decodes the header; `offset` is where the payload starts. */
export function decodeEthernet(buf: Uint8Array, start = 0): Decoded<EthernetHeader> {
  need(buf, start, ETHERNET_HEADER_LENGTH, WHAT);
  const header: EthernetHeader = { dstMac: readMac(buf, start), srcMac: readMac(buf, start + 6), etherType: 0 };
  let offset = start + 12;
  let type = readU16(buf, offset, WHAT);
  if (type === ETHERTYPE_QINQ) {
    header.outerVid = readU16(buf, offset + 2, '802.1ad tag') & 0x0fff;
    offset += 4;
    type = readU16(buf, offset, WHAT);
  }
  if (type === ETHERTYPE_VLAN) {
    const tci = readU16(buf, offset + 2, '802.1Q tag');
    header.vid = tci & 0x0fff;
    header.pcp = tci >>> 13;
    offset += 4;
    type = readU16(buf, offset, WHAT);
  }
  header.etherType = type;
  return { value: header, offset: offset + 2 };
}

export function ethernetHeaderLength(header: Pick<EthernetHeader, 'vid' | 'outerVid'>): number {
  return ETHERNET_HEADER_LENGTH + (header.vid === undefined ? 0 : 4) + (header.outerVid === undefined ? 0 : 4);
}

/** Writes the header at `offset`; returns the offset where the payload goes. */
export function writeEthernet(buf: Uint8Array, offset: number, header: EthernetHeader): number {
  writeMac(buf, offset, header.dstMac);
  writeMac(buf, offset + 6, header.srcMac);
  let at = offset + 12;
  if (header.outerVid !== undefined) at = writeTag(buf, at, ETHERTYPE_QINQ, header.outerVid, 0);
  if (header.vid !== undefined) at = writeTag(buf, at, ETHERTYPE_VLAN, header.vid, header.pcp ?? 0);
  buf[at] = header.etherType >>> 8;
  buf[at + 1] = header.etherType & 0xff;
  return at + 2;
}

function writeTag(buf: Uint8Array, at: number, tpid: number, vid: number, pcp: number): number {
  if (!Number.isInteger(vid) || vid < 0 || vid > 0xfff) throw new RangeError(`VLAN id ${vid} is not in 0..4095`);
  if (!Number.isInteger(pcp) || pcp < 0 || pcp > 7) throw new RangeError(`VLAN priority ${pcp} is not in 0..7`);
  const tci = (pcp << 13) | vid;
  buf[at] = tpid >>> 8;
  buf[at + 1] = tpid & 0xff;
  buf[at + 2] = tci >>> 8;
  buf[at + 3] = tci & 0xff;
  return at + 4;
}

/** A whole frame: header plus payload, padded to the Ethernet minimum. */
export function encodeEthernet(header: EthernetHeader, payload: Uint8Array): Buffer {
  const length = ethernetHeaderLength(header) + payload.length;
  const buf = Buffer.alloc(Math.max(length, ETHERNET_MIN_FRAME));
  buf.set(payload, writeEthernet(buf, 0, header));
  return buf;
}
