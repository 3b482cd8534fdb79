// What discovery reports: neighbour bindings from ARP (RFC 826), mDNS names (RFC 6762), foreign
// DHCP servers (RFC 2131 §4.3.1 server identifier) and IP conflicts (RFC 5227 §2.1.1 / RFC 2131 DHCPDECLINE).

/** Where a frame was seen: the capture interface and its 802.1Q tag, when tagged. */
export interface Where {
  interface: string;
  vid?: number;
}

export interface NeighbourEvent extends Where {
  kind: 'neighbour';
  change: 'new' | 'moved' | 'refreshed';
  ip: string;
  mac: string;
  /** The MAC the binding had before, for `moved`. */
  previousMac?: string;
  time: number;
}

export interface MdnsEvent extends Where {
  kind: 'mdns';
  ip: string;
  mac: string;
  /** Untrusted names, sanitised and bounded; always nested under this key. */
  names: string[];
  time: number;
}

export interface ForeignDhcpEvent extends Where {
  kind: 'foreign-dhcp';
  family?: undefined;
  serverIp: string;
  serverMac: string;
  offeredIp?: string;
  time: number;
}

/** A foreign DHCPv6 server (RFC 8415 §16.3 Advertise): `foreign-dhcp` with `family: 6`. */
export interface ForeignDhcp6Event extends Where {
  kind: 'foreign-dhcp';
  family: 6;
  /** The server's link-local address, without scope. */
  serverIp: string;
  /** Only when its DUID is a DUID-LLT/LL of Ethernet type: a UDP socket never sees the source MAC. */
  serverMac?: string;
  offeredIp?: undefined;
  time: number;
}

export type ConflictReason = 'two-macs' | 'reserved-ip' | 'decline';

export interface IpConflictEvent extends Where {
  kind: 'ip-conflict';
  ip: string;
  /** At least two MACs; the first is the one seen most recently. */
  macs: string[];
  reason: ConflictReason;
  time: number;
}

export interface ScanHost {
  ip: string;
  mac: string;
  interface: string;
  vid?: number;
}

export interface ScanSummary {
  scanned: number;
  found: number;
  durationMs: number;
  /** Frames sent per second, measured over the send phase. */
  ratePps: number;
  hosts: ScanHost[];
}

export interface ScanDoneEvent {
  kind: 'scan-done';
  cidrs: string[];
  summary: ScanSummary;
  time: number;
}

export type DiscoveryEvent =
  NeighbourEvent | MdnsEvent | ForeignDhcpEvent | ForeignDhcp6Event | IpConflictEvent | ScanDoneEvent;

export type DiscoveryEventSink = (event: DiscoveryEvent) => void;

/** The stable log `event` name of each discovery event. */
export function logEventName(event: DiscoveryEvent): string {
  switch (event.kind) {
    case 'neighbour':
      return `discovery.neighbour.${event.change}`;
    case 'mdns':
      return 'discovery.mdns';
    case 'foreign-dhcp':
      return 'discovery.foreign-dhcp';
    case 'ip-conflict':
      return 'discovery.ip-conflict';
    case 'scan-done':
      return 'discovery.scan.done';
  }
}
