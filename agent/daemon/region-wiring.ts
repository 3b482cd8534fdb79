// How the daemon joins its region (protocol/region/PROTOCOL.md): the region sync built over the serving room and
// what the rack reports of itself, and discovery's findings and RPC methods carried on the same link.

import type { Logger } from 'pino';
import type { DiscoveryService } from '../discovery/service.js';
import { toRegionEvent } from '../discovery/region-events.js';
import { discoveryRpcHandlers } from '../discovery/rpc.js';
import { rackdVersion } from '../region/rackd-version.js';
import type { RegionModeOptions } from '../region/region-mode.js';
import { RegionSync } from '../region/region-sync.js';
import type { RegionSyncOptions } from '../region/region-sync.js';
import type { Serving } from '../serving/serving.js';

export interface RegionLinkParts {
  stateDir: string;
  logger: Logger;
  serving: Serving;
  /** What the rack has served, for its heartbeat. */
  served: RegionSyncOptions['rackInfo']['served'];
  /** The served interfaces and their counters, for its heartbeat. */
  interfaces: RegionSyncOptions['rackInfo']['interfaces'];
  lastSeen: (mac: string) => number | undefined;
}

export function createRegionSync(region: RegionModeOptions, parts: RegionLinkParts): RegionSync {
  return new RegionSync({
    ...region,
    stateDir: parts.stateDir,
    logger: parts.logger,
    version: rackdVersion(),
    rackInfo: { served: parts.served, interfaces: parts.interfaces },
    serving: parts.serving,
    lastSeen: parts.lastSeen,
  });
}

/** Discovery's findings go upstream as region events, and its RPC methods are answered on the rack's stream. */
export function connectDiscovery(discovery: DiscoveryService, region: RegionSync, rackId: string): void {
  discovery.onEvent((event) => {
    const regional = toRegionEvent(event, rackId);
    if (regional !== undefined) region.report(regional);
  });
  region.addRpcHandlers(discoveryRpcHandlers(discovery));
}
