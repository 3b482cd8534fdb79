// Which configured subnet a DHCPv4 request belongs to (RFC 2131 §4.3.1): relay link-selection
// (RFC 3527 option 82 sub-option 5), subnet-selection (RFC 3011 option 118), giaddr, then 802.1Q tag or interface.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import { cidrContains, ipv4Number, readIpv4, UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';
import type { Arrival } from './arrival.js';
import type { ServingConfig } from './serving-config.js';

const LINK_SELECTION_SUBOPTION = 5;

/**
 * The RFC 3527 link-selection address from option 82 data, or undefined when absent.
 * Throws DecodeError when the sub-option list is malformed.
 */
export function linkSelection(relayInfo: Buffer | undefined): string | undefined {
  if (relayInfo === undefined) return undefined;
  let offset = 0;
  while (offset < relayInfo.length) {
    const code = relayInfo[offset] as number;
    if (offset + 2 > relayInfo.length) throw new DecodeError('dhcp4 option 82', 'truncated sub-option header', offset);
    const length = relayInfo[offset + 1] as number;
    if (offset + 2 + length > relayInfo.length) {
      throw new DecodeError(
        'dhcp4 option 82',
        `sub-option ${code} needs ${length} bytes, have ${relayInfo.length - offset - 2}`,
        offset,
      );
    }
    if (code === LINK_SELECTION_SUBOPTION) {
      if (length !== 4) throw new DecodeError('dhcp4 option 82', `link-selection length ${length}, expected 4`, offset);
      return readIpv4(relayInfo, offset + 2);
    }
    offset += 2 + length;
  }
  return undefined;
}

export function subnetContaining(subnets: readonly CompiledSubnet4[], address: string): CompiledSubnet4 | undefined {
  const value = ipv4Number(address);
  if (value < 0) return undefined;
  for (const subnet of subnets) if (cidrContains(subnet.cidr, value)) return subnet;
  return undefined;
}

/** Untagged frames belong to an untagged subnet on the interface; a tagged subnet only as a fallback
 *  (a VLAN sub-interface delivers its frames already untagged). */
function subnetOfInterface(subnets: readonly CompiledSubnet4[], arrival: Arrival): CompiledSubnet4 | undefined {
  let fallback: CompiledSubnet4 | undefined;
  for (const address of arrival.iface.addresses) {
    if (address.family !== 4) continue;
    const subnet = subnetContaining(subnets, address.address);
    if (subnet === undefined) continue;
    if (subnet.vid === undefined) return subnet;
    fallback ??= subnet;
  }
  return fallback;
}

/**
 * The subnet a request is for, or undefined when none is configured for where it came from.
 * Throws DecodeError when option 82 or 118 is malformed.
 */
export function selectSubnet(
  request: Dhcp4Message,
  arrival: Arrival,
  config: ServingConfig,
): CompiledSubnet4 | undefined {
  if (request.giaddr !== UNSPECIFIED_IPV4) {
    // The relay's own address (giaddr) may sit on another link than the client's; 82/5 and 118 say which.
    const link =
      linkSelection(request.options.get(82)) ?? getOption(request.options, 'subnet-selection') ?? request.giaddr;
    return subnetContaining(config.subnets, link);
  }
  if (arrival.vid !== undefined) {
    for (const subnet of config.subnets) if (subnet.vid === arrival.vid) return subnet;
    return undefined;
  }
  return subnetOfInterface(config.subnets, arrival);
}
