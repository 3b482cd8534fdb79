// The check a DHCPv4 request (RFC 2131 §4.1) passes before the policy runs: the rate limits, keyed by the
// client's chaddr (not the frame's source MAC, which for relayed requests is the relay's).

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { clientMac } from './client-mac.js';
import { Dhcp4RateLimiter } from './rate-limit.js';
import type { Dhcp4RateLimitOptions, RateLimitVerdict } from './rate-limit.js';
import type { ServingConfig } from './serving-config.js';

/** Returns undefined to let the request through, or the drop reason to count. `mac`: clientMac(request). */
export type Dhcp4Admission = (
  request: Dhcp4Message,
  config: ServingConfig,
  mac?: string,
) => Exclude<RateLimitVerdict, 'ok'> | undefined;

/** Has a reservation by MAC in some served subnet: a few hash lookups, far cheaper than the policy. */
function isReserved(mac: string, config: ServingConfig): boolean {
  for (const subnet of config.subnets) if (config.index.byMac(subnet.cidrText, mac) !== undefined) return true;
  return false;
}

export function createDhcp4Admission(options: Dhcp4RateLimitOptions, now: () => number = Date.now): Dhcp4Admission {
  const limiter = new Dhcp4RateLimiter(options, now());
  return (request, config, mac = clientMac(request)) => {
    const verdict = limiter.check(mac, isReserved(mac, config), now());
    return verdict === 'ok' ? undefined : verdict;
  };
}
