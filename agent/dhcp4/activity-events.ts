// What DHCPv4 tells the region about its clients (PROTOCOL.md §5.2 `dhcp-activity` and `unknown-client`), built
// from the server's decisions (RFC 2131 §4.3) with rack id, time and an idempotency key; at most one per client,
// kind and minute.

import { messageTypeName } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import type { RackEvent, RackEventOf } from '../../protocol/region/events.js';
import type { Dhcp4Decision } from './decision.js';
import type { Dhcp4EventSink } from './event-sink.js';

type DhcpMessageType = RackEventOf<'unknown-client'>['message_type'];
const DHCP_TYPES: ReadonlySet<string> = new Set([
  'discover',
  'offer',
  'request',
  'decline',
  'ack',
  'nak',
  'release',
  'inform',
]);
const MINUTE = 60_000;
/** Keys are `<type>:<what>:<minute>`: the same client asking again within a minute is the same event. */
const MAX_RECENT = 50_000;
const MAX_SEEN = 1_000_000;

function dhcpType(type: number | undefined): DhcpMessageType | undefined {
  const name = messageTypeName(type).toLowerCase();
  return DHCP_TYPES.has(name) ? (name as DhcpMessageType) : undefined;
}

/** Untrusted client text: latin1 as sent, bounded, kept under `requested` (never spread into a log object). */
function requested(request: Dhcp4Message): { hostname?: string; vendor_class?: string } | undefined {
  const host = getOption(request.options, 'host-name')?.slice(0, 255);
  const vendor = getOption(request.options, 'vendor-class-identifier')?.slice(0, 255);
  if (host === undefined && vendor === undefined) return undefined;
  return {
    ...(host === undefined ? {} : { hostname: host }),
    ...(vendor === undefined ? {} : { vendor_class: vendor }),
  };
}

export class Dhcp4ActivityEvents implements Dhcp4EventSink {
  /** Last DHCP message per MAC (ms since the epoch), for the `reservations` RPC. */
  readonly lastSeen = new Map<string, number>();
  private readonly recent = new Set<string>();
  private recentMinute = 0;

  constructor(
    private readonly rack: string,
    private readonly emit: (event: RackEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  decided(decision: Dhcp4Decision, request: Dhcp4Message, where: { interface: string; vid: number | undefined }): void {
    const time = this.now();
    if (this.lastSeen.size >= MAX_SEEN) this.lastSeen.clear();
    this.lastSeen.set(decision.mac, time);
    const vid = where.vid === undefined ? {} : { vid: where.vid };
    if (decision.kind === 'reply') {
      const type = dhcpType(decision.messageType);
      const key = this.once(`dhcp-activity:${decision.mac}:${type}`, time);
      if (key === undefined || type === undefined) return;
      const asked = requested(request);
      this.emit({
        type: 'dhcp-activity',
        key,
        rack: this.rack,
        time,
        interface: where.interface,
        ...vid,
        mac: decision.mac,
        ip: decision.ip,
        message_type: type,
        subnet: decision.subnet,
        ...(asked === undefined ? {} : { requested: asked }),
      });
    } else if (decision.kind === 'ignore' && decision.reason === 'unknown-client') {
      const type = dhcpType(request.options.get(53)?.[0]);
      const key = this.once(`unknown-client:${decision.mac}`, time);
      if (key === undefined || type === undefined) return;
      const clientId = request.options.get(61);
      const asked = requested(request);
      this.emit({
        type: 'unknown-client',
        key,
        rack: this.rack,
        time,
        interface: where.interface,
        ...vid,
        mac: decision.mac,
        message_type: type,
        ...(decision.subnet === undefined ? {} : { subnet: decision.subnet }),
        ...(clientId === undefined || clientId.length === 0
          ? {}
          : { client_id: [...clientId].map((b) => b.toString(16).padStart(2, '0')).join(':') }),
        ...(asked === undefined ? {} : { requested: asked }),
      });
    }
  }

  /** The idempotency key for this minute, or undefined when this minute's event was already emitted. */
  private once(what: string, time: number): string | undefined {
    const minute = Math.floor(time / MINUTE);
    if (minute !== this.recentMinute || this.recent.size >= MAX_RECENT) {
      this.recent.clear();
      this.recentMinute = minute;
    }
    const key = `${what}:${minute}`;
    if (this.recent.has(key)) return undefined;
    this.recent.add(key);
    return key;
  }
}
