// IP ↔ MAC bindings learnt from ARP (RFC 826 §"Packet Reception"): one entry per (interface, vid, ip), with
// new/moved/refreshed decided here. Bounded: under an ARP storm the least recently seen entry is evicted.

export type BindingChange =
  | { change: 'new' }
  | { change: 'moved'; previousMac: string; previousLastSeen: number }
  | { change: 'refreshed' }
  | { change: 'unchanged' };

export interface Binding {
  interface: string;
  vid?: number;
  ip: string;
  mac: string;
  firstSeen: number;
  lastSeen: number;
  /** When a new/moved/refreshed event was last emitted for it. */
  lastReported: number;
}

export interface BindingTableOptions {
  /** An unchanged binding is reported again at most this often. @default 600_000 */
  refreshIntervalMs?: number;
  /** Entries kept; beyond this the least recently seen is evicted (and counted). @default 65_536 */
  maxEntries?: number;
}

// The interface is part of the key: two untagged segments on two ports may reuse the same addresses.
const keyOf = (iface: string, vid: number | undefined, ip: string) => `${iface}|${vid ?? 0}|${ip}`;

export class BindingTable {
  readonly refreshIntervalMs: number;
  readonly maxEntries: number;
  evicted = 0;
  /** Insertion order is recency order: a touched entry is moved to the end. */
  private readonly entries = new Map<string, Binding>();

  constructor(options: BindingTableOptions = {}) {
    this.refreshIntervalMs = options.refreshIntervalMs ?? 600_000;
    this.maxEntries = options.maxEntries ?? 65_536;
    if (!(this.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(iface: string, vid: number | undefined, ip: string): Binding | undefined {
    return this.entries.get(keyOf(iface, vid, ip));
  }

  /** Records that `mac` claims `ip` now and says what changed. */
  observe(iface: string, vid: number | undefined, ip: string, mac: string, now: number): BindingChange {
    const key = keyOf(iface, vid, ip);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.insert(key, {
        interface: iface,
        ...(vid === undefined ? {} : { vid }),
        ip,
        mac,
        firstSeen: now,
        lastSeen: now,
        lastReported: now,
      });
      return { change: 'new' };
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (entry.mac !== mac) {
      const moved: BindingChange = { change: 'moved', previousMac: entry.mac, previousLastSeen: entry.lastSeen };
      Object.assign(entry, { mac, firstSeen: now, lastSeen: now, lastReported: now });
      return moved;
    }
    entry.lastSeen = now;
    if (now - entry.lastReported < this.refreshIntervalMs) return { change: 'unchanged' };
    entry.lastReported = now;
    return { change: 'refreshed' };
  }

  /** Every binding, least recently seen first. */
  list(): Binding[] {
    return [...this.entries.values()].map((b) => ({ ...b }));
  }

  /** Restores bindings (from the state file) without reporting them again until the refresh interval. */
  restore(bindings: readonly Binding[]): void {
    for (const b of bindings) this.insert(keyOf(b.interface, b.vid, b.ip), { ...b });
  }

  clear(): number {
    const count = this.entries.size;
    this.entries.clear();
    return count;
  }

  private insert(key: string, binding: Binding): void {
    this.entries.delete(key);
    this.entries.set(key, binding);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evicted++;
    }
  }
}
