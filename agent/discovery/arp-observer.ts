// Passive ARP (RFC 826; RFC 5227 §2.1.1 probes): requests give the sender's binding, replies the sender's
// and the target's; probes (sender 0.0.0.0) bind nothing. Feeds the binding table, the conflict detector and scans.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import { ArpOp, decodeArp } from '../../protocol/net/arp.js';
import { decodeEthernet, ETHERTYPE_ARP } from '../../protocol/net/ethernet.js';
import { UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import type { BindingTable } from './binding-table.js';
import type { ConflictDetector } from './conflict-detector.js';
import type { DiscoveryEventSink, NeighbourEvent, Where } from './events.js';

/** BPF for the capture: ARP, untagged or 802.1Q-tagged. */
export const ARP_FILTER = 'arp or (vlan and arp)';

const NO_MACS = new Set(['00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']);

export interface ArpReply extends Where {
  ip: string;
  mac: string;
  /** Whom the reply was for: a scan only counts replies to its own requests. */
  targetIp: string;
  targetMac: string;
}

export class ArpCounters {
  frames = 0;
  decodeErrors = 0;
  probes = 0;
  new = 0;
  moved = 0;
  refreshed = 0;

  snapshot(): Record<string, number> {
    const { frames, decodeErrors, probes, moved, refreshed } = this;
    return { frames, decodeErrors, probes, new: this.new, moved, refreshed };
  }
}

export interface ArpObserverOptions {
  table: BindingTable;
  conflicts: ConflictDetector;
  emit: DiscoveryEventSink;
}

export class ArpObserver {
  readonly counters = new ArpCounters();
  private readonly replyListeners = new Set<(reply: ArpReply) => void>();

  constructor(private readonly options: ArpObserverOptions) {}

  /** Scans listen here for replies; returns the function that stops listening. */
  onReply(listener: (reply: ArpReply) => void): () => void {
    this.replyListeners.add(listener);
    return () => this.replyListeners.delete(listener);
  }

  /** One captured frame; false when it is not ARP. Throws nothing: a bad frame is counted and dropped. */
  handleFrame(interfaceName: string, frame: Uint8Array, now: number): boolean {
    let arp;
    let where: Where;
    try {
      const { value: eth, offset } = decodeEthernet(frame);
      if (eth.etherType !== ETHERTYPE_ARP) return false;
      this.counters.frames++;
      arp = decodeArp(frame, offset);
      where = eth.vid === undefined ? { interface: interfaceName } : { interface: interfaceName, vid: eth.vid };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.decodeErrors++;
      return true;
    }
    if (arp.senderIp === UNSPECIFIED_IPV4) {
      this.counters.probes++;
    } else {
      this.bind(where, arp.senderIp, arp.senderMac, now);
    }
    if (arp.op === ArpOp.Reply) {
      if (arp.targetIp !== UNSPECIFIED_IPV4 && arp.targetIp !== arp.senderIp)
        this.bind(where, arp.targetIp, arp.targetMac, now);
      if (arp.senderIp !== UNSPECIFIED_IPV4 && this.replyListeners.size > 0) {
        const reply: ArpReply = {
          ...where,
          ip: arp.senderIp,
          mac: arp.senderMac,
          targetIp: arp.targetIp,
          targetMac: arp.targetMac,
        };
        for (const listener of this.replyListeners) listener(reply);
      }
    }
    return true;
  }

  private bind(where: Where, ip: string, mac: string, now: number): void {
    if (NO_MACS.has(mac)) return;
    const { table, conflicts, emit } = this.options;
    const result = table.observe(where.interface, where.vid, ip, mac, now);
    if (result.change === 'unchanged') return;
    this.counters[result.change]++;
    const event: NeighbourEvent = { kind: 'neighbour', change: result.change, ...where, ip, mac, time: now };
    if (result.change === 'moved') event.previousMac = result.previousMac;
    emit(event);
    const conflict =
      (result.change === 'moved'
        ? conflicts.onMove(where, ip, mac, result.previousMac, result.previousLastSeen, now)
        : undefined) ?? conflicts.onClaim(where, ip, mac, now);
    if (conflict) emit(conflict);
  }
}
