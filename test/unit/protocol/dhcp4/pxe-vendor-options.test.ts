// PXE 2.1 §2.4 vendor options in option 43: round trip, PAD/END handling, truncation, and the boot-server test
// EDK2 applies (PxeBcDhcp4.c, IS_VALID_DISCOVER_VENDOR_OPTION: any of tags 6-10).

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import {
  decodePxeVendorOptions,
  encodePxeVendorOptions,
  isPxeBootServerOption,
} from '../../../../protocol/dhcp4/pxe-vendor-options.js';
import { fuzzDecoder } from '../../../helpers/fuzz.js';

const DISCOVERY_CONTROL_USE_FILE = new Map([[6, Buffer.of(0x08)]]);

describe('PXE vendor options (option 43)', () => {
  it('round-trips suboptions and closes the list with END', () => {
    const value = new Map([
      [6, Buffer.of(0x08)],
      [8, Buffer.from('8000010a140001', 'hex')],
      [71, Buffer.of(0x80, 0x00, 0x00, 0x00)],
    ]);
    const bytes = encodePxeVendorOptions(value);
    expect(bytes.toString('hex')).toBe(['060108', '0807', '8000010a140001', '4704', '80000000', 'ff'].join(''));
    expect(decodePxeVendorOptions(bytes)).toEqual(value);
    expect(encodePxeVendorOptions(decodePxeVendorOptions(bytes)).equals(bytes)).toBe(true);
  });

  it('skips PAD, stops at END, and reads a list with no END to its end', () => {
    expect(decodePxeVendorOptions(Buffer.from('0000060108ff0699', 'hex'))).toEqual(DISCOVERY_CONTROL_USE_FILE);
    expect(decodePxeVendorOptions(Buffer.from('060108', 'hex'))).toEqual(DISCOVERY_CONTROL_USE_FILE);
    expect(decodePxeVendorOptions(Buffer.alloc(0))).toEqual(new Map());
  });

  it('throws DecodeError on every truncated prefix that cuts a suboption', () => {
    const bytes = encodePxeVendorOptions(
      new Map([
        [6, Buffer.of(8)],
        [9, Buffer.from('8000045261636b', 'hex')],
      ]),
    );
    for (let cut = 1; cut < bytes.length - 1; cut++) {
      if (cut === 3) continue; // a whole suboption ends here: a valid list without END
      expect(() => decodePxeVendorOptions(bytes.subarray(0, cut)), `cut ${cut}`).toThrow(DecodeError);
    }
  });

  it('refuses to encode PAD or END as a tag, or a value over 255 bytes', () => {
    expect(() => encodePxeVendorOptions(new Map([[0, Buffer.alloc(1)]]))).toThrow(RangeError);
    expect(() => encodePxeVendorOptions(new Map([[255, Buffer.alloc(1)]]))).toThrow(RangeError);
    expect(() => encodePxeVendorOptions(new Map([[6, Buffer.alloc(256)]]))).toThrow(RangeError);
  });

  it('counts an option as boot-server only with a well-formed tag 6-10', () => {
    expect(isPxeBootServerOption(Buffer.from('060108ff', 'hex'))).toBe(true);
    expect(isPxeBootServerOption(Buffer.from('0a0400ff', 'hex'))).toBe(false); // tag 10 cut short: malformed
    expect(isPxeBootServerOption(Buffer.from('0a020001ff', 'hex'))).toBe(true);
    expect(isPxeBootServerOption(Buffer.from('0104deadbeefff', 'hex'))).toBe(false);
    expect(isPxeBootServerOption(Buffer.from('0605', 'hex'))).toBe(false);
    expect(isPxeBootServerOption(undefined)).toBe(false);
  });

  it('fuzz: only DecodeError escapes, and what decodes re-encodes to an equal map', () => {
    const corpus = [
      encodePxeVendorOptions(DISCOVERY_CONTROL_USE_FILE),
      encodePxeVendorOptions(
        new Map([
          [6, Buffer.of(3)],
          [8, Buffer.from('8000010a140001', 'hex')],
          [9, Buffer.from('80000452616b31', 'hex')],
          [10, Buffer.from('0a426f6f74', 'hex')],
        ]),
      ),
    ];
    fuzzDecoder('pxe-vendor-options', corpus, 100_000, (input) => {
      const decoded = decodePxeVendorOptions(input);
      const valid = [...decoded.keys()].every((tag) => tag > 0 && tag < 255);
      if (valid) expect(decodePxeVendorOptions(encodePxeVendorOptions(decoded))).toEqual(decoded);
      return true;
    });
  });
});
