// The configuration the DHCPv4 policy answers from (RFC 2131 §4.3 static allocation): the served subnets compiled
// for the hot path, the reservation lookup, and the per-reservation options compiled on first use.

import { isSubnet4 } from '../../protocol/ipam/parse.js';
import type { Ipam } from '../../protocol/ipam/types.js';
import type { ReservationLookup } from '../serving/live-reservations.js';
import { servedFromIpam } from '../serving/served-config.js';
import type { ServedConfig } from '../serving/served-config.js';
import { CompiledReservations } from './compiled-reservation.js';
import { compileSubnet4 } from './compiled-subnet.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';

export interface ServingConfig {
  subnets: readonly CompiledSubnet4[];
  /** Immutable from a file; a LiveReservations (base + overlay) under region sync. */
  index: ReservationLookup;
  readonly reservationCount: number;
  /** Encoded per-reservation options (host name, custom options merged with the subnet's). */
  reservations: CompiledReservations;
}

function compile(
  served: ServedConfig,
  subnets: readonly CompiledSubnet4[],
  reservations: CompiledReservations,
): ServingConfig {
  return {
    subnets,
    index: served.index,
    get reservationCount() {
      return served.reservationCount;
    },
    reservations,
  };
}

/** `ipam` has passed parseIpam. */
export function buildServingConfig(ipam: Ipam): ServingConfig {
  return new Dhcp4View().of(servedFromIpam(ipam));
}

/**
 * DHCPv4's view of what is served, compiled once per generation: a read with the same ServedConfig object costs one
 * comparison; a new object with the same subnets (a fold) keeps the compiled subnets and reservations.
 */
export class Dhcp4View {
  private source: ServedConfig | undefined;
  private compiled: ServingConfig | undefined;

  of(served: ServedConfig): ServingConfig {
    if (served === this.source && this.compiled !== undefined) return this.compiled;
    const same = this.compiled !== undefined && this.source?.subnets === served.subnets;
    const subnets =
      same && this.compiled ? this.compiled.subnets : served.subnets.filter(isSubnet4).map(compileSubnet4);
    const reservations = same && this.compiled ? this.compiled.reservations : new CompiledReservations();
    this.source = served;
    this.compiled = compile(served, subnets, reservations);
    return this.compiled;
  }
}
