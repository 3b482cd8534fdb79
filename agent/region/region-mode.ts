// What rackd needs to run under a region (PROTOCOL.md §1, §6.4): its settings, and the daemon's counters and
// interfaces in the shapes `status` reports.

import type { z } from 'zod';
import type { interfaceStatusSchema } from '../../protocol/region/rpc-methods.js';
import type { ServerCounters } from '../stats/server-counters.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { PortStats } from '../net/packet-port.js';

/** Region sync settings for rackd (`--redis`, `--rack-id`, `--secret-file`, `--prefix`). */
export interface RegionModeOptions {
  redisUrl: string;
  rackId: string;
  secret: Uint8Array;
  /** @default 'rackd' */
  prefix?: string;
}

/** `served` for the status RPC: replies sent by type (`offer`, `ack`, `nak`) plus `drop` and `received`. */
export function servedCounts(counters: ServerCounters): Record<string, number> {
  const served: Record<string, number> = {};
  for (const [type, count] of counters.sent) served[type.toLowerCase()] = count;
  let received = 0;
  for (const count of counters.received.values()) received += count;
  let dropped = counters.decodeErrors;
  for (const count of counters.dropped.values()) dropped += count;
  return { ...served, received, drop: dropped };
}

export function interfaceStatuses(
  names: readonly string[],
  view: ReadonlyMap<string, InterfaceInfo>,
  stats: Readonly<Record<string, PortStats>>,
): z.output<typeof interfaceStatusSchema>[] {
  return names.map((name) => {
    const info = view.get(name);
    const port = stats[name];
    return {
      name,
      up: info?.up ?? false,
      ...(info === undefined ? {} : { mac: info.mac }),
      addresses: info?.addresses.map((a) => `${a.address}/${a.prefixLength}`) ?? [],
      ...(port === undefined ? {} : { received: port.received, sent: port.sent }),
    };
  });
}
