// Typed access to DHCPv4 options (RFC 2132 §2) through the option table: raw bytes stay in the message's
// Map, and a value is decoded only when policy asks for it, so unknown and unused options cost nothing.

import { DecodeError } from '../binary/decode-error.js';
import type { Dhcp4Options } from './message.js';
import type { Dhcp4OptionName, Dhcp4OptionValue, OptionType, OptionValueByType } from './option-table.js';
import { DHCP4_OPTIONS } from './option-table.js';
import { decodeOptionValue, encodeOptionValue } from './option-values.js';

/** The decoded value of option `name`, or undefined when absent; DecodeError names the option when malformed. */
export function getOption<N extends Dhcp4OptionName>(options: Dhcp4Options, name: N): Dhcp4OptionValue<N> | undefined {
  const def = DHCP4_OPTIONS[name];
  const data = options.get(def.code);
  if (data === undefined) return undefined;
  try {
    return decodeOptionValue(def.type as OptionType, data) as Dhcp4OptionValue<N>;
  } catch (err) {
    if (err instanceof DecodeError) {
      throw new DecodeError(`dhcp4 option ${def.code} (${name}) as ${err.what}`, err.reason, err.offset);
    }
    throw err;
  }
}

/** Sets option `name` (keeping its position if present, else appending); RangeError when unrepresentable. */
export function setOption<N extends Dhcp4OptionName>(options: Dhcp4Options, name: N, value: Dhcp4OptionValue<N>): void {
  const def = DHCP4_OPTIONS[name];
  options.set(def.code, encodeOptionValue(def.type as OptionType, value as OptionValueByType[OptionType]));
}
