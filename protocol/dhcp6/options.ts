// Named access to DHCPv6 options (RFC 8415 §21) through the option table: the policy reads and writes
// values by name and never touches TLV bytes. Malformed data throws DecodeError naming the option.

import { DecodeError } from '../binary/decode-error.js';
import type { Dhcp6Option } from './message.js';
import { DHCP6_OPTIONS } from './option-table.js';
import type { Dhcp6OptionName, Dhcp6OptionValue, Option6Type, Option6ValueByType } from './option-table.js';
import { decodeOption6Value, encodeOption6Value } from './option-values.js';

function decodeNamed<N extends Dhcp6OptionName>(name: N, data: Uint8Array): Dhcp6OptionValue<N> {
  const def = DHCP6_OPTIONS[name];
  try {
    return decodeOption6Value(def.type as Option6Type, data) as Dhcp6OptionValue<N>;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new DecodeError(`dhcp6 option ${def.code} (${name})`, error.reason, error.offset);
  }
}

/** The first instance's value, or undefined when absent. */
export function getOption6<N extends Dhcp6OptionName>(
  options: readonly Dhcp6Option[],
  name: N,
): Dhcp6OptionValue<N> | undefined {
  const code = DHCP6_OPTIONS[name].code;
  const found = options.find((option) => option.code === code);
  return found === undefined ? undefined : decodeNamed(name, found.data);
}

/** Every instance's value, in wire order (IA_NA, IA_PD and NTP server repeat). */
export function getOptions6<N extends Dhcp6OptionName>(
  options: readonly Dhcp6Option[],
  name: N,
): Dhcp6OptionValue<N>[] {
  const code = DHCP6_OPTIONS[name].code;
  return options.filter((option) => option.code === code).map((option) => decodeNamed(name, option.data));
}

export function encodeOption6<N extends Dhcp6OptionName>(name: N, value: Dhcp6OptionValue<N>): Dhcp6Option {
  const def = DHCP6_OPTIONS[name];
  return {
    code: def.code,
    data: encodeOption6Value(def.type as Option6Type, value as Option6ValueByType[Option6Type]),
  };
}

/** Appends one instance (options may repeat, so this never replaces). */
export function addOption6<N extends Dhcp6OptionName>(
  options: Dhcp6Option[],
  name: N,
  value: Dhcp6OptionValue<N>,
): void {
  options.push(encodeOption6(name, value));
}
