// The rack's side of RPC (PROTOCOL.md §6.2): read its request stream through consumer group `rackd`, first taking
// over what a previous incarnation left pending (XAUTOCLAIM), answer each once before its deadline, then XACK.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConfigRefusal } from '../../protocol/region/config-entries.js';
import { RPC_GROUP } from '../../protocol/region/keys.js';
import type { RackKeys } from '../../protocol/region/keys.js';
import { checkRpcRequest, decodeRpcRequest, encodeRpcReply } from '../../protocol/region/rpc-entries.js';
import type { RpcReply, RpcRequest } from '../../protocol/region/rpc-entries.js';
import { RPC_ERROR_CODES } from '../../protocol/region/rpc-methods.js';
import type { RpcError } from '../../protocol/region/rpc-methods.js';
import { autoclaimReply, streamsReply } from '../../protocol/region/stream-replies.js';
import type { StreamEntry } from '../../protocol/region/stream-replies.js';
import { runRetrying } from './backoff.js';
import { AnsweredRequests } from './answered-requests.js';
import { whenReady } from './redis-connection.js';
import type { RpcHandlers } from './rpc-handlers.js';

/** Approximate length of the reply stream (PROTOCOL.md §2). */
export const RPC_REPLIES_MAXLEN = 1000;

export interface RpcServerOptions {
  redis: Redis;
  /** Used only for XREADGROUP BLOCK. */
  blocking: Redis;
  keys: RackKeys;
  secret: Uint8Array;
  handlers: RpcHandlers;
  /** A refused request (unsigned, bad signature, invalid): reported upstream, never answered. */
  refused(refusal: ConfigRefusal, stream: string, entryId: string): void;
  logger: Logger;
  /** @default 5000 */
  blockMs?: number;
  now?: () => number;
  /** Where answered request ids are kept across restarts. @default undefined — memory only */
  answeredPath?: string;
}

export class RpcServer {
  /** Request ids answered, until their deadline: a redelivered or replayed request is acked, not run again. */
  private readonly answered: AnsweredRequests;
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: RpcServerOptions) {
    this.now = options.now ?? Date.now;
    this.answered = new AnsweredRequests(options.answeredPath, this.now);
  }

  /** Runs until close(); never throws. */
  run(): Promise<void> {
    const { signal } = this.abort;
    return runRetrying(signal, {
      start: async () => {
        await this.answered.load();
        await whenReady(this.options.redis, 3000, signal);
        await whenReady(this.options.blocking, 3000, signal);
        await this.createGroup();
        await this.claimPending();
      },
      step: () => this.readOnce(),
      failed: (error) => {
        this.options.logger.debug({ event: 'region.rpc.read-failed', err: error }, 'RPC read failed; retrying');
        return undefined;
      },
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async createGroup(): Promise<void> {
    try {
      await this.options.redis.call('XGROUP', 'CREATE', this.options.keys.rpc, RPC_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** Requests a previous incarnation read but never answered (it was killed mid-call). */
  private async claimPending(): Promise<void> {
    const { redis, keys } = this.options;
    let cursor = '0-0';
    do {
      const claimed = autoclaimReply(
        await redis.call('XAUTOCLAIM', keys.rpc, RPC_GROUP, keys.rack, 0, cursor, 'COUNT', 100),
      );
      for (const entry of claimed.entries) await this.process(entry);
      cursor = claimed.cursor;
    } while (cursor !== '0-0' && !this.abort.signal.aborted);
  }

  private async readOnce(): Promise<void> {
    const { blocking, keys } = this.options;
    const reply = await blocking.call(
      'XREADGROUP',
      'GROUP',
      RPC_GROUP,
      keys.rack,
      'COUNT',
      10,
      'BLOCK',
      this.options.blockMs ?? 5000,
      'STREAMS',
      keys.rpc,
      '>',
    );
    for (const entry of streamsReply(reply).get(keys.rpc) ?? []) await this.process(entry);
  }

  private async process(entry: StreamEntry): Promise<void> {
    const { redis, keys } = this.options;
    const ack = () => redis.call('XACK', keys.rpc, RPC_GROUP, entry.id);
    if (entry.fields === null) return void (await ack());
    const decoded = decodeRpcRequest(entry.fields, this.options.secret, keys.rpc);
    if (!decoded.ok) {
      this.options.refused(decoded, keys.rpc, entry.id);
      this.logCall('-', entry.id, `refused:${decoded.kind}`);
      return void (await ack());
    }
    const request = decoded.value;
    if (this.answered.has(request.id)) {
      this.logCall(request.method, request.id, 'duplicate');
      return void (await ack());
    }
    const reply = await this.execute(request);
    await redis.call(
      'XADD',
      keys.rpcReplies,
      'MAXLEN',
      '~',
      RPC_REPLIES_MAXLEN,
      '*',
      ...encodeRpcReply(reply, this.options.secret, keys.rpcReplies),
    );
    await this.answered.add(request.id, request.deadline);
    await ack();
    this.logCall(request.method, request.id, reply.ok ? 'ok' : reply.error.code);
  }

  private async execute(request: RpcRequest): Promise<RpcReply> {
    const common = { id: request.id, rack: this.options.keys.rack };
    const checked = checkRpcRequest(request, this.now());
    if (!checked.ok) return { ...common, time: this.now(), ok: false, error: checked.error };
    try {
      const handler = this.options.handlers[checked.method] as ((params: unknown) => Promise<unknown>) | undefined;
      if (handler === undefined) {
        const error: RpcError = {
          code: 'not-implemented',
          message: `${checked.method} is not served by this rack (is its service enabled?)`,
        };
        return { ...common, time: this.now(), ok: false, error };
      }
      const result = await handler(checked.params);
      return { ...common, time: this.now(), ok: true, result };
    } catch (error) {
      return { ...common, time: this.now(), ok: false, error: asRpcError(request.method, error) };
    }
  }

  private logCall(method: string, id: string, outcome: string): void {
    this.options.logger.info({ event: 'region.rpc', method, id, outcome }, `rpc ${method} ${id}: ${outcome}`);
  }
}

/** A handler's typed refusal (`busy`, `invalid-params` with its field) goes back as is; anything else is `internal`. */
function asRpcError(method: string, error: unknown): RpcError {
  const { code, field, message } = error as { code?: unknown; field?: unknown; message?: unknown };
  if (typeof code === 'string' && code !== 'internal' && (RPC_ERROR_CODES as readonly string[]).includes(code)) {
    return { code, message: String(message), ...(typeof field === 'string' ? { field } : {}) };
  }
  return { code: 'internal', message: `${method} failed: ${String(message ?? error)}` };
}
