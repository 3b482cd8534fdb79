// Who a DHCPv4 request is from (RFC 2131 §2: chaddr, hlen bytes of it): the key for reservations, rate limits
// and logs. Worked out once per request by the server and handed to both the admission check and the policy.

import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { bytesToColonHex, readMac } from '../../protocol/net/mac.js';

/** Lower-case colon form; a non-Ethernet chaddr (hlen ≠ 6) as colon hex of its hlen bytes. */
export function clientMac(request: Dhcp4Message): string {
  if (request.hlen === 6) return readMac(request.chaddr, 0);
  return bytesToColonHex(request.chaddr.subarray(0, Math.min(request.hlen, 16)));
}
