// IP address conflicts (RFC 5227 §2.1.1's idea, seen passively): one IP claimed by two MACs within the
// refresh window, an ARP claim on a reserved IP by a MAC other than its reservation's, or a DHCPDECLINE (RFC 2131
// §3.1.5).

import type { ConflictReason, IpConflictEvent, Where } from './events.js';

export interface ConflictDetectorOptions {
  /** A move within this long of the old MAC's last claim is a conflict, not a replaced NIC. @default 600_000 */
  windowMs?: number;
  /** MACs the IPAM reserves an IP for (empty or undefined when unreserved). */
  reservedMacs?: (ip: string) => readonly string[] | undefined;
  /** Conflicts remembered for de-duplication. @default 4096 */
  maxRemembered?: number;
}

export class ConflictDetector {
  private readonly windowMs: number;
  private readonly maxRemembered: number;
  reservedMacs: (ip: string) => readonly string[] | undefined;
  /** (where, ip, macs) → when last reported; an identical conflict is reported once per window. */
  private readonly reported = new Map<string, number>();
  detected = 0;

  constructor(options: ConflictDetectorOptions = {}) {
    this.windowMs = options.windowMs ?? 600_000;
    this.maxRemembered = options.maxRemembered ?? 4096;
    this.reservedMacs = options.reservedMacs ?? (() => undefined);
  }

  /** A binding changed MAC; `previousLastSeen` is when the old MAC last claimed the IP. */
  onMove(
    where: Where,
    ip: string,
    mac: string,
    previousMac: string,
    previousLastSeen: number,
    now: number,
  ): IpConflictEvent | undefined {
    if (now - previousLastSeen >= this.windowMs) return undefined;
    return this.report(where, ip, [mac, previousMac], 'two-macs', now);
  }

  /** An ARP claim: a conflict when the IP is reserved and `mac` is not among its reservations' MACs. */
  onClaim(where: Where, ip: string, mac: string, now: number): IpConflictEvent | undefined {
    const reserved = this.reservedMacs(ip);
    if (reserved === undefined || reserved.length === 0 || reserved.includes(mac)) return undefined;
    return this.report(where, ip, [mac, ...reserved], 'reserved-ip', now);
  }

  /** A client declined `ip` (it found it in use); `holder` is who the binding table says has it. */
  onDecline(
    where: Where,
    ip: string,
    mac: string,
    holder: string | undefined,
    now: number,
  ): IpConflictEvent | undefined {
    return this.report(where, ip, holder === undefined || holder === mac ? [mac] : [mac, holder], 'decline', now);
  }

  clear(): void {
    this.reported.clear();
  }

  private report(
    where: Where,
    ip: string,
    macs: string[],
    reason: ConflictReason,
    now: number,
  ): IpConflictEvent | undefined {
    const key = `${where.interface}|${where.vid ?? 0}|${ip}|${[...macs].sort().join(',')}|${reason}`;
    const last = this.reported.get(key);
    if (last !== undefined && now - last < this.windowMs) return undefined;
    this.reported.delete(key);
    this.reported.set(key, now);
    if (this.reported.size > this.maxRemembered) this.reported.delete(this.reported.keys().next().value as string);
    this.detected++;
    const event: IpConflictEvent = { kind: 'ip-conflict', interface: where.interface, ip, macs, reason, time: now };
    if (where.vid !== undefined) event.vid = where.vid;
    return event;
  }
}
