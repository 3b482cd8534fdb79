// The one room that says what the daemon serves: the IPAM-file loader and the region sync hand it their
// config, and DHCPv4, DHCPv6 and discovery read the current one from it and hear when the subnets change.

import type { Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';
import type { ServedConfig } from './served-config.js';

export type SubnetsListener = (subnets: readonly (Subnet4Config | Subnet6Config)[]) => void;

export class Serving {
  private source: () => ServedConfig | undefined = () => undefined;
  private announced: ServedConfig['subnets'] | undefined;
  private readonly listeners = new Set<SubnetsListener>();

  /** Serves a fixed config (an IPAM file) from now on. */
  use(config: ServedConfig): void {
    this.follow(() => config);
  }

  /** Serves whatever `source` returns at each read (the region's live model) from now on. */
  follow(source: () => ServedConfig): void {
    this.source = source;
    this.changed();
  }

  /** The owner of the source changed it: subnet listeners hear of it when the subnets are new. */
  changed(): void {
    const subnets = this.source()?.subnets;
    if (subnets === undefined || subnets === this.announced) return;
    this.announced = subnets;
    for (const listener of this.listeners) listener(subnets);
  }

  onSubnetsChanged(listener: SubnetsListener): void {
    this.listeners.add(listener);
  }

  /** Undefined until a config was handed in. Read per packet: one call, no allocation. */
  get current(): ServedConfig | undefined {
    return this.source();
  }
}
