// DHCP Unique Identifiers (RFC 8415 §11): DUID-LLT (§11.2), DUID-EN (§11.3), DUID-LL (§11.4), DUID-UUID
// (RFC 6355). Unknown types keep their bytes, since a server only ever compares DUIDs for equality (§11).

import { DecodeError } from '../binary/decode-error.js';
import { readU16, readU32 } from '../binary/reader.js';

export const DuidType = { LLT: 1, EN: 2, LL: 3, UUID: 4 } as const;
/** IANA hardware type for Ethernet (RFC 826). */
export const HARDWARE_ETHERNET = 1;
/** §11.1: a DUID is at most 128 octets, not counting the type code. */
const MAX_DUID = 130;

export type Duid =
  | {
      type: 1;
      hardwareType: number;
      /** Seconds since 2000-01-01 UTC, mod 2^32. */ time: number;
      linkLayerAddress: Buffer;
    }
  | { type: 2; enterpriseNumber: number; identifier: Buffer }
  | { type: 3; hardwareType: number; linkLayerAddress: Buffer }
  | { type: 4; uuid: Buffer }
  | { type: number; data: Buffer };

const WHAT = 'duid';

export function decodeDuid(data: Uint8Array): Duid {
  if (data.length > MAX_DUID) throw new DecodeError(WHAT, `length ${data.length}, at most ${MAX_DUID}`, 0);
  const type = readU16(data, 0, WHAT);
  const rest = (from: number) => Buffer.from(data.subarray(from));
  switch (type) {
    case DuidType.LLT:
      return { type, hardwareType: readU16(data, 2, WHAT), time: readU32(data, 4, WHAT), linkLayerAddress: rest(8) };
    case DuidType.EN:
      return { type, enterpriseNumber: readU32(data, 2, WHAT), identifier: rest(6) };
    case DuidType.LL:
      return { type, hardwareType: readU16(data, 2, WHAT), linkLayerAddress: rest(4) };
    case DuidType.UUID:
      if (data.length !== 18) throw new DecodeError(WHAT, `DUID-UUID length ${data.length}, expected 18`, 0);
      return { type, uuid: rest(2) };
    default:
      return { type, data: rest(2) };
  }
}

function header(type: number, fields: number): Buffer {
  const buf = Buffer.alloc(2 + fields);
  buf.writeUInt16BE(type, 0);
  return buf;
}

export function encodeDuid(duid: Duid): Buffer {
  let out: Buffer;
  if ('linkLayerAddress' in duid && 'time' in duid) {
    out = header(duid.type, 6);
    out.writeUInt16BE(duid.hardwareType, 2);
    out.writeUInt32BE(duid.time, 4);
    out = Buffer.concat([out, duid.linkLayerAddress]);
  } else if ('linkLayerAddress' in duid) {
    out = header(duid.type, 2);
    out.writeUInt16BE(duid.hardwareType, 2);
    out = Buffer.concat([out, duid.linkLayerAddress]);
  } else if ('enterpriseNumber' in duid) {
    out = header(duid.type, 4);
    out.writeUInt32BE(duid.enterpriseNumber, 2);
    out = Buffer.concat([out, duid.identifier]);
  } else if ('uuid' in duid) {
    if (duid.uuid.length !== 16) throw new RangeError(`DUID-UUID needs 16 bytes, got ${duid.uuid.length}`);
    out = Buffer.concat([header(duid.type, 0), duid.uuid]);
  } else {
    out = Buffer.concat([header(duid.type, 0), duid.data]);
  }
  if (out.length > MAX_DUID) throw new RangeError(`DUID of ${out.length} bytes is longer than ${MAX_DUID}`);
  return out;
}

/** §11.4 DUID-LL from an Ethernet MAC (`52:54:00:12:34:56`): what rackd identifies itself with. */
export function duidLlFromMac(mac: string): Buffer {
  const bytes = Buffer.from(mac.replace(/[:-]/g, ''), 'hex');
  if (bytes.length !== 6) throw new RangeError(`"${mac}" is not a MAC address`);
  return encodeDuid({ type: DuidType.LL, hardwareType: HARDWARE_ETHERNET, linkLayerAddress: bytes });
}
