// Rogue DHCPv6 detection (RFC 8415 §18.2.1 Solicit, §16.3 Advertise, §21.3 Server Identifier): multicast a
// Solicit to All_DHCP_Relay_Agents_and_Servers on each link and report every server whose DUID is not ours.

import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp6, encodeDhcp6 } from '../../protocol/dhcp6/codec.js';
import { decodeDuid, duidLlFromMac, HARDWARE_ETHERNET } from '../../protocol/dhcp6/duid.js';
import {
  ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
  DHCP6_CLIENT_PORT,
  DHCP6_SERVER_PORT,
  findOption,
  isRelayMessage,
  MessageType6,
} from '../../protocol/dhcp6/message.js';
import type { Dhcp6Option } from '../../protocol/dhcp6/message.js';
import { addOption6 } from '../../protocol/dhcp6/options.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';
import type { DiscoveryEventSink, ForeignDhcp6Event } from './events.js';

export interface Probe6Interface {
  interface: string;
  /** The interface's MAC: the Solicit's DUID-LL. */
  mac: string;
  /** Its link-local address (no scope): the Solicit's source, where answers come back. */
  linkLocal: string;
}

export interface Probe6Options {
  interfaces: readonly Probe6Interface[];
  /** DUIDs of our own DHCPv6 server (the persisted `dhcp6-duid`). */
  ourDuids: readonly Buffer[];
  /** Is this source address one of ours? Catches our own server before it has persisted a DUID. */
  isOurAddress?: (ip: string) => boolean;
  /** @default 3000 */
  listenMs?: number;
  /** Where Solicits go; tests aim them at a unicast loopback server. @default ff02::1:2 port 547 */
  destination?: { address: string; port: number };
  /** @default 546 */
  clientPort?: number;
}

export interface Server6 {
  interface: string;
  family: 6;
  server_ip: string;
  server_mac?: string;
  ours: boolean;
}

export interface Probe6Result {
  probed: number;
  servers: Server6[];
  foreign: number;
}

/** What a server's answer to our Solicit tells us. */
export interface Dhcp6Answer {
  type: MessageType6.Advertise | MessageType6.Reply;
  serverDuid: Buffer;
  /** The link-layer address inside a DUID-LLT/LL of Ethernet type, the only MAC a UDP socket can learn. */
  serverMac?: string;
}

/** ORO (§21.7): DNS servers (23) and domain list (24), what any real client asks for. */
const REQUESTED_OPTIONS = [23, 24];
/** IAID of the probe's IA_NA: arbitrary, fixed so a packet capture shows which Solicits are ours. */
const PROBE_IAID = 0x7261636b;

export function buildSolicit(mac: string, transactionId: number): Buffer {
  const options: Dhcp6Option[] = [];
  options.push({ code: 1, data: duidLlFromMac(mac) });
  addOption6(options, 'elapsed-time', 0);
  addOption6(options, 'oro', REQUESTED_OPTIONS);
  addOption6(options, 'ia-na', { iaid: PROBE_IAID, t1: 0, t2: 0, options: [] });
  return encodeDhcp6({ type: MessageType6.Solicit, transactionId, options });
}

/** The MAC in a DUID-LLT or DUID-LL of hardware type Ethernet; undefined for every other DUID. */
export function duidMac(duid: Uint8Array): string | undefined {
  const decoded = decodeDuid(duid);
  if (
    !('linkLayerAddress' in decoded) ||
    decoded.hardwareType !== HARDWARE_ETHERNET ||
    decoded.linkLayerAddress.length !== 6
  )
    return undefined;
  return bytesToColonHex(decoded.linkLayerAddress);
}

/**
 * Reads one datagram sent to our client port: the answer to Solicit `transactionId`, or undefined when it is
 * something else (another transaction, a relay message, a type we did not ask for). Throws DecodeError only.
 */
export function readAnswer(buf: Uint8Array, transactionId: number): Dhcp6Answer | undefined {
  const packet = decodeDhcp6(buf);
  if (isRelayMessage(packet) || packet.transactionId !== transactionId) return undefined;
  if (packet.type !== MessageType6.Advertise && packet.type !== MessageType6.Reply) return undefined;
  // The raw bytes, not the decoded DUID: §11 says DUIDs are compared for equality only.
  const serverDuid = findOption(packet.options, 2)?.data;
  // §16.3: a client discards an Advertise without a Server Identifier; there is no server to name either.
  if (serverDuid === undefined) throw new DecodeError('dhcp6 advertise', 'no server identifier', 0);
  const serverMac = duidMac(serverDuid);
  return { type: packet.type, serverDuid: Buffer.from(serverDuid), ...(serverMac === undefined ? {} : { serverMac }) };
}

const stripScope = (address: string) => address.replace(/%.*$/, '');

interface Round {
  target: Probe6Interface;
  socket: Socket;
  transactionId: number;
  seen: Map<string, Server6>;
}

export class RogueDhcp6Prober {
  probes = 0;
  foreignSeen = 0;
  decodeErrors = 0;
  /** Interfaces whose probe socket could not bind or send (no IPv6 on the link, port taken). */
  openErrors = 0;
  private running = false;

  constructor(
    private readonly emit: DiscoveryEventSink,
    private readonly clock: () => number = Date.now,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** One Solicit per interface; resolves with every server that answered within `listenMs`. */
  async probe(options: Probe6Options): Promise<Probe6Result> {
    if (this.running) throw new Error('a DHCPv6 probe is already running');
    this.running = true;
    const rounds: Round[] = [];
    try {
      for (const target of options.interfaces) {
        const round = await this.open(target, options).catch(() => undefined);
        if (round === undefined) this.openErrors++;
        else rounds.push(round);
      }
      await new Promise((resolve) => setTimeout(resolve, options.listenMs ?? 3000));
    } finally {
      for (const round of rounds) round.socket.close();
      this.running = false;
    }
    const servers = rounds.flatMap((round) => [...round.seen.values()]);
    return { probed: rounds.length, servers, foreign: servers.filter((s) => !s.ours).length };
  }

  private async open(target: Probe6Interface, options: Probe6Options): Promise<Round> {
    const socket = createSocket({ type: 'udp6', reuseAddr: true });
    const round: Round = { target, socket, transactionId: randomInt(1, 0xffffff), seen: new Map() };
    socket.on('message', (msg, rinfo) => this.onDatagram(round, msg, rinfo, options));
    // A link that cannot be probed fails alone (counted in openErrors), not the whole probe.
    socket.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.clientPort ?? DHCP6_CLIENT_PORT, `${target.linkLocal}%${target.interface}`, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      socket.close();
      throw error;
    }
    const destination = options.destination ?? { address: ALL_DHCP_RELAY_AGENTS_AND_SERVERS, port: DHCP6_SERVER_PORT };
    if (destination.address.toLowerCase().startsWith('ff')) socket.setMulticastInterface(`::%${target.interface}`);
    const scoped = destination.address.toLowerCase().startsWith('ff02')
      ? `${destination.address}%${target.interface}`
      : destination.address;
    socket.send(buildSolicit(target.mac, round.transactionId), destination.port, scoped);
    this.probes++;
    return round;
  }

  /** Nothing throws out of here: a malformed answer is counted and dropped. */
  private onDatagram(round: Round, msg: Buffer, rinfo: RemoteInfo, options: Probe6Options): void {
    let answer: Dhcp6Answer | undefined;
    try {
      answer = readAnswer(msg, round.transactionId);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.decodeErrors++;
      return;
    }
    if (answer === undefined) return;
    const serverIp = stripScope(rinfo.address);
    const key = answer.serverDuid.toString('hex');
    if (round.seen.has(key)) return;
    const ours =
      options.ourDuids.some((duid) => duid.equals(answer.serverDuid)) || (options.isOurAddress?.(serverIp) ?? false);
    const mac = answer.serverMac === undefined ? {} : { server_mac: answer.serverMac };
    round.seen.set(key, { interface: round.target.interface, family: 6, server_ip: serverIp, ...mac, ours });
    if (ours) return;
    this.foreignSeen++;
    const event: ForeignDhcp6Event = {
      kind: 'foreign-dhcp',
      family: 6,
      interface: round.target.interface,
      serverIp,
      ...(answer.serverMac === undefined ? {} : { serverMac: answer.serverMac }),
      time: this.clock(),
    };
    this.emit(event);
  }
}
