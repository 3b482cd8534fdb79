// The `discovery:` section of rackd.yaml: validated with zod so a mistake names the field and the
// fix; times in seconds as operators write them. DiscoverySettings (options.ts) is what the service reads.

import { z } from 'zod';
import { parseCidr4 } from '../../protocol/net/ipv4-address.js';

const seconds = (what: string) =>
  z
    .number({ error: `${what} must be a number of seconds` })
    .nonnegative({ error: `${what} must be 0 or more seconds` });
const IFNAME = /^[^\s/:]{1,15}$/;

const IFNAME_ERROR = 'not an interface name — at most 15 characters, no spaces, "/" or ":"';
export const discoveryConfigSchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(false),
  interfaces: z.array(z.string().regex(IFNAME, { error: IFNAME_ERROR })).optional(),
  refresh_interval_s: seconds('refresh_interval_s').optional(),
  max_bindings: z.number().int().min(16, { error: 'max_bindings must be at least 16' }).max(10_000_000).optional(),
  mdns: z.boolean({ error: 'mdns must be true or false' }).optional(),
  scan_rate_pps: z
    .number()
    .positive({ error: 'scan_rate_pps must be above 0' })
    .max(100_000, { error: 'scan_rate_pps above 100000 would flood the segment' })
    .optional(),
  scan_interval_s: seconds('scan_interval_s').optional(),
  scan_subnets: z
    .array(
      z.string().refine((text) => parseCidr4(text) !== undefined, { error: 'must be an IPv4 CIDR like 10.20.0.0/24' }),
    )
    .optional(),
  probe_interval_s: seconds('probe_interval_s').optional(),
});

export type DiscoveryConfig = z.output<typeof discoveryConfigSchema>;
