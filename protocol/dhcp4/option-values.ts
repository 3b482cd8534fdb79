// Wire encodings of DHCPv4 option value types (RFC 2132 §2 "fixed-length and variable-length" data,
// RFC 3397 names, RFC 3442 routes): one codec per OptionType, driven by the option table.

import { DecodeError } from '../binary/decode-error.js';
import { isLatin1 } from '../binary/latin1.js';
import { isIpv4, readIpv4, writeIpv4 } from '../net/ipv4-address.js';
import { decodeClasslessRoutes, encodeClasslessRoutes } from './classless-routes.js';
import { decodeDomainList, encodeDomainList } from './domain-names.js';
import type { OptionType, OptionValueByType } from './option-table.js';

/*
 * Strings are latin1: RFC 2132 calls them NVT ASCII, and latin1 maps every byte to one character and back,
 * so a client's host name that is not valid UTF-8 survives decode → log → encode unchanged. UTF-8 would
 * silently replace such bytes with U+FFFD.
 */

function fixedLength(type: OptionType, data: Uint8Array, length: number): void {
  if (data.length !== length) throw new DecodeError(type, `length ${data.length}, expected ${length}`, 0);
}

function multipleOf(type: OptionType, data: Uint8Array, unit: number, min: number): void {
  if (data.length % unit !== 0 || data.length < min) {
    throw new DecodeError(type, `length ${data.length}, expected a multiple of ${unit} of at least ${min}`, 0);
  }
}

function u16At(data: Uint8Array, at: number): number {
  return ((data[at] as number) << 8) | (data[at + 1] as number);
}

/**
 * RFC 2132 §2: "Options containing NVT ASCII data SHOULD NOT include a trailing NULL; however, the receiver of
 * such options MUST be prepared to delete trailing nulls if they exist." Real clients send them (host name
 * `6e617331 00`), so a string's length stops before them.
 */
function withoutTrailingNuls(data: Uint8Array): number {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return end;
}

type Decoders = { [T in OptionType]: (data: Uint8Array) => OptionValueByType[T] };

const DECODERS: Decoders = {
  ipv4: (d) => (fixedLength('ipv4', d, 4), readIpv4(d, 0)),
  'ipv4-list': (d) => {
    multipleOf('ipv4-list', d, 4, 4);
    const list: string[] = [];
    for (let at = 0; at < d.length; at += 4) list.push(readIpv4(d, at));
    return list;
  },
  u8: (d) => (fixedLength('u8', d, 1), d[0] as number),
  u16: (d) => (fixedLength('u16', d, 2), u16At(d, 0)),
  u32: (d) => (fixedLength('u32', d, 4), Buffer.from(d.buffer, d.byteOffset, 4).readUInt32BE(0)),
  i32: (d) => (fixedLength('i32', d, 4), Buffer.from(d.buffer, d.byteOffset, 4).readInt32BE(0)),
  bool: (d) => {
    fixedLength('bool', d, 1);
    if (d[0] !== 0 && d[0] !== 1) throw new DecodeError('bool', `value ${d[0]}, expected 0 or 1`, 0);
    return d[0] === 1;
  },
  string: (d) => Buffer.from(d.buffer, d.byteOffset, withoutTrailingNuls(d)).toString('latin1'),
  bytes: (d) => Buffer.from(d),
  'u8-list': (d) => Array.from(d),
  'u16-list': (d) => {
    multipleOf('u16-list', d, 2, 0);
    const list: number[] = [];
    for (let at = 0; at < d.length; at += 2) list.push(u16At(d, at));
    return list;
  },
  'domain-list': (d) => decodeDomainList(d),
  'classless-routes': (d) => decodeClasslessRoutes(d),
};

function integer(value: number, min: number, max: number, type: OptionType): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${type} value ${value} is not an integer in ${min}..${max}`);
  }
  return value;
}

function ipv4Bytes(list: readonly string[]): Buffer {
  const buf = Buffer.alloc(list.length * 4);
  list.forEach((ip, i) => {
    if (!isIpv4(ip)) throw new RangeError(`"${ip}" is not an IPv4 address`);
    writeIpv4(buf, i * 4, ip);
  });
  return buf;
}

type Encoders = { [T in OptionType]: (value: OptionValueByType[T]) => Buffer };

const ENCODERS: Encoders = {
  ipv4: (v) => ipv4Bytes([v]),
  'ipv4-list': (v) => {
    if (v.length === 0) throw new RangeError('ipv4-list needs at least one address');
    return ipv4Bytes(v);
  },
  u8: (v) => Buffer.of(integer(v, 0, 0xff, 'u8')),
  u16: (v) => Buffer.of(integer(v, 0, 0xffff, 'u16') >>> 8, v & 0xff),
  u32: (v) => {
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(integer(v, 0, 0xffffffff, 'u32'));
    return buf;
  },
  i32: (v) => {
    const buf = Buffer.alloc(4);
    buf.writeInt32BE(integer(v, -0x80000000, 0x7fffffff, 'i32'));
    return buf;
  },
  bool: (v) => Buffer.of(v ? 1 : 0),
  string: (v) => {
    if (!isLatin1(v)) throw new RangeError(`string "${v}" has characters outside latin1`);
    return Buffer.from(v, 'latin1');
  },
  bytes: (v) => Buffer.from(v),
  'u8-list': (v) => Buffer.from(v.map((n) => integer(n, 0, 0xff, 'u8-list'))),
  'u16-list': (v) => {
    const buf = Buffer.alloc(v.length * 2);
    v.forEach((n, i) => buf.writeUInt16BE(integer(n, 0, 0xffff, 'u16-list'), i * 2));
    return buf;
  },
  'domain-list': (v) => encodeDomainList(v),
  'classless-routes': (v) => encodeClasslessRoutes(v),
};

/** Encodes a value of `type`; throws RangeError when the value cannot be represented. */
export function encodeOptionValue<T extends OptionType>(type: T, value: OptionValueByType[T]): Buffer {
  return (ENCODERS[type] as (v: OptionValueByType[T]) => Buffer)(value);
}

/** Decodes option data of `type`; throws DecodeError (naming the type) when the data is malformed. */
export function decodeOptionValue<T extends OptionType>(type: T, data: Uint8Array): OptionValueByType[T] {
  return (DECODERS[type] as (d: Uint8Array) => OptionValueByType[T])(data);
}
