// Events up to the region (PROTOCOL.md §5.4): a bounded memory queue that spills to the on-disk journal while Redis
// is away, sent in order as batches, and each sent batch kept until the region's consumer group has acked it.
// A batch waits a few ms for company: a burst (every busy MAC's first dhcp-activity of a minute) then goes as a few
// full entries instead of one signed XADD per event, which had doubled rackd's CPU for seconds under load.

import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { MAX_EVENTS_PER_ENTRY } from '../../protocol/region/event-entries.js';
import type { RackEvent } from '../../protocol/region/events.js';
import type { EventJournal } from './event-journal.js';

/** What the outbox needs from Redis; event-transport.ts implements it over the command connection. */
export interface OutboxTransport {
  /** XADD one batch; resolves with the entry id. Rejects at once when Redis is away (no offline queue). */
  send(events: readonly RackEvent[]): Promise<string>;
  /** Whether the region group acked `id`; `gone` when the entry is no longer in the stream (trimmed or data lost). */
  ackState(ids: readonly string[]): Promise<Map<string, 'acked' | 'pending' | 'gone'>>;
}

export interface OutboxOptions {
  journal: EventJournal;
  transport: OutboxTransport;
  logger: Logger;
  /** Events held in memory before spilling to the journal. @default 10000 */
  memoryLimit?: number;
  /** Sent events kept for resending until acked; beyond this the oldest are forgotten. @default 100000 */
  keepLimit?: number;
  /** Journal events older than this are dropped, so a resend falls in the region's 48 h dedup window. @default 24 h */
  maxAgeMs?: number;
  /** How long a partial batch waits for more events before it is sent; a full one goes at once. @default 10 */
  lingerMs?: number;
  now?: () => number;
}

interface SentBatch {
  id: string;
  events: readonly RackEvent[];
}

/**
 * Order: resends (oldest), then journal segments, then memory. One pump runs at a time. Nothing is dropped on a
 * failed send: the batch goes back to the front, memory spills to disk, and the pump waits for `resume()`.
 */
export class Outbox {
  private memory: RackEvent[] = [];
  private resend: RackEvent[] = [];
  private sent: SentBatch[] = [];
  private pumping: Promise<void> | undefined;
  private online = false;
  private closed = false;
  private spilling: Promise<void> = Promise.resolve();
  private spillTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the oldest event in `memory` arrived (or was left behind by the last send). */
  private memorySince = 0;
  /** Calls of flush() in progress: while any is, a partial batch does not wait. */
  private flushes = 0;
  private unackedCount = 0;
  private readonly memoryLimit: number;
  private readonly keepLimit: number;
  private readonly maxAgeMs: number;
  private readonly lingerMs: number;
  private readonly now: () => number;
  droppedOld = 0;

  constructor(private readonly options: OutboxOptions) {
    this.memoryLimit = options.memoryLimit ?? 10_000;
    this.keepLimit = options.keepLimit ?? 100_000;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    this.lingerMs = options.lingerMs ?? 10;
    this.now = options.now ?? Date.now;
  }

  /** Events not yet sent (memory, resends and journal). */
  get queued(): number {
    return this.memory.length + this.resend.length + this.options.journal.size;
  }

  /** Sent, waiting for the region's ack. */
  get unacked(): number {
    return this.unackedCount;
  }

  emit(event: RackEvent): void {
    if (this.closed) return;
    if (this.memory.length === 0) this.memorySince = performance.now();
    this.memory.push(event);
    if (this.memory.length >= this.memoryLimit) void this.spill();
    else if (this.online) this.schedule();
    // Offline, events reach the disk within a moment, so a crash while Redis is away loses at most that moment.
    else
      this.spillTimer ??= setTimeout(() => {
        this.spillTimer = undefined;
        if (!this.online) void this.spill();
      }, 250);
  }

  /** Redis is reachable again (or for the first time): send what waits. */
  resume(): void {
    this.online = true;
    this.kick();
  }

  /** Redis went away: memory spills to disk so a crash now loses nothing. */
  pause(): void {
    this.online = false;
    void this.spill();
  }

  /** Sends everything queued, partial batches included; resolves when done or when a send fails. */
  async flush(): Promise<void> {
    this.flushes++;
    try {
      this.kick();
      // A pump that ended just as this was called may have started another for what it left: wait for that too.
      while (this.pumping !== undefined) await this.pumping;
    } finally {
      this.flushes--;
    }
  }

  private kick(): void {
    if (this.pumping !== undefined || this.closed) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // Events that arrived during the last send.
      this.schedule();
    });
  }

  /** Resends and full batches go now; a partial batch once its oldest event has waited `lingerMs`. */
  private schedule(): void {
    if (!this.online || this.closed || this.pumping !== undefined) return;
    if (this.resend.length > 0 || this.memoryDue()) {
      this.kick();
      return;
    }
    if (this.memory.length === 0 || this.lingerTimer !== undefined) return;
    const wait = Math.max(0, this.lingerMs - (performance.now() - this.memorySince));
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.schedule();
    }, wait);
  }

  private memoryDue(): boolean {
    if (this.memory.length === 0) return false;
    return (
      this.memory.length >= MAX_EVENTS_PER_ENTRY ||
      this.flushes > 0 ||
      performance.now() - this.memorySince >= this.lingerMs
    );
  }

  private spill(): Promise<void> {
    this.spilling = this.spilling.then(async () => {
      const events = this.memory;
      this.memory = [];
      try {
        await this.options.journal.append(events);
      } catch (error) {
        // Disk failed too: keep them in memory rather than lose them.
        this.memory = events.concat(this.memory);
        this.options.logger.error(
          { event: 'region.events.journal-failed', err: error },
          'cannot write the event journal',
        );
      }
    });
    return this.spilling;
  }

  private async pump(): Promise<void> {
    let count = 0;
    try {
      await this.spilling;
      while (this.online && !this.closed) {
        if (this.resend.length > 0) {
          count += await this.sendFrom(this.resend);
          continue;
        }
        const segment = await this.options.journal.oldest();
        if (segment !== undefined) {
          const fresh = this.dropOld(segment.events);
          while (fresh.length > 0) count += await this.sendFrom(fresh);
          await this.options.journal.remove(segment);
          continue;
        }
        if (!this.memoryDue()) break;
        count += await this.sendFrom(this.memory);
        // What arrived during that send waits its own linger, so a burst is sent as full batches, not a trickle.
        this.memorySince = performance.now();
      }
    } catch (error) {
      this.online = false;
      this.options.logger.debug(
        { event: 'region.events.send-failed', err: error },
        'event send failed; spilling to the journal',
      );
      await this.spill();
    }
    if (count > 0)
      this.options.logger.info({ event: 'region.events.flushed', count }, `${count} events sent to the region`);
  }

  /** Sends the head of `queue` as one batch and removes it only once Redis has it. */
  private async sendFrom(queue: RackEvent[]): Promise<number> {
    const batch = queue.slice(0, MAX_EVENTS_PER_ENTRY);
    const id = await this.options.transport.send(batch);
    queue.splice(0, batch.length);
    this.sent.push({ id, events: batch });
    this.unackedCount += batch.length;
    while (this.unackedCount > this.keepLimit)
      this.unackedCount -= this.sent.shift()?.events.length ?? this.unackedCount;
    return batch.length;
  }

  private dropOld(events: RackEvent[]): RackEvent[] {
    const cutoff = this.now() - this.maxAgeMs;
    const fresh = events.filter((e) => e.time >= cutoff);
    const dropped = events.length - fresh.length;
    if (dropped > 0) {
      this.droppedOld += dropped;
      this.options.logger.warn(
        { event: 'region.events.expired', count: dropped },
        `${dropped} journaled events older than ${this.maxAgeMs / 3600_000} h dropped`,
      );
    }
    return fresh;
  }

  /**
   * Forgets batches the region acked; queues for resending, in order, batches whose entry vanished unacked
   * (trimmed, or Redis lost its data). Errors leave everything as it was.
   */
  async checkAcks(): Promise<void> {
    if (this.sent.length === 0 || !this.online) return;
    const batches = this.sent;
    const states = await this.options.transport.ackState(batches.map((b) => b.id));
    const keep: SentBatch[] = [];
    const again: RackEvent[] = [];
    for (const batch of batches) {
      const state = states.get(batch.id) ?? 'pending';
      if (state === 'pending') keep.push(batch);
      else if (state === 'gone') again.push(...batch.events);
    }
    // Batches sent while we were asking are newer: keep them after the ones still pending.
    this.sent = keep.concat(this.sent.slice(batches.length));
    this.unackedCount = this.sent.reduce((n, b) => n + b.events.length, 0);
    if (again.length > 0) {
      this.options.logger.warn(
        { event: 'region.events.resend', count: again.length },
        `${again.length} events vanished from Redis before the region acked them: sending again`,
      );
      this.resend = again.concat(this.resend);
      this.kick();
    }
  }

  /** Idempotent: whatever is not known to be acked goes to the journal, to be sent after the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.spillTimer !== undefined) clearTimeout(this.spillTimer);
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    await this.pumping;
    const unsent = [...this.sent.flatMap((b) => b.events), ...this.resend, ...this.memory];
    this.sent = [];
    this.unackedCount = 0;
    this.resend = [];
    this.memory = unsent;
    await this.spill();
  }
}
