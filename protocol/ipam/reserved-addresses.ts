// The addresses of an IPv4 subnet that no reservation may take: its network and broadcast addresses (RFC 919,
// RFC 3021: a /31 or /32 has neither), its gateway and the rack's own server_ip. The one statement of that rule.

import { ipv4ToNumber } from '../net/ipv4-address.js';
import type { Cidr4 } from '../net/ipv4-address.js';
import type { Subnet4Config } from './types.js';

/** Address → what it is, for the refusal message ("… is the subnet’s gateway of 10.20.0.0/24"). */
export function reservedAddresses(subnet: Subnet4Config, cidr: Cidr4): Map<number, string> {
  const reserved = new Map<number, string>();
  if (cidr.prefixLength <= 30) {
    reserved.set(cidr.network, 'the network address');
    reserved.set((cidr.network | ~cidr.mask) >>> 0, 'the broadcast address');
  }
  if (subnet.gateway !== undefined) reserved.set(ipv4ToNumber(subnet.gateway), 'the subnet’s gateway');
  if (subnet.server_ip !== undefined) reserved.set(ipv4ToNumber(subnet.server_ip), 'the subnet’s server_ip');
  return reserved;
}
