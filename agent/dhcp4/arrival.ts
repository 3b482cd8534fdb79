// Where a DHCPv4 request arrived (RFC 2131 §4.1 needs the receiving interface, the 802.1Q tag and the addresses
// to choose a subnet and a reply destination): filled by the capture or socket shell, read by the pure policy.

import type { InterfaceInfo } from '../net/interface-info.js';

/** Where a request came from: the capture shell fills this from the Ethernet/IP/UDP headers. */
export interface Arrival {
  iface: InterfaceInfo;
  /** 802.1Q VLAN id when the frame was tagged. */
  vid?: number;
  srcMac: string;
  srcIp: string;
  dstIp: string;
}
