// An open-addressing hash table from a pair of uint32 keys to an int32 value, on typed arrays. It backs the
// validator's uniqueness checks and the reservation index: a million entries cost ~24 MB, no per-entry objects.

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
