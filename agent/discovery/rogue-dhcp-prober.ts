// Rogue DHCP detection (RFC 2131 §4.4.1 DHCPDISCOVER, §4.3.1 server identifier): broadcast a DISCOVER with
// our own client-id on each served segment and report every answering server that is not one of ours.

import { randomInt } from 'node:crypto';
import { encodeDhcp4 } from '../../protocol/dhcp4/codec.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { BROADCAST_MAC } from '../../protocol/net/mac.js';
import { encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import type { DhcpSighting } from './dhcp-watch.js';
import type { DiscoveryEventSink, ForeignDhcpEvent } from './events.js';
import type { FrameSender } from './arp-scanner.js';

/** Option 61 type 0 (RFC 2132 §9.14): a name no reservation will ever match, so our own server stays silent. */
export const PROBE_CLIENT_ID = Buffer.concat([Buffer.from([0]), Buffer.from('rackd-rogue-dhcp-probe')]);

export interface ProbeSegment {
  interface: string;
  vid?: number;
  /** The interface's MAC: chaddr, and the source of the frame. */
  mac: string;
}

export interface ProbeOptions {
  segments: readonly ProbeSegment[];
  /** Is this server identifier / source one of ours? */
  isOurs: (serverIp: string, serverMac: string) => boolean;
  /** How long to collect offers. @default 3000 */
  listenMs?: number;
}

export interface ProbeResult {
  probed: number;
  servers: { interface: string; vid?: number; server_ip: string; server_mac: string; ours: boolean }[];
  foreign: number;
}

interface Pending {
  segment: ProbeSegment;
  seen: Map<string, ForeignDhcpEvent & { ours: boolean }>;
}

export function buildDiscover(segment: ProbeSegment, xid: number): Buffer {
  const chaddr = Buffer.alloc(16);
  chaddr.set(Buffer.from(segment.mac.replace(/:/g, ''), 'hex'));
  const message: Dhcp4Message = {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 0,
    flags: 0x8000,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr,
    sname: '',
    file: '',
    options: new Map([
      [53, Buffer.from([1])],
      [61, PROBE_CLIENT_ID],
      [55, Buffer.from([1, 3, 6, 54])],
    ]),
  };
  return encodeUdpFrame({
    srcMac: segment.mac,
    dstMac: BROADCAST_MAC,
    ...(segment.vid === undefined ? {} : { vid: segment.vid }),
    srcIp: '0.0.0.0',
    dstIp: '255.255.255.255',
    srcPort: 68,
    dstPort: 67,
    payload: encodeDhcp4(message),
  });
}

export class RogueDhcpProber {
  private readonly pending = new Map<number, Pending>();
  private running = false;
  /** The ownership test of the probe in flight. */
  private isOurs: (ip: string, mac: string) => boolean = () => false;
  probes = 0;
  foreignSeen = 0;

  constructor(
    private readonly send: FrameSender,
    private readonly emit: DiscoveryEventSink,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** A server reply seen on `interfaceName`; ignored unless it answers one of our probes. */
  onSighting(interfaceName: string, sighting: DhcpSighting, now: number): void {
    if (sighting.kind !== 'server-reply') return;
    const pending = this.pending.get(sighting.xid);
    if (pending === undefined || pending.segment.interface !== interfaceName || pending.segment.vid !== sighting.vid)
      return;
    const serverIp = sighting.serverId ?? sighting.srcIp;
    const key = `${serverIp}|${sighting.srcMac}`;
    if (pending.seen.has(key)) return;
    const ours = this.isOurs(serverIp, sighting.srcMac);
    const event: ForeignDhcpEvent & { ours: boolean } = {
      kind: 'foreign-dhcp',
      interface: interfaceName,
      ...(sighting.vid === undefined ? {} : { vid: sighting.vid }),
      serverIp,
      serverMac: sighting.srcMac,
      offeredIp: sighting.offeredIp,
      time: now,
      ours,
    };
    pending.seen.set(key, event);
    if (ours) return;
    this.foreignSeen++;
    const { ours: _ours, ...report } = event;
    this.emit(report);
  }

  /** One probe round over every segment; resolves with every server that answered. */
  async probe(options: ProbeOptions): Promise<ProbeResult> {
    if (this.running) throw new Error('a DHCP probe is already running');
    this.running = true;
    this.isOurs = options.isOurs;
    const rounds: Pending[] = [];
    try {
      for (const segment of options.segments) {
        const xid = randomInt(1, 2 ** 32 - 1);
        const pending: Pending = { segment, seen: new Map() };
        this.pending.set(xid, pending);
        rounds.push(pending);
        this.send(segment.interface, buildDiscover(segment, xid));
        this.probes++;
      }
      await new Promise((resolve) => setTimeout(resolve, options.listenMs ?? 3000));
    } finally {
      this.pending.clear();
      this.running = false;
    }
    const servers = rounds
      .flatMap((p) => [...p.seen.values()])
      .map((e) => ({
        interface: e.interface,
        ...(e.vid === undefined ? {} : { vid: e.vid }),
        server_ip: e.serverIp,
        server_mac: e.serverMac,
        ours: e.ours,
      }));
    return { probed: rounds.length, servers, foreign: servers.filter((s) => !s.ours).length };
  }
}
