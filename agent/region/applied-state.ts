// The rack's durable copy of the region config (PROTOCOL.md §4.4: a rack keeps (epoch, revision) with its config):
// a base (applied.json + its checksummed applied-*.bin columns) plus an append-only delta log, one line a delta.

import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBase, writeBase } from './applied-base-file.js';
import type { BaseRefusal } from './applied-base-file.js';
import { writeAtomically } from './state-files.js';
import type {
  AppliedBase,
  AppliedFloor,
  AppliedStateOptions,
  BaseToWrite,
  DeltaRecord,
  LoadedState,
  StateOnDisk,
} from './applied-types.js';

export type {
  AppliedBase,
  AppliedPosition,
  AppliedStateOptions,
  BaseToWrite,
  DeltaRecord,
  LoadedState,
} from './applied-types.js';

export class AppliedStateStore {
  readonly basePath: string;
  readonly logPath: string;
  /** applied-floor.json: the written position, kept apart from the state it describes. */
  readonly floorPath: string;
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
    this.floorPath = join(options.dir, 'applied-floor.json');
    this.debounceMs = options.debounceMs ?? 200;
    this.compactAfter = options.compactAfter ?? 10_000;
  }

  /** undefined when nothing was ever applied (or the base is corrupt or invalid: then the region re-sends it all). */
  /** The state to serve, or undefined when there is none or it is refused (read() tells which). */
  async load(): Promise<LoadedState | undefined> {
    const onDisk = await this.read();
    return onDisk.kind === 'loaded' ? onDisk.state : undefined;
  }

  async read(): Promise<StateOnDisk> {
    await mkdir(this.options.dir, { recursive: true });
    const floor = await this.readFloor();
    let text: string;
    try {
      text = await readFile(this.basePath, 'utf8');
    } catch {
      if (floor === undefined) return { kind: 'none' };
      this.options.onRefused?.('missing: the state was written before and is gone');
      return { kind: 'refused', reason: 'missing', floor };
    }
    const base = await readBase(this.options.dir, text).catch((err: unknown): BaseRefusal => ({
      reason: `unreadable: ${(err as Error).message}`,
    }));
    if ('reason' in base) {
      this.options.onRefused?.(base.reason, base.problems);
      return { kind: 'refused', reason: base.reason, floor };
    }
    return { kind: 'loaded', state: { base, deltas: await this.readLog(base) } };
  }

  private async readFloor(): Promise<AppliedFloor | undefined> {
    try {
      const floor = JSON.parse(await readFile(this.floorPath, 'utf8')) as AppliedFloor;
      return typeof floor.revision === 'number' ? floor : undefined;
    } catch {
      return undefined;
    }
  }

  /** After each write: where the written state stands, in a file of its own. */
  private async writeFloor(floor: AppliedFloor): Promise<void> {
    await writeAtomically(this.floorPath, JSON.stringify({ epoch: floor.epoch, revision: floor.revision }));
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
      await writeBase(this.options, this.basePath, state);
      await writeAtomically(this.logPath, '');
      await this.writeFloor(state);
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
    const last = JSON.parse(lines[lines.length - 1] as string) as DeltaRecord;
    await this.writeFloor(last);
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
