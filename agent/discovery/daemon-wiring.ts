// How the daemon builds discovery from its config, what is served and the interface view: kept out
// of rackd.ts so the daemon's wiring stays a few lines. Returns undefined when discovery is off.

import type { Logger } from 'pino';
import { isSubnet4 } from '../../protocol/ipam/parse.js';
import type { ServedConfig } from '../serving/served-config.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { PcapPort } from '../net/pcap-port.js';
import type { DiscoveryConfig } from './config-schema.js';
import { settingsFromConfig } from './options.js';
import { DiscoveryService } from './service.js';

export interface DiscoveryWiring {
  config: DiscoveryConfig | undefined;
  logger: Logger;
  /** Interfaces rackd serves DHCP on: discovery's default. */
  servedInterfaces: readonly string[];
  stateDir: string;
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  serving: () => ServedConfig | undefined;
}

function subnets4(wiring: DiscoveryWiring) {
  return (wiring.serving()?.subnets ?? []).filter(isSubnet4);
}

/** Builds and starts discovery; a capture that cannot open throws (the daemon reports it as a startup error). */
export async function startDiscovery(wiring: DiscoveryWiring): Promise<DiscoveryService | undefined> {
  if (wiring.config?.enabled !== true) return undefined;
  const settings = settingsFromConfig(wiring.config);
  const interfaces = settings.interfaces.length > 0 ? settings.interfaces : [...wiring.servedInterfaces];
  const service = new DiscoveryService({
    logger: wiring.logger,
    settings,
    interfaces,
    stateDir: wiring.stateDir,
    interfaceInfo: wiring.interfaceInfo,
    // ARP frames are small and bursty: a shorter snap length keeps more of a storm in the kernel buffer.
    openPort: (name, filter) => new PcapPort(name, { filter, snapLength: 1600, bufferSize: 8 * 1024 * 1024 }),
    reservedMacs: (ip) => {
      const reservation = wiring.serving()?.index.byIp(ip);
      return reservation === undefined ? undefined : [reservation.mac.toLowerCase()];
    },
    ownServerIps: () => subnets4(wiring).flatMap((s) => (s.server_ip === undefined ? [] : [s.server_ip])),
    taggedSubnets: () =>
      subnets4(wiring).flatMap((s) =>
        s.vid === undefined
          ? []
          : [{ cidr: s.cidr, vid: s.vid, ...(s.server_ip === undefined ? {} : { senderIp: s.server_ip }) }],
      ),
  });
  await service.start();
  wiring.logger.info(
    {
      event: 'discovery.ready',
      interfaces,
      mdns: settings.mdns,
      refresh_interval_s: settings.refreshIntervalMs / 1000,
    },
    `discovery on ${interfaces.join(', ')}`,
  );
  return service;
}
