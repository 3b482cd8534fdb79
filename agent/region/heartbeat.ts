// The rack status hash (PROTOCOL.md §7.1): every 10 s a signed snapshot of the sync state, replaced in one MULTI
// with a 30 s TTL, and the rack's score in the racks sorted set, so the region sees who is alive.

import type { Redis } from 'ioredis';
import { encodeRackStatus, HEARTBEAT_INTERVAL_MS, STATUS_TTL_MS } from '../../protocol/region/rack-status.js';
import type { RackStatus } from '../../protocol/region/rack-status.js';
import type { RackKeys, RegionKeys } from '../../protocol/region/keys.js';

export interface HeartbeatOptions {
  redis: Redis;
  keys: RackKeys;
  regionKeys: RegionKeys;
  secret: Uint8Array;
  status: () => RackStatus;
  /** @default HEARTBEAT_INTERVAL_MS (10 s) */
  intervalMs?: number;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => void this.beat().catch(() => undefined),
      this.options.intervalMs ?? HEARTBEAT_INTERVAL_MS,
    );
    this.timer.unref();
  }

  /** One heartbeat now (also on every status change, so the region sees `live` without waiting 10 s). */
  async beat(): Promise<void> {
    const { redis, keys, secret } = this.options;
    const status = this.options.status();
    const fields = encodeRackStatus(status, secret, keys.status);
    await redis
      .multi()
      .del(keys.status)
      .hset(keys.status, ...fields)
      .pexpire(keys.status, STATUS_TTL_MS)
      .exec();
    await redis.zadd(this.options.regionKeys.racks, status.time, status.rack);
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
