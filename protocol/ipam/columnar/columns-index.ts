// Hash indexes over reservation columns by the keys RFC 2131 §4.3.1 looks clients up with (client id, RFC 2132
// §9.14, else chaddr) and by address: row numbers only, keys compared against the columns, duplicates counted.

import { hashText } from '../compact-keys.js';
import { RowHashTable, mix } from '../pair-hash-table.js';
import { SLICE_ROWS, runToEnd } from '../slices.js';
import type { ReservationColumns } from './reservation-columns.js';

interface SavedTables {
  ips: RowHashTable;
  macs: RowHashTable;
  clientIds: RowHashTable;
}

/** Tables sized for `columns`, with nothing in them yet, made a slice of slots at a time. */
function* emptyTables(columns: ReservationColumns, sliceSlots: number): Generator<void, SavedTables> {
  const { idLength } = columns.arrays;
  let withIds = 0;
  // Counted a slice at a time too: over a million rows this loop alone would hold up packets.
  for (let from = 0; from < columns.count; from += sliceSlots) {
    const to = Math.min(columns.count, from + sliceSlots);
    for (let row = from; row < to; row++) if (idLength[row] !== 0) withIds++;
    if (to < columns.count) yield;
  }
  const table = function* (capacity: number): Generator<void, RowHashTable> {
    return new RowHashTable(0, { slots: yield* RowHashTable.emptySlotsInSlices(capacity, sliceSlots), count: 0 });
  };
  return { ips: yield* table(columns.count), macs: yield* table(columns.count), clientIds: yield* table(withIds) };
}

/**
 * Immutable once built. A row whose IP or (subnet, MAC) an earlier row already holds is left out and counted in
 * `duplicates`; a client id already used in the subnet is not indexed for the later row (`duplicateClientIds`).
 * Validated input has neither, so a validator can build this once and hand it on to the server.
 */
export class ColumnsIndex {
  private readonly macs: RowHashTable;
  private readonly ips: RowHashTable;
  private readonly clientIds: RowHashTable;
  private duplicateRows = 0;
  private duplicateIds = 0;

  constructor(
    readonly columns: ReservationColumns,
    saved?: SavedTables,
  ) {
    const tables = saved ?? runToEnd(emptyTables(columns, Infinity));
    [this.ips, this.macs, this.clientIds] = [tables.ips, tables.macs, tables.clientIds];
    if (saved === undefined) this.insert(0, columns.count);
  }

  /**
   * The same index, built `sliceRows` rows at a time: it yields between slices, so a caller on an event loop can
   * let packets through while a million rows are indexed (about a quarter of a second in one piece).
   */
  static *building(columns: ReservationColumns, sliceRows = SLICE_ROWS): Generator<void, ColumnsIndex> {
    const index = new ColumnsIndex(columns, yield* emptyTables(columns, sliceRows * 4));
    for (let from = 0; from < columns.count; from += sliceRows) {
      index.insert(from, Math.min(columns.count, from + sliceRows));
      yield;
    }
    return index;
  }

  /** Rows left out: their IP or (subnet, MAC) repeats an earlier row's. */
  get duplicates(): number {
    return this.duplicateRows;
  }

  /** Rows whose client id an earlier row of the subnet already holds: indexed, but not by that client id. */
  get duplicateClientIds(): number {
    return this.duplicateIds;
  }

  private insert(from: number, to: number): void {
    for (let row = from; row < to; row++) {
      const added = this.add(row);
      if (added === 'duplicate') this.duplicateRows++;
      else if (added === 'duplicate-client-id') this.duplicateIds++;
    }
  }

  /**
   * An index over `columns` from the tables `tables` saved, without re-inserting a row: only for tables written
   * with these very columns and checked since (by digest). undefined when they do not fit the columns.
   */
  static restore(
    columns: ReservationColumns,
    tables: { ips: Int32Array; macs: Int32Array; clientIds: Int32Array },
  ): ColumnsIndex | undefined {
    const ips = RowHashTable.restore(tables.ips, columns.count);
    const macs = RowHashTable.restore(tables.macs, columns.count);
    const clientIds = RowHashTable.restore(tables.clientIds, columns.count);
    if (
      ips === undefined ||
      macs === undefined ||
      clientIds === undefined ||
      ips.size !== columns.count ||
      macs.size !== columns.count
    )
      return undefined;
    return new ColumnsIndex(columns, { ips, macs, clientIds });
  }

  /** The hash tables' slots, for saving beside the columns. */
  get tables(): { ips: Int32Array; macs: Int32Array; clientIds: Int32Array } {
    return { ips: this.ips.slots, macs: this.macs.slots, clientIds: this.clientIds.slots };
  }

  /** Rows indexed. */
  get size(): number {
    return this.macs.size;
  }

  /** Rows indexed by client id: 0 lets a lookup skip option 61 altogether. */
  get clientIdCount(): number {
    return this.clientIds.size;
  }

  private add(row: number): 'ok' | 'duplicate' | 'duplicate-client-id' {
    const c = this.columns.arrays;
    const slot = c.subnet[row] ?? 0;
    const ip = c.ip[row] ?? 0;
    const hi = c.macHi[row] ?? 0;
    const lo = c.macLo[row] ?? 0;
    const ipAt = this.probeIp(ip);
    const macAt = this.probeMac(slot, hi, lo);
    if (this.ips.rowAt(ipAt) >= 0 || this.macs.rowAt(macAt) >= 0) return 'duplicate';
    this.ips.insertAt(ipAt, row);
    this.macs.insertAt(macAt, row);
    const clientId = this.columns.clientIdOf(row);
    if (clientId === undefined) return 'ok';
    const idAt = this.probeClientId(slot, clientId);
    if (this.clientIds.rowAt(idAt) >= 0) return 'duplicate-client-id';
    this.clientIds.insertAt(idAt, row);
    return 'ok';
  }

  // The probe loops are written out (no callbacks): they run per packet. Each returns the slot holding the key,
  // or the empty slot where it would go.

  private probeIp(ip: number): number {
    const table = this.ips;
    const ips = this.columns.arrays.ip;
    let i = table.start(mix(0, ip));
    for (let row = table.rowAt(i); row >= 0 && ips[row] !== ip; row = table.rowAt(i)) i = table.next(i);
    return i;
  }

  private probeMac(slot: number, hi: number, lo: number): number {
    const table = this.macs;
    const c = this.columns.arrays;
    let i = table.start(mix(slot * 0x10000 + hi, lo));
    for (
      let row = table.rowAt(i);
      row >= 0 && !(c.macLo[row] === lo && c.macHi[row] === hi && c.subnet[row] === slot);
      row = table.rowAt(i)
    )
      i = table.next(i);
    return i;
  }

  private probeClientId(slot: number, clientIdHex: string): number {
    const table = this.clientIds;
    const c = this.columns;
    let i = table.start(mix(slot, hashText(clientIdHex)));
    for (
      let row = table.rowAt(i);
      row >= 0 && !(c.arrays.subnet[row] === slot && c.clientIdIs(row, clientIdHex));
      row = table.rowAt(i)
    )
      i = table.next(i);
    return i;
  }

  /** The row holding `ip` (a uint32), or -1. */
  rowByIp(ip: number): number {
    return this.ips.rowAt(this.probeIp(ip));
  }

  /** The row of (subnet slot, MAC as its top 16 and low 32 bits), or -1. */
  rowByMac(slot: number, hi: number, lo: number): number {
    return this.macs.rowAt(this.probeMac(slot, hi, lo));
  }

  /** The row of (subnet slot, client id as lower-case colon hex), or -1. */
  rowByClientId(slot: number, clientIdHex: string): number {
    return this.clientIds.rowAt(this.probeClientId(slot, clientIdHex));
  }

  /** Whether `row` was indexed (not left out as a duplicate). */
  indexed(row: number): boolean {
    return this.rowByIp(this.columns.arrays.ip[row] ?? 0) === row;
  }
}
