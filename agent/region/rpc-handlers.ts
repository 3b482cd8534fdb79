// The RPC methods a rack answers now (PROTOCOL.md §6.4): ping, status, reservations, reload. Each returns a value
// matching its result schema in rpc-methods.ts; the RPC server validated the params before calling.

import type { z } from 'zod';
import type { Reservation } from '../../protocol/ipam/types.js';
import type {
  RpcMethod,
  RpcResult,
  interfaceStatusSchema,
  reservationsParamsSchema,
  syncStatusSchema,
} from '../../protocol/region/rpc-methods.js';

/** What the handlers read from the daemon: rackd and RegionSync fill it. */
export interface RackView {
  readonly rack: string;
  readonly version: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  revision(): number;
  /** DHCP message counts since start by type. */
  served(): Record<string, number>;
  interfaces(): z.output<typeof interfaceStatusSchema>[];
  sync(): z.output<typeof syncStatusSchema>;
  reservations(): Iterable<Reservation>;
  reservationCount(): number;
  lastSeen(mac: string): number | undefined;
  reload(): Promise<RpcResult<'reload'>>;
}

export type CoreMethod = Extract<RpcMethod, 'ping' | 'status' | 'reservations' | 'reload'>;
export type RpcHandler<M extends RpcMethod> = (params: unknown) => Promise<RpcResult<M>>;
/** The rack's own methods always; others (scan, discovery.clear, probe) when their service runs. */
export type RpcHandlers = { [M in CoreMethod]: RpcHandler<M> } & {
  [M in Exclude<RpcMethod, CoreMethod>]?: RpcHandler<M>;
};

/** Most reservations one reply lists unless the caller asks for fewer: a reply stays well under a megabyte. */
export const DEFAULT_RESERVATIONS_LIMIT = 1000;

export function rpcHandlers(view: RackView, now: () => number = Date.now): RpcHandlers {
  return {
    ping: async () => ({ rack: view.rack, time: now(), version: view.version }),
    status: async () => ({
      rack: view.rack,
      version: view.version,
      uptime_s: Math.max(0, (now() - view.startedAt) / 1000),
      revision: view.revision(),
      served: view.served(),
      reservations: view.reservationCount(),
      interfaces: view.interfaces(),
      sync: view.sync(),
    }),
    reservations: async (params) => listReservations(view, params as z.output<typeof reservationsParamsSchema>),
    reload: () => view.reload(),
  };
}

function listReservations(
  view: RackView,
  params: z.output<typeof reservationsParamsSchema>,
): RpcResult<'reservations'> {
  const limit = params.limit ?? DEFAULT_RESERVATIONS_LIMIT;
  const out: RpcResult<'reservations'>['reservations'] = [];
  let total = 0;
  for (const r of view.reservations()) {
    if (params.mac !== undefined && r.mac !== params.mac) continue;
    if (params.subnet !== undefined && r.subnet !== params.subnet) continue;
    total++;
    if (out.length >= limit) continue;
    const seen = view.lastSeen(r.mac);
    out.push({
      mac: r.mac,
      ip: r.ip,
      subnet: r.subnet ?? '',
      ...(r.hostname === undefined ? {} : { hostname: r.hostname }),
      ...(r.client_id === undefined ? {} : { client_id: r.client_id }),
      ...(seen === undefined ? {} : { last_seen: seen }),
    });
  }
  return { revision: view.revision(), total, reservations: out };
}
