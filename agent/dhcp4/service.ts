// DHCPv4 in the daemon (RFC 2131 static allocation): one server over a libpcap port per served interface, answering
// from what the serving room holds, compiled once per generation of subnets (Dhcp4View).

import type { Logger } from 'pino';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { PcapPort } from '../net/pcap-port.js';
import type { Serving } from '../serving/serving.js';
import { createDhcp4Admission } from './admission.js';
import type { Dhcp4EventSink } from './event-sink.js';
import type { Dhcp4RateLimitOptions } from './rate-limit.js';
import { DHCP4_SERVER_PORT } from './reply-destination.js';
import { DHCP4_BROADCAST_REQUEST_FILTER, Dhcp4Server } from './server.js';
import { Dhcp4View } from './serving-config.js';
import type { ServingConfig } from './serving-config.js';

export interface Dhcp4ServiceOptions {
  logger: Logger;
  serving: Serving;
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  /** Where decisions are reported (the region's activity events). @default undefined — none */
  events?: Dhcp4EventSink;
  /** Flood protection before the policy. @default undefined — no rate limits */
  rateLimit?: Dhcp4RateLimitOptions;
  /** The shared log-line limiter for per-client lines. */
  admitLog?: (event: string) => { allowed: boolean; suppressed: number };
}

export class Dhcp4Service {
  readonly server: Dhcp4Server;
  private readonly view = new Dhcp4View();

  constructor(private readonly options: Dhcp4ServiceOptions) {
    this.server = new Dhcp4Server({
      logger: options.logger,
      config: () => this.config(),
      interfaceInfo: options.interfaceInfo,
      events: options.events,
      admit: options.rateLimit === undefined ? undefined : createDhcp4Admission(options.rateLimit),
      admitLog: options.admitLog,
      unicastPort: DHCP4_SERVER_PORT,
    });
  }

  /** What a packet is answered from now. Throws before the first config was handed to the serving room. */
  config(): ServingConfig {
    const served = this.options.serving.current;
    if (served === undefined) throw new Error('no serving config yet');
    return this.view.of(served);
  }

  /** The IPv4 subnets served, for choosing interfaces by address. */
  servedSubnets(): Cidr4[] {
    return this.config().subnets.map((s) => s.cidr);
  }

  /** Serves DHCPv4 on `info`'s interface; the error says what the capture needs. */
  open(info: InterfaceInfo): void {
    try {
      this.server.addPort(new PcapPort(info.name, { filter: DHCP4_BROADCAST_REQUEST_FILTER }));
    } catch (error) {
      throw new Error(
        `cannot capture on ${info.name}: ${(error as Error).message} (rackd needs CAP_NET_RAW, or root)`,
        { cause: error },
      );
    }
    this.options.logger.info(
      { event: 'dhcp4.listening', interface: info.name, mac: info.mac, addresses: info.addresses },
      `serving DHCPv4 on ${info.name}`,
    );
  }

  close(): void {
    this.server.close();
  }
}
