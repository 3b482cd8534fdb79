// What makes `rackd run` a systemd service (systemd.service(5) Type=notify, WatchdogSec): READY once an
// interface is served, the watchdog heartbeat, STOPPING, the metrics endpoint, and fatal-error handling.

import type { Logger } from 'pino';
import { StartupError } from '../daemon/rackd-options.js';
import { MetricsServer, parseListen } from './metrics-server.js';
import type { ListenAddress } from './metrics-server.js';
import { RackdMetrics } from './metrics.js';
import type { MetricsSource } from '../daemon/metrics-source.js';
import { SdNotifier } from './sd-notify.js';
import { DEFAULT_METRICS_LISTEN } from '../config/service-config.js';
import type { SdNotifyEnv } from './sd-notify.js';

/** The daemon as the service shell sees it (Rackd implements it). */
export interface ServedDaemon {
  readonly servedInterfaces: string[];
  onInterfacesChanged(listener: (served: readonly string[]) => void): void;
  metricsSource(): MetricsSource;
  statusReport(): Record<string, unknown>;
}

export interface ServiceOptions {
  logger: Logger;
  /** HOST:PORT or '' (off). @default '127.0.0.1:9467' */
  metricsListen?: string;
  /** @default process.env */
  env?: SdNotifyEnv;
  /**
   * A stop that takes longer than this ends the process with status 1, inside the unit's TimeoutStopSec. @default
   * 12_000
   */
  stopTimeoutMs?: number;
}

export class ServiceShell {
  readonly notifier: SdNotifier;
  readonly metrics: RackdMetrics;
  private metricsServer: MetricsServer | undefined;
  /** Where /metrics is served, once listening. */
  metricsAddress: ListenAddress | undefined;
  private closed = false;

  constructor(
    private readonly daemon: ServedDaemon,
    private readonly options: ServiceOptions,
  ) {
    this.notifier = SdNotifier.fromEnv(options.env ?? process.env, options.logger);
    this.metrics = new RackdMetrics(daemon.metricsSource());
  }

  /** Call once the daemon has started: READY now if an interface is served, else when the first one is. */
  async start(): Promise<void> {
    const listenText = this.options.metricsListen ?? DEFAULT_METRICS_LISTEN;
    const listen = parseListen(listenText);
    if (listen !== undefined) {
      this.metricsServer = new MetricsServer(this.metrics, () => this.statusReport(), this.options.logger);
      this.metricsAddress = await this.metricsServer.listen(listen).catch((error: unknown) => {
        throw new StartupError(
          `cannot serve metrics on ${listenText}: ${(error as Error).message} — set metrics_listen ` +
            `(--metrics-listen) to a free loopback HOST:PORT, or "" to turn it off`,
        );
      });
    }
    this.daemon.onInterfacesChanged((served) => this.announce(served));
    this.announce(this.daemon.servedInterfaces);
    process.once('SIGTERM', () => this.stopping());
    process.once('SIGINT', () => this.stopping());
  }

  statusReport(): Record<string, unknown> {
    return {
      ...this.daemon.statusReport(),
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      sdNotify: this.notifier.status,
      metrics: this.metricsAddress,
    };
  }

  /** STOPPING=1 at once, and a deadline so a stuck close still ends inside the unit's stop timeout. */
  stopping(): void {
    this.notifier.stopping();
    const deadline = setTimeout(() => {
      this.options.logger.fatal({ event: 'rackd.fatal' }, 'stop took too long; exiting without a clean shutdown');
      process.exit(1);
    }, this.options.stopTimeoutMs ?? 12_000);
    deadline.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.metricsServer?.close();
    this.notifier.close();
  }

  private announce(served: readonly string[]): void {
    const text = served.length === 0 ? 'waiting for an interface to serve' : `serving DHCPv4 on ${served.join(', ')}`;
    if (served.length > 0) this.notifier.ready(text);
    else this.notifier.statusText(text);
  }
}

/** One `rackd.fatal` line and exit 1 for anything that escapes: systemd restarts us (Restart=on-failure). */
export function installFatalHandlers(logger: Logger): void {
  const die = (kind: string) => (error: unknown) => {
    logger.fatal({ event: 'rackd.fatal', kind, err: error }, `${kind}: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));
}
