// Static-reservation lookups for the DHCPv4 hot path (RFC 2131 §4.3.1: the server identifies a client by its
// client identifier, option 61, when present, else by chaddr). Immutable; rebuilt whole on config reload.

import { cidrContains, parseCidr4 } from '../../protocol/net/ipv4-address.js';
import type { Cidr4 } from '../../protocol/net/ipv4-address.js';
import type { Ipam, Reservation } from '../../protocol/ipam/types.js';
import { hashText, ipKey, macKey } from '../../protocol/ipam/compact-keys.js';
import { PairHashTable } from '../../protocol/ipam/pair-hash-table.js';

export { ipKey, macKey } from '../../protocol/ipam/compact-keys.js';

const TWO_32 = 2 ** 32;

interface SubnetSlot {
  cidr: Cidr4;
  text: string;
  count: number;
}

/**
 * Keys: (subnet slot << 16 | MAC's top 16 bits, MAC's low 32 bits) for MACs; (0, address) for IPs;
 * (subnet slot, hash of client id) for client ids. Values are positions in `reservations`.
 */
export class ReservationIndex {
  private readonly slots = new Map<string, number>();
  private readonly subnets: SubnetSlot[] = [];
  private readonly reservations: Reservation[] = [];
  private readonly macs: PairHashTable;
  private readonly ips: PairHashTable;
  private readonly clientIds: PairHashTable;

  private constructor(capacity: number) {
    this.macs = new PairHashTable(capacity);
    this.ips = new PairHashTable(capacity);
    this.clientIds = new PairHashTable(capacity);
  }

  /**
   * Expects a validated Ipam (parseIpam): a duplicate is skipped rather than thrown, since the validator
   * already refuses such files. A reservation without `subnet` is placed by its IP.
   */
  static build(ipam: Ipam): ReservationIndex {
    const index = new ReservationIndex(ipam.reservations.length);
    for (const subnet of ipam.subnets) {
      const cidr = parseCidr4(subnet.cidr);
      if (cidr === undefined || index.slots.has(subnet.cidr) || index.subnets.length > 0xffff) continue;
      index.slots.set(subnet.cidr, index.subnets.length);
      index.subnets.push({ cidr, text: subnet.cidr, count: 0 });
    }
    for (const reservation of ipam.reservations) index.add(reservation);
    Object.freeze(index);
    return index;
  }

  private add(reservation: Reservation): void {
    const ip = ipKey(reservation.ip);
    const slot = reservation.subnet === undefined
      ? this.subnets.findIndex((s) => cidrContains(s.cidr, ip))
      : this.slots.get(reservation.subnet) ?? -1;
    const mac = macKey(reservation.mac);
    const subnet = this.subnets[slot];
    if (subnet === undefined || mac === undefined || ip < 0 || this.ips.find(0, ip) >= 0) return;
    const macHi = (slot * 0x10000 + Math.floor(mac / TWO_32)) >>> 0;
    if (this.macs.find(macHi, mac >>> 0) >= 0) return;
    const position = this.reservations.push(reservation) - 1;
    subnet.count++;
    this.ips.insert(0, ip, position);
    this.macs.insert(macHi, mac >>> 0, position);
    const clientId = reservation.client_id;
    if (clientId !== undefined && this.byClientId(subnet.text, clientId) === undefined) {
      this.clientIds.insert(slot, hashText(clientId), position);
    }
  }

  /** `mac` in lower-case colon form, as readMac produces it. */
  byMac(subnetCidr: string, mac: string): Reservation | undefined {
    const slot = this.slots.get(subnetCidr);
    const key = macKey(mac);
    if (slot === undefined || key === undefined) return undefined;
    return this.reservations[this.macs.find(slot * 0x10000 + Math.floor(key / TWO_32), key >>> 0)];
  }

  /** `clientIdHex` as lower-case colon hex, as bytesToColonHex produces it. */
  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined {
    const slot = this.slots.get(subnetCidr);
    if (slot === undefined) return undefined;
    const position = this.clientIds.find(slot, hashText(clientIdHex), (p) => this.reservations[p]?.client_id === clientIdHex);
    return this.reservations[position];
  }

  byIp(ip: string): Reservation | undefined {
    const key = ipKey(ip);
    return key < 0 ? undefined : this.reservations[this.ips.find(0, key)];
  }

  /** Reservations indexed. */
  get size(): number {
    return this.reservations.length;
  }

  /** Reservations indexed in one subnet, for summaries. */
  countIn(subnetCidr: string): number {
    const slot = this.slots.get(subnetCidr);
    return slot === undefined ? 0 : (this.subnets[slot]?.count ?? 0);
  }
}
