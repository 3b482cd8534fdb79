// What the DHCPv6 policy serves from (RFC 8415 §18.3): the IPAM's IPv6 subnets compiled once per (re)load,
// and the server's own DUID (§11), which every reply carries as its Server Identifier.

import { isSubnet4 } from '../../protocol/ipam/parse.js';
import type { Ipam, Subnet6Config } from '../../protocol/ipam/types.js';
import { compileSubnet6 } from './compiled-subnet.js';
import type { CompiledSubnet6 } from './compiled-subnet.js';

export interface Dhcp6ServingConfig {
  readonly subnets: readonly CompiledSubnet6[];
  /** Encoded DUID (the Server Identifier option's data). */
  readonly serverDuid: Buffer;
}

export function subnets6Of(ipam: Ipam): Subnet6Config[] {
  return ipam.subnets.filter((subnet): subnet is Subnet6Config => !isSubnet4(subnet));
}

/** `ipam` has passed parseIpam. */
export function buildDhcp6ServingConfig(ipam: Ipam, serverDuid: Buffer): Dhcp6ServingConfig {
  return { subnets: subnets6Of(ipam).map(compileSubnet6), serverDuid };
}
