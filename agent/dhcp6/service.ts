// DHCPv6 in the daemon (RFC 8415 §18.3 stateless service): compiles the IPAM's IPv6 subnets on every (re)load
// and runs the server once there is at least one, so an IPv4-only rack never binds UDP 547.

import type { Logger } from 'pino';
import type { Ipam } from '../../protocol/ipam/types.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { ServerCounterSnapshot } from '../stats/server-counters.js';
import { Dhcp6Server } from './server.js';
import { loadServerDuid } from './server-duid.js';
import { buildDhcp6ServingConfig, subnets6Of } from './serving-config.js';
import type { Dhcp6ServingConfig } from './serving-config.js';

export interface Dhcp6ServiceOptions {
  logger: Logger;
  stateDir: string;
  /** Served interfaces; the first one's MAC makes the server DUID. */
  interfaces: readonly string[];
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  /** @default 547 */
  port?: number;
}

export class Dhcp6Service {
  private server: Dhcp6Server | undefined;
  private serving: Dhcp6ServingConfig | undefined;
  private serverDuid: Buffer | undefined;
  private closed = false;

  constructor(private readonly options: Dhcp6ServiceOptions) {}

  get running(): boolean {
    return this.server?.status === 'serving';
  }

  /** Serves `ipam` from the next datagram on; starts the server on the first IPv6 subnet. */
  async apply(ipam: Ipam): Promise<void> {
    if (this.closed || subnets6Of(ipam).length === 0) {
      if (this.serving !== undefined) this.serving = buildDhcp6ServingConfig(ipam, this.serving.serverDuid);
      return;
    }
    const duid = await this.duid();
    this.serving = buildDhcp6ServingConfig(ipam, duid);
    if (this.server === undefined) await this.startServer();
  }

  snapshot(): ServerCounterSnapshot | undefined {
    return this.server?.counters.snapshot();
  }

  close(): void {
    this.closed = true;
    this.server?.close();
  }

  private async duid(): Promise<Buffer> {
    if (this.serverDuid !== undefined) return this.serverDuid;
    const first = this.options.interfaces[0];
    const mac = first === undefined ? undefined : this.options.interfaceInfo(first)?.mac;
    const loaded = await loadServerDuid(this.options.stateDir, mac);
    this.serverDuid = loaded.duid;
    if (loaded.replacedEmpty === true) {
      this.options.logger.warn(
        { event: 'dhcp6.duid.replaced', file: loaded.path },
        `${loaded.path} was empty: a new server DUID was made (clients see a new DHCPv6 server)`,
      );
    }
    const event = loaded.created ? 'dhcp6.duid.created' : 'dhcp6.duid.loaded';
    this.options.logger.info(
      { event, duid: bytesToColonHex(loaded.duid), file: loaded.path },
      `DHCPv6 server DUID ${bytesToColonHex(loaded.duid)}`,
    );
    return loaded.duid;
  }

  private async startServer(): Promise<void> {
    const server = new Dhcp6Server({
      logger: this.options.logger,
      config: () => this.current(),
      interfaceInfo: this.options.interfaceInfo,
      interfaces: this.options.interfaces,
      port: this.options.port,
    });
    await server.start();
    this.server = server;
    this.options.logger.info(
      { event: 'dhcp6.listening', interfaces: this.options.interfaces, port: server.port },
      'serving stateless DHCPv6',
    );
  }

  private current(): Dhcp6ServingConfig {
    if (this.serving === undefined) throw new Error('no DHCPv6 serving config yet');
    return this.serving;
  }
}
