// The DHCPv6 server's I/O shell (RFC 8415 §7.1 ports and multicast group, §18.3 replies, §19 relays): one
// kernel UDP socket, decode → pure policy → encode → send back to where the datagram came from.
//
// Why a dgram socket and not libpcap as for DHCPv4: a DHCPv4 client has no address yet, so its server must
// read and write raw frames; a DHCPv6 client always has a link-local address, so the kernel can carry both
// directions. One socket bound to [::]:547 joins ff02::1:2 on each served interface (`addMembership` with
// `::%IF`), and for a link-local source Node reports the receiving interface as the zone (`fe80::1%eth1`),
// checked by experiment in a network namespace; a reply sent to that scoped address leaves by that interface
// with its link-local source. Relayed requests come from a relay's global address and need no interface:
// the relay's link-address picks the subnet. Node cannot report the destination address (no IPV6_PKTINFO),
// so unicast and multicast requests are not told apart (§18.4 would drop unicast Information-requests).

import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp6, encodeDhcp6 } from '../../protocol/dhcp6/codec.js';
import {
  ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
  DHCP6_SERVER_PORT,
  messageType6Name,
} from '../../protocol/dhcp6/message.js';
import type { Dhcp6Packet } from '../../protocol/dhcp6/message.js';
import { isLinkLocal6 } from '../../protocol/dhcp6/ipv6-address.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { ServerCounters } from '../stats/server-counters.js';
import type { Arrival6, Dhcp6Decision } from './decision.js';
import { handleDhcp6 } from './policy.js';
import type { Dhcp6ServingConfig } from './serving-config.js';

export type Dhcp6ServerStatus = 'ready' | 'serving' | 'closed';

export interface Dhcp6ServerOptions {
  logger: Logger;
  /** The configuration in force; read once per datagram so a reload takes effect on the next one. */
  config: () => Dhcp6ServingConfig;
  /** The current view of an interface (addresses change at run time). */
  interfaceInfo: (name: string) => InterfaceInfo | undefined;
  /** Interfaces whose link-local clients are served (and where ff02::1:2 is joined). */
  interfaces: readonly string[];
  /** @default 547 (RFC 8415 §7.1); tests use 0 for an ephemeral port. */
  port?: number;
  /** @default '::' */
  bindAddress?: string;
}

/** Splits `fe80::1%eth0` into address and zone. */
function splitZone(address: string): { address: string; zone: string | undefined } {
  const at = address.indexOf('%');
  return at < 0 ? { address, zone: undefined } : { address: address.slice(0, at), zone: address.slice(at + 1) };
}

export class Dhcp6Server {
  readonly counters = new ServerCounters();
  private socket: Socket | undefined;
  private statusValue: Dhcp6ServerStatus = 'ready';

  constructor(private readonly options: Dhcp6ServerOptions) {}

  get status(): Dhcp6ServerStatus {
    return this.statusValue;
  }

  /** The bound UDP port (useful with port 0). */
  get port(): number {
    return this.socket?.address().port ?? 0;
  }

  async start(): Promise<void> {
    if (this.statusValue !== 'ready') throw new Error(`Dhcp6Server cannot start when ${this.statusValue}`);
    const socket = createSocket({ type: 'udp6', reuseAddr: true });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port ?? DHCP6_SERVER_PORT, this.options.bindAddress ?? '::', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    for (const name of this.options.interfaces) {
      try {
        socket.addMembership(ALL_DHCP_RELAY_AGENTS_AND_SERVERS, `::%${name}`);
      } catch (error) {
        socket.close();
        throw new Error(
          `cannot join ${ALL_DHCP_RELAY_AGENTS_AND_SERVERS} on ${name}: ${(error as Error).message} (is IPv6 ` +
            `enabled on ${name}?)`,
          { cause: error },
        );
      }
    }
    socket.on('message', (msg, rinfo) => this.handleDatagram(msg, rinfo));
    socket.on('error', (error) =>
      this.options.logger.error({ event: 'dhcp6.socket-error', err: error }, 'DHCPv6 socket error'),
    );
    this.setStatus('serving');
  }

  close(): void {
    if (this.statusValue === 'closed') return;
    this.socket?.close();
    this.socket = undefined;
    this.options.logger.info(
      { event: 'dhcp6.counters', counters: this.counters.snapshot() },
      'DHCPv6 counters at close',
    );
    this.setStatus('closed');
  }

  private setStatus(next: Dhcp6ServerStatus): void {
    if (next === this.statusValue) return;
    this.options.logger.info(
      { event: 'dhcp6.status', from: this.statusValue, to: next },
      `dhcp6 ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
  }

  /** The served interface a zone names (Node gives the name; a bare index is mapped too), else undefined. */
  private servedInterface(zone: string | undefined): InterfaceInfo | undefined {
    if (zone === undefined) return undefined;
    for (const name of this.options.interfaces) {
      const info = this.options.interfaceInfo(name);
      if (info !== undefined && (info.name === zone || String(info.index) === zone)) return info;
    }
    return undefined;
  }

  /** Nothing may throw out of here: one bad datagram must not stop the server. */
  private handleDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    try {
      const { address, zone } = splitZone(rinfo.address);
      let iface: InterfaceInfo | undefined;
      if (isLinkLocal6(address)) {
        iface = this.servedInterface(zone);
        if (iface === undefined) {
          this.drop('interface-not-served', { from: rinfo.address });
          return;
        }
      }
      const packet = this.decode(msg, rinfo.address);
      if (packet === undefined) return;
      const arrival: Arrival6 = { iface, srcAddress: address };
      this.act(handleDhcp6(packet, arrival, this.options.config()), rinfo);
    } catch (error) {
      this.counters.countDropped('internal-error');
      this.options.logger.error(
        { event: 'dhcp6.internal-error', from: rinfo.address, err: error },
        'unexpected error handling a DHCPv6 datagram',
      );
    }
  }

  private decode(msg: Buffer, from: string): Dhcp6Packet | undefined {
    try {
      const packet = decodeDhcp6(msg);
      this.counters.countReceived(messageType6Name(packet.type));
      return packet;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.decodeErrors++;
      this.options.logger.debug(
        { event: 'dhcp6.drop.decode', from, reason: error.message },
        'malformed DHCPv6 datagram dropped',
      );
      return undefined;
    }
  }

  private drop(reason: string, fields: Record<string, unknown>): void {
    this.counters.countDropped(reason);
    this.options.logger.debug({ event: 'dhcp6.drop', reason, ...fields }, `DHCPv6 request dropped: ${reason}`);
  }

  /**
   * §18.3 / §19.3: the answer goes back to the datagram's source: the client's link-local address and port,
   * or the relay (RFC 8357: to the port the Relay-forward came from, 547 for a classic relay).
   */
  private act(decision: Dhcp6Decision, rinfo: RemoteInfo): void {
    const log = this.options.logger;
    if (decision.kind === 'ignore') {
      if (decision.reason === 'internal-error') {
        this.counters.countDropped(decision.reason);
        log.error(
          { event: 'dhcp6.internal-error', detail: decision.detail, from: rinfo.address },
          'unexpected error in the DHCPv6 policy',
        );
        return;
      }
      this.drop(decision.reason, {
        client: decision.client,
        subnet: decision.subnet,
        detail: decision.detail,
        from: rinfo.address,
      });
      return;
    }
    const type = messageType6Name(decision.messageType);
    this.socket?.send(encodeDhcp6(decision.reply), rinfo.port, rinfo.address, (error) => {
      if (error) {
        this.counters.sendErrors++;
        log.warn({ event: 'dhcp6.send-error', to: rinfo.address, err: error }, `cannot send DHCPv6 ${type}`);
      }
    });
    this.counters.countSent(type);
    log.debug(
      {
        event: 'dhcp6.reply',
        type,
        client: decision.client,
        subnet: decision.subnet,
        relayed: decision.relayed,
        to: rinfo.address,
      },
      `${type} to ${decision.client}`,
    );
  }
}
