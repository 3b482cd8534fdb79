// DHCPv6 message codec (RFC 8415 §8 client/server messages, §9 relay agent/server messages): bytes to a
// Dhcp6Packet and back. Options are left raw; option-values.ts gives them meaning on demand.

import { DecodeError } from '../binary/decode-error.js';
import { need } from '../binary/reader.js';
import type { Dhcp6Message, Dhcp6Packet, Dhcp6RelayMessage } from './message.js';
import { isRelayMessage, MessageType6 } from './message.js';
import { ipv6Bytes, IPV6_LENGTH, readIpv6 } from './ipv6-address.js';
import { decodeOptionList, encodingLengthOptionList, writeOptionList } from './option-list.js';

/** msg-type + transaction-id. */
const CLIENT_HEADER = 4;
/** msg-type + hop-count + link-address + peer-address. */
const RELAY_HEADER = 2 + 2 * IPV6_LENGTH;

function decodeRelay(buf: Uint8Array): Dhcp6RelayMessage {
  need(buf, 0, RELAY_HEADER, 'dhcp6 relay header');
  return {
    type: buf[0] as MessageType6.RelayForward | MessageType6.RelayReply,
    hopCount: buf[1] as number,
    linkAddress: readIpv6(buf, 2, 'dhcp6 link-address'),
    peerAddress: readIpv6(buf, 2 + IPV6_LENGTH, 'dhcp6 peer-address'),
    options: decodeOptionList(buf, RELAY_HEADER, buf.length, 'dhcp6 relay options'),
  };
}

/**
 * Decodes one DHCPv6 message. Every type other than Relay-forward/-reply uses the §8 format, so an
 * unassigned type still decodes (the policy drops it by type); throws DecodeError when malformed.
 */
export function decodeDhcp6(buf: Uint8Array): Dhcp6Packet {
  if (buf.length === 0) throw new DecodeError('dhcp6 message', 'empty', 0);
  const type = buf[0] as number;
  if (type === MessageType6.RelayForward || type === MessageType6.RelayReply) return decodeRelay(buf);
  need(buf, 0, CLIENT_HEADER, 'dhcp6 header');
  const transactionId = ((buf[1] as number) << 16) | ((buf[2] as number) << 8) | (buf[3] as number);
  return { type, transactionId, options: decodeOptionList(buf, CLIENT_HEADER, buf.length) };
}

export function encodingLengthDhcp6(packet: Dhcp6Packet): number {
  return (isRelayMessage(packet) ? RELAY_HEADER : CLIENT_HEADER) + encodingLengthOptionList(packet.options);
}

function checkByte(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new RangeError(`dhcp6 ${what} ${value} is not in 0..255`);
  return value;
}

/** Writes `packet` into `buf` at `offset`; returns the offset just past it. */
export function encodeDhcp6Into(packet: Dhcp6Packet, buf: Buffer, offset: number): number {
  const length = encodingLengthDhcp6(packet);
  if (offset < 0 || offset + length > buf.length)
    throw new RangeError(`dhcp6 message of ${length} bytes overruns the buffer at ${offset}`);
  buf[offset] = checkByte(packet.type, 'message type');
  if (isRelayMessage(packet)) {
    buf[offset + 1] = checkByte(packet.hopCount, 'hop-count');
    ipv6Bytes(packet.linkAddress).copy(buf, offset + 2);
    ipv6Bytes(packet.peerAddress).copy(buf, offset + 2 + IPV6_LENGTH);
    return writeOptionList(buf, offset + RELAY_HEADER, packet.options);
  }
  const xid = (packet as Dhcp6Message).transactionId;
  if (!Number.isInteger(xid) || xid < 0 || xid > 0xffffff)
    throw new RangeError(`dhcp6 transaction id ${xid} is not 24 bits`);
  buf[offset + 1] = xid >>> 16;
  buf[offset + 2] = (xid >>> 8) & 0xff;
  buf[offset + 3] = xid & 0xff;
  return writeOptionList(buf, offset + CLIENT_HEADER, packet.options);
}

export function encodeDhcp6(packet: Dhcp6Packet): Buffer {
  const buf = Buffer.alloc(encodingLengthDhcp6(packet));
  encodeDhcp6Into(packet, buf, 0);
  return buf;
}
