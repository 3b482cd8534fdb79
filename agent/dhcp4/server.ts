// The DHCPv4 server: the thin I/O shell around the pure policy (RFC 2131 §4). For each captured frame it
// decodes, asks the policy, encodes the reply and injects it at the RFC 2131 §4.1 destination, keeping the 802.1Q tag.

import type { Logger } from 'pino';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp4, encodeDhcp4 } from '../../protocol/dhcp4/codec.js';
import { messageTypeName } from '../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import type { UdpFrame } from '../../protocol/net/udp-frame.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { PacketPort } from '../net/packet-port.js';
import { ServerCounters } from '../stats/server-counters.js';
import type { Dhcp4Admission } from './admission.js';
import type { Dhcp4Decision } from './decision.js';
import type { Dhcp4EventSink } from './event-sink.js';
import { handleDhcp4 } from './policy.js';
import type { ServingConfig } from './serving-config.js';

/** Requests only (BOOTP op 1 at UDP payload byte 0), untagged or 802.1Q-tagged: our own replies to relays also go to port 67. */
export const DHCP4_REQUEST_FILTER = '(udp dst port 67 and udp[8] = 1) or (vlan and udp dst port 67 and udp[8] = 1)';

export type Dhcp4ServerStatus = 'ready' | 'serving' | 'closed';

export interface Dhcp4ServerOptions {
  logger: Logger;
  /** The configuration in force; read once per packet so a reload takes effect on the next packet. */
  config: () => ServingConfig;
  /** The current view of an interface (addresses change at run time). */
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  /** Told of every decided request (region events, last seen). @default undefined — none */
  events?: Dhcp4EventSink;
  /** Flood protection, checked before the policy; a reason drops the request. @default undefined — none */
  admit?: Dhcp4Admission;
  /** Whether to log one more line of this event now (a flood must not fill the journal). @default always */
  admitLog?: (event: string) => { allowed: boolean; suppressed: number };
}

export class Dhcp4Server {
  readonly counters = new ServerCounters();
  private readonly ports = new Map<string, PacketPort>();
  private statusValue: Dhcp4ServerStatus = 'ready';

  constructor(private readonly options: Dhcp4ServerOptions) {}

  get status(): Dhcp4ServerStatus {
    return this.statusValue;
  }

  get interfaces(): string[] {
    return [...this.ports.keys()];
  }

  /** Starts serving on a port; the server owns it from now on and closes it on close(). */
  addPort(port: PacketPort): void {
    if (this.statusValue === 'closed') throw new Error('Dhcp4Server is closed');
    this.ports.set(port.interfaceName, port);
    port.onFrame((frame) => this.handleFrame(port, frame));
    this.setStatus('serving');
  }

  removePort(interfaceName: string): void {
    this.ports.get(interfaceName)?.close();
    this.ports.delete(interfaceName);
  }

  portStats(): Record<string, ReturnType<PacketPort['stats']>> {
    return Object.fromEntries([...this.ports].map(([name, port]) => [name, port.stats()]));
  }

  close(): void {
    if (this.statusValue === 'closed') return;
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
    this.setStatus('closed');
  }

  private setStatus(next: Dhcp4ServerStatus): void {
    if (next === this.statusValue) return;
    this.options.logger.info({ event: 'dhcp4.status', from: this.statusValue, to: next }, `dhcp4 ${this.statusValue} -> ${next}`);
    this.statusValue = next;
  }

  /** Nothing may throw out of here: one bad frame must not stop the capture loop. */
  private handleFrame(port: PacketPort, frame: Buffer): void {
    try {
      const decoded = this.decode(port.interfaceName, frame);
      if (!decoded) return;
      const iface = this.options.interfaceInfo(port.interfaceName);
      if (!iface) {
        this.counters.countDropped('interface-unknown');
        return;
      }
      const { udp, request } = decoded;
      const limited = this.options.admit?.(request, this.options.config());
      if (limited !== undefined) {
        this.counters.countDropped(limited);
        return;
      }
      const arrival = { iface, vid: udp.vid, srcMac: udp.srcMac, srcIp: udp.srcIp, dstIp: udp.dstIp };
      const decision = handleDhcp4(request, arrival, this.options.config());
      this.act(port, udp, decision);
      this.options.events?.decided(decision, request, { interface: port.interfaceName, vid: udp.vid });
    } catch (error) {
      this.counters.countDropped('internal-error');
      this.options.logger.error({ event: 'dhcp4.internal-error', interface: port.interfaceName, err: error }, 'unexpected error handling a DHCPv4 frame');
    }
  }

  private decode(interfaceName: string, frame: Buffer): { udp: UdpFrame; request: Dhcp4Message } | undefined {
    try {
      // Frames relayed or renewed through a kernel socket on a veth (and some virtio NICs) reach the capture
      // with the UDP checksum not yet filled in (see DecodeUdpFrameOptions): checking it would drop them all.
      const udp = decodeUdpFrame(frame, { verifyUdpChecksum: false });
      const request = decodeDhcp4(udp.payload);
      this.counters.countReceived(messageTypeName(request.options.get(53)?.[0]));
      return { udp, request };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.decodeErrors++;
      this.options.logger.debug({ event: 'dhcp4.drop.decode', interface: interfaceName, reason: error.message }, 'malformed DHCPv4 frame dropped');
      return undefined;
    }
  }

  private act(port: PacketPort, udp: UdpFrame, decision: Dhcp4Decision): void {
    const log = this.options.logger;
    const where = { interface: port.interfaceName, vid: udp.vid };
    switch (decision.kind) {
      case 'reply': {
        const { destination, reply } = decision;
        const payload = encodeDhcp4(reply, { maxLength: decision.maxLength });
        port.send(
          encodeUdpFrame({
            srcMac: destination.srcMac,
            dstMac: destination.dstMac,
            vid: udp.vid,
            srcIp: destination.srcIp,
            dstIp: destination.dstIp,
            srcPort: destination.srcPort,
            dstPort: destination.dstPort,
            payload,
          }),
        );
        const type = messageTypeName(decision.messageType);
        this.counters.countSent(type);
        if (log.isLevelEnabled('debug')) {
          log.debug({ event: 'dhcp4.reply', type, mac: decision.mac, ip: decision.ip, subnet: decision.subnet, to: destination.dstIp, ...where }, `${type} ${decision.ip} to ${decision.mac}`);
        }
        return;
      }
      case 'ignore':
        this.counters.countDropped(decision.reason);
        if (decision.reason === 'internal-error') {
          log.error({ event: 'dhcp4.internal-error', mac: decision.mac, detail: decision.detail, ...where }, 'unexpected error in the DHCPv4 policy');
        } else if (decision.reason === 'unknown-client') {
          const admitted = this.options.admitLog?.('dhcp4.unknown-client') ?? { allowed: true, suppressed: 0 };
          if (admitted.allowed) log.info({ event: 'dhcp4.unknown-client', mac: decision.mac, subnet: decision.subnet, suppressed: admitted.suppressed, ...where }, `no reservation for ${decision.mac}`);
        } else {
          log.debug({ event: 'dhcp4.drop', reason: decision.reason, mac: decision.mac, detail: decision.detail, ...where }, `request dropped: ${decision.reason}`);
        }
        return;
      case 'note':
        if (decision.event === 'decline') {
          log.warn({ event: 'dhcp4.decline', mac: decision.mac, ip: decision.ip, subnet: decision.subnet, ...where }, `${decision.mac} declined ${decision.ip}: address conflict`);
        } else {
          log.info({ event: 'dhcp4.release', mac: decision.mac, ip: decision.ip, subnet: decision.subnet, ...where }, `${decision.mac} released ${decision.ip}`);
        }
    }
  }
}
