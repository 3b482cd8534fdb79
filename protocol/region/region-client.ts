// The region side of PROTOCOL.md: publish config (§4), call racks (§6), consume events (§5), list racks (§7).
// The one module in protocol/ that does I/O (Redis via ioredis), kept here so a region can import protocol/ alone.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseIpam } from '../ipam/parse.js';
import { issuesToProblems } from '../ipam/problem.js';
import { reservationSchema, subnetSchemaFor } from '../ipam/schema.js';
import { cidr4Schema, macSchema } from '../ipam/field-schemas.js';
import type { Ipam, Reservation, Subnet4Config, Subnet6Config } from '../ipam/types.js';
import { BlockingConnections } from './blocking-connections.js';
import { decodeConfigEntry, deleteSubnetDataSchema } from './config-entries.js';
import type { ConfigChange, ConfigEntry } from './config-entries.js';
import { publishChange, readRevision } from './config-publish.js';
import type { PublishResult } from './config-publish.js';
import { consumeEvents } from './event-consumer.js';
import type { ConsumeOptions, EventDelivery } from './event-consumer.js';
import { DEFAULT_PREFIX, rackKeys, regionKeys, snapshotBodyKey } from './keys.js';
import type { RegionKeys } from './keys.js';
import { decodeRackStatus } from './rack-status.js';
import type { RackStatus } from './rack-status.js';
import { RegionInputError, RegionPublishError } from './region-errors.js';
import { callRack } from './rpc-call.js';
import type { RpcMethod, RpcParams, RpcResult } from './rpc-methods.js';
import { DEFAULT_CHUNK_RESERVATIONS, decodeSnapshot, encodeSnapshot } from './snapshot.js';
import { entriesReply, hashReply } from './stream-replies.js';

export interface RegionClientOptions {
  /** The shared HMAC secret (see parseSecret). */
  secret: Uint8Array;
  /** Key prefix. @default 'rackd' */
  prefix?: string;
  /** Reservations per snapshot body chunk. @default 10000 */
  chunkReservations?: number;
  /** How long a superseded snapshot body stays readable for racks still loading it. @default 600000 (10 min) */
  snapshotGraceMs?: number;
  /** Approximate length RPC request streams are trimmed to. @default 1000 */
  rpcMaxLen?: number;
  /** How long an event's idempotency key is remembered. @default 172800000 (48 h) */
  eventDedupMs?: number;
  /** Revision allocation attempts before giving up under contention. @default 50 */
  publishAttempts?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

export type { PublishResult };

export interface LoadedSnapshot {
  entry: Extract<ConfigEntry, { type: 'snapshot' }>;
  entryId: string;
  ipam: Ipam;
}

export interface RackInfo {
  rack: string;
  /** Last heartbeat, ms since the epoch (from the racks sorted set). */
  lastSeen: number;
  /** False once the status hash has expired (three missed heartbeats). */
  online: boolean;
  status?: RackStatus;
  /** Why the status hash was not accepted (bad signature, schema). */
  problem?: string;
}

// An abandoned body (publisher died before the head went out) disappears on its own after this.
const UNPUBLISHED_BODY_TTL_MS = 60 * 60 * 1000;

export class RegionClient {
  readonly keys: RegionKeys;
  private readonly secret: Uint8Array;
  private readonly blocking: BlockingConnections;
  private readonly knownGroups = new Set<string>();
  private readonly options: Required<Omit<RegionClientOptions, 'secret'>>;

  /** `redis` stays the caller's: RegionClient never closes it (close() ends only the connections it opened). */
  constructor(
    private readonly redis: Redis,
    options: RegionClientOptions,
  ) {
    this.secret = options.secret;
    this.options = {
      prefix: options.prefix ?? DEFAULT_PREFIX,
      chunkReservations: options.chunkReservations ?? DEFAULT_CHUNK_RESERVATIONS,
      snapshotGraceMs: options.snapshotGraceMs ?? 600_000,
      rpcMaxLen: options.rpcMaxLen ?? 1000,
      eventDedupMs: options.eventDedupMs ?? 48 * 3600_000,
      publishAttempts: options.publishAttempts ?? 50,
      now: options.now ?? Date.now,
    };
    this.keys = regionKeys(this.options.prefix);
    this.blocking = new BlockingConnections(redis);
  }

  /** Validates with parseIpam (the IPAM file's rules), then writes the body and publishes the head atomically. */
  async publishSnapshot(ipam: Ipam): Promise<PublishResult> {
    const parsed = parseIpam(ipam);
    if (!parsed.ok) throw new RegionInputError(parsed.problems);
    const id = randomUUID();
    const encoded = encodeSnapshot(parsed.ipam, id, this.options.chunkReservations);
    const body = snapshotBodyKey(this.options.prefix, id);
    for (let i = 0; i < encoded.chunks.length; i += 16) {
      await this.redis.rpush(body, ...encoded.chunks.slice(i, i + 16));
    }
    await this.redis.pexpire(body, UNPUBLISHED_BODY_TTL_MS);
    return this.publish({ type: 'snapshot', snapshot: encoded.head }, body);
  }

  async putSubnet(subnet: Subnet4Config | Subnet6Config): Promise<PublishResult> {
    const result = subnetSchemaFor(subnet).safeParse(subnet);
    if (!result.success) throw new RegionInputError(issuesToProblems(result.error.issues, ['subnet']));
    return this.publish({ type: 'put-subnet', subnet: result.data });
  }

  /** Racks drop the subnet's reservations with it (PROTOCOL.md §4.2). */
  async deleteSubnet(cidr: string): Promise<PublishResult> {
    const result = deleteSubnetDataSchema.safeParse({ cidr });
    if (!result.success) throw new RegionInputError(issuesToProblems(result.error.issues, []));
    return this.publish({ type: 'delete-subnet', cidr: result.data.cidr });
  }

  async putReservation(reservation: Reservation): Promise<PublishResult> {
    const result = reservationSchema.safeParse(reservation);
    if (!result.success) throw new RegionInputError(issuesToProblems(result.error.issues, ['reservation']));
    return this.publish({ type: 'put-reservation', reservation: result.data });
  }

  /** Without `subnet`, the MAC's reservations in every subnet. */
  async deleteReservation(mac: string, subnet?: string): Promise<PublishResult> {
    const m = macSchema.safeParse(mac);
    if (!m.success) throw new RegionInputError(issuesToProblems(m.error.issues, ['mac']));
    if (subnet === undefined) return this.publish({ type: 'delete-reservation', mac: m.data });
    const s = cidr4Schema.safeParse(subnet);
    if (!s.success) throw new RegionInputError(issuesToProblems(s.error.issues, ['subnet']));
    return this.publish({ type: 'delete-reservation', mac: m.data, subnet: s.data });
  }

  /** The last revision issued; 0 before the first publish. */
  async revision(): Promise<number> {
    return readRevision(this.redis, this.keys);
  }

  /** Publishes `change` under the next revision (see publishChange); `body` is a snapshot's body key. */
  private async publish(change: ConfigChange, body?: string): Promise<PublishResult> {
    return publishChange(
      {
        redis: this.redis,
        secret: this.secret,
        keys: this.keys,
        prefix: this.options.prefix,
        snapshotGraceMs: this.options.snapshotGraceMs,
        publishAttempts: this.options.publishAttempts,
        now: this.options.now,
      },
      change,
      body,
    );
  }

  /** The latest snapshot, verified and validated exactly as a rack does it; undefined when none was published. */
  async loadSnapshot(): Promise<LoadedSnapshot | undefined> {
    const [head, entryId] = await Promise.all([
      this.redis.hgetall(this.keys.snapshotHead),
      this.redis.get(this.keys.snapshotEntryId),
    ]);
    const fields = hashReply(head);
    if (Object.keys(fields).length === 0 || entryId === null) return undefined;
    const decoded = decodeConfigEntry(fields, this.secret, this.keys.configStream);
    if (!decoded.ok) throw new RegionPublishError(`the stored snapshot head is refused: ${decoded.message}`);
    if (decoded.value.type !== 'snapshot')
      throw new RegionPublishError('the stored snapshot head is not a snapshot entry');
    const entry = decoded.value;
    const chunks = await this.redis.lrangeBuffer(snapshotBodyKey(this.options.prefix, entry.snapshot.id), 0, -1);
    const ipam = decodeSnapshot(entry.snapshot, chunks);
    if (!ipam.ok) throw new RegionPublishError(`the stored snapshot is refused: ${ipam.message}`);
    return { entry, entryId, ipam: ipam.value };
  }

  /** Config entries after `afterId` (exclusive), decoded; refused ones carry their refusal. */
  async configEntries(
    afterId = '-',
    count = 1000,
  ): Promise<{ id: string; entry: ReturnType<typeof decodeConfigEntry> }[]> {
    const start = afterId === '-' ? '-' : `(${afterId}`;
    const reply = await this.redis.call('XRANGE', this.keys.configStream, start, '+', 'COUNT', count);
    return entriesReply(reply).map((e) => ({
      id: e.id,
      entry: decodeConfigEntry(e.fields ?? [], this.secret, this.keys.configStream),
    }));
  }

  /** Resolves with the method's validated result; rejects with RpcCallError (a rack's error code, or `timeout`). */
  async call<M extends RpcMethod>(
    rack: string,
    method: M,
    params: RpcParams<M>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResult<M>> {
    return callRack(
      {
        redis: this.redis,
        blocking: this.blocking,
        secret: this.secret,
        keys: rackKeys(rack, this.options.prefix),
        maxLen: this.options.rpcMaxLen,
        now: this.options.now,
      },
      method,
      params,
      options.timeoutMs ?? 5000,
    );
  }

  /** Reads a batch through consumer group `group` (created on first use); ack() it before the next call. */
  async consumeEvents(options: ConsumeOptions): Promise<EventDelivery> {
    return consumeEvents(
      {
        redis: this.redis,
        blocking: this.blocking,
        secret: this.secret,
        keys: this.keys,
        dedupMs: this.options.eventDedupMs,
        knownGroups: this.knownGroups,
      },
      options,
    );
  }

  /** Every rack that ever sent a heartbeat, with its status while the heartbeat is fresh. */
  async racks(): Promise<RackInfo[]> {
    // RESP2 answers a flat member/score list, RESP3 a list of pairs.
    const seen = ((await this.redis.call('ZRANGE', this.keys.racks, 0, -1, 'WITHSCORES')) as unknown[])
      .flat()
      .map(String);
    const racks: RackInfo[] = [];
    for (let i = 0; i + 1 < seen.length; i += 2) {
      const rack = seen[i] as string;
      const keys = rackKeys(rack, this.options.prefix);
      const fields = hashReply(await this.redis.hgetall(keys.status));
      const info: RackInfo = { rack, lastSeen: Number(seen[i + 1]), online: Object.keys(fields).length > 0 };
      if (info.online) {
        const status = decodeRackStatus(fields, this.secret, keys.status);
        if (status.ok) info.status = status.value;
        else info.problem = `${status.field}: ${status.message}`;
      }
      racks.push(info);
    }
    return racks;
  }

  /** Idempotent; closes only the connections RegionClient opened for blocking reads. */
  close(): void {
    this.blocking.close();
  }
}
