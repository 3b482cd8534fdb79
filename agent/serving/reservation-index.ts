// Static-reservation lookups for the DHCPv4 hot path (RFC 2131 §4.3.1: the server identifies a client by its
// client identifier, option 61, when present, else by chaddr). Immutable; rebuilt whole on config reload.

import { cidrContains, parseCidr4 } from '../../protocol/net/ipv4-address.js';
import type { Ipam, Reservation } from '../../protocol/ipam/types.js';
import { ipKey, macKey } from '../../protocol/ipam/compact-keys.js';
import { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { ColumnsBuilder } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';

export { ipKey, macKey } from '../../protocol/ipam/compact-keys.js';

const TWO_32 = 2 ** 32;
/** Materialised reservations remembered per index: repeat lookups (DISCOVER then REQUEST) get the same object. */
const MEMO_SLOTS = 1 << 17;

/**
 * Rows live in a ReservationColumns and its ColumnsIndex holds row numbers only, so no per-reservation object
 * exists until one is looked up (docs/benchmarks.md has the memory per million).
 */
export class ReservationIndex {
  private readonly slots = new Map<string, number>();
  private readonly counts: number[];
  private readonly memoRows: Int32Array;
  private readonly memo: (Reservation | undefined)[];
  readonly columns: ReservationColumns;

  /** `keys`: the hash tables over `columns`, shared with whoever saves them. */
  private constructor(readonly keys: ColumnsIndex) {
    const columns = keys.columns;
    this.columns = columns;
    columns.subnets.forEach((cidr, slot) => this.slots.set(cidr, slot));
    this.counts = columns.subnets.map(() => 0);
    const allIndexed = keys.size === columns.count;
    for (let row = 0; row < columns.count; row++) {
      const slot = columns.arrays.subnet[row] ?? 0;
      if (allIndexed || keys.indexed(row)) this.counts[slot] = (this.counts[slot] ?? 0) + 1;
    }
    const memoSize = Math.min(MEMO_SLOTS, 1 << Math.ceil(Math.log2(Math.max(16, columns.count))));
    this.memoRows = new Int32Array(memoSize).fill(-1);
    this.memo = new Array<Reservation | undefined>(memoSize);
  }

  /**
   * Expects a validated Ipam (parseIpam): a duplicate is skipped rather than thrown, since the validator
   * already refuses such files. A reservation without `subnet` is placed by its IP.
   */
  static build(ipam: Ipam): ReservationIndex {
    const cidrs: string[] = [];
    const parsed = [];
    for (const subnet of ipam.subnets) {
      const cidr = parseCidr4(subnet.cidr);
      if (cidr === undefined || cidrs.includes(subnet.cidr) || cidrs.length > 0xffff) continue;
      cidrs.push(subnet.cidr);
      parsed.push(cidr);
    }
    const builder = new ColumnsBuilder(cidrs, ipam.reservations.length);
    for (const reservation of ipam.reservations) {
      const ip = ipKey(reservation.ip);
      const subnet = reservation.subnet ?? cidrs[parsed.findIndex((c) => ip >= 0 && cidrContains(c, ip))];
      builder.add(subnet === reservation.subnet ? reservation : { ...reservation, subnet });
    }
    return ReservationIndex.fromColumns(builder.finish());
  }

  /** Indexes every row of `columns` (a duplicate key keeps the first row, as build does); `keys` when built already. */
  static fromColumns(columns: ReservationColumns, keys?: ColumnsIndex): ReservationIndex {
    const index = new ReservationIndex(keys?.columns === columns ? keys : new ColumnsIndex(columns));
    Object.freeze(index);
    return index;
  }

  /** The row of (subnet, MAC), or -1. `mac` in lower-case colon form, as readMac produces it. */
  rowByMac(subnetCidr: string, mac: string): number {
    const slot = this.slots.get(subnetCidr);
    const key = macKey(mac);
    if (slot === undefined || key === undefined) return -1;
    return this.keys.rowByMac(slot, Math.floor(key / TWO_32), key >>> 0);
  }

  rowByClientId(subnetCidr: string, clientIdHex: string): number {
    const slot = this.slots.get(subnetCidr);
    return slot === undefined ? -1 : this.keys.rowByClientId(slot, clientIdHex);
  }

  rowByIp(ip: string): number {
    const key = ipKey(ip);
    return key < 0 ? -1 : this.keys.rowByIp(key);
  }

  byMac(subnetCidr: string, mac: string): Reservation | undefined {
    return this.reservation(this.rowByMac(subnetCidr, mac));
  }

  /** `clientIdHex` as lower-case colon hex, as bytesToColonHex produces it. */
  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined {
    return this.reservation(this.rowByClientId(subnetCidr, clientIdHex));
  }

  byIp(ip: string): Reservation | undefined {
    return this.reservation(this.rowByIp(ip));
  }

  /** The row's reservation, the same object for repeat lookups while it stays in the memo. */
  reservation(row: number): Reservation | undefined {
    if (row < 0) return undefined;
    const at = row & (this.memoRows.length - 1);
    if (this.memoRows[at] === row) return this.memo[at];
    const reservation = this.columns.reservation(row);
    this.memoRows[at] = row;
    this.memo[at] = reservation;
    return reservation;
  }

  /** Reservations indexed. */
  get size(): number {
    return this.keys.size;
  }

  /** Whether any reservation has a client id: when none does, option 61 need not be looked up at all. */
  get hasClientIds(): boolean {
    return this.keys.clientIdCount > 0;
  }

  /** Reservations indexed in one subnet, for summaries. */
  countIn(subnetCidr: string): number {
    const slot = this.slots.get(subnetCidr);
    return slot === undefined ? 0 : (this.counts[slot] ?? 0);
  }

  /** Whether `row` was indexed (a duplicate of an earlier row's IP or (subnet, MAC) is not). */
  indexed(row: number): boolean {
    return this.keys.indexed(row);
  }
}
