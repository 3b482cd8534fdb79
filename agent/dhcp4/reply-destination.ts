// Where a DHCPv4 reply goes (RFC 2131 §4.1, "server → client" rules, and §4.3.2 for DHCPNAK):
// relay → giaddr:67; NAK → broadcast; ciaddr → unicast; broadcast bit → broadcast; else L2 unicast to chaddr.

import { BROADCAST_FLAG, MessageType } from '../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import { BROADCAST_MAC, readMac } from '../../protocol/net/mac.js';
import type { Arrival } from './arrival.js';

export const DHCP4_SERVER_PORT = 67;
export const DHCP4_CLIENT_PORT = 68;
const LIMITED_BROADCAST = '255.255.255.255';

export interface ReplyDestination {
  dstMac: string;
  dstIp: string;
  dstPort: number;
  srcMac: string;
  srcIp: string;
  srcPort: 67;
}

function to(dstMac: string, dstIp: string, dstPort: number, arrival: Arrival, serverIp: string): ReplyDestination {
  return { dstMac, dstIp, dstPort, srcMac: arrival.iface.mac, srcIp: serverIp, srcPort: DHCP4_SERVER_PORT };
}

/**
 * `request` supplies giaddr, ciaddr, flags and chaddr as the client sent them; `yiaddr` is the address
 * being given; `serverIp` (the server identifier) is the source address.
 */
export function replyDestination(
  request: Dhcp4Message,
  messageType: MessageType,
  yiaddr: string,
  arrival: Arrival,
  serverIp: string,
): ReplyDestination {
  // The relay is the next hop; its MAC is the frame's source (a router on our link).
  if (request.giaddr !== UNSPECIFIED_IPV4)
    return to(arrival.srcMac, request.giaddr, DHCP4_SERVER_PORT, arrival, serverIp);
  if (messageType === MessageType.Nak)
    return to(BROADCAST_MAC, LIMITED_BROADCAST, DHCP4_CLIENT_PORT, arrival, serverIp);
  if (request.ciaddr !== UNSPECIFIED_IPV4)
    return to(arrival.srcMac, request.ciaddr, DHCP4_CLIENT_PORT, arrival, serverIp);
  // No address to unicast to (an INFORM without ciaddr) is treated like the broadcast bit.
  if ((request.flags & BROADCAST_FLAG) !== 0 || yiaddr === UNSPECIFIED_IPV4) {
    return to(BROADCAST_MAC, LIMITED_BROADCAST, DHCP4_CLIENT_PORT, arrival, serverIp);
  }
  return to(readMac(request.chaddr, 0), yiaddr, DHCP4_CLIENT_PORT, arrival, serverIp);
}
