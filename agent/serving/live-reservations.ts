// Static reservations that change while serving (RFC 2131 §4.3.1 lookups by client id, else chaddr): the big
// immutable ReservationIndex from the last snapshot as a base, and a small overlay of puts and deletes consulted first.

import { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { SLICE_ROWS, runToEnd } from '../../protocol/ipam/slices.js';
import { ColumnsBuilder, ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { Reservation } from '../../protocol/ipam/types.js';
import { ReservationIndex } from './reservation-index.js';

/** What the DHCPv4 policy needs from a reservation store; ReservationIndex and LiveReservations both fit. */
export interface ReservationLookup {
  byMac(subnetCidr: string, mac: string): Reservation | undefined;
  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined;
  byIp(ip: string): Reservation | undefined;
  readonly size: number;
  /** False only when no reservation has a client id (a true may be stale after deletes: it only costs a lookup). */
  readonly hasClientIds: boolean;
}

/** A reservation placed in its subnet: `subnet` is always set (parseIpam and the delta check fill it). */
export type PlacedReservation = Reservation & { subnet: string };

/** Overlay value: the replacement, or null for "deleted here, whatever the base says". */
type Slot = PlacedReservation | null;

/** A mutation made while a sliced fold was being built: replayed on the fold's result. */
type Change = { put: PlacedReservation } | { remove: { subnet: string; mac: string } };

const pairKey = (subnet: string, id: string) => `${subnet}|${id}`;

/**
 * Every mutation is one synchronous call, so a packet handler (same thread) sees the store before or after a
 * change, never half of it. Removing a reservation tombstones all three of its keys, so a base lookup can only
 * return a reservation that is still current.
 */
export class LiveReservations implements ReservationLookup {
  private readonly macs = new Map<string, Slot>();
  private readonly ips = new Map<string, Slot>();
  private readonly clientIds = new Map<string, Slot>();
  /** Base rows removed or replaced by the overlay: listing and folding skip them. */
  private readonly maskedRows = new Set<number>();
  /** No base row was skipped as a duplicate (always so for validated input): listing needs no index probe. */
  private readonly allIndexed: boolean;
  private count: number;
  /** Set while a sliced fold is being built: the changes it must replay. */
  private changesSinceFold: Change[] | undefined;

  constructor(
    private readonly base: ReservationIndex,
    readonly subnetCidrs: readonly string[],
  ) {
    this.count = base.size;
    this.allIndexed = base.size === base.columns.count;
  }

  static build(subnetCidrs: readonly string[], reservations: readonly PlacedReservation[]): LiveReservations {
    return LiveReservations.fromColumns(subnetCidrs, ReservationColumns.fromReservations(subnetCidrs, reservations));
  }

  /** `columns` was validated before (parseIpam, or the checksummed state file written from a validated model). */
  static fromColumns(
    subnetCidrs: readonly string[],
    columns: ReservationColumns,
    keys?: ColumnsIndex,
  ): LiveReservations {
    return new LiveReservations(ReservationIndex.fromColumns(columns, keys), subnetCidrs);
  }

  byMac(subnetCidr: string, mac: string): Reservation | undefined {
    const hit = this.macs.get(pairKey(subnetCidr, mac));
    return hit === undefined ? this.base.byMac(subnetCidr, mac) : (hit ?? undefined);
  }

  byClientId(subnetCidr: string, clientIdHex: string): Reservation | undefined {
    const hit = this.clientIds.get(pairKey(subnetCidr, clientIdHex));
    return hit === undefined ? this.base.byClientId(subnetCidr, clientIdHex) : (hit ?? undefined);
  }

  byIp(ip: string): Reservation | undefined {
    const hit = this.ips.get(ip);
    return hit === undefined ? this.base.byIp(ip) : (hit ?? undefined);
  }

  get hasClientIds(): boolean {
    return this.clientIds.size > 0 || this.base.hasClientIds;
  }

  get size(): number {
    return this.count;
  }

  /** Entries in the overlay: when this grows large, fold into a new base (see `fold`). */
  get overlaySize(): number {
    return this.macs.size + this.ips.size + this.clientIds.size;
  }

  /** Creates or replaces the reservation of (subnet, MAC). The caller has checked IP and client-id ownership. */
  put(reservation: PlacedReservation): void {
    this.changesSinceFold?.push({ put: reservation });
    this.unset(reservation.subnet, reservation.mac);
    this.macs.set(pairKey(reservation.subnet, reservation.mac), reservation);
    this.ips.set(reservation.ip, reservation);
    if (reservation.client_id !== undefined)
      this.clientIds.set(pairKey(reservation.subnet, reservation.client_id), reservation);
    this.count++;
  }

  /** Removes (subnet, MAC)'s reservation; returns it, or undefined when there was none. */
  remove(subnet: string, mac: string): Reservation | undefined {
    this.changesSinceFold?.push({ remove: { subnet, mac } });
    return this.unset(subnet, mac);
  }

  private unset(subnet: string, mac: string): Reservation | undefined {
    const key = pairKey(subnet, mac);
    const hit = this.macs.get(key);
    const row = hit === undefined ? this.base.rowByMac(subnet, mac) : -1;
    const current = hit === undefined ? this.base.reservation(row) : (hit ?? undefined);
    if (current === undefined) return undefined;
    if (row >= 0) this.maskedRows.add(row);
    this.macs.set(key, null);
    this.ips.set(current.ip, null);
    if (current.client_id !== undefined) this.clientIds.set(pairKey(subnet, current.client_id), null);
    this.count--;
    return current;
  }

  /** Every current reservation: the base's that the overlay did not replace or delete, then the overlay's puts. */
  *entries(): Generator<PlacedReservation> {
    const columns = this.base.columns;
    for (let row = 0; row < columns.count; row++) {
      if (this.current(row)) yield columns.reservation(row) as PlacedReservation;
    }
    for (const slot of this.macs.values()) if (slot !== null) yield slot;
  }

  /** Every current reservation as columns, the base's rows copied without materialising them. O(n). */
  columns(keep: (subnet: string) => boolean = () => true, subnetCidrs = this.subnetCidrs): ReservationColumns {
    return runToEnd(this.columnsInSlices(keep, subnetCidrs, Infinity));
  }

  /**
   * columns() built `sliceRows` base rows at a time, yielding between slices, of the store as it is at this call:
   * the overlay is copied now (the base is immutable), so changes made between slices do not reach the result.
   */
  columnsInSlices(
    keep: (subnet: string) => boolean = () => true,
    subnetCidrs = this.subnetCidrs,
    sliceRows = SLICE_ROWS,
  ): Generator<void, ReservationColumns> {
    const base = this.base.columns;
    if (
      this.overlaySize === 0 &&
      this.allIndexed &&
      subnetCidrs === this.subnetCidrs &&
      sameList(base.subnets, subnetCidrs)
    )
      return already(base);
    const masked = new Set(this.maskedRows);
    const keepRow = masked.size === 0 && this.allIndexed ? undefined : (row: number) => this.current(row, masked);
    const puts = [...this.macs.values()].filter(
      (slot): slot is PlacedReservation => slot !== null && keep(slot.subnet),
    );
    return buildColumns(new ColumnsBuilder(subnetCidrs, this.count), { base, keep, keepRow, puts, sliceRows });
  }

  /** The base's index: it fits what columnsInSlices() returns only when that is the base itself. */
  get baseKeys(): ColumnsIndex | undefined {
    return this.base.keys;
  }

  /** A new store with everything in its base: O(n), so run it when the overlay is large, not per delta. */
  fold(): LiveReservations {
    return runToEnd(this.foldInSlices());
  }

  /**
   * fold() a slice at a time. The new store is built from this one as it is at this call; changes made to this one
   * in the meantime are recorded and replayed on the new one in the last step, so a caller that swaps it in right
   * then (same tick) loses none. One at a time.
   */
  foldInSlices(sliceRows = SLICE_ROWS): Generator<void, LiveReservations> {
    if (this.changesSinceFold !== undefined) throw new Error('a fold of this store is already being built');
    const columns = this.columnsInSlices(undefined, undefined, sliceRows);
    const changes: Change[] = [];
    this.changesSinceFold = changes;
    return this.completeFold(columns, changes, sliceRows);
  }

  private *completeFold(
    columns: Generator<void, ReservationColumns>,
    changes: readonly Change[],
    sliceRows: number,
  ): Generator<void, LiveReservations> {
    try {
      const built = yield* columns;
      const keys = yield* ColumnsIndex.building(built, sliceRows);
      const next = LiveReservations.fromColumns(this.subnetCidrs, built, keys);
      for (const change of changes) {
        if ('put' in change) next.put(change.put);
        else next.remove(change.remove.subnet, change.remove.mac);
      }
      return next;
    } finally {
      this.changesSinceFold = undefined;
    }
  }

  /** `masked` defaults to the live set; a sliced build passes the copy it took when it started. */
  private current(row: number, masked: ReadonlySet<number> = this.maskedRows): boolean {
    return !masked.has(row) && (this.allIndexed || this.base.indexed(row));
  }
}

interface ColumnsPlan {
  base: ReservationColumns;
  keep: (subnet: string) => boolean;
  /** undefined: every row of a kept subnet (the base's arrays may then be copied whole). */
  keepRow: ((row: number) => boolean) | undefined;
  puts: readonly PlacedReservation[];
  sliceRows: number;
}

function* buildColumns(builder: ColumnsBuilder, plan: ColumnsPlan): Generator<void, ReservationColumns> {
  const { base, keep, keepRow, sliceRows } = plan;
  if (keepRow === undefined) yield* builder.copyRowsInSlices(base, keep, sliceRows);
  else {
    for (let start = 0; start < base.count; start += sliceRows) {
      builder.copyRows(base, keep, keepRow, start, Math.min(base.count, start + sliceRows));
      yield;
    }
  }
  // An add parses its MAC and address, tens of times the work of a row copy: fewer of them per slice.
  const putsPerSlice = Math.max(1, Math.floor(sliceRows / 16));
  for (let i = 0; i < plan.puts.length; i++) {
    builder.add(plan.puts[i] as PlacedReservation);
    if ((i + 1) % putsPerSlice === 0) yield;
  }
  return builder.finish();
}

/** A build that is done at once: the store is its base, with nothing to copy. */
// eslint-disable-next-line require-yield -- nothing to wait for, but callers take any build as a generator.
function* already<T>(value: T): Generator<void, T> {
  return value;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
