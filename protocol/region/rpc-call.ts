// A region's RPC call (PROTOCOL.md §6.2): note the reply stream's tail and XADD the request in one MULTI (both
// keys share the rack's hash tag), then block on the reply stream for an entry carrying the request id.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BlockingConnections } from './blocking-connections.js';
import { schemaRefusal } from './entry.js';
import type { RackKeys } from './keys.js';
import { RpcCallError } from './region-errors.js';
import { decodeRpcReply, encodeRpcRequest } from './rpc-entries.js';
import { RPC_METHODS } from './rpc-methods.js';
import type { RpcMethod, RpcParams, RpcResult } from './rpc-methods.js';
import { entriesReply, streamsReply } from './stream-replies.js';

export interface CallContext {
  redis: Redis;
  blocking: BlockingConnections;
  secret: Uint8Array;
  keys: RackKeys;
  maxLen: number;
  now: () => number;
}

export async function callRack<M extends RpcMethod>(
  ctx: CallContext,
  method: M,
  params: RpcParams<M>,
  timeoutMs: number,
): Promise<RpcResult<M>> {
  const { keys } = ctx;
  const start = ctx.now();
  const id = randomUUID();
  const fields = encodeRpcRequest(
    { id, method, params: params as Record<string, unknown>, time: start, deadline: start + timeoutMs },
    ctx.secret,
    keys.rpc,
  );
  const results = await ctx.redis
    .multi()
    .call('XREVRANGE', keys.rpcReplies, '+', '-', 'COUNT', 1)
    .call('XADD', keys.rpc, 'MAXLEN', '~', ctx.maxLen, '*', ...fields)
    .exec();
  const failed = results?.find(([err]) => err !== null)?.[0];
  if (results === null || failed)
    throw failed ?? new Error(`request to rack ${keys.rack} was not sent (transaction aborted)`);
  const cursor = entriesReply(results[0]?.[1])[0]?.id ?? '0-0';

  // The wait returns its outcome rather than throwing, so an error reply does not cost the pooled connection.
  const outcome = await ctx.blocking.use((connection) =>
    awaitReply(ctx, connection, { id, method, after: cursor, until: start + timeoutMs, timeoutMs }),
  );
  if (outcome instanceof RpcCallError) throw outcome;
  return outcome as RpcResult<M>;
}

interface Waiting {
  id: string;
  method: RpcMethod;
  /** Reply stream id read from (exclusive). */
  after: string;
  until: number;
  timeoutMs: number;
}

async function awaitReply(ctx: CallContext, connection: Redis, wait: Waiting): Promise<unknown> {
  const { keys } = ctx;
  const { id, method, until } = wait;
  let cursor = wait.after;
  let badReplies = 0;
  for (let remaining = until - ctx.now(); remaining > 0; remaining = until - ctx.now()) {
    const reply = await connection.call(
      'XREAD',
      'COUNT',
      100,
      'BLOCK',
      Math.max(1, Math.ceil(remaining)),
      'STREAMS',
      keys.rpcReplies,
      cursor,
    );
    for (const entry of streamsReply(reply).get(keys.rpcReplies) ?? []) {
      cursor = entry.id;
      const decoded = decodeRpcReply(entry.fields ?? [], ctx.secret, keys.rpcReplies);
      if (!decoded.ok) badReplies++;
      if (!decoded.ok || decoded.value.id !== id) continue;
      if (!decoded.value.ok) {
        const { code, message, field } = decoded.value.error;
        return new RpcCallError(keys.rack, method, code, message, field);
      }
      const result = RPC_METHODS[method].result.safeParse(decoded.value.result);
      if (result.success) return result.data;
      const refusal = schemaRefusal('result', result.error);
      return new RpcCallError(keys.rack, method, 'invalid-reply', refusal.message, refusal.field);
    }
  }
  const note = badReplies > 0 ? ` (${badReplies} refused replies in between: check the shared secret)` : '';
  return new RpcCallError(
    keys.rack,
    method,
    'timeout',
    `no reply within ${wait.timeoutMs} ms: is rack ${keys.rack} running and connected?${note}`,
  );
}
