// Follows links and addresses coming and going: rtnetlink multicast groups RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR
// and RTNLGRP_IPV6_IFADDR (rtnetlink(7)). A burst of notifications is debounced into one fresh interface view.

import { createRtNetlink } from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import type { Logger } from 'pino';
import type { InterfaceInfo } from './interface-info.js';
import { readInterfaces } from './interfaces.js';

export interface InterfaceWatcherOptions {
  logger: Logger;
  /** Quiet time after the last notification before the view is re-read (a new veth sends several). @default 150 */
  debounceMs?: number;
  /** Reads the view; injectable for tests. @default readInterfaces */
  read?: () => Promise<InterfaceInfo[]>;
}

export type InterfaceWatcherStatus = 'idle' | 'watching' | 'closed';

const GROUPS = ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const;

export class InterfaceWatcher {
  private socket: RtNetlinkSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private statusValue: InterfaceWatcherStatus = 'idle';
  private readonly listeners = new Set<(view: InterfaceInfo[]) => void>();
  private reading = Promise.resolve();

  constructor(private readonly options: InterfaceWatcherOptions) {}

  get status(): InterfaceWatcherStatus {
    return this.statusValue;
  }

  onChange(listener: (view: InterfaceInfo[]) => void): void {
    this.listeners.add(listener);
  }

  start(): void {
    if (this.statusValue !== 'idle') return;
    const socket = createRtNetlink();
    for (const group of GROUPS) socket.addMembership(group);
    socket.on('message', () => this.schedule());
    // Membership needs no capability; a lost notification (ENOBUFS) is covered by the next one's full re-read.
    socket.socket.on('error', (error: Error) => {
      this.options.logger.warn(
        { event: 'net.watch.error', err: error },
        'rtnetlink notification error; re-reading interfaces',
      );
      this.schedule();
    });
    this.socket = socket;
    this.setStatus('watching');
  }

  /** Re-reads now (after the debounce), as if the kernel had sent a notification. */
  schedule(): void {
    if (this.statusValue !== 'watching') return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reading = this.reading.then(() => this.readAndEmit());
    }, this.options.debounceMs ?? 150);
  }

  close(): void {
    if (this.statusValue === 'closed') return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.socket.socket.close();
    this.socket = undefined;
    this.setStatus('closed');
  }

  private async readAndEmit(): Promise<void> {
    if (this.statusValue !== 'watching') return;
    let view: InterfaceInfo[];
    try {
      view = await (this.options.read ?? readInterfaces)();
    } catch (error) {
      this.options.logger.error(
        { event: 'net.watch.read-failed', err: error },
        'cannot read interfaces over rtnetlink',
      );
      return;
    }
    if (this.statusValue !== 'watching') return;
    for (const listener of this.listeners) {
      try {
        listener(view);
      } catch (error) {
        this.options.logger.error(
          { event: 'net.watch.listener-failed', err: error },
          'interface change listener failed',
        );
      }
    }
  }

  private setStatus(next: InterfaceWatcherStatus): void {
    if (next === this.statusValue) return;
    this.options.logger.debug(
      { event: 'net.watch.status', from: this.statusValue, to: next },
      `interface watcher ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
  }
}
