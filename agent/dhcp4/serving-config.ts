// The configuration the DHCPv4 policy serves from (RFC 2131 §4.3 static allocation): subnets compiled
// for the hot path and the reservation index, built once per (re)load from a validated IPAM document.

import { isSubnet4 } from '../../protocol/ipam/parse.js';
import type { Ipam } from '../../protocol/ipam/types.js';
import { CompiledReservations } from './compiled-reservation.js';
import { compileSubnet4 } from './compiled-subnet.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';
import type { ReservationLookup } from './live-reservations.js';
import { ReservationIndex } from './reservation-index.js';

export interface ServingConfig {
  subnets: readonly CompiledSubnet4[];
  /** Immutable from a file; a LiveReservations (base + overlay) under region sync. */
  index: ReservationLookup;
  readonly reservationCount: number;
  /** Encoded per-reservation options (host name, custom options merged with the subnet's). */
  reservations: CompiledReservations;
}

/**
 * `ipam` has passed parseIpam. Per-reservation options are compiled on first use (CompiledReservations): the
 * index hands out its own objects, so compiling the document's here would be work nobody reads.
 */
export function buildServingConfig(ipam: Ipam): ServingConfig {
  const subnets = ipam.subnets.filter(isSubnet4).map(compileSubnet4);
  const index = ReservationIndex.build(ipam);
  return { subnets, index, reservationCount: index.size, reservations: new CompiledReservations() };
}
