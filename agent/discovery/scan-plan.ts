// Turns a scan request into per-interface ARP request groups (RFC 826): which interface and 802.1Q tag
// reach each CIDR and which of our addresses the replies come back to. Pure; shared by the daemon and the CLI.

import { cidrContains, ipv4ToNumber, numberToIpv4 } from '../../protocol/net/ipv4-address.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { ScanGroup } from './arp-scanner.js';
import type { ParsedCidr } from './scan-targets.js';
import { hostAddresses, parseScanCidrs, ScanRefused } from './scan-targets.js';

export interface ScanRequest {
  /** CIDRs to scan; none: every network attached to the discovery interfaces (needs `force`). */
  cidrs?: string[];
  /** Scan from this interface only. */
  interface?: string;
  force?: boolean;
}

/** A served subnet that lives on an 802.1Q tag: scanned tagged, from the subnet's server address. */
export interface TaggedSubnet {
  cidr: string;
  vid: number;
  senderIp?: string;
}

function attachedNetworks(interfaces: readonly InterfaceInfo[]): string[] {
  const networks = new Set<string>();
  for (const info of interfaces) {
    for (const a of info.addresses) {
      if (a.family !== 4 || a.prefixLength === 32 || a.address.startsWith('127.')) continue;
      networks.add(`${numberToIpv4((ipv4ToNumber(a.address) & maskOf(a.prefixLength)) >>> 0)}/${a.prefixLength}`);
    }
  }
  return [...networks];
}

const maskOf = (prefixLength: number) => (prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0);

/** Our address on the segment the CIDR lies on: inside the CIDR, or on a network that holds the whole CIDR. */
function ownAddressIn(info: InterfaceInfo, cidr: ParsedCidr): string | undefined {
  const c = { network: cidr.network, prefixLength: cidr.prefixLength, mask: maskOf(cidr.prefixLength) };
  const onSegment = (a: InterfaceInfo['addresses'][number]) =>
    cidrContains(c, ipv4ToNumber(a.address)) ||
    (a.prefixLength <= cidr.prefixLength &&
      (ipv4ToNumber(a.address) & maskOf(a.prefixLength)) >>> 0 === (cidr.network & maskOf(a.prefixLength)) >>> 0);
  return info.addresses.find((a) => a.family === 4 && onSegment(a))?.address;
}

function groupFor(
  cidr: ParsedCidr,
  interfaces: readonly InterfaceInfo[],
  tagged: readonly TaggedSubnet[],
  only?: string,
): ScanGroup {
  const candidates = only === undefined ? interfaces : interfaces.filter((i) => i.name === only);
  if (only !== undefined && candidates.length === 0)
    throw new ScanRefused(`interface ${only} is not one discovery runs on`, 'invalid-params', 'interface');
  const targets = hostAddresses(cidr);
  for (const info of candidates) {
    const own = ownAddressIn(info, cidr);
    if (own !== undefined)
      return {
        interface: info.name,
        senderMac: info.mac,
        senderIp: own,
        targets: targets.filter((t) => numberToIpv4(t) !== own),
      };
  }
  const subnet = tagged.find((s) => s.cidr === cidr.text);
  const info = candidates[0];
  if (subnet !== undefined && info !== undefined) {
    return {
      interface: info.name,
      vid: subnet.vid,
      senderMac: info.mac,
      senderIp: subnet.senderIp ?? '0.0.0.0',
      targets,
    };
  }
  if (only !== undefined && info !== undefined) {
    // Not on any of its networks: ask anyway, from its first address (replies still come back at L2).
    const first = info.addresses.find((a) => a.family === 4)?.address ?? '0.0.0.0';
    return { interface: info.name, senderMac: info.mac, senderIp: first, targets };
  }
  throw new ScanRefused(
    `no discovery interface has an address in ${cidr.text}: pass interface to choose one`,
    'invalid-params',
    'interface',
  );
}

/** Throws ScanRefused naming the fix when the request cannot or may not be run. */
export function planScan(
  request: ScanRequest,
  interfaces: readonly InterfaceInfo[],
  tagged: readonly TaggedSubnet[] = [],
): { cidrs: string[]; groups: ScanGroup[] } {
  const force = request.force ?? false;
  let cidrs = request.cidrs ?? [];
  if (cidrs.length === 0) {
    if (!force)
      throw new ScanRefused(
        'no CIDRs given: name the networks to scan, or pass force to scan every attached network',
        'invalid-params',
        'cidrs',
      );
    const on = request.interface === undefined ? interfaces : interfaces.filter((i) => i.name === request.interface);
    cidrs = attachedNetworks(on);
    if (cidrs.length === 0) throw new ScanRefused('no attached IPv4 network to scan', 'invalid-params', 'cidrs');
  }
  const parsed = parseScanCidrs(cidrs, force);
  return {
    cidrs: parsed.map((c) => c.text),
    groups: parsed.map((c) => groupFor(c, interfaces, tagged, request.interface)),
  };
}
