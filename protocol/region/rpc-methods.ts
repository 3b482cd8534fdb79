// The RPC methods a region may call on a rack (PROTOCOL.md §6.3), each with a params and a result schema.
// Unknown keys are stripped, not refused, so a newer region's optional parameter does not break an older rack.

import { z } from 'zod';
import { cidr4Schema, ipv4Schema, ipv6Schema, macSchema } from '../ipam/field-schemas.js';
import { epochMs } from './fields.js';

/** The sync service's states (ioredis RedisStatus-style), reported by `status` and in the rack status hash. */
export const RACK_SYNC_STATES = ['standalone', 'connecting', 'syncing', 'live', 'degraded'] as const;
export type RackSyncState = (typeof RACK_SYNC_STATES)[number];

const noParams = z.object({});
const count = z.number().int().nonnegative();

export const interfaceStatusSchema = z.object({
  name: z.string(),
  up: z.boolean(),
  mac: macSchema.optional(),
  addresses: z.array(z.string()),
  /** Frames received/sent by rackd on it since start. */
  received: count.optional(),
  sent: count.optional(),
});

export const syncStatusSchema = z.object({
  state: z.enum(RACK_SYNC_STATES),
  /** Revision being served; 0 before any config from the region. */
  revision: count,
  /** The region's last issued revision as last seen; absent while Redis is unreachable. */
  region_revision: count.optional(),
  last_applied_at: epochMs.optional(),
  /** Events waiting to be sent (memory + journal). */
  queued_events: count,
});

export const pingResultSchema = z.object({ rack: z.string(), time: epochMs, version: z.string() });

export const statusResultSchema = z.object({
  rack: z.string(),
  version: z.string(),
  uptime_s: z.number().nonnegative(),
  revision: count,
  /** DHCP message counts since start by type (`discover`, `offer`, `ack`, `nak`, `drop`, …). */
  served: z.record(z.string(), count),
  reservations: count,
  interfaces: z.array(interfaceStatusSchema),
  sync: syncStatusSchema,
});

export const reservationsParamsSchema = z.object({
  subnet: cidr4Schema.optional(),
  mac: macSchema.optional(),
  limit: count.optional(),
});

export const servedReservationSchema = z.object({
  mac: macSchema,
  ip: ipv4Schema,
  subnet: z.string(),
  hostname: z.string().optional(),
  client_id: z.string().optional(),
  /** Last DHCP message from this client, ms since the epoch; absent when never seen since start. */
  last_seen: epochMs.optional(),
});

export const reservationsResultSchema = z.object({
  revision: count,
  total: count,
  reservations: z.array(servedReservationSchema),
});

/**
 * `scan`: an active ARP scan. No `cidrs` = the subnets marked for active discovery; every attached
 * network needs `force`, as does a range larger than a /16. `slow` is 9 packets/s (nmap's slow mode).
 */
export const scanParamsSchema = z.object({
  cidrs: z.array(z.string()).max(256).optional(),
  interface: z.string().min(1).max(15).optional(),
  rate_pps: z.number().positive().max(100_000).optional(),
  slow: z.boolean().optional(),
  force: z.boolean().optional(),
});

const scanHostSchema = z.object({
  ip: ipv4Schema,
  mac: macSchema,
  interface: z.string(),
  vid: z.number().int().optional(),
});

export const scanResultSchema = z.object({
  scanned: count,
  found: count,
  duration_ms: z.number().nonnegative(),
  rate_pps: z.number().nonnegative(),
  hosts: z.array(scanHostSchema),
});

/** `discovery.clear`: forget observed neighbours and/or mDNS names (both when neither is given). */
export const clearParamsSchema = z.object({ neighbours: z.boolean().optional(), mdns: z.boolean().optional() });
export const clearResultSchema = z.object({ neighbours: count, mdns: count });

/**
 * `probe`: send our DHCPDISCOVER (and a DHCPv6 Solicit where the link has IPv6) on each served segment now and report
 * every server that answered.
 */
export const probeResultSchema = z.object({
  probed: count,
  // family 6: a DHCPv6 server (Solicit to ff02::1:2); its server_ip is link-local and server_mac comes from its DUID,
  // when there.
  servers: z.array(
    z.object({
      interface: z.string(),
      vid: z.number().int().optional(),
      family: z.literal(6).optional(),
      server_ip: z.union([ipv4Schema, ipv6Schema]),
      server_mac: macSchema.optional(),
      ours: z.boolean(),
    }),
  ),
  foreign: count,
});

/** `reload` re-reads the latest snapshot from the region (or, standalone, the IPAM file). */
export const reloadResultSchema = z.object({ revision: count, source: z.enum(['region', 'file']) });

export const RPC_METHODS = {
  ping: { params: noParams, result: pingResultSchema, implemented: true },
  status: { params: noParams, result: statusResultSchema, implemented: true },
  reservations: { params: reservationsParamsSchema, result: reservationsResultSchema, implemented: true },
  reload: { params: noParams, result: reloadResultSchema, implemented: true },
  scan: { params: scanParamsSchema, result: scanResultSchema, implemented: true },
  'discovery.clear': { params: clearParamsSchema, result: clearResultSchema, implemented: true },
  probe: { params: noParams, result: probeResultSchema, implemented: true },
} as const;

export type RpcMethod = keyof typeof RPC_METHODS;
export type RpcParams<M extends RpcMethod> = z.input<(typeof RPC_METHODS)[M]['params']>;
export type RpcResult<M extends RpcMethod> = z.output<(typeof RPC_METHODS)[M]['result']>;

export const RPC_METHOD_NAMES = Object.keys(RPC_METHODS) as RpcMethod[];

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(RPC_METHODS, name);
}

export const RPC_ERROR_CODES = [
  'unknown-method',
  'not-implemented',
  'invalid-params',
  'deadline-exceeded',
  'unsupported-version',
  'busy',
  'internal',
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export const rpcErrorSchema = z.object({
  code: z.enum(RPC_ERROR_CODES).or(z.string()),
  message: z.string(),
  /** The parameter at fault for `invalid-params`. */
  field: z.string().optional(),
});
export type RpcError = { code: RpcErrorCode | (string & {}); message: string; field?: string };
