// Per-reservation DHCPv4 options (RFC 2132 §3.14 host name, plus operator options) encoded once: the
// subnet's custom options merged with the reservation's, which override the subnet's of the same code.

import type { Reservation } from '../../protocol/ipam/types.js';
import { encodeNamedOption } from './compiled-subnet.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';
import { compileCustomOptions } from './custom-option.js';

export interface CompiledReservation {
  readonly subnet: CompiledSubnet4;
  /** Option 12 from `hostname`. */
  readonly hostNameOption: Buffer | undefined;
  /**
   * Subnet custom options in config order, then the reservation's; a reservation value replaces a subnet one in place.
   */
  readonly customOptions: ReadonlyMap<number, Buffer>;
}

export function compileReservation(reservation: Reservation, subnet: CompiledSubnet4): CompiledReservation {
  const own = compileCustomOptions(reservation.options);
  let customOptions: ReadonlyMap<number, Buffer> = subnet.customOptions;
  if (own.size > 0) {
    const merged = new Map(subnet.customOptions);
    for (const [code, data] of own) merged.set(code, data);
    customOptions = merged;
  }
  return {
    subnet,
    hostNameOption: reservation.hostname ? encodeNamedOption('host-name', reservation.hostname) : undefined,
    customOptions,
  };
}

/**
 * Compiled reservations keyed by the Reservation object the index hands out (the index remembers recent ones,
 * so DISCOVER then REQUEST compile once); weak, so a forgotten object takes its compiled form with it.
 */
export class CompiledReservations {
  private readonly byReservation = new WeakMap<Reservation, CompiledReservation>();
  /** Most reservations are a MAC and an address: those share their subnet's one compiled form. */
  private readonly plain = new WeakMap<CompiledSubnet4, CompiledReservation>();

  get(reservation: Reservation, subnet: CompiledSubnet4): CompiledReservation {
    if (!reservation.hostname && (reservation.options?.length ?? 0) === 0) return this.plainFor(subnet);
    const known = this.byReservation.get(reservation);
    if (known !== undefined && known.subnet === subnet) return known;
    const compiled = compileReservation(reservation, subnet);
    this.byReservation.set(reservation, compiled);
    return compiled;
  }

  private plainFor(subnet: CompiledSubnet4): CompiledReservation {
    let compiled = this.plain.get(subnet);
    if (compiled === undefined) {
      compiled = { subnet, hostNameOption: undefined, customOptions: subnet.customOptions };
      this.plain.set(subnet, compiled);
    }
    return compiled;
  }
}
