// The events this rack reports (PROTOCOL.md §5.2) built with rack id, time and an idempotency key: DHCP ones from the
// server's decisions (RFC 2131 §4.3), refusals of region entries (§8), and interface changes.

import { messageTypeName } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import type { Refusal } from '../../protocol/region/entry.js';
import type { RackEvent, RackEventOf } from '../../protocol/region/events.js';
import type { Dhcp4Decision } from '../dhcp4/decision.js';
import type { Dhcp4EventSink } from '../dhcp4/event-sink.js';
import type { InterfaceInfo } from '../net/interface-info.js';

type DhcpMessageType = RackEventOf<'unknown-client'>['message_type'];
const DHCP_TYPES: ReadonlySet<string> = new Set(['discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform']);
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
  return { ...(host === undefined ? {} : { hostname: host }), ...(vendor === undefined ? {} : { vendor_class: vendor }) };
}

export class RackEvents implements Dhcp4EventSink {
  /** Last DHCP message per MAC (ms since the epoch), for the `reservations` RPC. */
  readonly lastSeen = new Map<string, number>();
  private readonly recent = new Set<string>();
  private recentMinute = 0;
  private sequence = 0;

  constructor(private readonly rack: string, private readonly emit: (event: RackEvent) => void, private readonly now: () => number = Date.now) {}

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
        type: 'dhcp-activity', key, rack: this.rack, time, interface: where.interface, ...vid, mac: decision.mac, ip: decision.ip,
        message_type: type, subnet: decision.subnet, ...(asked === undefined ? {} : { requested: asked }),
      });
    } else if (decision.kind === 'ignore' && decision.reason === 'unknown-client') {
      const type = dhcpType(request.options.get(53)?.[0]);
      const key = this.once(`unknown-client:${decision.mac}`, time);
      if (key === undefined || type === undefined) return;
      const clientId = request.options.get(61);
      const asked = requested(request);
      this.emit({
        type: 'unknown-client', key, rack: this.rack, time, interface: where.interface, ...vid, mac: decision.mac, message_type: type,
        ...(decision.subnet === undefined ? {} : { subnet: decision.subnet }),
        ...(clientId === undefined || clientId.length === 0 ? {} : { client_id: [...clientId].map((b) => b.toString(16).padStart(2, '0')).join(':') }),
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

  /** A unique key for one-off events: start time and a sequence, unique per rack across restarts. */
  private uniqueKey(type: string, time: number): string {
    return `${type}:${time.toString(36)}:${(this.sequence++).toString(36)}`;
  }

  /** A refused region entry (PROTOCOL.md §8): `security` for unauthenticated ones, else `config-refused`. */
  refused(refusal: Refusal & { revision?: number }, stream: string, entryId: string | undefined): void {
    const time = this.now();
    const entry = entryId === undefined ? {} : { entry_id: entryId };
    if (refusal.kind === 'unsigned' || refusal.kind === 'bad-signature' || refusal.kind === 'malformed') {
      const reason = refusal.kind === 'unsigned' ? 'unsigned' : 'bad-signature';
      this.emit({ type: 'security', key: this.uniqueKey('security', time), rack: this.rack, time, reason, stream, ...entry, field: refusal.field, message: refusal.message });
      return;
    }
    const revision = refusal.revision === undefined ? {} : { revision: refusal.revision };
    this.emit({ type: 'config-refused', key: this.uniqueKey('config-refused', time), rack: this.rack, time, ...revision, ...entry, field: refusal.field, message: refusal.message });
  }

  interfacesChanged(interfaces: readonly InterfaceInfo[]): void {
    const time = this.now();
    this.emit({
      type: 'interfaces-changed', key: this.uniqueKey('interfaces-changed', time), rack: this.rack, time,
      interfaces: interfaces.map((i) => ({ name: i.name, mac: i.mac, up: i.up, addresses: i.addresses.map((a) => `${a.address}/${a.prefixLength}`) })),
    });
  }
}
