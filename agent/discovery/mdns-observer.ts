// Passive mDNS (RFC 6762 §6 responses, RFC 6763 service records): hostname ↔ address pairs from what
// devices announce on UDP 5353, each pair reported at most once per de-duplication window.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeMdns } from '../../protocol/mdns/message.js';
import { decodeMdnsFrame } from '../../protocol/mdns/mdns-frame.js';
import { mdnsObservations } from '../../protocol/mdns/observations.js';
import type { DiscoveryEventSink, MdnsEvent } from './events.js';

/** BPF for the capture: mDNS over IPv4 or IPv6, untagged or 802.1Q-tagged. */
export const MDNS_FILTER = 'udp port 5353 or (vlan and udp port 5353)';

export interface MdnsObserverOptions {
  emit: DiscoveryEventSink;
  /** The same (interface, vid, ip, names) is reported once per this long. @default 600_000 */
  dedupMs?: number;
  /** Pairs remembered for de-duplication; the oldest is forgotten first. @default 16_384 */
  maxRemembered?: number;
}

export interface MdnsEntry {
  interface: string;
  vid?: number;
  ip: string;
  mac: string;
  names: string[];
  lastSeen: number;
}

export class MdnsObserver {
  readonly counters = { frames: 0, decodeErrors: 0, queries: 0, observations: 0, reported: 0 };
  private readonly dedupMs: number;
  private readonly maxRemembered: number;
  private readonly seen = new Map<string, MdnsEntry & { reportedAt: number }>();

  constructor(private readonly options: MdnsObserverOptions) {
    this.dedupMs = options.dedupMs ?? 600_000;
    this.maxRemembered = options.maxRemembered ?? 16_384;
  }

  /** One captured frame already known to be UDP 5353. Throws nothing. */
  handleFrame(interfaceName: string, frame: Uint8Array, now: number): void {
    this.counters.frames++;
    let observations;
    let sender;
    try {
      sender = decodeMdnsFrame(frame);
      const message = decodeMdns(sender.payload);
      if (!message.response) {
        this.counters.queries++;
        return;
      }
      observations = mdnsObservations(message);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.decodeErrors++;
      return;
    }
    for (const { ip, names } of observations) {
      this.counters.observations++;
      const entry: MdnsEntry = { interface: interfaceName, ip, mac: sender.srcMac, names, lastSeen: now };
      if (sender.vid !== undefined) entry.vid = sender.vid;
      this.record(entry, now);
    }
  }

  entries(): MdnsEntry[] {
    return [...this.seen.values()].map(({ reportedAt: _r, ...entry }) => entry);
  }

  clear(): number {
    const count = this.seen.size;
    this.seen.clear();
    return count;
  }

  private record(entry: MdnsEntry, now: number): void {
    const key = `${entry.interface}|${entry.vid ?? 0}|${entry.ip}|${entry.names.join('\n')}`;
    const previous = this.seen.get(key);
    this.seen.delete(key);
    const fresh = previous === undefined || now - previous.reportedAt >= this.dedupMs;
    this.seen.set(key, { ...entry, reportedAt: fresh ? now : (previous?.reportedAt ?? now) });
    if (this.seen.size > this.maxRemembered) this.seen.delete(this.seen.keys().next().value as string);
    if (!fresh) return;
    this.counters.reported++;
    const event: MdnsEvent = {
      kind: 'mdns',
      interface: entry.interface,
      ip: entry.ip,
      mac: entry.mac,
      names: entry.names,
      time: now,
    };
    if (entry.vid !== undefined) event.vid = entry.vid;
    this.options.emit(event);
  }
}
