// Operator-defined DHCPv4 options (RFC 2132 §2 TLV data), encoded once when a configuration is compiled.
// `hex` is raw bytes; every other type goes through the option table's generic value codec.

import { encodeOptionValue } from '../../protocol/dhcp4/option-values.js';
import type { OptionType, OptionValueByType } from '../../protocol/dhcp4/option-table.js';
import type { CustomOption } from '../../protocol/ipam/types.js';

/** `0a0b0c`, `0a:0b:0c` or `0A-0B-0C` → bytes. The schema has validated the text. */
export function hexToBytes(text: string): Buffer {
  return Buffer.from(text.replace(/[:\-\s]/g, ''), 'hex');
}

export function encodeCustomOption(opt: CustomOption): Buffer {
  if (opt.type === 'hex') return hexToBytes(String(opt.value));
  // The IPAM schema has checked that `value` matches `type`; the union cannot express that pairing.
  return encodeOptionValue(opt.type as OptionType, opt.value as OptionValueByType[OptionType]);
}

/**
 * Codes an operator may not set: framing (0, 52, 255), and the ones the policy itself owns
 * (53 message type, 54 server identifier, 55 request list, 82 echoed from the relay).
 */
const RESERVED_CODES: ReadonlySet<number> = new Set([0, 52, 53, 54, 55, 82, 255]);

/** Custom options in config order, later entries of the same code replacing earlier ones. */
export function compileCustomOptions(options: readonly CustomOption[] | undefined): Map<number, Buffer> {
  const compiled = new Map<number, Buffer>();
  for (const opt of options ?? []) {
    if (!RESERVED_CODES.has(opt.code)) compiled.set(opt.code, encodeCustomOption(opt));
  }
  return compiled;
}
