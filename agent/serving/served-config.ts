// What the rack serves at one moment (RFC 2131 §4.3.1 static allocation): the subnets as configured and the
// reservation lookup over them. DHCPv4, DHCPv6 and discovery read it; none of them changes it.

import type { Ipam, Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';
import type { ReservationLookup } from './live-reservations.js';
import { ReservationIndex } from './reservation-index.js';

/**
 * A reservation delta changes `index` in place and keeps this object; a new generation of subnets (a snapshot,
 * a subnet put or delete, a new IPAM file) or a fold of the reservation overlay gives a new object. The
 * `subnets` array is new exactly when the subnets are: readers cache what they compile from it by identity.
 */
export interface ServedConfig {
  readonly subnets: readonly (Subnet4Config | Subnet6Config)[];
  readonly index: ReservationLookup;
  readonly reservationCount: number;
}

/** From a validated IPAM document (parseIpam filled every reservation's `subnet`): an immutable index. */
export function servedFromIpam(ipam: Ipam): ServedConfig {
  const index = ReservationIndex.build(ipam);
  return { subnets: ipam.subnets, index, reservationCount: index.size };
}
