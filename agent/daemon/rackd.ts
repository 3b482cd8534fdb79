// The daemon composes the services: the serving room fed by the IPAM file or the region, DHCPv4, DHCPv6, discovery
// and the interface view. A reload hands the serving room a new config in one step, so no packet sees half of it.

import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { loadIpamFile } from '../config/ipam-file.js';
import { Dhcp4ActivityEvents } from '../dhcp4/activity-events.js';
import { Dhcp4Service } from '../dhcp4/service.js';
import { Dhcp6Service } from '../dhcp6/service.js';
import { isSubnet4 } from '../../protocol/ipam/parse.js';
import { servedFromIpam } from '../serving/served-config.js';
import type { ServedConfig } from '../serving/served-config.js';
import { Serving } from '../serving/serving.js';
import type { Ipam } from '../../protocol/ipam/types.js';
import { interfaceStatuses, servedCounts } from '../region/region-mode.js';
import type { RegionSync } from '../region/region-sync.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { readInterfaces } from '../net/interfaces.js';
import { InterfaceFollower } from '../net/interface-follower.js';
import type { InterfacesChangedListener } from '../net/interface-follower.js';
import { LogRateLimiter } from '../log/log-rate-limit.js';
import type { MetricsSource } from './metrics-source.js';
import { connectDiscovery, createRegionSync } from './region-wiring.js';
import { StartupError } from './rackd-options.js';
import type { RackdOptions, RackdStatus } from './rackd-options.js';
import { startDiscovery } from '../discovery/daemon-wiring.js';
import type { DiscoveryService } from '../discovery/service.js';

export class Rackd {
  private statusValue: RackdStatus = 'starting';
  /** What is served: the IPAM file's config, or the region's live model. */
  private readonly serving = new Serving();
  /** DHCP activity reported to the region; none when standalone. */
  private readonly dhcpEvents: Dhcp4ActivityEvents | undefined;
  private interfaceView = new Map<string, InterfaceInfo>();
  private readonly dhcp4: Dhcp4Service;
  private readonly follower: InterfaceFollower;
  private readonly logLimiter = new LogRateLimiter();
  private readonly dhcp6: Dhcp6Service;
  private readonly log: Logger;
  private readonly region: RegionSync | undefined;
  private closing: Promise<void> | undefined;
  /** Network discovery when enabled; its onEvent() is where region sync can take the events (toRegionEvent). */
  discovery: DiscoveryService | undefined;

  constructor(private readonly options: RackdOptions) {
    this.log = options.logger;
    this.region =
      options.region === undefined
        ? undefined
        : createRegionSync(options.region, {
            stateDir: options.stateDir,
            logger: this.log,
            serving: this.serving,
            served: () => servedCounts(this.dhcp4.server.counters),
            interfaces: () => interfaceStatuses(options.interfaces, this.interfaceView, this.dhcp4.server.portStats()),
            lastSeen: (mac) => this.dhcpEvents?.lastSeen.get(mac),
          });
    const region = this.region;
    this.dhcpEvents =
      region === undefined
        ? undefined
        : new Dhcp4ActivityEvents(options.region?.rackId ?? '', (event) => region.report(event));
    this.dhcp4 = new Dhcp4Service({
      logger: this.log,
      serving: this.serving,
      interfaceInfo: (name) => this.interfaceView.get(name),
      events: this.dhcpEvents,
      rateLimit: options.rateLimit,
      admitLog: (event) => this.logLimiter.admit(event),
    });
    this.follower = new InterfaceFollower({
      entries: options.interfaces,
      logger: this.log,
      servedSubnets: () => this.dhcp4.servedSubnets(),
      open: (name) => this.openInterface(name),
      close: (name) => this.dhcp4.server.removePort(name),
      onView: (view) => {
        this.interfaceView = new Map(view.map((info) => [info.name, info]));
        this.dhcp4.server.syncUnicast();
      },
    });
    // Hot-plug: the region hears which interfaces are served whenever that changes (interfaces-changed event).
    this.follower.onChange((served) =>
      this.region?.noteInterfaces(served.flatMap((name) => this.interfaceView.get(name) ?? [])),
    );
    this.dhcp6 = new Dhcp6Service({
      logger: this.log,
      stateDir: options.stateDir,
      interfaces: options.interfaces,
      interfaceInfo: (name) => this.interfaceView.get(name),
    });
  }

  get status(): RackdStatus {
    return this.statusValue;
  }

  async start(): Promise<void> {
    await mkdir(this.options.stateDir, { recursive: true });
    if (this.region === undefined) await this.loadFile();
    else await this.startRegion(this.region);
    await this.refreshInterfaces();
    const missing = this.follower.missingNamed([...this.interfaceView.values()]);
    // A named interface that does not exist is a typo until proven otherwise: fail with the usual message.
    if (missing.length > 0) this.openInterface(missing[0] ?? '');
    this.follower.start([...this.interfaceView.values()]);
    this.discovery = await this.startDiscovery();
    if (this.discovery !== undefined && this.region !== undefined)
      connectDiscovery(this.discovery, this.region, this.options.region?.rackId ?? '');
    await this.followWithDhcp6();
    this.setStatus('running');
    this.log.info({ event: 'rackd.ready', interfaces: this.dhcp4.server.interfaces }, 'rackd ready');
  }

  /**
   * DHCPv6 takes what is served now (a failure stops the start) and then every new generation of subnets, from a
   * reloaded file or the region, in order. Reading the subnets and subscribing happen in one step, so a snapshot
   * that lands while the daemon starts is not missed.
   */
  private async followWithDhcp6(): Promise<void> {
    const subnets = (list: ServedConfig['subnets']): Ipam => ({ subnets: [...list], reservations: [] });
    const initial = this.dhcp6.apply(subnets(this.serving.current?.subnets ?? []));
    let applying: Promise<void> = initial.catch(() => undefined);
    this.serving.onSubnetsChanged((next) => {
      applying = applying
        .then(() => this.dhcp6.apply(subnets(next)))
        .catch((err: unknown) => {
          this.log.error({ event: 'dhcp6.apply-failed', err }, 'cannot apply the new subnets to DHCPv6');
        });
    });
    await initial.catch((error: unknown) => {
      throw new StartupError(`cannot serve DHCPv6: ${(error as Error).message}`);
    });
  }

  private async loadFile(): Promise<void> {
    const loaded = await loadIpamFile(this.options.ipamPath);
    if (!loaded.ok) {
      const problems = loaded.problems.map((p) => `${p.path}: ${p.message}`);
      throw new StartupError(`IPAM file ${this.options.ipamPath} is invalid:\n  ${problems.join('\n  ')}`);
    }
    this.serving.use(servedFromIpam(loaded.ipam));
    this.log.info({ event: 'config.loaded', file: this.options.ipamPath, ...this.configSummary() }, 'IPAM loaded');
  }

  /** Serves the state dir's region config (or, on first boot, the IPAM file if there is one); never waits for Redis. */
  private async startRegion(region: RegionSync): Promise<void> {
    const file = await loadIpamFile(this.options.ipamPath);
    if (!file.ok)
      this.log.debug(
        { event: 'config.bootstrap-skipped', file: this.options.ipamPath, problems: file.problems },
        'no usable IPAM file to bootstrap from',
      );
    await region.start(file.ok ? file.ipam : undefined);
    this.log.info(
      { event: 'config.loaded', source: 'region', revision: region.revision, ...this.configSummary() },
      'region config loaded',
    );
  }

  /** SIGHUP under a region: re-read the latest snapshot; failure keeps the config being served. */
  private async reloadRegion(region: RegionSync): Promise<void> {
    await this.refreshInterfaces();
    try {
      const { revision } = await region.reload();
      this.log.info(
        { event: 'config.reloaded', source: 'region', revision, ...this.configSummary() },
        'region snapshot reloaded',
      );
    } catch (error) {
      this.log.error(
        { event: 'config.reload-failed', source: 'region', err: error },
        'region reload failed; the last good config keeps serving',
      );
    }
  }

  /** SIGHUP: re-read the IPAM file; an invalid one is refused and the last good one keeps serving. */
  async reload(): Promise<void> {
    if (this.region !== undefined) return this.reloadRegion(this.region);
    await this.refreshInterfaces();
    const loaded = await loadIpamFile(this.options.ipamPath);
    if (!loaded.ok) {
      this.log.error(
        { event: 'config.rejected', file: this.options.ipamPath, problems: loaded.problems },
        'new IPAM refused; the last good one keeps serving',
      );
      return;
    }
    this.serving.use(servedFromIpam(loaded.ipam));
    this.log.info({ event: 'config.reloaded', file: this.options.ipamPath, ...this.configSummary() }, 'IPAM reloaded');
  }

  /** Interfaces DHCPv4 is served on now (names and pattern matches that exist). */
  get servedInterfaces(): string[] {
    return this.follower.served;
  }

  /** Called with the served list whenever an interface starts or stops being served (hot-plug). */
  onInterfacesChanged(listener: InterfacesChangedListener): void {
    this.follower.onChange(listener);
  }

  metricsSource(): MetricsSource {
    return {
      dhcp4: () => this.dhcp4.server.counters.snapshot(),
      ports: () => this.dhcp4.server.portStats(),
      reservations: () => this.configSummary().reservations,
      subnets: () => this.configSummary().subnets,
      logLinesSuppressed: () => this.logLimiter.suppressedTotal,
      region: () => this.region?.metricsSnapshot(),
      discovery: () => this.discovery?.metricsSnapshot(),
    };
  }

  statusReport(): Record<string, unknown> {
    return {
      status: this.statusValue,
      interfaces: this.follower.served,
      ...this.configSummary(),
      dhcp4: this.dhcp4.server.counters.snapshot(),
      dhcp6: this.dhcp6.snapshot(),
      ports: this.dhcp4.server.portStats(),
      unicast: this.dhcp4.server.unicastStats(),
      region: this.region?.syncStatus(),
      discovery: this.discovery?.statusReport(),
    };
  }

  close(): void {
    if (this.statusValue === 'stopped') return;
    this.setStatus('stopping');
    this.follower.close();
    this.dhcp4.close();
    this.dhcp6.close();
    this.closing = Promise.all([this.region?.close(), this.discovery?.close()]).then(() => undefined);
    this.setStatus('stopped');
  }

  /** Resolves once close() has journaled unsent events and written the region state. */
  async closed(): Promise<void> {
    await this.closing;
  }

  private async startDiscovery(): Promise<DiscoveryService | undefined> {
    const wiring = {
      config: this.options.discovery,
      logger: this.log,
      servedInterfaces: this.options.interfaces,
      stateDir: this.options.stateDir,
    };
    return startDiscovery({
      ...wiring,
      interfaceInfo: (name) => this.interfaceView.get(name),
      serving: () => this.serving.current,
    }).catch((error: unknown) => {
      throw new StartupError(
        `cannot start discovery: ${(error as Error).message} (check \`discovery.interfaces:\`; capture needs ` +
          `CAP_NET_RAW)`,
      );
    });
  }

  /** IPv4 subnets and reservations served, for the log lines that say a config was loaded. */
  private configSummary(): { subnets: number; reservations: number } {
    const served = this.serving.current;
    return { subnets: served?.subnets.filter(isSubnet4).length ?? 0, reservations: served?.reservationCount ?? 0 };
  }

  private async refreshInterfaces(): Promise<void> {
    this.interfaceView = new Map((await readInterfaces()).map((info) => [info.name, info]));
    this.region?.noteInterfaces(this.options.interfaces.flatMap((name) => this.interfaceView.get(name) ?? []));
  }

  private openInterface(name: string): void {
    const info = this.interfaceView.get(name);
    if (!info) {
      const known = [...this.interfaceView.keys()].join(', ');
      throw new StartupError(
        `interface ${name} not found (have: ${known}): check --interface or \`interfaces:\` in the config file`,
      );
    }
    try {
      this.dhcp4.open(info);
    } catch (error) {
      throw new StartupError((error as Error).message);
    }
  }

  private setStatus(next: RackdStatus): void {
    if (next === this.statusValue) return;
    this.log.info({ event: 'rackd.status', from: this.statusValue, to: next }, `rackd ${this.statusValue} -> ${next}`);
    this.statusValue = next;
  }
}
