// One rogue-DHCP probe of both families: DHCPv4 (RFC 2131) on every interface and served 802.1Q tag, DHCPv6
// (RFC 8415 §18.2.1 Solicit) on every interface with a link-local address; a server that is not ours is foreign.

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DUID_FILE, loadServerDuid } from '../dhcp6/server-duid.js';
import type { RogueDhcpProber, ProbeResult } from './rogue-dhcp-prober.js';
import type { Probe6Interface, RogueDhcp6Prober, Server6 } from './rogue-dhcp6-prober.js';
import type { DiscoveryServiceOptions } from './service-options.js';

/** A probe of both families: DHCPv4 servers, then DHCPv6 servers (`family: 6`). */
export interface DualProbeResult {
  probed: number;
  servers: (ProbeResult['servers'][number] | Server6)[];
  foreign: number;
}

/** What the probes read of the service's options. */
export type DualProbeOptions = Pick<
  DiscoveryServiceOptions,
  'settings' | 'interfaces' | 'interfaceInfo' | 'stateDir' | 'ownServerIps' | 'taggedSubnets'
>;

/** Both families at once; the DHCPv4 servers come first in the result. */
export async function probeBothFamilies(
  options: DualProbeOptions,
  prober: RogueDhcpProber,
  prober6: RogueDhcp6Prober,
): Promise<DualProbeResult> {
  const [v4, v6] = await Promise.all([probe4(options, prober), probe6(options, prober6)]);
  const servers = [...v4.servers, ...v6.servers];
  return { probed: v4.probed + v6.probed, servers, foreign: v4.foreign + v6.foreign };
}

/** Interfaces with a link-local address get a Solicit; our DUID is the DHCPv6 server's persisted one, if any. */
async function probe6(
  options: DualProbeOptions,
  prober6: RogueDhcp6Prober,
): Promise<{ probed: number; servers: Server6[]; foreign: number }> {
  const interfaces: Probe6Interface[] = options.interfaces.flatMap((name) => {
    const info = options.interfaceInfo(name);
    const linkLocal = info?.addresses.find((a) => a.family === 6 && /^fe[89ab]/i.test(a.address))?.address;
    return info === undefined || linkLocal === undefined ? [] : [{ interface: name, mac: info.mac, linkLocal }];
  });
  if (interfaces.length === 0) return { probed: 0, servers: [], foreign: 0 };
  const ourDuids = await ownDuids(options.stateDir);
  const isOurAddress = (ip: string) =>
    options.interfaces.some((n) => options.interfaceInfo(n)?.addresses.some((a) => a.address === ip));
  return prober6.probe({ interfaces, ourDuids, isOurAddress, listenMs: options.settings.probeListenMs });
}

async function ownDuids(dir: string | undefined): Promise<Buffer[]> {
  if (dir === undefined) return [];
  // Only read: creating the DUID is the DHCPv6 server's job, and an IPv4-only rack has none.
  const present = await access(join(dir, DUID_FILE)).then(
    () => true,
    () => false,
  );
  return present ? [(await loadServerDuid(dir, undefined)).duid] : [];
}

/** Every interface untagged, and once on each served tag. */
async function probe4(options: DualProbeOptions, prober: RogueDhcpProber): Promise<ProbeResult> {
  const segments = options.interfaces.flatMap((name) => {
    const info = options.interfaceInfo(name);
    if (info === undefined) return [];
    const vids = [...new Set((options.taggedSubnets?.() ?? []).map((s) => s.vid))];
    return [{ interface: name, mac: info.mac }, ...vids.map((vid) => ({ interface: name, vid, mac: info.mac }))];
  });
  return prober.probe({
    segments,
    isOurs: (ip, mac) => isOurs(options, ip, mac),
    listenMs: options.settings.probeListenMs,
  });
}

/** Ours: one of our DHCP service's server identifiers, or an address or MAC of a captured interface. */
function isOurs(options: DualProbeOptions, ip: string, mac: string): boolean {
  if (options.ownServerIps?.().includes(ip)) return true;
  for (const name of options.interfaces) {
    const info = options.interfaceInfo(name);
    if (info?.mac === mac || info?.addresses.some((a) => a.address === ip)) return true;
  }
  return false;
}
