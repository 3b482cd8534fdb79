// Hot-plug: keeps the set of interfaces served with DHCPv4 (RFC 2131) in step with `interfaces:` and the
// kernel's view, re-read on every rtnetlink link/address change (rtnetlink(7)).

import type { Logger } from 'pino';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import type { InterfaceInfo } from './interface-info.js';
import { isInterfacePattern, selectInterfaces } from './interface-selection.js';
import { InterfaceWatcher } from './interface-watcher.js';

export interface InterfaceFollowerOptions {
  /** `interfaces:` entries: names and glob patterns (see interface-selection.ts). */
  entries: readonly string[];
  logger: Logger;
  /** IPv4 subnets in the serving config, for pattern matches. */
  servedSubnets: () => readonly Cidr4[];
  /** Starts serving an interface; throws when it cannot (no capability, link gone). */
  open: (name: string) => void;
  /** Stops serving it; must not throw. */
  close: (name: string) => void;
  /** Told of every fresh view before ports are opened or closed, so lookups see the new addresses. */
  onView: (view: InterfaceInfo[]) => void;
  /** @default a watcher on rtnetlink */
  watcher?: Pick<InterfaceWatcher, 'start' | 'close' | 'onChange'>;
}

export type InterfacesChangedListener = (served: readonly string[]) => void;

export class InterfaceFollower {
  private readonly servedSet = new Set<string>();
  private readonly listeners = new Set<InterfacesChangedListener>();
  private readonly watcher: Pick<InterfaceWatcher, 'start' | 'close' | 'onChange'>;

  constructor(private readonly options: InterfaceFollowerOptions) {
    this.watcher = options.watcher ?? new InterfaceWatcher({ logger: options.logger });
  }

  get served(): string[] {
    return [...this.servedSet].sort();
  }

  /** Named entries missing from `view`: at start-up that is a configuration error. */
  missingNamed(view: readonly InterfaceInfo[]): string[] {
    const present = new Set(view.map((info) => info.name));
    return this.options.entries.filter((e) => !isInterfacePattern(e) && !present.has(e));
  }

  /** For the region (interfaces-changed) and sd_notify (READY once the first one is served). */
  onChange(listener: InterfacesChangedListener): void {
    this.listeners.add(listener);
  }

  /** Applies the start-up view (open errors propagate: they are fatal then), then follows changes. */
  start(view: InterfaceInfo[]): void {
    this.apply(view, true);
    this.watcher.onChange((next) => {
      this.options.onView(next);
      this.apply(next, false);
    });
    this.watcher.start();
  }

  close(): void {
    this.watcher.close();
  }

  private apply(view: InterfaceInfo[], strict: boolean): void {
    const wanted = new Set(selectInterfaces(this.options.entries, view, this.options.servedSubnets()));
    let changed = false;
    for (const name of [...this.servedSet]) {
      if (wanted.has(name)) continue;
      this.options.close(name);
      this.servedSet.delete(name);
      changed = true;
      this.options.logger.info(
        { event: 'dhcp4.interface-removed', interface: name },
        `stopped serving DHCPv4 on ${name}: gone or no longer matching`,
      );
    }
    for (const name of wanted) {
      if (this.servedSet.has(name)) continue;
      try {
        this.options.open(name);
      } catch (error) {
        if (strict) throw error;
        this.options.logger.error(
          { event: 'dhcp4.interface-open-failed', interface: name, err: error },
          `cannot serve ${name}; will retry on the next change`,
        );
        continue;
      }
      this.servedSet.add(name);
      changed = true;
    }
    if (changed && !strict) this.emit();
  }

  private emit(): void {
    const served = this.served;
    this.options.logger.info(
      { event: 'interfaces.changed', interfaces: served },
      `serving DHCPv4 on: ${served.join(', ') || 'none'}`,
    );
    for (const listener of this.listeners) listener(served);
  }
}
