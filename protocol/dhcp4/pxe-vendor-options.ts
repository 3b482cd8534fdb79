// Option 43 as a PXE client reads it (PXE 2.1 §2.4, "PXE vendor options"; RFC 2132 §8.4 encapsulation):
// tag-length-value suboptions, PAD (0) skipped, END (255) closing the list. Pure, bounds-checked.

import { DecodeError } from '../binary/decode-error.js';

const PAD = 0;
const END = 255;

/**
 * Suboptions that make an offer a PXE boot-server offer (PXE 2.1 §2.4 tags 6 discovery control, 7 multicast
 * discovery address, 8 boot servers, 9 boot menu, 10 menu prompt). EDK2's UefiPxeBcDxe counts an offer as
 * "PXE10" when any of them is present; an offer with `PXEClient` in option 60 and none of them is a BINL
 * offer, after which the client asks a boot server on port 4011 for its boot file.
 */
const BOOT_SERVER_TAGS: readonly number[] = [6, 7, 8, 9, 10];

/** The suboptions of a PXE option 43, by tag (the last of a repeated tag wins, as EDK2 reads it). */
export function decodePxeVendorOptions(data: Uint8Array): Map<number, Buffer> {
  const options = new Map<number, Buffer>();
  let at = 0;
  while (at < data.length) {
    const tag = data[at] as number;
    if (tag === END) return options;
    if (tag === PAD) {
      at += 1;
      continue;
    }
    if (at + 1 >= data.length) throw new DecodeError('pxe vendor option', `tag ${tag} has no length byte`, at);
    const length = data[at + 1] as number;
    if (at + 2 + length > data.length) {
      throw new DecodeError(
        'pxe vendor option',
        `tag ${tag} length ${length} runs past the end (${data.length - at - 2} bytes left)`,
        at,
      );
    }
    options.set(tag, Buffer.from(data.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return options;
}

/** Whether option 43 is a well-formed PXE list that makes the offer a boot-server (PXE10) offer. */
export function isPxeBootServerOption(data: Uint8Array | undefined): boolean {
  if (data === undefined) return false;
  try {
    const options = decodePxeVendorOptions(data);
    return BOOT_SERVER_TAGS.some((tag) => options.has(tag));
  } catch (error) {
    if (error instanceof DecodeError) return false;
    throw error;
  }
}

/** Suboptions in map order, closed by END; RangeError when a tag is PAD/END or a value is over 255 bytes. */
export function encodePxeVendorOptions(options: ReadonlyMap<number, Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, value] of options) {
    if (!Number.isInteger(tag) || tag <= PAD || tag >= END)
      throw new RangeError(`pxe vendor option tag ${tag} is not in 1..254`);
    if (value.length > 255) throw new RangeError(`pxe vendor option ${tag} is ${value.length} bytes, at most 255 fit`);
    parts.push(Buffer.of(tag, value.length), Buffer.from(value));
  }
  parts.push(Buffer.of(END));
  return Buffer.concat(parts);
}
