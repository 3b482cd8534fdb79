// The rack's live link to the region (PROTOCOL.md §4–§7): three Redis connections (commands, and one each for the
// config and RPC streams' blocking reads) and the services over them, opened together and closed together.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConfigRefusal } from '../../protocol/region/config-entries.js';
import type { RackKeys, RegionKeys } from '../../protocol/region/keys.js';
import type { RackStatus } from '../../protocol/region/rack-status.js';
import type { AppliedConfig } from './applied-config.js';
import { ConfigFollower } from './config-follower.js';
import type { FollowerHost } from './config-follower.js';
import type { EventJournal } from './event-journal.js';
import { eventTransport } from './event-transport.js';
import { Heartbeat } from './heartbeat.js';
import { Outbox } from './outbox.js';
import { connectRedis } from './redis-connection.js';
import type { RegionSyncOptions } from './region-sync-options.js';
import type { RpcHandlers } from './rpc-handlers.js';
import { RpcServer } from './rpc-server.js';

export interface RegionLinkOptions extends Pick<
  RegionSyncOptions,
  'redisUrl' | 'rackId' | 'secret' | 'blockMs' | 'heartbeatMs' | 'ackCheckMs'
> {
  keys: RegionKeys;
  rackKeys: RackKeys;
  applied: AppliedConfig;
  journal: EventJournal;
  handlers: RpcHandlers;
  logger: Logger;
  now: () => number;
  /** Where answered RPC request ids are kept across restarts. */
  answeredPath: string;
}

/** What the link tells the region service, and asks of it. */
export interface RegionLinkHost {
  /** The command connection closed; the outbox is paused already. */
  lost(): void;
  progress: FollowerHost['progress'];
  /** An entry on the config stream or a request on the RPC stream refused (PROTOCOL.md §8). */
  refused(refusal: ConfigRefusal, stream: string, entryId: string | undefined): void;
  /** What each heartbeat reports. */
  status(): RackStatus;
}

/** Connecting starts at construction and is never awaited: ioredis reconnects with backoff on its own. */
export class RegionLink {
  readonly outbox: Outbox;
  readonly follower: ConfigFollower;
  readonly heartbeat: Heartbeat;
  private readonly redis: Redis;
  private readonly connections: Redis[];
  private readonly rpc: RpcServer;
  private readonly ackTimer: NodeJS.Timeout;
  private readonly loops: Promise<void>[];

  constructor(options: RegionLinkOptions, host: RegionLinkHost) {
    const { redisUrl, rackId, secret, keys, logger: log, now } = options;
    const redis = connectRedis(redisUrl, `rackd:${rackId}`);
    const configBlocking = connectRedis(redisUrl, `rackd:${rackId}:config`);
    const rpcBlocking = connectRedis(redisUrl, `rackd:${rackId}:rpc`);
    this.redis = redis;
    this.connections = [redis, configBlocking, rpcBlocking];
    for (const c of this.connections)
      c.on('error', (err: Error) =>
        log.debug({ event: 'region.redis.error', err: err.message }, 'redis connection error'),
      );
    this.outbox = new Outbox({
      journal: options.journal,
      logger: log,
      transport: eventTransport({ redis, secret, stream: keys.eventStream, rack: rackId, now }),
    });
    redis.on('ready', () => this.onReady());
    redis.on('close', () => {
      this.outbox.pause();
      host.lost();
    });
    this.follower = new ConfigFollower({
      redis,
      blocking: configBlocking,
      keys,
      secret,
      applied: options.applied,
      logger: log,
      blockMs: options.blockMs,
      host: {
        progress: (state, error) => host.progress(state, error),
        refused: (refusal, id) => host.refused(refusal, keys.configStream, id),
      },
    });
    this.rpc = new RpcServer({
      redis,
      blocking: rpcBlocking,
      keys: options.rackKeys,
      secret,
      logger: log,
      blockMs: options.blockMs,
      now,
      handlers: options.handlers,
      answeredPath: options.answeredPath,
      refused: (refusal, stream, id) => host.refused(refusal, stream, id),
    });
    this.heartbeat = new Heartbeat({
      redis,
      keys: options.rackKeys,
      regionKeys: keys,
      secret,
      intervalMs: options.heartbeatMs,
      status: () => host.status(),
    });
    this.heartbeat.start();
    this.ackTimer = setInterval(() => void this.outbox.checkAcks().catch(() => undefined), options.ackCheckMs ?? 2000);
    this.ackTimer.unref();
    for (const c of this.connections) c.connect().catch(() => undefined);
    this.loops = [this.follower.run(), this.rpc.run()];
  }

  private onReady(): void {
    this.outbox.resume();
    void this.heartbeat.beat().catch(() => undefined);
  }

  /** Stops the loops, sends what it can within a second, journals the rest, then disconnects. */
  async close(): Promise<void> {
    this.follower.close();
    this.rpc.close();
    this.heartbeat.close();
    clearInterval(this.ackTimer);
    if (this.redis.status === 'ready')
      await Promise.race([this.outbox.flush(), new Promise((r) => setTimeout(r, 1000).unref())]);
    await this.outbox.close();
    for (const c of this.connections) c.disconnect();
    await Promise.allSettled(this.loops);
  }
}
