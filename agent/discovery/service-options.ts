// What the discovery service is built with: its settings, the interfaces it captures on and how it opens them, and
// the views it reads of the rack (interface addresses, IPAM reservations, our own DHCP servers, served tags).

import type { Logger } from 'pino';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { PacketPort } from '../net/packet-port.js';
import type { DiscoverySettings } from './options.js';
import type { TaggedSubnet } from './scan-plan.js';

export interface DiscoveryServiceOptions {
  logger: Logger;
  settings: DiscoverySettings;
  /** Interfaces to capture on (settings.interfaces, or the served ones). */
  interfaces: string[];
  /** Opens one interface's capture with the given BPF filter (PcapPort in the daemon, MemoryPort in tests). */
  openPort: (interfaceName: string, filter: string) => PacketPort;
  /** The current view of an interface (addresses and MAC). */
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  /** Where discovery.json is kept; unset: no local state. */
  stateDir?: string;
  /** MACs the IPAM reserves an IP for. */
  reservedMacs?: (ip: string) => readonly string[] | undefined;
  /** Server identifiers of our own DHCP service besides our interface addresses (subnet server_ip). */
  ownServerIps?: () => readonly string[];
  /** Served subnets on 802.1Q tags: probed and scanned tagged. */
  taggedSubnets?: () => readonly TaggedSubnet[];
  /** @default Date.now */
  clock?: () => number;
}
