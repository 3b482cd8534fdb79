import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeDomainName } from '../../../../protocol/dhcp4/domain-names.js';
import type { OptionType, OptionValueByType } from '../../../../protocol/dhcp4/option-table.js';
import { decodeOptionValue, encodeOptionValue } from '../../../../protocol/dhcp4/option-values.js';
import { getOption, setOption } from '../../../../protocol/dhcp4/options.js';
import { roundTrip } from '../../../helpers/round-trip.js';

function check<T extends OptionType>(type: T, value: OptionValueByType[T], hex: string): void {
  const bytes = roundTrip(
    {
      encode: (v: OptionValueByType[T]) => encodeOptionValue(type, v),
      decode: (b) => decodeOptionValue(type, b),
      encodingLength: (v) => encodeOptionValue(type, v).length,
    },
    value,
  );
  expect(bytes.toString('hex')).toBe(hex);
}

describe('option value codecs', () => {
  it('encode and decode each type to the RFC 2132 wire form', () => {
    check('ipv4', '10.77.0.1', '0a4d0001');
    check('ipv4-list', ['10.0.0.1', '10.0.0.2'], '0a0000010a000002');
    check('u8', 200, 'c8');
    check('u16', 1500, '05dc');
    check('u32', 0xfffffffe, 'fffffffe');
    check('i32', -3600, 'fffff1f0');
    check('bool', true, '01');
    check('string', 'caf\u00e9', '636166e9');
    check('bytes', Buffer.from('0001ff', 'hex'), '0001ff');
    check('u8-list', [1, 3, 6, 121], '0103 0679'.replace(' ', ''));
    check('u16-list', [7, 0x10], '00070010');
    check(
      'classless-routes',
      [
        { destination: '10.30.0.0/16', gateway: '10.77.0.1' },
        { destination: '0.0.0.0/0', gateway: '10.77.0.1' },
      ],
      '100a1e0a4d0001000a4d0001',
    );
    check('domain-list', ['eng.example.com', 'example.com'], '03656e67076578616d706c6503636f6d00c004');
  });

  it('drops trailing NULs from strings (RFC 2132 §2: the receiver MUST be prepared to delete them)', () => {
    // Host name and domain as real clients send them, seen in public captures: "nas1\0", "unx.ca\0".
    expect(decodeOptionValue('string', Buffer.from('6e61733100', 'hex'))).toBe('nas1');
    expect(decodeOptionValue('string', Buffer.from('756e782e63610000', 'hex'))).toBe('unx.ca');
    expect(decodeOptionValue('string', Buffer.from('00', 'hex'))).toBe('');
    // A NUL inside the string is data, not a terminator.
    expect(decodeOptionValue('string', Buffer.from('610062', 'hex'))).toBe('a\u0000b');
    const options = new Map([[12, Buffer.from('nas1\0', 'latin1')]]);
    expect(getOption(options, 'host-name')).toBe('nas1');
  });

  it('refuses wrong lengths with a DecodeError naming the type', () => {
    const cases: [OptionType, string][] = [
      ['ipv4', '0a00'],
      ['ipv4-list', ''],
      ['ipv4-list', '0a000001ff'],
      ['u16', '01'],
      ['u32', '0102030405'],
      ['bool', '02'],
      ['u16-list', '010203'],
      ['classless-routes', '21000000000000'],
      ['classless-routes', '180a1e0a4d00'],
      ['domain-list', '03616263'],
    ];
    for (const [type, hex] of cases) {
      expect(() => decodeOptionValue(type, Buffer.from(hex, 'hex')), `${type} ${hex}`).toThrow(DecodeError);
      try {
        decodeOptionValue(type, Buffer.from(hex, 'hex'));
      } catch (err) {
        expect((err as DecodeError).what).toMatch(type === 'domain-list' ? /domain/ : type);
      }
    }
  });

  it('ignores host bits beyond an RFC 3442 prefix width', () => {
    expect(decodeOptionValue('classless-routes', Buffer.from('0c0aff0a4d0001', 'hex'))).toEqual([
      { destination: '10.240.0.0/12', gateway: '10.77.0.1' },
    ]);
  });

  it('accepts backward compression pointers and refuses forward, self and looping ones', () => {
    const buf = Buffer.from('03616263000378797ac000', 'hex');
    expect(decodeOptionValue('domain-list', buf)).toEqual(['abc', 'xyz.abc']);
    expect(() => decodeDomainName(Buffer.from('c0020161 00', 'hex'), 0)).toThrow(/must point backwards/);
    expect(() => decodeDomainName(Buffer.from('c000', 'hex'), 0)).toThrow(DecodeError);
    // "a" then a pointer back to "a": following it would loop forever.
    expect(() => decodeOptionValue('domain-list', Buffer.from('0161c000', 'hex'))).toThrow(/must point backwards/);
    expect(decodeOptionValue('domain-list', Buffer.from('0161000162c000c005', 'hex'))).toEqual(['a', 'b.a', 'a']);
    expect(() => decodeDomainName(Buffer.from('4100', 'hex'), 0)).toThrow(/reserved/);
  });

  it('refuses to encode values it cannot represent', () => {
    expect(() => encodeOptionValue('u8', 256)).toThrow(RangeError);
    expect(() => encodeOptionValue('ipv4', 'host')).toThrow(RangeError);
    expect(() => encodeOptionValue('string', '\u263a')).toThrow(RangeError);
    expect(() => encodeOptionValue('domain-list', ['a..b'])).toThrow(RangeError);
    expect(() => encodeOptionValue('classless-routes', [{ destination: '10.0.0.0', gateway: '10.0.0.1' }])).toThrow(
      RangeError,
    );
  });
});

describe('getOption / setOption', () => {
  it('go through the option table and name the option in errors', () => {
    const options = new Map<number, Buffer>();
    setOption(options, 'parameter-request-list', [1, 3, 6]);
    setOption(options, 'max-message-size', 1500);
    expect(options.get(55)?.toString('hex')).toBe('010306');
    expect(getOption(options, 'parameter-request-list')).toEqual([1, 3, 6]);
    expect(getOption(options, 'max-message-size')).toBe(1500);
    expect(getOption(options, 'routers')).toBeUndefined();
    options.set(3, Buffer.of(1, 2));
    expect(() => getOption(options, 'routers')).toThrow(/dhcp4 option 3 \(routers\)/);
  });
});
