import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeDomainList6, encodeDomainList6 } from '../../../../protocol/dhcp6/domain-names.js';
import { decodeDuid, duidLlFromMac, encodeDuid } from '../../../../protocol/dhcp6/duid.js';
import type { Duid } from '../../../../protocol/dhcp6/duid.js';
import type { Option6Type, Option6ValueByType } from '../../../../protocol/dhcp6/option-table.js';
import { decodeOption6Value, encodeOption6Value } from '../../../../protocol/dhcp6/option-values.js';
import { getOption6 } from '../../../../protocol/dhcp6/options.js';
import type { Codec } from '../../../helpers/round-trip.js';
import { roundTrip } from '../../../helpers/round-trip.js';

function codecOf<T extends Option6Type>(type: T): Codec<Option6ValueByType[T]> {
  return {
    encode: (v) => encodeOption6Value(type, v),
    decode: (d) => decodeOption6Value(type, d),
    encodingLength: (v) => encodeOption6Value(type, v).length,
  };
}

function rejects(type: Option6Type, hex: string, reason: RegExp): void {
  let error: unknown;
  try {
    decodeOption6Value(type, Buffer.from(hex, 'hex'));
  } catch (err) {
    error = err;
  }
  expect(error, `${type} ${hex}`).toBeInstanceOf(DecodeError);
  expect((error as DecodeError).message).toMatch(reason);
}

const duidCodec: Codec<Duid> = { encode: encodeDuid, decode: decodeDuid, encodingLength: (d) => encodeDuid(d).length };

describe('DHCPv6 option values', () => {
  it('round-trips every DUID type (RFC 8415 §11, RFC 6355) and keeps unknown types raw', () => {
    expect(
      roundTrip(duidCodec, {
        type: 1,
        hardwareType: 1,
        time: 700_000_000,
        linkLayerAddress: Buffer.from('525400000001', 'hex'),
      }).toString('hex'),
    ).toBe('0001000129b92700525400000001');
    roundTrip(duidCodec, { type: 2, enterpriseNumber: 2495, identifier: Buffer.from('rack-1') });
    expect(
      roundTrip(duidCodec, { type: 3, hardwareType: 1, linkLayerAddress: Buffer.from('525400000001', 'hex') }),
    ).toEqual(duidLlFromMac('52:54:00:00:00:01'));
    roundTrip(duidCodec, { type: 4, uuid: Buffer.alloc(16, 0x42) });
    roundTrip(duidCodec, { type: 77, data: Buffer.from('opaque') });
    rejects('duid', '00', /truncated/);
    rejects('duid', '0004' + '00'.repeat(15), /DUID-UUID length 17/);
    rejects('duid', '0002' + '00'.repeat(129), /at most 130/);
  });

  it('round-trips the scalar and list types and refuses wrong lengths', () => {
    roundTrip(codecOf('u8'), 7);
    roundTrip(codecOf('u16'), 0xfffe);
    roundTrip(codecOf('u32'), 86_400);
    roundTrip(codecOf('u16-list'), [23, 24, 56]);
    roundTrip(codecOf('ipv6'), '2001:db8::1');
    roundTrip(codecOf('ipv6-list'), ['2001:db8::53', 'fe80::1', '::']);
    roundTrip(codecOf('string'), 'grüße');
    roundTrip(codecOf('empty'), null);
    roundTrip(codecOf('opaque-list'), [Buffer.from('a'), Buffer.alloc(0), Buffer.from('bcd')]);
    rejects('u32', '000001', /length 3, expected 4/);
    rejects('ipv6-list', '00'.repeat(17), /multiple of 16/);
    rejects('ipv6-list', '', /at least 16/);
    rejects('u16-list', '001700', /multiple of 2/);
    rejects('empty', '00', /length 1, expected 0/);
    rejects('string', 'ff', /not UTF-8/);
    rejects('opaque-list', '0005616263', /runs past the end/);
  });

  it('round-trips status codes, IAs with nested options, vendor class and NTP sub-options', () => {
    roundTrip(codecOf('status-code'), { status: 2, message: 'no addresses' });
    const ia = { iaid: 7, t1: 3600, t2: 5400, options: [{ code: 13, data: Buffer.from('0002', 'hex') }] };
    roundTrip(codecOf('ia-na'), ia);
    roundTrip(codecOf('ia-pd'), ia);
    roundTrip(codecOf('ia-ta'), { iaid: 7, options: [] });
    roundTrip(codecOf('ia-address'), { address: '2001:db8::9', preferredLifetime: 1, validLifetime: 2, options: [] });
    roundTrip(codecOf('ia-prefix'), {
      preferredLifetime: 1,
      validLifetime: 2,
      prefixLength: 48,
      prefix: '2001:db8::',
      options: [],
    });
    roundTrip(codecOf('vendor-class'), { enterpriseNumber: 343, data: [Buffer.from('PXEClient:Arch:00007')] });
    roundTrip(codecOf('ntp-server'), [
      { kind: 'address', address: '2001:db8::123' },
      { kind: 'fqdn', name: 'time.example' },
    ]);
    rejects('status-code', '00', /truncated/);
    rejects('ia-na', '0000000100000002', /truncated/);
    rejects('ia-na', '000000010000000200000003000d0005', /runs past the end/);
    rejects('ia-prefix', '0000000100000002' + '81' + '00'.repeat(16), /prefix length 129/);
    rejects('ntp-server', '', /no time source/);
    rejects('ntp-server', '0001000400000000', /length 4, expected 16/);
  });

  it('writes domain lists without compression and refuses compressed ones (RFC 8415 §10)', () => {
    const bytes = encodeDomainList6(['a.example', 'b.example', 'a.example']);
    expect(bytes.toString('hex')).toBe(
      '016107' +
        Buffer.from('example').toString('hex') +
        '00' +
        '016207' +
        Buffer.from('example').toString('hex') +
        '00' +
        '016107' +
        Buffer.from('example').toString('hex') +
        '00',
    );
    expect(decodeDomainList6(bytes)).toEqual(['a.example', 'b.example', 'a.example']);
    roundTrip(codecOf('domain-list'), ['lab.example', '']);
    const compressed = Buffer.concat([encodeDomainList6(['a.example']), Buffer.from([1, 0x62, 0xc0, 2])]);
    expect(() => decodeDomainList6(compressed)).toThrow(/compressed name/);
    expect(() => decodeDomainList6(Buffer.alloc(0))).toThrow(DecodeError);
    expect(() => decodeDomainList6(Buffer.from([3, 0x61]))).toThrow(DecodeError);
  });

  it('names the option in errors raised through the accessor', () => {
    expect(() => getOption6([{ code: 23, data: Buffer.alloc(5) }], 'dns-servers')).toThrow(
      /dhcp6 option 23 \(dns-servers\)/,
    );
    expect(getOption6([{ code: 24, data: encodeDomainList6(['x.example']) }], 'dns-servers')).toBeUndefined();
  });
});
