// sd_notify(3) without libsystemd: one AF_UNIX datagram per state change to $NOTIFY_SOCKET (READY=1,
// STOPPING=1, STATUS=…) and WATCHDOG=1 from an event-loop timer at half of $WATCHDOG_USEC (systemd.service(5)).
//
// Node's dgram has no AF_UNIX datagrams, and a child process per heartbeat (`systemd-notify`, socat) is both
// costly and wrong: systemd attributes the message to the child's pid, not MAINPID. `unix-dgram` (a small
// N-API-free nan addon, built at install like pcap) sends from our own pid; tested against a socket we bind.

import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { UnixDgramModule, UnixDgramSocket } from './unix-dgram.js';

const require = createRequire(import.meta.url);

export interface SdNotifyEnv {
  NOTIFY_SOCKET?: string | undefined;
  WATCHDOG_USEC?: string | undefined;
  WATCHDOG_PID?: string | undefined;
}

export type SdNotifierStatus = 'disabled' | 'idle' | 'ready' | 'stopping' | 'closed';

export class SdNotifier {
  private socket: UnixDgramSocket | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private statusValue: SdNotifierStatus;
  /** Messages sent, for tests and `status`. */
  sent = 0;
  sendErrors = 0;

  private constructor(
    private readonly path: string | undefined,
    /** Heartbeat period in ms (half of WATCHDOG_USEC), or undefined when systemd did not ask for one. */
    readonly watchdogIntervalMs: number | undefined,
    private readonly log: Logger,
  ) {
    this.statusValue = path === undefined ? 'disabled' : 'idle';
  }

  /**
   * Reads the variables systemd sets. Abstract-namespace sockets ('@…') are not supported by unix-dgram:
   * systemd uses /run/systemd/notify for system services, so that only matters for unusual setups.
   */
  static fromEnv(env: SdNotifyEnv, logger: Logger, pid = process.pid): SdNotifier {
    const path = env.NOTIFY_SOCKET;
    if (path === undefined || path === '') return new SdNotifier(undefined, undefined, logger);
    if (path.startsWith('@')) {
      logger.warn(
        { event: 'sdnotify.unsupported', socket: path },
        'abstract NOTIFY_SOCKET is not supported; systemd will not see READY',
      );
      return new SdNotifier(undefined, undefined, logger);
    }
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid;
    const interval = Number.isFinite(usec) && usec > 0 && forUs ? Math.max(1, Math.floor(usec / 2000)) : undefined;
    return new SdNotifier(path, interval, logger);
  }

  get status(): SdNotifierStatus {
    return this.statusValue;
  }

  /** READY=1 and starts the watchdog heartbeat (a blocked event loop then misses it and systemd restarts us). */
  ready(statusText?: string): void {
    if (this.statusValue !== 'idle') return;
    this.notify(['READY=1', `MAINPID=${process.pid}`, ...(statusText ? [`STATUS=${statusText}`] : [])]);
    this.setStatus('ready');
    if (this.watchdogIntervalMs !== undefined) {
      this.watchdogTimer = setInterval(() => this.notify(['WATCHDOG=1']), this.watchdogIntervalMs);
      // The heartbeat must never be what keeps a stopping daemon alive.
      this.watchdogTimer.unref();
      this.notify(['WATCHDOG=1']);
    }
  }

  /** Free text shown by `systemctl status`. */
  statusText(text: string): void {
    if (this.statusValue === 'ready') this.notify([`STATUS=${text}`]);
  }

  stopping(): void {
    if (this.statusValue !== 'ready' && this.statusValue !== 'idle') return;
    this.stopWatchdog();
    this.notify(['STOPPING=1']);
    this.setStatus('stopping');
  }

  close(): void {
    if (this.statusValue === 'closed') return;
    this.stopWatchdog();
    this.socket?.close();
    this.socket = undefined;
    this.setStatus('closed');
  }

  private stopWatchdog(): void {
    if (this.watchdogTimer !== undefined) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private notify(lines: string[]): void {
    if (this.path === undefined) return;
    const message = Buffer.from(lines.join('\n'));
    try {
      this.socket ??= this.openSocket();
      this.socket.send(message, 0, message.length, this.path, (error) => this.sentOne(error));
    } catch (error) {
      this.sentOne(error as Error);
    }
  }

  private openSocket(): UnixDgramSocket {
    const unix = require('unix-dgram') as UnixDgramModule;
    const socket = unix.createSocket('unix_dgram');
    // A missing socket (systemd restarted, test socket gone) is counted, never fatal.
    socket.on('error', (error) => this.sentOne(error));
    return socket;
  }

  private sentOne(error: Error | undefined | null): void {
    if (!error) {
      this.sent++;
      return;
    }
    this.sendErrors++;
    if (this.sendErrors === 1) {
      this.log.warn(
        { event: 'sdnotify.error', socket: this.path, err: error },
        'cannot notify systemd (further errors counted, not logged)',
      );
    }
  }

  private setStatus(next: SdNotifierStatus): void {
    if (next === this.statusValue) return;
    this.log.debug(
      { event: 'sdnotify.status', from: this.statusValue, to: next },
      `sd_notify ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
  }
}
