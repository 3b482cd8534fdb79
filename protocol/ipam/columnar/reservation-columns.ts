// Static reservations (RFC 2131 §4.3.1: by client id, RFC 2132 §9.14, else chaddr) stored column by column:
// a few bytes each in typed arrays instead of one object with string fields per reservation.

import { numberToIpv4 } from '../../net/ipv4-address.js';
import { HEX_PAIRS } from '../../net/mac.js';
import { ipKey, macKey } from '../compact-keys.js';
import type { CustomOption, Reservation } from '../types.js';
import { runToEnd } from '../slices.js';
import { allocate, copyRange, fitArrays, grow } from './column-arrays.js';
import type { ColumnArrays } from './column-arrays.js';

export type { ColumnArrays };

const TWO_32 = 2 ** 32;

/**
 * Immutable once built. Every row is placed: `subnets[subnet[row]]` is its subnet's CIDR. The rare reservation
 * with custom `options` keeps them in a side map, so rows stay fixed-size.
 */
export class ReservationColumns {
  readonly count: number;
  private readonly textBuffer: Buffer;

  constructor(
    readonly subnets: readonly string[],
    readonly arrays: ColumnArrays,
    readonly options: ReadonlyMap<number, CustomOption[]>,
  ) {
    this.count = arrays.ip.length;
    this.textBuffer = Buffer.from(arrays.text.buffer, arrays.text.byteOffset, arrays.text.byteLength);
  }

  static empty(subnets: readonly string[] = []): ReservationColumns {
    return new ColumnsBuilder(subnets, 0).finish();
  }

  /** `reservations` are placed (parseIpam fills `subnet`); rows whose subnet is not in `subnets` are left out. */
  static fromReservations(subnets: readonly string[], reservations: readonly Reservation[]): ReservationColumns {
    const builder = new ColumnsBuilder(subnets, reservations.length);
    for (const reservation of reservations) builder.add(reservation);
    return builder.finish();
  }

  macKeyOf(row: number): number {
    return (this.arrays.macHi[row] ?? 0) * TWO_32 + (this.arrays.macLo[row] ?? 0);
  }

  subnetOf(row: number): string {
    return this.subnets[this.arrays.subnet[row] ?? 0] ?? '';
  }

  /** Compares a row's client id with `clientIdHex` without building a string. */
  clientIdIs(row: number, clientIdHex: string): boolean {
    const { idStart, idLength, text } = this.arrays;
    const length = idLength[row] ?? 0;
    if (length === 0 || length !== clientIdHex.length) return false;
    const start = idStart[row] ?? 0;
    for (let i = 0; i < length; i++) if (text[start + i] !== clientIdHex.charCodeAt(i)) return false;
    return true;
  }

  clientIdOf(row: number): string | undefined {
    const length = this.arrays.idLength[row] ?? 0;
    if (length === 0) return undefined;
    const start = this.arrays.idStart[row] ?? 0;
    return this.textBuffer.toString('latin1', start, start + length);
  }

  hostnameOf(row: number): string | undefined {
    const length = this.arrays.hostLength[row] ?? 0;
    if (length === 0) return undefined;
    const start = this.arrays.hostStart[row] ?? 0;
    return this.textBuffer.toString('utf8', start, start + length);
  }

  /** A new object each call, in the field order parseIpam produces; the caller memoises when identity matters. */
  reservation(row: number): Reservation {
    const hi = this.arrays.macHi[row] ?? 0;
    const lo = this.arrays.macLo[row] ?? 0;
    const mac =
      `${HEX_PAIRS[hi >>> 8]}:${HEX_PAIRS[hi & 255]}:${HEX_PAIRS[lo >>> 24]}:` +
      `${HEX_PAIRS[(lo >>> 16) & 255]}:${HEX_PAIRS[(lo >>> 8) & 255]}:${HEX_PAIRS[lo & 255]}`;
    const out: Reservation = { mac, ip: numberToIpv4(this.arrays.ip[row] ?? 0) };
    const hostname = this.hostnameOf(row);
    if (hostname !== undefined) out.hostname = hostname;
    const clientId = this.clientIdOf(row);
    if (clientId !== undefined) out.client_id = clientId;
    out.subnet = this.subnetOf(row);
    const options = this.options.get(row);
    if (options !== undefined) out.options = options;
    return out;
  }

  *entries(): Generator<Reservation & { subnet: string }> {
    for (let row = 0; row < this.count; row++) yield this.reservation(row) as Reservation & { subnet: string };
  }
}

/** Appends rows (from objects or from another store's rows) and freezes them into a ReservationColumns. */
export class ColumnsBuilder {
  private readonly slots = new Map<string, number>();
  private arrays: ColumnArrays;
  private readonly options = new Map<number, CustomOption[]>();
  private count = 0;
  private textLength = 0;

  constructor(
    readonly subnets: readonly string[],
    capacity: number,
  ) {
    subnets.forEach((cidr, slot) => this.slots.set(cidr, slot));
    this.arrays = allocate(Math.max(16, capacity), Math.max(256, capacity * 8));
  }

  get size(): number {
    return this.count;
  }

  /** False (nothing added) when the reservation's subnet is not one of `subnets` or its MAC/IP is malformed. */
  add(reservation: Reservation): boolean {
    const slot = this.slots.get(reservation.subnet ?? '');
    const mac = macKey(reservation.mac);
    const ip = ipKey(reservation.ip);
    if (slot === undefined || mac === undefined || ip < 0) return false;
    const row = this.nextRow();
    const a = this.arrays;
    a.ip[row] = ip;
    a.macHi[row] = Math.floor(mac / TWO_32);
    a.macLo[row] = mac >>> 0;
    a.subnet[row] = slot;
    // Absent text leaves the row's (0, 0): rows are fresh zeros, never reused.
    if (reservation.hostname !== undefined && reservation.hostname !== '')
      this.addText(row, reservation.hostname, 'utf8', 'host');
    if (reservation.client_id !== undefined && reservation.client_id !== '')
      this.addText(row, reservation.client_id, 'latin1', 'id');
    if (reservation.options !== undefined) this.options.set(row, reservation.options);
    return true;
  }

  /** Copies `row` of `from` without materialising it. */
  copyRow(from: ReservationColumns, row: number): boolean {
    const slot = this.slots.get(from.subnetOf(row));
    if (slot === undefined) return false;
    this.append(from, row, slot, from.options.size > 0);
    return true;
  }

  /**
   * Copies, in order, each row of `from` in [start, end) whose subnet `keepSubnet` accepts and that `keepRow`
   * accepts: copyRow for a whole store (or a slice of one), with the subnets mapped once instead of a Map lookup
   * per row, so a large store is copied fast enough to run between packets.
   */
  copyRows(
    from: ReservationColumns,
    keepSubnet: (cidr: string) => boolean,
    keepRow?: (row: number) => boolean,
    start = 0,
    end = from.count,
  ): void {
    const remap = this.remap(from, keepSubnet);
    const whole = start === 0 && end === from.count;
    if (whole && keepRow === undefined && this.canCopyAll(from, remap)) return runToEnd(this.copyAll(from, Infinity));
    const subnetOf = from.arrays.subnet;
    const withOptions = from.options.size > 0;
    for (let row = start; row < end; row++) {
      const slot = remap[subnetOf[row] ?? 0] ?? -1;
      if (slot >= 0 && (keepRow === undefined || keepRow(row))) this.append(from, row, slot, withOptions);
    }
  }

  /**
   * copyRows of every row of the subnets `keepSubnet` keeps, `sliceRows` rows at a time (yielding between): the
   * arrays copied as they are when they can be (copyAll), else row by row.
   */
  *copyRowsInSlices(
    from: ReservationColumns,
    keepSubnet: (cidr: string) => boolean,
    sliceRows: number,
  ): Generator<void> {
    if (this.canCopyAll(from, this.remap(from, keepSubnet))) return yield* this.copyAll(from, sliceRows);
    for (let start = 0; start < from.count; start += sliceRows) {
      this.copyRows(from, keepSubnet, undefined, start, Math.min(from.count, start + sliceRows));
      yield;
    }
  }

  private remap(from: ReservationColumns, keepSubnet: (cidr: string) => boolean): Int32Array {
    return Int32Array.from(from.subnets, (cidr) => (keepSubnet(cidr) ? (this.slots.get(cidr) ?? -1) : -1));
  }

  /** Empty, and every subnet of `from` kept in the same slot: the arrays can be copied as they are. */
  private canCopyAll(from: ReservationColumns, remap: Int32Array): boolean {
    return this.count === 0 && remap.every((slot, i) => slot === i);
  }

  /**
   * Into an empty builder with the same subnet slots: the arrays as they are, text offsets included, a range of
   * rows at a time. Fresh arrays fault their pages in as they are first written, so the copy is sliced to
   * spread those faults between packets.
   */
  private *copyAll(from: ReservationColumns, sliceRows: number): Generator<void> {
    const f = from.arrays;
    if (this.arrays.ip.length < from.count || this.arrays.text.length < f.text.length) {
      this.arrays = allocate(
        Math.max(this.arrays.ip.length, from.count),
        Math.max(this.arrays.text.length, f.text.length),
      );
    }
    const a = this.arrays;
    for (let start = 0; start < from.count; start += sliceRows) {
      copyRange(f, a, start, Math.min(from.count, start + sliceRows));
      yield;
    }
    // Text is bytes, not rows: a slice of rows' worth at a typical 32 bytes of host name and client id per row.
    const textSlice = sliceRows * 32;
    for (let at = 0; at < f.text.length; at += textSlice) {
      a.text.set(f.text.subarray(at, Math.min(f.text.length, at + textSlice)), at);
      yield;
    }
    this.count = from.count;
    this.textLength = f.text.length;
    for (const [row, options] of from.options) this.options.set(row, options);
  }

  private append(from: ReservationColumns, row: number, slot: number, withOptions: boolean): void {
    const to = this.nextRow();
    const a = this.arrays;
    const f = from.arrays;
    a.ip[to] = f.ip[row] ?? 0;
    a.macHi[to] = f.macHi[row] ?? 0;
    a.macLo[to] = f.macLo[row] ?? 0;
    a.subnet[to] = slot;
    const hostLength = f.hostLength[row] ?? 0;
    if (hostLength !== 0) this.addBytes(to, 'host', f.text, f.hostStart[row] ?? 0, hostLength);
    const idLength = f.idLength[row] ?? 0;
    if (idLength !== 0) this.addBytes(to, 'id', f.text, f.idStart[row] ?? 0, idLength);
    if (!withOptions) return;
    const options = from.options.get(row);
    if (options !== undefined) this.options.set(to, options);
  }

  /**
   * The columns, and the builder is spent. Arrays that are exactly full are handed over rather than copied: for a
   * builder sized to its rows that saves copying every column into fresh memory in one piece.
   */
  finish(): ReservationColumns {
    const arrays = fitArrays(this.arrays, this.count, this.textLength);
    this.arrays = allocate(0, 0);
    this.count = 0;
    this.textLength = 0;
    return new ReservationColumns(this.subnets, arrays, this.options);
  }

  private nextRow(): number {
    if (this.count === this.arrays.ip.length) this.arrays = grow(this.arrays, this.count * 2, this.arrays.text.length);
    return this.count++;
  }

  /** Appends `value` to the text and points the row's `field` at it (after the append: it may regrow the arrays). */
  private addText(row: number, value: string, encoding: 'utf8' | 'latin1', field: 'host' | 'id'): void {
    const length = Buffer.byteLength(value, encoding);
    this.reserveText(length);
    const start = this.textLength;
    const text = this.arrays.text;
    Buffer.from(text.buffer, text.byteOffset, text.byteLength).write(value, start, encoding);
    this.textLength += length;
    this.point(row, field, start, length);
  }

  private point(row: number, field: 'host' | 'id', start: number, length: number): void {
    const a = this.arrays;
    if (field === 'host') {
      a.hostStart[row] = start;
      a.hostLength[row] = length;
    } else {
      a.idStart[row] = start;
      a.idLength[row] = length;
    }
  }

  private addBytes(row: number, field: 'host' | 'id', source: Uint8Array, start: number, length: number): void {
    if (length === 0) return;
    this.reserveText(length);
    const at = this.textLength;
    this.arrays.text.set(source.subarray(start, start + length), at);
    this.textLength += length;
    this.point(row, field, at, length);
  }

  private reserveText(length: number): void {
    if (this.textLength + length > this.arrays.text.length) {
      this.arrays = grow(
        this.arrays,
        this.arrays.ip.length,
        Math.max(this.arrays.text.length * 2, this.textLength + length),
      );
    }
  }
}
