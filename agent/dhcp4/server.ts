// The DHCPv4 server: the thin I/O shell around the pure policy (RFC 2131 §4). For each captured frame or unicast
// datagram it decodes, asks the policy, encodes the reply and sends it to the RFC 2131 §4.1 destination: through the
// kernel socket when the destination has an address the kernel can reach, else as a frame keeping the 802.1Q tag.

import type { Logger } from 'pino';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp4, encodeDhcp4 } from '../../protocol/dhcp4/codec.js';
import { messageTypeName } from '../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import type { PacketPort } from '../net/packet-port.js';
import { Udp4Listener } from '../net/udp4-listener.js';
import type { Udp4Datagram, Udp4ListenerStats } from '../net/udp4-listener.js';
import { ServerCounters } from '../stats/server-counters.js';
import type { Dhcp4Admission } from './admission.js';
import { clientMac } from './client-mac.js';
import type { Dhcp4Decision } from './decision.js';
import { logIgnored, logNote, logReply } from './decision-log.js';
import type { Arrival } from './arrival.js';
import type { Dhcp4EventSink } from './event-sink.js';
import { handleDhcp4 } from './policy.js';
import type { ServingConfig } from './serving-config.js';

/**
 * Requests only (BOOTP op 1 at UDP payload byte 0; our own replies to relays also go to port 67). Untagged frames
 * only when sent to an L2 broadcast or multicast address (the I/G bit), since the unicast sockets take untagged
 * unicast; tagged frames all, since no VLAN device hands them to the kernel's IP.
 */
export const DHCP4_BROADCAST_REQUEST_FILTER =
  '(ether[0] & 1 = 1 and udp dst port 67 and udp[8] = 1) or (vlan and udp dst port 67 and udp[8] = 1)';
/** A datagram from a kernel socket has no L2 header: replies through the socket never need the peer's MAC. */
const UNKNOWN_MAC = '00:00:00:00:00:00';

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
  /**
   * Also listen on this UDP port of every IPv4 address of the served interfaces (67 in the daemon); pair it with
   * DHCP4_BROADCAST_REQUEST_FILTER on the ports. @default undefined — frames only
   */
  unicastPort?: number;
}

export class Dhcp4Server {
  readonly counters = new ServerCounters();
  private readonly ports = new Map<string, PacketPort>();
  private readonly unicast: Udp4Listener | undefined;
  private statusValue: Dhcp4ServerStatus = 'ready';

  constructor(private readonly options: Dhcp4ServerOptions) {
    const port = options.unicastPort;
    this.unicast =
      port === undefined
        ? undefined
        : new Udp4Listener({ port, logger: options.logger, onDatagram: (d) => this.handleDatagram(d) });
  }

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
    this.syncUnicast();
    this.setStatus('serving');
  }

  removePort(interfaceName: string): void {
    this.ports.get(interfaceName)?.close();
    this.ports.delete(interfaceName);
    this.syncUnicast();
  }

  /** Binds the unicast sockets to the served interfaces' IPv4 addresses as they are now: call after address changes. */
  syncUnicast(): void {
    if (this.unicast === undefined || this.statusValue === 'closed') return;
    const wanted = new Map<string, string>();
    for (const name of this.ports.keys()) {
      for (const a of this.options.interfaceInfo(name)?.addresses ?? [])
        if (a.family === 4) wanted.set(a.address, name);
    }
    this.unicast.sync(wanted);
  }

  unicastStats(): Udp4ListenerStats | undefined {
    return this.unicast?.stats();
  }

  portStats(): Record<string, ReturnType<PacketPort['stats']>> {
    return Object.fromEntries([...this.ports].map(([name, port]) => [name, port.stats()]));
  }

  close(): void {
    if (this.statusValue === 'closed') return;
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
    this.unicast?.close();
    this.setStatus('closed');
  }

  private setStatus(next: Dhcp4ServerStatus): void {
    if (next === this.statusValue) return;
    this.options.logger.info(
      { event: 'dhcp4.status', from: this.statusValue, to: next },
      `dhcp4 ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
  }

  /** Nothing may throw out of here: one bad frame must not stop the capture loop. */
  private handleFrame(port: PacketPort, frame: Buffer): void {
    try {
      // Frames relayed or renewed through a kernel socket on a veth (and some virtio NICs) reach the capture
      // with the UDP checksum not yet filled in (see DecodeUdpFrameOptions): checking it would drop them all.
      const udp = this.decode(port.interfaceName, () => decodeUdpFrame(frame, { verifyUdpChecksum: false }));
      const request = udp === undefined ? undefined : this.decode(port.interfaceName, () => decodeDhcp4(udp.payload));
      if (udp === undefined || request === undefined) return;
      this.serve(
        port.interfaceName,
        request,
        { vid: udp.vid, srcMac: udp.srcMac, srcIp: udp.srcIp, dstIp: udp.dstIp },
        undefined,
      );
    } catch (error) {
      this.internalError(port.interfaceName, error);
    }
  }

  /** The unicast half: relays and RENEWING clients, through the kernel (no L2 header, never tagged). */
  private handleDatagram(datagram: Udp4Datagram): void {
    try {
      const request = this.decode(datagram.interfaceName, () => decodeDhcp4(datagram.payload));
      if (request === undefined) return;
      const where = { srcMac: UNKNOWN_MAC, srcIp: datagram.srcIp, dstIp: datagram.localIp };
      this.serve(datagram.interfaceName, request, where, datagram.localIp);
    } catch (error) {
      this.internalError(datagram.interfaceName, error);
    }
  }

  private internalError(interfaceName: string, error: unknown): void {
    this.counters.countDropped('internal-error');
    this.options.logger.error(
      { event: 'dhcp4.internal-error', interface: interfaceName, err: error },
      'unexpected error handling a DHCPv4 request',
    );
  }

  /** `socketIp`: the local address of the socket the request came through, when it did. */
  private serve(
    interfaceName: string,
    request: Dhcp4Message,
    where: Omit<Arrival, 'iface'>,
    socketIp: string | undefined,
  ): void {
    this.counters.countReceived(messageTypeName(request.options.get(53)?.[0]));
    const iface = this.options.interfaceInfo(interfaceName);
    if (!iface) {
      this.counters.countDropped('interface-unknown');
      return;
    }
    const config = this.options.config();
    const mac = clientMac(request);
    const limited = this.options.admit?.(request, config, mac);
    if (limited !== undefined) {
      this.counters.countDropped(limited);
      return;
    }
    const arrival: Arrival = { iface, vid: where.vid, srcMac: where.srcMac, srcIp: where.srcIp, dstIp: where.dstIp };
    const decision = handleDhcp4(request, arrival, config, mac);
    this.act(interfaceName, where.vid, request, decision, socketIp);
    this.options.events?.decided(decision, request, { interface: interfaceName, vid: where.vid });
  }

  /** The decoded value, or undefined when malformed (counted and logged at debug: a flood must not fill the log). */
  private decode<T>(interfaceName: string, decode: () => T): T | undefined {
    try {
      return decode();
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.decodeErrors++;
      this.options.logger.debug(
        { event: 'dhcp4.drop.decode', interface: interfaceName, reason: error.message },
        'malformed DHCPv4 request dropped',
      );
      return undefined;
    }
  }

  /**
   * Through the kernel when the request came through a socket and the §4.1 destination is an address the peer
   * already holds (the relay's giaddr, the client's ciaddr); a broadcast or a chaddr unicast needs a frame.
   */
  private send(
    interfaceName: string,
    vid: number | undefined,
    request: Dhcp4Message,
    decision: Extract<Dhcp4Decision, { kind: 'reply' }>,
    socketIp: string | undefined,
  ): boolean {
    const { destination } = decision;
    const payload = encodeDhcp4(decision.reply, { maxLength: decision.maxLength });
    const routable =
      destination.dstIp !== UNSPECIFIED_IPV4 &&
      (destination.dstIp === request.giaddr || destination.dstIp === request.ciaddr);
    if (socketIp !== undefined && this.unicast !== undefined && routable) {
      // From the server identifier's own socket when it has one, so the source address matches option 54.
      if (this.unicast.send(destination.srcIp, payload, destination.dstIp, destination.dstPort)) return true;
      if (this.unicast.send(socketIp, payload, destination.dstIp, destination.dstPort)) return true;
    }
    const port = this.ports.get(interfaceName);
    const { srcMac, dstMac, srcIp, dstIp, srcPort, dstPort } = destination;
    // A peer that reached us through a socket has no MAC we know of: without that socket it cannot be answered.
    if (port === undefined || dstMac === UNKNOWN_MAC) return false;
    port.send(encodeUdpFrame({ srcMac, dstMac, vid, srcIp, dstIp, srcPort, dstPort, payload }));
    return true;
  }

  private act(
    interfaceName: string,
    vid: number | undefined,
    request: Dhcp4Message,
    decision: Dhcp4Decision,
    socketIp: string | undefined,
  ): void {
    const log = this.options.logger;
    const where = { interface: interfaceName, vid };
    switch (decision.kind) {
      case 'reply': {
        if (!this.send(interfaceName, vid, request, decision, socketIp)) {
          // The socket or the capture went away between the request and its reply (an address or link removed).
          this.counters.countDropped('no-reply-path');
          return;
        }
        const type = messageTypeName(decision.messageType);
        this.counters.countSent(type);
        if (log.isLevelEnabled('debug')) logReply(log, decision, type, where);
        return;
      }
      case 'ignore':
        this.counters.countDropped(decision.reason);
        logIgnored(this.options, decision, where);
        return;
      case 'note':
        logNote(log, decision, where);
    }
  }
}
