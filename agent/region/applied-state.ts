// The rack's durable copy of the region config (PROTOCOL.md §4.4: a rack keeps (epoch, revision) with its config):
// a base (applied.json + its checksummed applied-*.bin columns) plus an append-only delta log, one line a delta.

import { mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isSubnet4, parseIpam } from '../../protocol/ipam/parse.js';
import type { IpamProblem } from '../../protocol/ipam/parse.js';
import { ColumnsIndex } from '../../protocol/ipam/columnar/columns-index.js';
import { ReservationColumns } from '../../protocol/ipam/columnar/reservation-columns.js';
import type { ConfigChange } from '../../protocol/region/config-entries.js';
import type { Subnet4Config, Subnet6Config } from '../../protocol/ipam/types.js';
import { sha256Hex } from '../../protocol/region/snapshot.js';
import { columnsSections, decodeColumns } from './applied-binary.js';
import { betweenPackets, writeAtomically, writeColumnsFile } from './state-files.js';

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

/** 1: one JSON document, re-validated at load. 2: a JSON header naming a binary columns file and its SHA-256. */
const FORMAT = 2;
const BIN_FILE = /^applied-[0-9a-f]{16}\.bin$/;
const BIN_OR_TMP = /^applied-([0-9a-f]{16}|new)\.bin(\.tmp)?$/;

/** Why the base on disk is not served. */
interface Refusal {
  reason: string;
  problems?: IpamProblem[];
}

/** The applied.json of format 2: small, so a restart parses only this and checks the digests. */
interface BaseHeader extends AppliedPosition {
  format: 2;
  subnets: (Subnet4Config | Subnet6Config)[];
  reservations: { file: string; count: number; bytes: number; sha256: string };
  /** SHA-256 of this header's JSON without the field itself: a torn or edited header is refused too. */
  sha256?: string;
}

/** Writes are serialised on one promise chain; `current` is read at write time, so a base write is never stale. */
export class AppliedStateStore {
  readonly basePath: string;
  readonly logPath: string;
  private pendingLines: string[] = [];
  private baseDirty = false;
  private logLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly compactAfter: number;

  constructor(
    private readonly options: AppliedStateOptions,
    private readonly current: () => BaseToWrite | undefined,
  ) {
    this.basePath = join(options.dir, 'applied.json');
    this.logPath = join(options.dir, 'applied.log');
    this.debounceMs = options.debounceMs ?? 200;
    this.compactAfter = options.compactAfter ?? 10_000;
  }

  /** undefined when nothing was ever applied (or the base is corrupt or invalid: then the region re-sends it all). */
  async load(): Promise<LoadedState | undefined> {
    await mkdir(this.options.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.basePath, 'utf8');
    } catch {
      return undefined;
    }
    const base = await this.readBase(text).catch((err: unknown): Refusal => ({
      reason: `unreadable: ${(err as Error).message}`,
    }));
    if ('reason' in base) {
      this.options.onRefused?.(base.reason, base.problems);
      return undefined;
    }
    return { base, deltas: await this.readLog(base) };
  }

  private async readBase(text: string): Promise<AppliedBase | Refusal> {
    let doc: { format?: number; revision?: unknown; ipam?: unknown } & Partial<AppliedBase>;
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch {
      return { reason: 'applied.json is not JSON' };
    }
    if (typeof doc.revision !== 'number') return { reason: 'applied.json has no revision' };
    if (doc.format === 1) return this.readLegacy(doc);
    if (doc.format !== FORMAT)
      return { reason: `applied.json is format ${String(doc.format)}, this rackd reads 1 and 2` };
    const header = doc as unknown as BaseHeader;
    const { sha256, ...rest } = header;
    if (sha256 !== sha256Hex(JSON.stringify(rest))) return { reason: 'applied.json does not match its checksum' };
    const { file, bytes, count, sha256: binSha } = header.reservations;
    if (!BIN_FILE.test(file)) return { reason: `applied.json names ${file}` };
    const bin = await readFile(join(this.options.dir, file));
    if (bin.length !== bytes || sha256Hex(bin) !== binSha)
      return { reason: `${file} does not match the checksum in applied.json` };
    const decoded = decodeColumns(bin);
    if (typeof decoded === 'string') return { reason: `${file}: ${decoded}` };
    const { columns, keys } = decoded;
    if (columns.count !== count)
      return { reason: `${file} holds ${columns.count} reservations, applied.json says ${count}` };
    return {
      epoch: header.epoch,
      revision: header.revision,
      entryId: header.entryId,
      appliedAt: header.appliedAt,
      subnets: header.subnets,
      reservations: columns,
      keys,
    };
  }

  /** Format 1 (one JSON document, from an older rackd): validated again, as it always was. */
  private readLegacy(doc: { ipam?: unknown } & Partial<AppliedPosition>): AppliedBase | Refusal {
    const parsed = parseIpam(doc.ipam);
    if (!parsed.ok) return { reason: 'applied.json (format 1) is invalid', problems: parsed.problems.slice(0, 5) };
    const { subnets, reservations } = parsed.ipam;
    const cidrs = subnets.filter(isSubnet4).map((s) => s.cidr);
    return {
      epoch: doc.epoch,
      revision: doc.revision ?? 0,
      entryId: doc.entryId ?? '0-0',
      appliedAt: doc.appliedAt,
      subnets,
      reservations: ReservationColumns.fromReservations(cidrs, reservations),
    };
  }

  private async readLog(base: AppliedBase): Promise<DeltaRecord[]> {
    const deltas: DeltaRecord[] = [];
    let text = '';
    try {
      text = await readFile(this.logPath, 'utf8');
    } catch {
      // No log: nothing after the base.
    }
    let expected = base.revision + 1;
    for (const line of text.split('\n')) {
      const record = parseLine(line);
      if (record === undefined || record.epoch !== base.epoch) continue;
      if (record.revision < expected) continue;
      if (record.revision > expected) break;
      deltas.push(record);
      expected++;
    }
    this.logLines = deltas.length;
    return deltas;
  }

  /** A new base (snapshot applied, subnets rebuilt): written in full at the next flush; the log restarts. */
  baseChanged(): void {
    this.baseDirty = true;
    this.pendingLines = [];
    this.schedule();
  }

  delta(record: DeltaRecord): void {
    if (this.baseDirty) return this.schedule();
    this.pendingLines.push(JSON.stringify(record));
    if (this.logLines + this.pendingLines.length >= this.compactAfter) this.baseDirty = true;
    this.schedule();
  }

  /** Writes whatever is pending now; resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.catch(() => undefined).then(() => this.write());
    return this.chain;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain
        .catch(() => undefined)
        .then(() => this.write())
        .catch((error: unknown) => {
          this.baseDirty = true;
          this.options.onError?.(error as Error);
        });
    }, this.debounceMs);
  }

  private async write(): Promise<void> {
    if (this.baseDirty) {
      const state = this.current();
      this.baseDirty = false;
      this.pendingLines = [];
      if (state === undefined) return;
      // The log is emptied once this base is on disk: deltas applied while it is written (a million reservations
      // take a second) count towards the next compaction from zero, or they would order a second base at once.
      this.logLines = 0;
      await this.writeBase(state);
      await writeAtomically(this.logPath, '');
      return;
    }
    if (this.pendingLines.length === 0) return;
    const lines = this.pendingLines;
    this.pendingLines = [];
    const file = await open(this.logPath, 'a');
    try {
      await file.appendFile(`${lines.join('\n')}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    this.logLines += lines.length;
  }

  /**
   * The columns file first, then the header naming it (the switch is the header's rename), then old files go.
   * `state` is a snapshot (its columns are immutable), so the index and the file are built between packets: with a
   * million reservations that was a second of the packet loop's time in one piece.
   */
  private async writeBase(state: BaseToWrite): Promise<void> {
    const started = performance.now();
    const reservations =
      state.reservations instanceof ReservationColumns ? state.reservations : await betweenPackets(state.reservations);
    const keys =
      state.keys?.columns === reservations ? state.keys : await betweenPackets(ColumnsIndex.building(reservations));
    const { file, bytes, sha256 } = await writeColumnsFile(this.options.dir, columnsSections(reservations, keys));
    const header: BaseHeader = {
      format: FORMAT,
      epoch: state.epoch,
      revision: state.revision,
      entryId: state.entryId,
      appliedAt: state.appliedAt,
      subnets: state.subnets,
      reservations: { file, count: reservations.count, bytes, sha256 },
    };
    await writeAtomically(this.basePath, JSON.stringify({ ...header, sha256: sha256Hex(JSON.stringify(header)) }));
    this.options.onBaseWritten?.({
      revision: state.revision,
      reservations: reservations.count,
      bytes,
      ms: Math.round(performance.now() - started),
    });
    // Older bases, and a tmp file a kill left behind mid-write: only the file the header names is ever read.
    for (const name of await readdir(this.options.dir)) {
      if (BIN_OR_TMP.test(name) && name !== file) await unlink(join(this.options.dir, name)).catch(() => undefined);
    }
  }

  /** Cancels the debounce timer; call flush() first to keep what is pending. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function parseLine(line: string): DeltaRecord | undefined {
  if (line.trim() === '') return undefined;
  try {
    const record = JSON.parse(line) as DeltaRecord;
    return typeof record.revision === 'number' && typeof record.entryId === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}
