// Wire encodings of DHCPv6 option value types (RFC 8415 §21, RFC 3646, RFC 4075, RFC 5908): one codec per
// Option6Type, driven by the option table, as DHCPv4's option-values.ts is.

import { DecodeError } from '../binary/decode-error.js';
import { readU16, readU32 } from '../binary/reader.js';
import { decodeDomainList6, encodeDomainList6 } from './domain-names.js';
import { decodeDuid, encodeDuid } from './duid.js';
import { ipv6Bytes, IPV6_LENGTH, readIpv6 } from './ipv6-address.js';
import type { Option6Type, Option6ValueByType } from './option-table.js';
import {
  decodeIa,
  decodeIaAddress,
  decodeIaPrefix,
  decodeIaTa,
  decodeNtpServer,
  decodeOpaqueList,
  decodeStatusCode,
  decodeVendorClass,
  encodeIa,
  encodeIaAddress,
  encodeIaPrefix,
  encodeIaTa,
  encodeNtpServer,
  encodeOpaqueList,
  encodeStatusCode,
  encodeVendorClass,
} from './structured-values.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fixedLength(type: Option6Type, data: Uint8Array, length: number): void {
  if (data.length !== length) throw new DecodeError(type, `length ${data.length}, expected ${length}`, 0);
}

function multipleOf(type: Option6Type, data: Uint8Array, unit: number, min: number): void {
  if (data.length % unit !== 0 || data.length < min) {
    throw new DecodeError(type, `length ${data.length}, expected a multiple of ${unit} of at least ${min}`, 0);
  }
}

type Decoders = { [T in Option6Type]: (data: Uint8Array) => Option6ValueByType[T] };

const DECODERS: Decoders = {
  duid: (d) => decodeDuid(d),
  u8: (d) => (fixedLength('u8', d, 1), d[0] as number),
  u16: (d) => (fixedLength('u16', d, 2), readU16(d, 0, 'u16')),
  u32: (d) => (fixedLength('u32', d, 4), readU32(d, 0, 'u32')),
  'u16-list': (d) => {
    multipleOf('u16-list', d, 2, 0);
    const list: number[] = [];
    for (let at = 0; at < d.length; at += 2) list.push(readU16(d, at, 'u16-list'));
    return list;
  },
  ipv6: (d) => (fixedLength('ipv6', d, IPV6_LENGTH), readIpv6(d, 0, 'ipv6')),
  'ipv6-list': (d) => {
    multipleOf('ipv6-list', d, IPV6_LENGTH, IPV6_LENGTH);
    const list: string[] = [];
    for (let at = 0; at < d.length; at += IPV6_LENGTH) list.push(readIpv6(d, at, 'ipv6-list'));
    return list;
  },
  'domain-list': (d) => decodeDomainList6(d),
  string: (d) => {
    try {
      return utf8.decode(d);
    } catch {
      throw new DecodeError('string', 'not UTF-8', 0);
    }
  },
  bytes: (d) => Buffer.from(d),
  empty: (d) => (fixedLength('empty', d, 0), null),
  'status-code': decodeStatusCode,
  'ia-na': decodeIa,
  'ia-ta': decodeIaTa,
  'ia-pd': decodeIa,
  'ia-address': decodeIaAddress,
  'ia-prefix': decodeIaPrefix,
  'vendor-class': decodeVendorClass,
  'opaque-list': (d) => decodeOpaqueList(d),
  'ntp-server': decodeNtpServer,
};

function integer(value: number, max: number, type: Option6Type): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${type} value ${value} is not an integer in 0..${max}`);
  return value;
}

type Encoders = { [T in Option6Type]: (value: Option6ValueByType[T]) => Buffer };

const ENCODERS: Encoders = {
  duid: (v) => encodeDuid(v),
  u8: (v) => Buffer.of(integer(v, 0xff, 'u8')),
  u16: (v) => Buffer.of(integer(v, 0xffff, 'u16') >>> 8, v & 0xff),
  u32: (v) => {
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(integer(v, 0xffffffff, 'u32'));
    return buf;
  },
  'u16-list': (v) => {
    const buf = Buffer.alloc(v.length * 2);
    v.forEach((n, i) => buf.writeUInt16BE(integer(n, 0xffff, 'u16-list'), i * 2));
    return buf;
  },
  ipv6: (v) => ipv6Bytes(v),
  'ipv6-list': (v) => {
    if (v.length === 0) throw new RangeError('ipv6-list needs at least one address');
    return Buffer.concat(v.map(ipv6Bytes));
  },
  'domain-list': (v) => encodeDomainList6(v),
  string: (v) => Buffer.from(v, 'utf8'),
  bytes: (v) => Buffer.from(v),
  empty: () => Buffer.alloc(0),
  'status-code': encodeStatusCode,
  'ia-na': encodeIa,
  'ia-ta': encodeIaTa,
  'ia-pd': encodeIa,
  'ia-address': encodeIaAddress,
  'ia-prefix': encodeIaPrefix,
  'vendor-class': encodeVendorClass,
  'opaque-list': (v) => encodeOpaqueList(v),
  'ntp-server': encodeNtpServer,
};

/** Encodes a value of `type`; throws RangeError when the value cannot be represented. */
export function encodeOption6Value<T extends Option6Type>(type: T, value: Option6ValueByType[T]): Buffer {
  return (ENCODERS[type] as (v: Option6ValueByType[T]) => Buffer)(value);
}

/** Decodes option data of `type`; throws DecodeError when the data is malformed. */
export function decodeOption6Value<T extends Option6Type>(type: T, data: Uint8Array): Option6ValueByType[T] {
  return (DECODERS[type] as (d: Uint8Array) => Option6ValueByType[T])(data);
}
