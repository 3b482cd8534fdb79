// What the rack's durable copy of the region config is made of (PROTOCOL.md §4.4): its position in the region's
// history, the base and the delta records, and the store's options; shared by the store and the base file.

import type { IpamProblem } from '../../protocol/ipam/parse.js';
import type { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import type { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { ConfigChange } from '../../protocol/region/config-entries.js';
import type { Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';

/** Where the rack is in the region's history: what it serves is exactly the result of these revisions. */
export interface AppliedPosition {
  epoch?: string;
  revision: number;
  /** Config stream id of the last entry consumed: following resumes after it. */
  entryId: string;
  /** When the last revision was applied, ms since the epoch. */
  appliedAt?: number;
}

/** What rackd serves, validated before it was applied: the file it is written to is trusted by its digest. */
export interface AppliedBase extends AppliedPosition {
  subnets: (Subnet4Config | Subnet6Config)[];
  /** Keyed by the IPv4 subnets' CIDRs in `subnets` order. */
  reservations: ReservationColumns;
  /** The index over `reservations`, when built already: written beside them, and what a load restores. */
  keys?: ColumnsIndex;
}

/**
 * What a base write saves, taken when the write starts. Columns may come as their build in slices (of the store
 * as it was then), so the write does not hold up packets; `keys` is reused only when it indexes those columns.
 */
export interface BaseToWrite extends Omit<AppliedBase, 'reservations'> {
  reservations: ReservationColumns | Generator<void, ReservationColumns>;
}

/** One consumed revision after the base: a change, or a refusal that consumed its revision (PROTOCOL.md §4.4). */
export interface DeltaRecord extends AppliedPosition {
  change?: ConfigChange;
}

export interface LoadedState {
  base: AppliedBase;
  /** In revision order; a torn last line (killed mid-append) is dropped. */
  deltas: DeltaRecord[];
}

/** The history and revision last written, kept apart from the state so a corrupt state still tells it. */
export interface AppliedFloor {
  epoch?: string;
  revision: number;
}

/**
 * What the state dir held: a state to serve; `refused` when one was written but cannot be used now (corrupt,
 * truncated, deleted under a kept floor); `none` on a first start.
 */
export type StateOnDisk =
  | { kind: 'loaded'; state: LoadedState }
  | { kind: 'refused'; reason: string; floor: AppliedFloor | undefined }
  | { kind: 'none' };

export interface AppliedStateOptions {
  /** `<state_dir>/region`. */
  dir: string;
  /** Wait this long after a change before writing, so a burst of deltas costs one write. @default 200 */
  debounceMs?: number;
  /** Rewrite the base once the log holds this many deltas, so a restart replays few. @default 10000 */
  compactAfter?: number;
  /** A debounced write failed (disk full, permissions); the next change tries again. */
  onError?: (error: Error) => void;
  /** The base on disk is corrupt or invalid: nothing is served from it (the region re-sends everything). */
  onRefused?: (reason: string, problems?: IpamProblem[]) => void;
  /** A new base is on disk; `ms` from the start of its build to the header's rename. */
  onBaseWritten?: (written: { revision: number; reservations: number; bytes: number; ms: number }) => void;
}

/** Writes are serialised on one promise chain; `current` is read at write time, so a base write is never stale. */
