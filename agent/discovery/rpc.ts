// Handlers for the discovery RPC methods (PROTOCOL.md §6.3: scan, discovery.clear, probe): params checked
// against the contract's schemas (also when called without a region); a refusal throws DiscoveryRpcError carrying the
// RPC error code and field.

import { z } from 'zod';
import { clearParamsSchema, scanParamsSchema } from '../../protocol/region/rpc-methods.js';
import type { RpcResult } from '../../protocol/region/rpc-methods.js';
import type { ScanHost } from './events.js';
import { ScanRefused } from './scan-targets.js';
import type { DiscoveryService } from './service.js';

/** An RPC refusal: `code` is one of PROTOCOL.md §6.4's (`invalid-params`, `busy`). */
export class DiscoveryRpcError extends Error {
  override readonly name = 'DiscoveryRpcError';
  constructor(
    readonly code: 'invalid-params' | 'busy',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type ScanResult = RpcResult<'scan'>;

export interface DiscoveryRpcHandlers {
  scan: (params: unknown) => Promise<ScanResult>;
  'discovery.clear': (params: unknown) => Promise<{ neighbours: number; mdns: number }>;
  probe: (params: unknown) => Promise<RpcResult<'probe'>>;
}

function parse<T>(schema: z.ZodType<T>, params: unknown): T {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new DiscoveryRpcError('invalid-params', issue?.message ?? 'invalid params', issue?.path.join('.'));
}

const hostOut = (h: ScanHost) => ({
  ip: h.ip,
  mac: h.mac,
  interface: h.interface,
  ...(h.vid === undefined ? {} : { vid: h.vid }),
});

export function discoveryRpcHandlers(service: DiscoveryService): DiscoveryRpcHandlers {
  return {
    async scan(params) {
      const p = parse(scanParamsSchema, params);
      if (service.scanner.busy) throw new DiscoveryRpcError('busy', 'a scan is already running: wait for it to finish');
      try {
        const summary = await service.scan({
          cidrs: p.cidrs,
          interface: p.interface,
          ratePps: p.rate_pps,
          slow: p.slow,
          force: p.force,
        });
        return {
          scanned: summary.scanned,
          found: summary.found,
          duration_ms: summary.durationMs,
          rate_pps: summary.ratePps,
          hosts: summary.hosts.map(hostOut),
        };
      } catch (error) {
        if (error instanceof ScanRefused) throw new DiscoveryRpcError(error.code, error.message, error.field);
        throw error;
      }
    },
    async 'discovery.clear'(params) {
      return service.clear(parse(clearParamsSchema, params));
    },
    async probe(params) {
      parse(z.object({}), params);
      if (service.prober.busy) throw new DiscoveryRpcError('busy', 'a DHCP probe is already running');
      return service.probe();
    },
  };
}
