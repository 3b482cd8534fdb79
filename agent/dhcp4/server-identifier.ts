// The server identifier (RFC 2132 §9.7 option 54; RFC 2131 §4.3.1): the address clients will unicast
// renewals to, so it must be one of ours and reachable from the client's subnet.

import { cidrContains, ipv4Number } from '../../protocol/net/ipv4-address.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';
import type { Arrival } from './arrival.js';

function isOwnAddress(arrival: Arrival, address: string): boolean {
  for (const a of arrival.iface.addresses) if (a.family === 4 && a.address === address) return true;
  return false;
}

/**
 * subnet.server_ip, else our address inside the subnet, else (relayed) the address the relay sent to,
 * else the interface's first IPv4 address; undefined when the interface has no IPv4 address at all.
 */
export function serverIdentifier(subnet: CompiledSubnet4, arrival: Arrival, relayed: boolean): string | undefined {
  if (subnet.serverIp !== undefined) return subnet.serverIp;
  let first: string | undefined;
  for (const a of arrival.iface.addresses) {
    if (a.family !== 4) continue;
    if (cidrContains(subnet.cidr, ipv4Number(a.address) >>> 0)) return a.address;
    first ??= a.address;
  }
  if (relayed && isOwnAddress(arrival, arrival.dstIp)) return arrival.dstIp;
  return first;
}

/** Whether an option-54 value names this server (any of its addresses on the arrival interface). */
export function isOurServerId(serverId: string, ours: string, arrival: Arrival): boolean {
  return serverId === ours || isOwnAddress(arrival, serverId);
}
