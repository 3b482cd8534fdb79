import { describe, expect, it } from 'vitest';
import { rackKeys } from '../../../../protocol/region/keys.js';
import {
  MAX_RPC_WINDOW_MS,
  checkRpcRequest,
  decodeRpcReply,
  decodeRpcRequest,
  encodeRpcReply,
  encodeRpcRequest,
} from '../../../../protocol/region/rpc-entries.js';
import type { RpcReply, RpcRequest } from '../../../../protocol/region/rpc-entries.js';
import { RPC_METHODS, RPC_METHOD_NAMES } from '../../../../protocol/region/rpc-methods.js';
import { OTHER_SECRET, SECRET, resign, tamper } from './support.js';

const R1 = rackKeys('r1');
const R2 = rackKeys('r2');
const T = 1_700_000_000_000;
const REQUEST: RpcRequest = {
  id: '6f1c7f9e-1b7e-4f57-9d1e-3f4c6c1d2a10',
  method: 'reservations',
  params: { subnet: '10.20.0.0/24' },
  time: T,
  deadline: T + 5000,
};

describe('RPC requests (PROTOCOL.md §6)', () => {
  const flat = encodeRpcRequest(REQUEST, SECRET, R1.rpc);

  it('round-trip', () => {
    expect(decodeRpcRequest(flat, SECRET, R1.rpc)).toEqual({ ok: true, value: REQUEST });
  });

  it("refuse a request replayed into another rack's stream, tampered, unsigned or from another secret", () => {
    expect(decodeRpcRequest(flat, SECRET, R2.rpc)).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decodeRpcRequest(tamper(flat, 'method', 'reload'), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      kind: 'bad-signature',
    });
    expect(decodeRpcRequest(tamper(flat, 'deadline', String(T + 50_000)), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      kind: 'bad-signature',
    });
    expect(decodeRpcRequest(flat.slice(0, -2), SECRET, R1.rpc)).toMatchObject({ ok: false, kind: 'unsigned' });
    expect(decodeRpcRequest(flat, OTHER_SECRET, R1.rpc)).toMatchObject({ ok: false, kind: 'bad-signature' });
  });

  it('refuse invalid fields by name', () => {
    expect(decodeRpcRequest(resign(flat, { id: 'a b' }, R1.rpc), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      field: 'id',
    });
    expect(decodeRpcRequest(resign(flat, { method: 'Drop Tables' }, R1.rpc), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      field: 'method',
    });
    expect(decodeRpcRequest(resign(flat, { params: '[1]' }, R1.rpc), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      field: 'params',
    });
    expect(decodeRpcRequest(resign(flat, { deadline: undefined }, R1.rpc), SECRET, R1.rpc)).toMatchObject({
      ok: false,
      field: 'deadline',
    });
    expect(
      decodeRpcRequest(resign(flat, { deadline: String(T + MAX_RPC_WINDOW_MS + 1) }, R1.rpc), SECRET, R1.rpc),
    ).toMatchObject({ ok: false, field: 'deadline', message: /shorter timeout/ });
  });

  it('ignore unknown fields of a newer minor', () => {
    expect(decodeRpcRequest(resign(flat, { v: '1.4', trace: 'abc' }, R1.rpc), SECRET, R1.rpc)).toEqual({
      ok: true,
      value: REQUEST,
    });
  });
});

describe('checkRpcRequest: what the rack answers', () => {
  it('dispatches a known method with validated params', () => {
    expect(checkRpcRequest(REQUEST, T + 10)).toEqual({
      ok: true,
      method: 'reservations',
      params: { subnet: '10.20.0.0/24' },
    });
    expect(checkRpcRequest({ ...REQUEST, method: 'ping', params: { future_option: 1 } }, T)).toEqual({
      ok: true,
      method: 'ping',
      params: {},
    });
  });

  it('answers deadline-exceeded once the deadline has passed', () => {
    expect(checkRpcRequest(REQUEST, T + 5001)).toMatchObject({ ok: false, error: { code: 'deadline-exceeded' } });
    expect(checkRpcRequest(REQUEST, T + 5000).ok).toBe(true);
  });

  it("answers unknown-method and invalid-params with a typed error, and checks the discovery methods' params", () => {
    expect(checkRpcRequest({ ...REQUEST, method: 'reboot' }, T)).toMatchObject({
      ok: false,
      error: { code: 'unknown-method', message: /no method reboot/ },
    });
    for (const method of ['scan', 'discovery.clear', 'probe'])
      expect(checkRpcRequest({ ...REQUEST, method, params: {} }, T).ok).toBe(true);
    expect(checkRpcRequest({ ...REQUEST, method: 'scan', params: { rate_pps: -1 } }, T)).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', field: 'params.rate_pps' },
    });
    expect(checkRpcRequest({ ...REQUEST, params: { mac: 'zz' } }, T)).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', field: 'params.mac' },
    });
  });

  it('declares the methods of this issue and the later ones', () => {
    expect(RPC_METHOD_NAMES).toEqual(['ping', 'status', 'reservations', 'reload', 'scan', 'discovery.clear', 'probe']);
  });
});

describe('RPC replies', () => {
  const ok: RpcReply = {
    id: REQUEST.id,
    rack: 'r1',
    time: T + 3,
    ok: true,
    result: { rack: 'r1', time: T + 3, version: '0.1.0' },
  };
  const err: RpcReply = {
    id: REQUEST.id,
    rack: 'r1',
    time: T + 3,
    ok: false,
    error: { code: 'unknown-method', message: 'no method reboot' },
  };

  it('round-trip a result and an error, carrying the request id', () => {
    expect(decodeRpcReply(encodeRpcReply(ok, SECRET, R1.rpcReplies), SECRET, R1.rpcReplies)).toEqual({
      ok: true,
      value: ok,
    });
    expect(decodeRpcReply(encodeRpcReply(err, SECRET, R1.rpcReplies), SECRET, R1.rpcReplies)).toEqual({
      ok: true,
      value: err,
    });
  });

  it("refuse a reply copied from another rack's reply stream or tampered", () => {
    const flat = encodeRpcReply(ok, SECRET, R1.rpcReplies);
    expect(decodeRpcReply(flat, SECRET, R2.rpcReplies)).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decodeRpcReply(tamper(flat, 'status', 'error'), SECRET, R1.rpcReplies)).toMatchObject({
      ok: false,
      kind: 'bad-signature',
    });
    expect(decodeRpcReply(resign(flat, { status: 'maybe' }, R1.rpcReplies), SECRET, R1.rpcReplies)).toMatchObject({
      ok: false,
      field: 'status',
    });
    expect(decodeRpcReply(resign(flat, { result: undefined }, R1.rpcReplies), SECRET, R1.rpcReplies)).toMatchObject({
      ok: false,
      field: 'result',
    });
  });
});

describe('method schemas', () => {
  it('accept valid results and refuse invalid ones', () => {
    expect(RPC_METHODS.ping.result.safeParse({ rack: 'r1', time: T, version: '0.1.0' }).success).toBe(true);
    const status = {
      rack: 'r1',
      version: '0.1.0',
      uptime_s: 12.5,
      revision: 40,
      served: { discover: 3, ack: 2 },
      reservations: 1000,
      interfaces: [{ name: 'eth1', up: true, addresses: ['10.20.0.2/24'], received: 5, sent: 4 }],
      sync: { state: 'live', revision: 40, region_revision: 40, last_applied_at: T, queued_events: 0 },
    };
    expect(RPC_METHODS.status.result.safeParse(status).success).toBe(true);
    expect(RPC_METHODS.status.result.safeParse({ ...status, sync: { ...status.sync, state: 'asleep' } }).success).toBe(
      false,
    );
    expect(
      RPC_METHODS.reservations.result.safeParse({
        revision: 1,
        total: 1,
        reservations: [{ mac: '52:54:00:00:00:01', ip: '10.20.0.5', subnet: '10.20.0.0/24', last_seen: T }],
      }).success,
    ).toBe(true);
    expect(
      RPC_METHODS.reservations.result.safeParse({
        revision: 1,
        total: 1,
        reservations: [{ mac: '52:54:00:00:00:01', ip: 'x', subnet: '10.20.0.0/24' }],
      }).success,
    ).toBe(false);
    expect(RPC_METHODS.reload.result.safeParse({ revision: 3, source: 'region' }).success).toBe(true);
    expect(RPC_METHODS.reload.result.safeParse({ revision: -1, source: 'region' }).success).toBe(false);
  });
});
