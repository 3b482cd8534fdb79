// The daemon's wiring: the standalone IPAM source, the interface view and one DHCPv4 server over a
// libpcap port per interface. Reload swaps the serving config in one assignment, so no packet sees half of it.

import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { loadIpamFile } from '../config/ipam-file.js';
import { Dhcp4Server, DHCP4_REQUEST_FILTER } from '../dhcp4/server.js';
import { buildServingConfig } from '../dhcp4/serving-config.js';
import type { ServingConfig } from '../dhcp4/serving-config.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { readInterfaces } from '../net/interfaces.js';
import { PcapPort } from '../net/pcap-port.js';

export interface RackdOptions {
  /** Standalone IPAM file (YAML). */
  ipamPath: string;
  /** Interfaces to serve DHCPv4 on. */
  interfaces: string[];
  /** Where the daemon keeps its state. */
  stateDir: string;
  logger: Logger;
}

export type RackdStatus = 'starting' | 'running' | 'stopping' | 'stopped';

/** A failure that stops the daemon; its message says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export class Rackd {
  private statusValue: RackdStatus = 'starting';
  private serving: ServingConfig | undefined;
  private interfaceView = new Map<string, InterfaceInfo>();
  private readonly server: Dhcp4Server;
  private readonly log: Logger;

  constructor(private readonly options: RackdOptions) {
    this.log = options.logger;
    this.server = new Dhcp4Server({
      logger: this.log,
      config: () => this.currentConfig(),
      interfaceInfo: (name) => this.interfaceView.get(name),
    });
  }

  get status(): RackdStatus {
    return this.statusValue;
  }

  async start(): Promise<void> {
    await mkdir(this.options.stateDir, { recursive: true });
    const loaded = await loadIpamFile(this.options.ipamPath);
    if (!loaded.ok) {
      const problems = loaded.problems.map((p) => `${p.path}: ${p.message}`);
      throw new StartupError(`IPAM file ${this.options.ipamPath} is invalid:\n  ${problems.join('\n  ')}`);
    }
    this.serving = buildServingConfig(loaded.ipam);
    this.log.info({ event: 'config.loaded', file: this.options.ipamPath, ...this.configSummary() }, 'IPAM loaded');
    await this.refreshInterfaces();
    for (const name of this.options.interfaces) this.openInterface(name);
    this.setStatus('running');
    this.log.info({ event: 'rackd.ready', interfaces: this.server.interfaces }, 'rackd ready');
  }

  /** SIGHUP: re-read the IPAM file; an invalid one is refused and the last good one keeps serving. */
  async reload(): Promise<void> {
    await this.refreshInterfaces();
    const loaded = await loadIpamFile(this.options.ipamPath);
    if (!loaded.ok) {
      this.log.error({ event: 'config.rejected', file: this.options.ipamPath, problems: loaded.problems }, 'new IPAM refused; the last good one keeps serving');
      return;
    }
    this.serving = buildServingConfig(loaded.ipam);
    this.log.info({ event: 'config.reloaded', file: this.options.ipamPath, ...this.configSummary() }, 'IPAM reloaded');
  }

  statusReport(): Record<string, unknown> {
    return { status: this.statusValue, ...this.configSummary(), dhcp4: this.server.counters.snapshot(), ports: this.server.portStats() };
  }

  close(): void {
    if (this.statusValue === 'stopped') return;
    this.setStatus('stopping');
    this.server.close();
    this.setStatus('stopped');
  }

  private currentConfig(): ServingConfig {
    if (!this.serving) throw new Error('no serving config yet');
    return this.serving;
  }

  private configSummary(): { subnets: number; reservations: number } {
    return { subnets: this.serving?.subnets.length ?? 0, reservations: this.serving?.reservationCount ?? 0 };
  }

  private async refreshInterfaces(): Promise<void> {
    this.interfaceView = new Map((await readInterfaces()).map((info) => [info.name, info]));
  }

  private openInterface(name: string): void {
    const info = this.interfaceView.get(name);
    if (!info) {
      const known = [...this.interfaceView.keys()].join(', ');
      throw new StartupError(`interface ${name} not found (have: ${known}): check --interface or \`interfaces:\` in the config file`);
    }
    try {
      this.server.addPort(new PcapPort(name, { filter: DHCP4_REQUEST_FILTER }));
    } catch (error) {
      throw new StartupError(`cannot capture on ${name}: ${(error as Error).message} (rackd needs CAP_NET_RAW and CAP_NET_ADMIN, or root)`);
    }
    this.log.info({ event: 'dhcp4.listening', interface: name, mac: info.mac, addresses: info.addresses }, `serving DHCPv4 on ${name}`);
  }

  private setStatus(next: RackdStatus): void {
    if (next === this.statusValue) return;
    this.log.info({ event: 'rackd.status', from: this.statusValue, to: next }, `rackd ${this.statusValue} -> ${next}`);
    this.statusValue = next;
  }
}
