// Which IPv6 subnet a request belongs to (RFC 8415 §13.1): the relay's link-address when relayed, else a
// prefix configured on the receiving interface.

import { parseIpv6 } from '../../protocol/ipam/ipv6-text.js';
import type { Dhcp6RelayMessage } from '../../protocol/dhcp6/message.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { CompiledSubnet6 } from './compiled-subnet.js';

function containing(subnets: readonly CompiledSubnet6[], text: string): CompiledSubnet6 | undefined {
  const value = parseIpv6(text);
  if (value === undefined || value === 0n || value >> 118n === 0x3fan) return undefined;
  return subnets.find((s) => value >= s.cidr.network && value <= s.cidr.last);
}

/**
 * The relay closest to the client names the client's link; when it left link-address unspecified
 * (it identifies the link by Interface-ID instead, §19.1.1), the next relay outward may still name one.
 */
export function subnetForRelays(
  subnets: readonly CompiledSubnet6[],
  relays: readonly Dhcp6RelayMessage[],
): CompiledSubnet6 | undefined {
  for (let i = relays.length - 1; i >= 0; i--) {
    const found = containing(subnets, (relays[i] as Dhcp6RelayMessage).linkAddress);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A subnet whose prefix holds one of the interface's global addresses. */
export function subnetForInterface(
  subnets: readonly CompiledSubnet6[],
  iface: InterfaceInfo,
): CompiledSubnet6 | undefined {
  for (const address of iface.addresses) {
    if (address.family !== 6) continue;
    const found = containing(subnets, address.address);
    if (found !== undefined) return found;
  }
  return undefined;
}
