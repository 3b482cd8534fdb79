// The outbox's on-disk journal (PROTOCOL.md §5.4: nothing lost while Redis is away): each spill is one segment
// file of JSON lines, fsynced; segments are sent oldest first and deleted once their events were sent.

import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RackEvent } from '../../protocol/region/events.js';

export interface JournalSegment {
  name: string;
  events: RackEvent[];
}

const SEGMENT = /^(\d{16})\.jsonl$/;

/**
 * Segment names are a zero-padded sequence, so name order is spill order across restarts. A line cut short by a
 * kill mid-append is skipped on read; a segment sent again after a crash is harmless (the region dedups by key).
 */
export class EventJournal {
  private next = 0;
  private segments: string[] = [];
  private counted = 0;

  constructor(readonly dir: string) {}

  /** Lists what a previous run left; returns the number of events waiting. */
  async open(): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((n) => SEGMENT.test(n)).sort();
    this.segments = names;
    const last = names.at(-1);
    this.next = last === undefined ? 1 : Number(SEGMENT.exec(last)?.[1]) + 1;
    this.counted = 0;
    for (const name of names) this.counted += (await this.read(name)).length;
    return this.counted;
  }

  /** Events on disk. */
  get size(): number {
    return this.counted;
  }

  get empty(): boolean {
    return this.segments.length === 0;
  }

  async append(events: readonly RackEvent[]): Promise<void> {
    if (events.length === 0) return;
    const name = `${String(this.next++).padStart(16, '0')}.jsonl`;
    const file = await open(join(this.dir, name), 'wx');
    try {
      await file.writeFile(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      await file.sync();
    } finally {
      await file.close();
    }
    this.segments.push(name);
    this.counted += events.length;
  }

  async oldest(): Promise<JournalSegment | undefined> {
    const name = this.segments[0];
    return name === undefined ? undefined : { name, events: await this.read(name) };
  }

  async remove(segment: JournalSegment): Promise<void> {
    await unlink(join(this.dir, segment.name)).catch(() => undefined);
    this.segments = this.segments.filter((n) => n !== segment.name);
    this.counted = Math.max(0, this.counted - segment.events.length);
  }

  private async read(name: string): Promise<RackEvent[]> {
    const text = await readFile(join(this.dir, name), 'utf8').catch(() => '');
    const events: RackEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as RackEvent);
      } catch {
        // Torn by a kill mid-write: the rest of the segment is still good.
      }
    }
    return events;
  }
}
