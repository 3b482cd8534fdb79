// RPC entries (PROTOCOL.md §6): requests in a rack's request stream, replies in its reply stream, both signed
// and bound to their key. Deadline and method checks are pure functions the rack calls before dispatching.

import { z } from 'zod';
import { jsonField, openEntry, refuse, schemaRefusal, sealEntry, textField } from './entry.js';
import type { Decoded, RawEntry } from './entry.js';
import { epochMsText, tokenText } from './fields.js';
import { rackIdSchema } from './events.js';
import { RPC_METHODS, isRpcMethod, rpcErrorSchema } from './rpc-methods.js';
import type { RpcError, RpcMethod } from './rpc-methods.js';

/** Latest deadline a request may carry after its `ts`: bounds how long a captured request stays replayable. */
export const MAX_RPC_WINDOW_MS = 60 * 60 * 1000;

export interface RpcRequest {
  id: string;
  /** As sent: may name a method this rack does not know (answered `unknown-method`). */
  method: string;
  params: Record<string, unknown>;
  time: number;
  deadline: number;
}

export type RpcReply =
  | { id: string; rack: string; time: number; ok: true; result: unknown }
  | { id: string; rack: string; time: number; ok: false; error: RpcError };

const methodText = z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/, 'must be a method name like status or discovery.clear');
const paramsSchema = z.record(z.string(), z.unknown(), { error: 'params must be a JSON object' });

export function encodeRpcRequest(request: RpcRequest, secret: Uint8Array, channel: string): string[] {
  return sealEntry(
    {
      id: request.id,
      method: request.method,
      params: JSON.stringify(request.params),
      ts: String(request.time),
      deadline: String(request.deadline),
    },
    secret,
    channel,
  );
}

export function decodeRpcRequest(raw: RawEntry, secret: Uint8Array, channel: string): Decoded<RpcRequest> {
  const opened = openEntry(raw, secret, channel);
  if (!opened.ok) return opened;
  const fields = opened.value;
  const id = textField(fields, 'id', tokenText);
  if (!id.ok) return id;
  const method = textField(fields, 'method', methodText);
  if (!method.ok) return method;
  const params = jsonField(fields, 'params', paramsSchema);
  if (!params.ok) return params;
  const time = textField(fields, 'ts', epochMsText);
  if (!time.ok) return time;
  const deadline = textField(fields, 'deadline', epochMsText);
  if (!deadline.ok) return deadline;
  if (deadline.value > time.value + MAX_RPC_WINDOW_MS) {
    return refuse(
      'schema',
      'deadline',
      `deadline is more than ${MAX_RPC_WINDOW_MS / 60000} minutes after ts: call with a shorter timeout`,
    );
  }
  return {
    ok: true,
    value: { id: id.value, method: method.value, params: params.value, time: time.value, deadline: deadline.value },
  };
}

export type CheckedRpcRequest = { ok: true; method: RpcMethod; params: unknown } | { ok: false; error: RpcError };

/**
 * What a rack does with an authentic request at `now`: drop it past its deadline, answer unknown and declared-but-
 * unimplemented methods with a typed error, validate the params (the field at fault named), else dispatch.
 */
export function checkRpcRequest(request: RpcRequest, now: number): CheckedRpcRequest {
  if (now > request.deadline) {
    return {
      ok: false,
      error: {
        code: 'deadline-exceeded',
        message: `request ${request.id} expired ${now - request.deadline} ms before it was read`,
      },
    };
  }
  if (!isRpcMethod(request.method)) {
    return {
      ok: false,
      error: {
        code: 'unknown-method',
        message: `no method ${request.method}: known are ${Object.keys(RPC_METHODS).join(', ')}`,
      },
    };
  }
  const def = RPC_METHODS[request.method];
  if (!def.implemented)
    return {
      ok: false,
      error: { code: 'not-implemented', message: `${request.method} is not implemented by this rack yet` },
    };
  const params = def.params.safeParse(request.params);
  if (!params.success) {
    const refusal = schemaRefusal('params', params.error);
    return { ok: false, error: { code: 'invalid-params', field: refusal.field, message: refusal.message } };
  }
  return { ok: true, method: request.method, params: params.data };
}

export function encodeRpcReply(reply: RpcReply, secret: Uint8Array, channel: string): string[] {
  const outcome: Record<string, string> = reply.ok
    ? { status: 'ok', result: JSON.stringify(reply.result ?? null) }
    : { status: 'error', error: JSON.stringify(reply.error) };
  return sealEntry({ id: reply.id, rack: reply.rack, ts: String(reply.time), ...outcome }, secret, channel);
}

/** The result is checked against its method's schema by the caller, who knows which method it called. */
export function decodeRpcReply(raw: RawEntry, secret: Uint8Array, channel: string): Decoded<RpcReply> {
  const opened = openEntry(raw, secret, channel);
  if (!opened.ok) return opened;
  const fields = opened.value;
  const id = textField(fields, 'id', tokenText);
  if (!id.ok) return id;
  const rack = textField(fields, 'rack', rackIdSchema);
  if (!rack.ok) return rack;
  const time = textField(fields, 'ts', epochMsText);
  if (!time.ok) return time;
  const status = textField(fields, 'status', z.enum(['ok', 'error'], { error: 'status must be ok or error' }));
  if (!status.ok) return status;
  const common = { id: id.value, rack: rack.value, time: time.value };
  if (status.value === 'ok') {
    const result = jsonField(fields, 'result', z.unknown());
    return result.ok ? { ok: true, value: { ...common, ok: true, result: result.value } } : result;
  }
  const error = jsonField(fields, 'error', rpcErrorSchema);
  return error.ok ? { ok: true, value: { ...common, ok: false, error: error.value } } : error;
}
