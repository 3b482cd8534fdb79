// Active ARP scan (RFC 826 requests, RFC 5227 §2.1.1 pacing concerns): broadcasts who-has for every target
// at a fixed rate from the right interface and 802.1Q tag; replies come back through the passive ARP path.

import { encodeArp, ArpOp } from '../../protocol/net/arp.js';
import { encodeEthernet, ethernetHeaderLength, ETHERTYPE_ARP } from '../../protocol/net/ethernet.js';
import { BROADCAST_MAC } from '../../protocol/net/mac.js';
import type { ArpObserver, ArpReply } from './arp-observer.js';
import type { ScanHost, ScanSummary } from './events.js';
import { ScanRefused } from './scan-targets.js';

/** nmap's "slow" timing: 9 probes per second. */
export const SLOW_RATE_PPS = 9;
export const DEFAULT_RATE_PPS = 300;

/** One interface (and tag) to scan from, and what to ask for there. */
export interface ScanGroup {
  interface: string;
  vid?: number;
  senderMac: string;
  /** Our address on the segment; replies come back to it. */
  senderIp: string;
  /** Target addresses as unsigned 32-bit numbers. */
  targets: readonly number[];
}

export interface ScanPlan {
  groups: readonly ScanGroup[];
  /** Requests per second over the whole scan. @default DEFAULT_RATE_PPS */
  ratePps?: number;
  /** How long to keep listening after the last request. @default 1000 */
  waitMs?: number;
  /** Each host seen, as it is seen (the CLI prints them). */
  onHost?: (host: ScanHost) => void;
}

export type FrameSender = (interfaceName: string, frame: Buffer) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The request template of a group; only the target address changes per frame. */
function template(group: ScanGroup): { frame: Buffer; targetIpAt: number } {
  const header = {
    dstMac: BROADCAST_MAC,
    srcMac: group.senderMac,
    etherType: ETHERTYPE_ARP,
    ...(group.vid === undefined ? {} : { vid: group.vid }),
  };
  const body = encodeArp({
    op: ArpOp.Request,
    senderMac: group.senderMac,
    senderIp: group.senderIp,
    targetMac: '00:00:00:00:00:00',
    targetIp: '0.0.0.0',
  });
  return { frame: encodeEthernet(header, body), targetIpAt: ethernetHeaderLength(header) + 24 };
}

export class ArpScanner {
  private running = false;

  constructor(
    private readonly observer: ArpObserver,
    private readonly send: FrameSender,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  async scan(plan: ScanPlan): Promise<ScanSummary> {
    if (this.running) throw new ScanRefused('a scan is already running: wait for it to finish', 'busy');
    this.running = true;
    const found = new Map<string, ScanHost>();
    const stop = this.observer.onReply((reply) => this.collect(plan, reply, found));
    const started = performance.now();
    try {
      const { sent, sendMs } = await this.sendAll(plan);
      await sleep(plan.waitMs ?? 1000);
      const hosts = [...found.values()];
      return {
        scanned: sent,
        found: hosts.length,
        durationMs: Math.round(performance.now() - started),
        ratePps: sent > 1 && sendMs > 0 ? Math.round(((sent - 1) * 1000) / sendMs) : sent,
        hosts,
      };
    } finally {
      stop();
      this.running = false;
    }
  }

  private collect(plan: ScanPlan, reply: ArpReply, found: Map<string, ScanHost>): void {
    const group = plan.groups.find(
      (g) => g.interface === reply.interface && g.vid === reply.vid && g.senderIp === reply.targetIp,
    );
    if (group === undefined || reply.targetMac !== group.senderMac) return;
    const key = `${reply.interface}|${reply.vid ?? 0}|${reply.ip}`;
    if (found.has(key)) return;
    const host: ScanHost = {
      ip: reply.ip,
      mac: reply.mac,
      interface: reply.interface,
      ...(reply.vid === undefined ? {} : { vid: reply.vid }),
    };
    found.set(key, host);
    plan.onHost?.(host);
  }

  /**
   * Paces by the clock rather than by timer count: each wake-up sends what the schedule says is due, so
   * a late timer costs a short burst, never a lower overall rate.
   */
  private async sendAll(plan: ScanPlan): Promise<{ sent: number; sendMs: number }> {
    const rate = plan.ratePps ?? DEFAULT_RATE_PPS;
    if (!(rate > 0)) throw new ScanRefused(`rate ${rate} pps: give a positive rate`, 'invalid-params', 'rate_pps');
    const queue = plan.groups.flatMap((group) => {
      const t = template(group);
      return group.targets.map((target) => ({ group, target, t }));
    });
    const start = performance.now();
    let sent = 0;
    while (sent < queue.length) {
      const due = Math.min(queue.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        const item = queue[sent] as (typeof queue)[number];
        const frame = Buffer.from(item.t.frame);
        frame.writeUInt32BE(item.target, item.t.targetIpAt);
        this.send(item.group.interface, frame);
      }
      if (sent < queue.length) await sleep(Math.max(1, Math.min(50, 1000 / rate - 1)));
    }
    return { sent, sendMs: performance.now() - start };
  }
}
