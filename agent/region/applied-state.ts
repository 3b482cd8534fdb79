// The rack's durable copy of the region config (PROTOCOL.md §4.4: a rack keeps (epoch, revision) with its config):
// a base document in applied.json (atomic write + fsync) plus an append-only delta log, so a delta costs one line.

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigChange } from '../../protocol/region/config-entries.js';
import type { Ipam } from '../../protocol/ipam/types.js';

/** Where the rack is in the region's history: what it serves is exactly the result of these revisions. */
export interface AppliedPosition {
  epoch?: string;
  revision: number;
  /** Config stream id of the last entry consumed: following resumes after it. */
  entryId: string;
  /** When the last revision was applied, ms since the epoch. */
  appliedAt?: number;
}

export interface AppliedBase extends AppliedPosition {
  ipam: Ipam;
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
}

const FORMAT = 1;

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

  constructor(private readonly options: AppliedStateOptions, private readonly current: () => AppliedBase | undefined) {
    this.basePath = join(options.dir, 'applied.json');
    this.logPath = join(options.dir, 'applied.log');
    this.debounceMs = options.debounceMs ?? 200;
    this.compactAfter = options.compactAfter ?? 10_000;
  }

  /** undefined when nothing was ever applied (or applied.json is unreadable: then the region re-sends it all). */
  async load(): Promise<LoadedState | undefined> {
    await mkdir(this.options.dir, { recursive: true });
    let base: AppliedBase;
    try {
      const doc = JSON.parse(await readFile(this.basePath, 'utf8')) as { format?: number } & AppliedBase;
      if (doc.format !== FORMAT || typeof doc.revision !== 'number' || typeof doc.ipam !== 'object') return undefined;
      base = { epoch: doc.epoch, revision: doc.revision, entryId: doc.entryId, appliedAt: doc.appliedAt, ipam: doc.ipam };
    } catch {
      return undefined;
    }
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
    return { base, deltas };
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
      this.chain = this.chain.catch(() => undefined).then(() => this.write()).catch((error: unknown) => {
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
      await writeAtomically(this.basePath, JSON.stringify({ format: FORMAT, ...state }));
      await writeAtomically(this.logPath, '');
      this.logLines = 0;
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

/** tmp file, fsync, rename over, fsync the directory: after a crash the file is the old one or the new one. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dirFd = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
