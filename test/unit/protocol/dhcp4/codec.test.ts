import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeDhcp4, encodeDhcp4, encodingLengthDhcp4 } from '../../../../protocol/dhcp4/codec.js';
import type { Dhcp4Message } from '../../../../protocol/dhcp4/message.js';
import { getOption } from '../../../../protocol/dhcp4/options.js';
import { baseMessage, richAck } from '../../../helpers/dhcp4-samples.js';
import type { Codec } from '../../../helpers/round-trip.js';
import { roundTrip } from '../../../helpers/round-trip.js';

const dhcp4: Codec<Dhcp4Message> = {
  encode: (m) => encodeDhcp4(m),
  decode: decodeDhcp4,
  encodingLength: (m) => encodingLengthDhcp4(m),
};

function withMax(maxLength: number): Codec<Dhcp4Message> {
  return {
    encode: (m) => encodeDhcp4(m, { maxLength }),
    decode: decodeDhcp4,
    encodingLength: (m) => encodingLengthDhcp4(m, { maxLength }),
  };
}

/** Bytes of a minimal message with `options` bytes after the cookie. */
function raw(options: number[], patch: (buf: Buffer) => void = () => {}): Buffer {
  const buf = Buffer.concat([encodeDhcp4(baseMessage(1)).subarray(0, 240), Buffer.from(options)]);
  patch(buf);
  return buf;
}

function decodeErrorOf(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return err as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('decodeDhcp4 / encodeDhcp4', () => {
  it('round-trips a message with every option type, unknown options and option 82', () => {
    const bytes = roundTrip(dhcp4, richAck());
    expect(bytes.length).toBeGreaterThanOrEqual(300);
    const decoded = decodeDhcp4(bytes);
    expect(decoded.options.get(224)?.toString('latin1')).toBe('private option');
    expect(decoded.options.get(82)?.toString('hex')).toBe('01040000000102060a0b0c0d0e0f');
    expect(getOption(decoded.options, 'domain-search')).toEqual(['lab.example', 'example.org', 'eng.lab.example']);
  });

  it('pads to the 300-byte BOOTP minimum with End right after the last option', () => {
    const msg = baseMessage(1);
    msg.options.set(53, Buffer.of(1));
    const bytes = roundTrip(dhcp4, msg);
    expect(bytes.length).toBe(300);
    expect([...bytes.subarray(240, 244)]).toEqual([53, 1, 1, 255]);
    expect(bytes.subarray(244).every((b) => b === 0)).toBe(true);
  });

  it('splits options longer than 255 bytes and concatenates them back (RFC 3396)', () => {
    const msg = baseMessage(2);
    const long = Buffer.from(Array.from({ length: 600 }, (_, i) => i & 0xff));
    msg.options.set(53, Buffer.of(2));
    msg.options.set(43, long);
    msg.options.set(54, Buffer.of(10, 0, 0, 1));
    const bytes = roundTrip(dhcp4, msg);
    expect([bytes[243], bytes[244]]).toEqual([43, 255]);
    expect([bytes[243 + 257], bytes[244 + 257]]).toEqual([43, 255]);
    expect([bytes[243 + 514], bytes[244 + 514]]).toEqual([43, 90]);
    expect(decodeDhcp4(bytes).options.get(43)?.equals(long)).toBe(true);
  });

  it('concatenates repeated codes in first-seen order and keeps wire order in the Map', () => {
    const buf = raw([12, 2, 0x61, 0x62, 53, 1, 3, 12, 1, 0x63, 0, 0, 255, 12, 1, 0x7a]);
    const msg = decodeDhcp4(buf);
    expect([...msg.options.keys()]).toEqual([12, 53]);
    expect(msg.options.get(12)?.toString()).toBe('abc');
  });

  it('tolerates a missing End and Pad bytes, and keeps an empty option', () => {
    const msg = decodeDhcp4(raw([0, 0, 53, 1, 1, 0, 80, 0]));
    expect([...msg.options.entries()].map(([c, d]) => [c, d.length])).toEqual([
      [53, 1],
      [80, 0],
    ]);
  });

  it('reads options from file then sname when option 52 says so, and empties those fields', () => {
    const buf = raw([52, 1, 3, 53, 1, 5, 255], (b) => {
      b.set([12, 3, 0x61, 0x62, 0x63, 255], 108);
      b.set([12, 2, 0x64, 0x65, 15, 1, 0x78, 255], 44);
    });
    const msg = decodeDhcp4(buf);
    expect([...msg.options.keys()]).toEqual([53, 12, 15]);
    expect(msg.options.get(12)?.toString()).toBe('abcde');
    expect(msg.sname).toBe('');
    expect(msg.file).toBe('');
  });

  it('reads sname/file as text up to the first NUL when not overloaded', () => {
    const msg = decodeDhcp4(
      raw([255], (b) => {
        b.write('boot\0junk', 108, 'latin1');
        b.write('server', 44, 'latin1');
      }),
    );
    expect(msg.file).toBe('boot');
    expect(msg.sname).toBe('server');
  });

  it('overloads into file then sname when maxLength is small, and round-trips', () => {
    const msg = richAck();
    msg.file = '';
    for (let code = 200; code < 215; code++) msg.options.set(code, Buffer.alloc(20, code));
    expect(encodingLengthDhcp4(msg)).toBeGreaterThan(576);
    const bytes = roundTrip(withMax(576), msg);
    expect(bytes.length).toBeLessThanOrEqual(576);
    expect([bytes[240], bytes[241], bytes[242]]).toEqual([52, 1, 3]);
    expect(bytes[108]).not.toBe(0);
  });

  it('uses only the empty field, and throws RangeError when the message cannot fit', () => {
    const msg = richAck();
    for (let code = 200; code < 215; code++) msg.options.set(code, Buffer.alloc(20, code));
    expect(msg.file).not.toBe('');
    const inline = encodingLengthDhcp4(msg);
    const bytes = encodeDhcp4(msg, { maxLength: inline - 20 });
    expect(bytes.length).toBeLessThanOrEqual(inline - 20);
    expect([bytes[240], bytes[241], bytes[242]]).toEqual([52, 1, 2]);
    expect(decodeDhcp4(bytes)).toEqual({ ...msg, sname: '' });
    expect(() => encodeDhcp4(msg, { maxLength: inline - 100 })).toThrow(RangeError);
    expect(() => encodingLengthDhcp4(msg, { maxLength: inline - 100 })).toThrow(RangeError);
  });

  it('copies option data so reusing the capture buffer does not change a decoded message', () => {
    const buf = raw([12, 3, 0x61, 0x62, 0x63, 255]);
    const msg = decodeDhcp4(buf);
    buf.fill(0);
    expect(msg.options.get(12)?.toString()).toBe('abc');
    expect(msg.chaddr.toString('hex')).toBe('020000770002' + '00'.repeat(10));
  });

  it('refuses bad op, hlen, cookie and option 52, saying what and where', () => {
    expect(decodeErrorOf(() => decodeDhcp4(raw([255], (b) => (b[0] = 3)))).offset).toBe(0);
    expect(decodeErrorOf(() => decodeDhcp4(raw([255], (b) => (b[2] = 17)))).message).toMatch(/hlen 17/);
    expect(decodeErrorOf(() => decodeDhcp4(raw([255], (b) => (b[239] = 0)))).what).toBe('dhcp4 magic cookie');
    expect(decodeErrorOf(() => decodeDhcp4(raw([52, 1, 4, 255]))).what).toBe('dhcp4 option 52');
    const cut = decodeErrorOf(() => decodeDhcp4(raw([53, 1, 1, 12, 5, 0x61])));
    expect([cut.what, cut.offset]).toEqual(['dhcp4 option 12 in options', 243]);
  });

  it('refuses to encode what it could not write back', () => {
    const bad =
      (patch: (m: Dhcp4Message) => void): (() => Buffer) =>
      () => {
        const msg = baseMessage();
        patch(msg);
        return encodeDhcp4(msg);
      };
    expect(bad((m) => (m.ciaddr = '10.0.0.256'))).toThrow(RangeError);
    expect(bad((m) => (m.file = 'x'.repeat(129)))).toThrow(RangeError);
    expect(bad((m) => m.options.set(52, Buffer.of(1)))).toThrow(RangeError);
    expect(bad((m) => m.options.set(256, Buffer.of(1)))).toThrow(RangeError);
    expect(bad((m) => (m.xid = 2 ** 32))).toThrow(RangeError);
  });
});

describe('truncated prefixes of a valid message', () => {
  const bytes = encodeDhcp4(richAck());

  it('every prefix shorter than the fixed header and cookie throws DecodeError', () => {
    for (let n = 0; n < 240; n++) expect(() => decodeDhcp4(bytes.subarray(0, n)), `prefix ${n}`).toThrow(DecodeError);
  });

  it('every prefix that cuts an option mid-way throws DecodeError; prefixes at option boundaries decode', () => {
    let at = 240;
    let checked = 0;
    while (bytes[at] !== 255) {
      const end = at + 2 + (bytes[at + 1] as number);
      for (let n = at + 1; n < end; n++) {
        expect(() => decodeDhcp4(bytes.subarray(0, n)), `prefix ${n}`).toThrow(DecodeError);
        checked++;
      }
      expect(() => decodeDhcp4(bytes.subarray(0, end))).not.toThrow();
      at = end;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
