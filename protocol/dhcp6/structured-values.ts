// DHCPv6 option values with inner structure (RFC 8415 §21.4–§21.6 IAs and IA Address, §21.21–§21.22 IA_PD
// and IA Prefix, §21.13 Status Code, §21.15–§21.16 user/vendor class, RFC 5908 §4 NTP server sub-options).

import { DecodeError } from '../binary/decode-error.js';
import { readU16, readU32, readU8 } from '../binary/reader.js';
import { decodeDomainList6, encodeDomainList6 } from './domain-names.js';
import { ipv6Bytes, IPV6_LENGTH, readIpv6 } from './ipv6-address.js';
import { decodeOptionList, encodeOptionList } from './option-list.js';
import type {
  IaAddressValue,
  IaPrefixValue,
  IaTaValue,
  IaValue,
  NtpSuboption,
  StatusCodeValue,
  VendorClassValue,
} from './option-table.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function u32(value: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`${what} ${value} is not a u32`);
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(value);
  return buf;
}

function u16(value: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${what} ${value} is not a u16`);
  return Buffer.of(value >>> 8, value & 0xff);
}

export function decodeStatusCode(d: Uint8Array): StatusCodeValue {
  const status = readU16(d, 0, 'status-code');
  try {
    return { status, message: utf8.decode(d.subarray(2)) };
  } catch {
    throw new DecodeError('status-code', 'message is not UTF-8', 2);
  }
}

export function encodeStatusCode(v: StatusCodeValue): Buffer {
  return Buffer.concat([u16(v.status, 'status code'), Buffer.from(v.message, 'utf8')]);
}

export function decodeIa(d: Uint8Array): IaValue {
  const options = decodeOptionList(d, 12, Math.max(12, d.length), 'ia options');
  return { iaid: readU32(d, 0, 'ia'), t1: readU32(d, 4, 'ia'), t2: readU32(d, 8, 'ia'), options };
}

export function encodeIa(v: IaValue): Buffer {
  return Buffer.concat([u32(v.iaid, 'iaid'), u32(v.t1, 'T1'), u32(v.t2, 'T2'), encodeOptionList(v.options)]);
}

export function decodeIaTa(d: Uint8Array): IaTaValue {
  const iaid = readU32(d, 0, 'ia-ta');
  return { iaid, options: decodeOptionList(d, 4, d.length, 'ia-ta options') };
}

export function encodeIaTa(v: IaTaValue): Buffer {
  return Buffer.concat([u32(v.iaid, 'iaid'), encodeOptionList(v.options)]);
}

export function decodeIaAddress(d: Uint8Array): IaAddressValue {
  const address = readIpv6(d, 0, 'ia-address');
  const preferredLifetime = readU32(d, 16, 'ia-address');
  const validLifetime = readU32(d, 20, 'ia-address');
  return {
    address,
    preferredLifetime,
    validLifetime,
    options: decodeOptionList(d, 24, d.length, 'ia-address options'),
  };
}

export function encodeIaAddress(v: IaAddressValue): Buffer {
  return Buffer.concat([
    ipv6Bytes(v.address),
    u32(v.preferredLifetime, 'preferred lifetime'),
    u32(v.validLifetime, 'valid lifetime'),
    encodeOptionList(v.options),
  ]);
}

export function decodeIaPrefix(d: Uint8Array): IaPrefixValue {
  const preferredLifetime = readU32(d, 0, 'ia-prefix');
  const validLifetime = readU32(d, 4, 'ia-prefix');
  const prefixLength = readU8(d, 8, 'ia-prefix');
  if (prefixLength > 128) throw new DecodeError('ia-prefix', `prefix length ${prefixLength} is over 128`, 8);
  const prefix = readIpv6(d, 9, 'ia-prefix');
  return {
    preferredLifetime,
    validLifetime,
    prefixLength,
    prefix,
    options: decodeOptionList(d, 25, d.length, 'ia-prefix options'),
  };
}

export function encodeIaPrefix(v: IaPrefixValue): Buffer {
  if (!Number.isInteger(v.prefixLength) || v.prefixLength < 0 || v.prefixLength > 128)
    throw new RangeError(`prefix length ${v.prefixLength} is not in 0..128`);
  return Buffer.concat([
    u32(v.preferredLifetime, 'preferred lifetime'),
    u32(v.validLifetime, 'valid lifetime'),
    Buffer.of(v.prefixLength),
    ipv6Bytes(v.prefix),
    encodeOptionList(v.options),
  ]);
}

/** §21.15/§21.16 opaque data items, each a 16-bit length and its bytes. */
export function decodeOpaqueList(d: Uint8Array, start = 0, what = 'opaque-list'): Buffer[] {
  const items: Buffer[] = [];
  let at = start;
  while (at < d.length) {
    const length = readU16(d, at, what);
    if (at + 2 + length > d.length) throw new DecodeError(what, `item length ${length} runs past the end`, at);
    items.push(Buffer.from(d.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return items;
}

export function encodeOpaqueList(items: readonly Buffer[]): Buffer {
  return Buffer.concat(items.flatMap((item) => [u16(item.length, 'opaque item length'), item]));
}

export function decodeVendorClass(d: Uint8Array): VendorClassValue {
  return { enterpriseNumber: readU32(d, 0, 'vendor-class'), data: decodeOpaqueList(d, 4, 'vendor-class') };
}

export function encodeVendorClass(v: VendorClassValue): Buffer {
  return Buffer.concat([u32(v.enterpriseNumber, 'enterprise number'), encodeOpaqueList(v.data)]);
}

const NTP_ADDRESS = 1;
const NTP_MULTICAST = 2;
const NTP_FQDN = 3;

function decodeNtpSuboption(code: number, data: Buffer): NtpSuboption {
  if (code === NTP_ADDRESS || code === NTP_MULTICAST) {
    if (data.length !== IPV6_LENGTH)
      throw new DecodeError('ntp-server', `sub-option ${code} length ${data.length}, expected 16`, 0);
    return { kind: code === NTP_ADDRESS ? 'address' : 'multicast', address: readIpv6(data, 0, 'ntp-server') };
  }
  if (code === NTP_FQDN) {
    const names = decodeDomainList6(data);
    if (names.length !== 1)
      throw new DecodeError('ntp-server', `FQDN sub-option holds ${names.length} names, expected 1`, 0);
    return { kind: 'fqdn', name: names[0] as string };
  }
  return { kind: 'unknown', code, data: Buffer.from(data) };
}

/** RFC 5908 §4: at least one sub-option; the same TLV layout as options. */
export function decodeNtpServer(d: Uint8Array): NtpSuboption[] {
  const raw = decodeOptionList(d, 0, d.length, 'ntp-server');
  if (raw.length === 0) throw new DecodeError('ntp-server', 'no time source sub-option', 0);
  return raw.map(({ code, data }) => decodeNtpSuboption(code, data));
}

export function encodeNtpServer(v: readonly NtpSuboption[]): Buffer {
  if (v.length === 0) throw new RangeError('an NTP server option needs a time source sub-option');
  return encodeOptionList(
    v.map((sub) => {
      if (sub.kind === 'address') return { code: NTP_ADDRESS, data: ipv6Bytes(sub.address) };
      if (sub.kind === 'multicast') return { code: NTP_MULTICAST, data: ipv6Bytes(sub.address) };
      if (sub.kind === 'fqdn') return { code: NTP_FQDN, data: encodeDomainList6([sub.name]) };
      return { code: sub.code, data: sub.data };
    }),
  );
}
