// Open-addressing hash tables on typed arrays: PairHashTable (a pair of uint32 keys to an int32) backs the
// validator's uniqueness checks; RowHashTable (row numbers only) the reservation index. No per-entry objects.

import { runToEnd } from './slices.js';

const EMPTY = -1;

/** Fixed capacity, insert-only: it is built once per config load and never resized. */
export class PairHashTable {
  private readonly his: Uint32Array;
  private readonly los: Uint32Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  private count = 0;

  /** Room for `capacity` entries at a load factor of at most one half. */
  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.his = new Uint32Array(slots);
    this.los = new Uint32Array(slots);
    this.values = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  private start(hi: number, lo: number): number {
    // murmur3's finaliser over both halves: MACs and addresses differ mostly in their low bits.
    let h = Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b) ^ lo;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /** Adds an entry; equal keys may coexist (hashed keys), `find` then tells them apart with `accept`. */
  insert(hi: number, lo: number, value: number): void {
    if (this.count * 2 >= this.values.length) throw new RangeError('PairHashTable is full');
    let i = this.start(hi, lo);
    while (this.values[i] !== EMPTY) i = (i + 1) & this.mask;
    this.his[i] = hi;
    this.los[i] = lo;
    this.values[i] = value;
    this.count++;
  }

  /** The first value stored under (hi, lo) that `accept` takes (all, without it); -1 when none. */
  find(hi: number, lo: number, accept?: (value: number) => boolean): number {
    hi >>>= 0;
    lo >>>= 0;
    for (let i = this.start(hi, lo); ; i = (i + 1) & this.mask) {
      const value = this.values[i] ?? EMPTY;
      if (value === EMPTY) return EMPTY;
      if (this.his[i] === hi && this.los[i] === lo && (accept === undefined || accept(value))) return value;
    }
  }
}

/** murmur3's finaliser over two uint32 halves, for RowHashTable keys. */
export function mix(hi: number, lo: number): number {
  let h = Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b) ^ lo;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Open addressing over row numbers only: the keys stay in the caller's columns, so a slot costs 4 bytes.
 * Probe with `start(hash)`, read `rowAt(i)` (-1 ends the chain), step with `next(i)`; the caller compares keys.
 */
export class RowHashTable {
  private readonly rows: Int32Array;
  private readonly mask: number;
  private count = 0;

  /** Room for `capacity` rows at a load factor of at most one half; or over `slots` saved by `slots`. */
  constructor(capacity: number, saved?: { slots: Int32Array; count: number }) {
    this.rows = saved?.slots ?? RowHashTable.emptySlots(capacity);
    this.mask = this.rows.length - 1;
    this.count = saved?.count ?? 0;
  }

  /**
   * Empty slots for `capacity` rows, filled a slice of `sliceSlots` at a time: the fill is what touches the new
   * memory, so its page faults are spread over slices too. The memory is not zeroed first (every slot is filled
   * before the table is handed out): zeroing would touch all of it in one piece.
   */
  static *emptySlotsInSlices(capacity: number, sliceSlots: number): Generator<void, Int32Array> {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    const bytes = Buffer.allocUnsafeSlow(size * Int32Array.BYTES_PER_ELEMENT);
    const slots = new Int32Array(bytes.buffer, bytes.byteOffset, size);
    for (let at = 0; at < size; at += sliceSlots) {
      slots.fill(EMPTY, at, at + sliceSlots);
      if (at + sliceSlots < size) yield;
    }
    return slots;
  }

  static emptySlots(capacity: number): Int32Array {
    return runToEnd(RowHashTable.emptySlotsInSlices(capacity, Infinity));
  }

  /**
   * A table over slots saved from `slots` (the same hash function is assumed); undefined when they cannot be
   * one: not a power of two, over half full, or naming a row outside [0, rows).
   */
  static restore(slots: Int32Array, rows: number): RowHashTable | undefined {
    if (slots.length < 16 || (slots.length & (slots.length - 1)) !== 0) return undefined;
    let count = 0;
    // Indexed, not for-of: this runs over millions of slots at every start.
    for (let i = 0; i < slots.length; i++) {
      const row = slots[i] as number;
      if (row < EMPTY || row >= rows) return undefined;
      if (row !== EMPTY) count++;
    }
    return count * 2 <= slots.length ? new RowHashTable(0, { slots, count }) : undefined;
  }

  /** The slots themselves, for saving: restore() takes them back. */
  get slots(): Int32Array {
    return this.rows;
  }

  get size(): number {
    return this.count;
  }

  start(hash: number): number {
    return hash & this.mask;
  }

  next(i: number): number {
    return (i + 1) & this.mask;
  }

  rowAt(i: number): number {
    return this.rows[i] ?? EMPTY;
  }

  insert(hash: number, row: number): void {
    let i = hash & this.mask;
    while (this.rows[i] !== EMPTY) i = (i + 1) & this.mask;
    this.insertAt(i, row);
  }

  /** Fills the empty slot a probe ended at (`rowAt(i)` was -1), saving the second probe of find-then-insert. */
  insertAt(i: number, row: number): void {
    if (this.count * 2 >= this.rows.length) throw new RangeError('RowHashTable is full');
    if (this.rows[i] !== EMPTY) throw new RangeError('RowHashTable slot is taken');
    this.rows[i] = row;
    this.count++;
  }
}
