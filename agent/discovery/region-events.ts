// Discovery events as region events (PROTOCOL.md §5.2: neighbour, mdns, foreign-dhcp, ip-conflict), for the
// region outbox: the idempotency key names the event's meaning so a replay after a reconnect is deduplicated.

import { UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import type { RackEventOf } from '../../protocol/region/events.js';
import type { DiscoveryEvent } from './events.js';

type Regional =
  RackEventOf<'neighbour'> | RackEventOf<'mdns'> | RackEventOf<'foreign-dhcp'> | RackEventOf<'ip-conflict'>;

/** vid 0 (priority-tagged) and out-of-range tags are reported as untagged: the schema allows 1–4094. */
const whereOf = (e: { interface: string; vid?: number }) =>
  e.vid !== undefined && e.vid >= 1 && e.vid <= 4094
    ? { interface: e.interface, vid: e.vid }
    : { interface: e.interface };

/**
 * The region event for a discovery event, or undefined for those the region does not take (scan summaries, one-MAC
 * declines).
 */
export function toRegionEvent(event: DiscoveryEvent, rack: string): Regional | undefined {
  const base = { rack, time: event.time };
  const tag = event.kind === 'scan-done' ? ':0' : `${event.interface}:${event.vid ?? 0}`;
  switch (event.kind) {
    case 'neighbour':
      return {
        ...base,
        ...whereOf(event),
        type: 'neighbour',
        key: `neighbour:${tag}:${event.ip}:${event.mac}:${event.time}`,
        ip: event.ip,
        mac: event.mac,
        source: 'arp',
      };
    case 'mdns':
      return {
        ...base,
        ...whereOf(event),
        type: 'mdns',
        key: `mdns:${tag}:${event.ip}:${event.time}`,
        ip: event.ip,
        mac: event.mac,
        names: event.names.slice(0, 64),
      };
    case 'foreign-dhcp':
      return {
        ...base,
        ...whereOf(event),
        type: 'foreign-dhcp',
        key: `foreign-dhcp:${tag}:${event.serverIp}:${event.time}`,
        ...(event.family === 6 ? { family: 6 as const } : {}),
        server_ip: event.serverIp,
        ...(event.serverMac === undefined ? {} : { server_mac: event.serverMac }),
        ...(event.offeredIp && event.offeredIp !== UNSPECIFIED_IPV4 ? { offered_ip: event.offeredIp } : {}),
      };
    case 'ip-conflict':
      if (event.macs.length < 2) return undefined;
      return {
        ...base,
        ...whereOf(event),
        type: 'ip-conflict',
        key: `ip-conflict:${tag}:${event.ip}:${event.time}`,
        ip: event.ip,
        macs: event.macs,
      };
    case 'scan-done':
      return undefined;
  }
}
