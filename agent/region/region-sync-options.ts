// What the rack's region service (PROTOCOL.md §4–§7) is configured with: where Redis is, who the rack is, where its
// state lives, what it reports, and how it paces its reads, heartbeats, writes and ack checks.

import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ipam } from '../../protocol/ipam/types.js';
import type { interfaceStatusSchema } from '../../protocol/region/rpc-methods.js';
import type { Serving } from '../serving/serving.js';

export interface RegionSyncOptions {
  /** `redis://`, `rediss://` (TLS) or `unix:///path`; user and password as in any Redis URL. */
  redisUrl: string;
  rackId: string;
  /** The shared HMAC secret (parseSecret of the secret file). */
  secret: Uint8Array;
  /** @default 'rackd' */
  prefix?: string;
  /** The daemon's state dir: this service keeps `region/applied.json`, `region/applied.log`, `region/outbox/`. */
  stateDir: string;
  logger: Logger;
  /** rackd's version, reported by ping/status and the heartbeat. */
  version: string;
  /** Served (as revision 0) when the state dir has no region config yet. @default undefined — serve nothing */
  bootstrap?: Ipam;
  /** Where the applied config is served from: it follows the region model and hears of every replacement. */
  serving?: Serving;
  /** When a MAC last sent a DHCP message (ms since the epoch), for the `reservations` RPC. */
  lastSeen?: (mac: string) => number | undefined;
  /** What `status` reports about the DHCP side. */
  rackInfo: { served(): Record<string, number>; interfaces(): z.output<typeof interfaceStatusSchema>[] };
  /** XREAD/XREADGROUP BLOCK timeout, ms. @default 5000 */
  blockMs?: number;
  /** @default 10000 */
  heartbeatMs?: number;
  /** @default 200 */
  persistDebounceMs?: number;
  /** How often sent events are checked for the region's ack, ms. @default 2000 */
  ackCheckMs?: number;
  now?: () => number;
}
