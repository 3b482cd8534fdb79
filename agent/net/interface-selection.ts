// Which interfaces to serve DHCPv4 (RFC 2131) on, given `interfaces:` entries and the current rtnetlink view.
// Pure: the daemon re-runs it on every link/address change and opens or closes ports to match.

import { cidrContains, ipv4ToNumber } from '../../protocol/net/ipv4-address.js';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import type { InterfaceInfo } from './interface-info.js';

/** An entry with `*` or `?` is a pattern (shell glob over the name); any other entry is one exact name. */
export function isInterfacePattern(entry: string): boolean {
  return /[*?]/.test(entry);
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Named interfaces are served whenever they exist (a subnet with `vid` may be served from a parent that has no
 * address in it). Pattern matches are served only when up with an IPv4 address inside a served subnet, so
 * `*` never picks up lo or a management port.
 */
export function selectInterfaces(
  entries: readonly string[],
  view: readonly InterfaceInfo[],
  servedSubnets: readonly Cidr4[],
): string[] {
  const names = new Set(entries.filter((e) => !isInterfacePattern(e)));
  const patterns = entries.filter(isInterfacePattern).map(globToRegExp);
  const selected: string[] = [];
  for (const info of view) {
    if (names.has(info.name)) {
      selected.push(info.name);
    } else if (patterns.some((p) => p.test(info.name)) && info.up && inServedSubnet(info, servedSubnets)) {
      selected.push(info.name);
    }
  }
  return selected;
}

function inServedSubnet(info: InterfaceInfo, subnets: readonly Cidr4[]): boolean {
  return info.addresses.some(
    (a) => a.family === 4 && subnets.some((cidr) => cidrContains(cidr, ipv4ToNumber(a.address))),
  );
}
