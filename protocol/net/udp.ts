// UDP (RFC 768) over IPv4: the checksum covers a pseudo-header of the IPv4 addresses, is optional on
// receive (zero means "not computed") and always computed on send, where a result of 0 goes out as 0xffff.

import { DecodeError } from '../binary/decode-error.js';
import { need } from '../binary/reader.js';
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from './checksum.js';
import { IP_PROTOCOL_UDP } from './ipv4.js';

export const UDP_HEADER_LENGTH = 8;
const WHAT = 'udp header';

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** Aliases the input buffer. */
  payload: Buffer;
}

/**
 * Checks the datagram at `start` inside the IPv4 packet whose header is at `ipOffset` and whose payload
 * is `ipPayloadLength` bytes; returns the UDP length (header + payload).
 */
export function checkUdp(
  buf: Uint8Array,
  ipOffset: number,
  start: number,
  ipPayloadLength: number,
  verifyChecksum = true,
): number {
  need(buf, start, UDP_HEADER_LENGTH, WHAT);
  const length = ((buf[start + 4] as number) << 8) | (buf[start + 5] as number);
  if (length < UDP_HEADER_LENGTH || length > ipPayloadLength) {
    throw new DecodeError(WHAT, `length ${length} does not fit the ${ipPayloadLength}-byte IPv4 payload`, start + 4);
  }
  const checksum = ((buf[start + 6] as number) << 8) | (buf[start + 7] as number);
  if (verifyChecksum && checksum !== 0) {
    const sum = onesComplementSum(buf, start, start + length, pseudoHeaderSum(buf, ipOffset, IP_PROTOCOL_UDP, length));
    if (finishChecksum(sum) !== 0) throw new DecodeError(WHAT, 'bad checksum', start + 6);
  }
  return length;
}

export function decodeUdp(buf: Uint8Array, ipOffset: number, start: number, ipPayloadLength: number): UdpDatagram {
  const length = checkUdp(buf, ipOffset, start, ipPayloadLength);
  return {
    srcPort: ((buf[start] as number) << 8) | (buf[start + 1] as number),
    dstPort: ((buf[start + 2] as number) << 8) | (buf[start + 3] as number),
    payload: Buffer.from(buf.buffer, buf.byteOffset + start + UDP_HEADER_LENGTH, length - UDP_HEADER_LENGTH),
  };
}

/**
 * Writes the UDP header at `offset` (payload already in place after it) and its checksum, using the
 * addresses of the IPv4 header already written at `ipOffset`.
 */
export function writeUdpHeader(
  buf: Uint8Array,
  ipOffset: number,
  offset: number,
  srcPort: number,
  dstPort: number,
  payloadLength: number,
): void {
  for (const port of [srcPort, dstPort]) {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff)
      throw new RangeError(`UDP port ${port} is not in 0..65535`);
  }
  const length = UDP_HEADER_LENGTH + payloadLength;
  buf[offset] = srcPort >>> 8;
  buf[offset + 1] = srcPort & 0xff;
  buf[offset + 2] = dstPort >>> 8;
  buf[offset + 3] = dstPort & 0xff;
  buf[offset + 4] = length >>> 8;
  buf[offset + 5] = length & 0xff;
  buf[offset + 6] = 0;
  buf[offset + 7] = 0;
  const sum = onesComplementSum(buf, offset, offset + length, pseudoHeaderSum(buf, ipOffset, IP_PROTOCOL_UDP, length));
  const checksum = finishChecksum(sum) || 0xffff;
  buf[offset + 6] = checksum >>> 8;
  buf[offset + 7] = checksum & 0xff;
}
