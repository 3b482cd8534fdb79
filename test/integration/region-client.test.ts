// RegionClient against a real redis-server (PROTOCOL.md §4–§7): publish/delta/revision atomicity, RPC through the
// rack's consumer group (with a rack loop written here from the spec's pure functions), events with dedup and ack.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import {
  RegionClient,
  RegionInputError,
  RegionPublishError,
  RpcCallError,
  RPC_GROUP,
  checkRpcRequest,
  decodeRpcRequest,
  encodeEventEntry,
  encodeRackStatus,
  encodeRpcReply,
  rackKeys,
  regionKeys,
  autoclaimReply,
  streamsReply,
  entriesReply,
  STATUS_TTL_MS,
  revisionAction,
} from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import type { Ipam } from '../../protocol/ipam/types.js';

const SECRET = Buffer.from('integration-secret-0123456789abcdef');
const IPAM: Ipam = {
  subnets: [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }],
  reservations: Array.from({ length: 25 }, (_, i) => ({
    mac: `52:54:00:00:00:${(i + 16).toString(16)}`,
    ip: `10.20.0.${i + 10}`,
  })),
};
const pre = redisServerPrerequisite();

describe('RegionClient with a real redis-server', () => {
  let server: RedisServer;
  const connections: Redis[] = [];
  const clients: RegionClient[] = [];
  let prefixCount = 0;

  /** Each test gets its own prefix, so tests share the server but never each other's keys. */
  function setup(options: { chunkReservations?: number } = {}) {
    const prefix = `t${++prefixCount}`;
    const redis = new Redis(server.url, { lazyConnect: false });
    connections.push(redis);
    const client = new RegionClient(redis, { secret: SECRET, prefix, ...options });
    clients.push(client);
    return { prefix, redis, client, keys: regionKeys(prefix) };
  }

  beforeAll(async () => {
    pre.assertReady();
    server = await RedisServer.start();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const r of connections.splice(0)) r.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('publishes a chunked snapshot that loads back verified, at revision 1', async () => {
    const { client, redis, keys } = setup({ chunkReservations: 10 });
    const published = await client.publishSnapshot(IPAM);
    expect(published).toMatchObject({ revision: 1, streamLength: 1 });
    const loaded = await client.loadSnapshot();
    expect(loaded?.ipam).toEqual({
      ...IPAM,
      reservations: IPAM.reservations.map((r) => ({ ...r, subnet: '10.20.0.0/24' })),
    });
    expect(loaded?.entryId).toBe(published.entryId);
    expect(loaded?.entry.snapshot.chunks).toBe(3);
    expect(await redis.pttl(`{${client.keys.prefix}:config}:snapshot:${loaded?.entry.snapshot.id}`)).toBe(-1);
    expect(await redis.get(keys.configRevision)).toBe('1');
  });

  it('issues one revision per delta, in stream order, each entry verifiable', async () => {
    const { client } = setup();
    await client.publishSnapshot(IPAM);
    const results = [
      await client.putReservation({ mac: '52-54-00-AA-00-01', ip: '10.20.0.200', hostname: 'new-host' }),
      await client.putSubnet({ cidr: '10.30.0.0/24', gateway: '10.30.0.1' }),
      await client.deleteReservation('52:54:00:00:00:10', '10.20.0.0/24'),
      await client.deleteReservation('52:54:00:00:00:11'),
      await client.deleteSubnet('10.30.0.0/24'),
    ];
    expect(results.map((r) => r.revision)).toEqual([2, 3, 4, 5, 6]);
    const entries = await client.configEntries();
    const decoded = entries.map((e) =>
      e.entry.ok ? [e.entry.value.type, e.entry.value.revision] : ['refused', e.entry.message],
    );
    expect(decoded).toEqual([
      ['snapshot', 1],
      ['put-reservation', 2],
      ['put-subnet', 3],
      ['delete-reservation', 4],
      ['delete-reservation', 5],
      ['delete-subnet', 6],
    ]);
    const put = entries[1]?.entry;
    expect(put?.ok && put.value.type === 'put-reservation' && put.value.reservation.mac).toBe('52:54:00:aa:00:01');
    expect(await client.revision()).toBe(6);
  });

  it('refuses invalid input and a delta before any snapshot, publishing nothing', async () => {
    const { client } = setup();
    await expect(client.putReservation({ mac: '52:54:00:00:00:01', ip: '10.20.0.5' })).rejects.toThrow(
      RegionPublishError,
    );
    await expect(client.publishSnapshot({ ...IPAM, reservations: [{ mac: 'nope', ip: '10.20.0.5' }] })).rejects.toThrow(
      /reservations\[0\]\.mac/,
    );
    await client.publishSnapshot(IPAM);
    const invalid = client.putReservation({ mac: '52:54:00:00:00:01', ip: '10.20.0.500' });
    await expect(invalid).rejects.toBeInstanceOf(RegionInputError);
    await expect(invalid).rejects.toThrow(/reservation\.ip/);
    await expect(client.deleteSubnet('10.20.0.1/24')).rejects.toThrow(/host bits/);
    expect(await client.revision()).toBe(1);
  });

  it('never issues one revision twice when two region processes publish at once', async () => {
    const a = setup();
    const second = new Redis(server.url);
    connections.push(second);
    const b = new RegionClient(second, { secret: SECRET, prefix: a.prefix });
    clients.push(b);
    await a.client.publishSnapshot(IPAM);
    const put = (client: RegionClient, n: number) =>
      client.putReservation({ mac: `52:54:00:bb:00:${n.toString(16).padStart(2, '0')}`, ip: `10.20.0.${100 + n}` });
    const results = await Promise.all(Array.from({ length: 60 }, (_, n) => put(n % 2 === 0 ? a.client : b, n)));
    const revisions = results.map((r) => r.revision).sort((x, y) => x - y);
    expect(revisions).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    const streamRevisions = (await a.client.configEntries()).map((e) => (e.entry.ok ? e.entry.value.revision : -1));
    expect(streamRevisions).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it('a new snapshot supersedes the old: old body expires, stream starts at the new snapshot', async () => {
    const { client, redis, keys } = setup();
    await client.publishSnapshot(IPAM);
    const first = await client.loadSnapshot();
    await client.putReservation({ mac: '52:54:00:cc:00:01', ip: '10.20.0.201' });
    const second = await client.publishSnapshot({ ...IPAM, reservations: IPAM.reservations.slice(0, 3) });
    expect(second.revision).toBe(3);
    expect(await redis.pttl(`{${keys.prefix}:config}:snapshot:${first?.entry.snapshot.id}`)).toBeGreaterThan(0);
    const entries = await client.configEntries();
    expect(entries.map((e) => e.id)).toEqual([second.entryId]);
    expect((await client.loadSnapshot())?.ipam.reservations).toHaveLength(3);
  });

  it('call() times out with a typed error when no rack answers, leaving a signed request with a deadline', async () => {
    const { client, redis, prefix } = setup();
    const started = Date.now();
    const call = client.call('r-absent', 'ping', {}, { timeoutMs: 300 });
    await expect(call).rejects.toMatchObject({ name: 'RpcCallError', code: 'timeout', rack: 'r-absent' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    const keys = rackKeys('r-absent', prefix);
    const [entry] = entriesReply(await redis.call('XRANGE', keys.rpc, '-', '+'));
    const request = decodeRpcRequest(entry?.fields ?? [], SECRET, keys.rpc);
    expect(request.ok && request.value.method).toBe('ping');
    expect(request.ok && request.value.deadline - request.value.time).toBe(300);
  });

  it(
    'call() gets replies from a rack reading through its consumer group; unknown methods and malformed ' +
      'results get a typed error',
    async () => {
      const { client, redis, prefix } = setup();
      const keys = rackKeys('r1', prefix);
      await redis.call('XGROUP', 'CREATE', keys.rpc, RPC_GROUP, '0', 'MKSTREAM');
      const rack = new Redis(server.url);
      connections.push(rack);
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          const reply = await rack.call(
            'XREADGROUP',
            'GROUP',
            RPC_GROUP,
            'r1',
            'COUNT',
            10,
            'BLOCK',
            100,
            'STREAMS',
            keys.rpc,
            '>',
          );
          for (const entry of streamsReply(reply).get(keys.rpc) ?? []) {
            const request = decodeRpcRequest(entry.fields ?? [], SECRET, keys.rpc);
            if (!request.ok) continue;
            const checked = checkRpcRequest(request.value, Date.now());
            const common = { id: request.value.id, rack: 'r1', time: Date.now() };
            const answer = checked.ok
              ? { ...common, ok: true as const, result: { rack: 'r1', time: Date.now(), version: '0.1.0' } }
              : { ...common, ok: false as const, error: checked.error };
            await rack.call(
              'XADD',
              keys.rpcReplies,
              'MAXLEN',
              '~',
              1000,
              '*',
              ...encodeRpcReply(answer, SECRET, keys.rpcReplies),
            );
            await rack.call('XACK', keys.rpc, RPC_GROUP, entry.id);
          }
        }
      })();
      try {
        const [a, b] = await Promise.all([
          client.call('r1', 'ping', {}, { timeoutMs: 3000 }),
          client.call('r1', 'ping', {}, { timeoutMs: 3000 }),
        ]);
        expect(a).toMatchObject({ rack: 'r1', version: '0.1.0' });
        expect(b).toMatchObject({ rack: 'r1' });
        await expect(client.call('r1', 'reboot' as 'ping', {}, { timeoutMs: 3000 })).rejects.toMatchObject({
          code: 'unknown-method',
        });
        // This rack answers every method with a ping result: for scan that fails the method's result schema.
        await expect(client.call('r1', 'scan', {}, { timeoutMs: 3000 })).rejects.toMatchObject({
          code: 'invalid-reply',
        });
        // The rack acks after it replies (so a rack that dies in between answers again): the last ack may land
        // just after the caller has its reply, so give it a moment rather than racing it.
        let pending = -1;
        for (let i = 0; i < 50 && pending !== 0; i++) {
          pending = Number(((await redis.call('XPENDING', keys.rpc, RPC_GROUP)) as unknown[])[0]);
          if (pending !== 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(pending).toBe(0);
      } finally {
        stop = true;
        await loop;
      }
    },
  );

  it('a restarted rack finds its unacked request with XAUTOCLAIM and answers deadline-exceeded', async () => {
    const { client, redis, prefix } = setup();
    const keys = rackKeys('r2', prefix);
    await redis.call('XGROUP', 'CREATE', keys.rpc, RPC_GROUP, '0', 'MKSTREAM');
    const call = client.call('r2', 'status', {}, { timeoutMs: 200 }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    // The first incarnation reads the request and dies before answering.
    await redis.call('XREADGROUP', 'GROUP', RPC_GROUP, 'r2-old', 'COUNT', 10, 'STREAMS', keys.rpc, '>');
    expect(await call).toBeInstanceOf(RpcCallError);
    const claimed = autoclaimReply(
      await redis.call('XAUTOCLAIM', keys.rpc, RPC_GROUP, 'r2-new', 0, '0-0', 'COUNT', 10),
    );
    expect(claimed.entries).toHaveLength(1);
    const request = decodeRpcRequest(claimed.entries[0]?.fields ?? [], SECRET, keys.rpc);
    expect(request.ok && checkRpcRequest(request.value, Date.now())).toMatchObject({
      ok: false,
      error: { code: 'deadline-exceeded' },
    });
  });

  function event(rack: string, key: string, n: number): RackEvent {
    return {
      type: 'unknown-client',
      key,
      rack,
      time: Date.now(),
      interface: 'eth1',
      mac: `52:54:00:dd:00:${n.toString(16).padStart(2, '0')}`,
      message_type: 'discover',
    };
  }

  async function sendEvents(redis: Redis, prefix: string, rack: string, events: RackEvent[]): Promise<void> {
    const stream = regionKeys(prefix).eventStream;
    await redis.call(
      'XADD',
      stream,
      'MAXLEN',
      '~',
      100000,
      '*',
      ...encodeEventEntry({ rack, time: Date.now(), events }, SECRET, stream),
    );
  }

  it('consumes events through a group, dedups by idempotency key, redelivers until acked', async () => {
    const { client, redis, prefix, keys } = setup();
    await sendEvents(redis, prefix, 'r1', [event('r1', 'k1', 1), event('r1', 'k2', 2)]);
    await sendEvents(redis, prefix, 'r1', [event('r1', 'k2', 2), event('r1', 'k3', 3)]); // k2 resent after a reconnect
    await sendEvents(redis, prefix, 'r2', [event('r2', 'k1', 4)]); // same key, other rack: not a duplicate
    await redis.call('XADD', keys.eventStream, '*', 'v', '1.0', 'rack', 'r1', 'ts', '1', 'events', '[]'); // unsigned

    const first = await client.consumeEvents({ group: 'region', consumer: 'c1', count: 10 });
    expect(first.events.map((e) => `${e.rack}/${e.key}`)).toEqual(['r1/k1', 'r1/k2', 'r1/k3', 'r2/k1']);
    expect(first.entries.map((e) => e.duplicates)).toEqual([0, 1, 0, 0]);
    expect(first.entries[3]?.refused).toMatchObject({ kind: 'unsigned' });

    // Not acked: the same consumer gets the same entries and the same events again (it may have crashed mid-way).
    const again = await client.consumeEvents({ group: 'region', consumer: 'c1', count: 10 });
    expect(again.events.map((e) => `${e.rack}/${e.key}`)).toEqual(['r1/k1', 'r1/k2', 'r1/k3', 'r2/k1']);
    expect(await again.ack()).toBe(4);
    expect(((await redis.call('XPENDING', keys.eventStream, 'region')) as unknown[])[0]).toBe(0);

    // A re-sent event after the ack is a duplicate; a new one is delivered.
    await sendEvents(redis, prefix, 'r1', [event('r1', 'k1', 1), event('r1', 'k4', 5)]);
    const later = await client.consumeEvents({ group: 'region', consumer: 'c1' });
    expect(later.events.map((e) => e.key)).toEqual(['k4']);
    expect(later.entries[0]?.duplicates).toBe(1);
    await later.ack();
  });

  it("hands a dead consumer's pending events to another (XAUTOCLAIM), and blocks for new ones", async () => {
    const { client, redis, prefix } = setup();
    await sendEvents(redis, prefix, 'r1', [event('r1', 'a', 1)]);
    const dead = await client.consumeEvents({ group: 'g', consumer: 'dead' });
    expect(dead.events).toHaveLength(1);
    const taken = await client.consumeEvents({ group: 'g', consumer: 'alive', claimIdleMs: 0 });
    expect(taken.events.map((e) => e.key)).toEqual(['a']);
    await taken.ack();

    const waiting = client.consumeEvents({ group: 'g', consumer: 'alive', blockMs: 3000 });
    await new Promise((r) => setTimeout(r, 100));
    await sendEvents(redis, prefix, 'r1', [event('r1', 'b', 2)]);
    const next = await waiting;
    expect(next.events.map((e) => e.key)).toEqual(['b']);
    await next.ack();
    // The caller's own connection was never blocked or closed.
    expect(await redis.ping()).toBe('PONG');
  });

  it('lists racks with their verified status; an expired heartbeat reads as offline', async () => {
    const { client, redis, prefix, keys } = setup();
    const r1 = rackKeys('r1', prefix);
    const now = Date.now();
    await redis.hset(
      r1.status,
      ...encodeRackStatus(
        { rack: 'r1', state: 'live', revision: 4, version: '0.1.0', started: now - 1000, time: now },
        SECRET,
        r1.status,
      ),
    );
    await redis.pexpire(r1.status, STATUS_TTL_MS);
    await redis.zadd(keys.racks, now, 'r1', now - 60_000, 'r9');
    const bad = rackKeys('r8', prefix);
    await redis.hset(
      bad.status,
      ...encodeRackStatus(
        { rack: 'r8', state: 'live', revision: 1, version: '0.1.0', started: now, time: now },
        Buffer.from('a-different-secret-of-enough-bytes'),
        bad.status,
      ),
    );
    await redis.zadd(keys.racks, now, 'r8');
    const racks = await client.racks();
    expect(racks.find((r) => r.rack === 'r1')).toMatchObject({
      online: true,
      lastSeen: now,
      status: { state: 'live', revision: 4 },
    });
    expect(racks.find((r) => r.rack === 'r9')).toMatchObject({ online: false, lastSeen: now - 60_000 });
    expect(racks.find((r) => r.rack === 'r8')).toMatchObject({
      online: true,
      problem: expect.stringMatching(/^sig: signature does not match/),
    });
  });

  it('close() ends only its own connections and is idempotent', async () => {
    const { client, redis } = setup();
    await expect(client.call('r-none', 'ping', {}, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
    client.close();
    client.close();
    expect(await redis.ping()).toBe('PONG');
    await expect(client.call('r-none', 'ping', {}, { timeoutMs: 50 })).rejects.toThrow(/closed/);
  });
});

describe('RegionClient across a redis-server restart that loses its data', () => {
  let server: RedisServer;
  beforeAll(async () => {
    pre.assertReady();
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(
    'starts a new epoch: deltas are refused until a snapshot, racks re-sync on the new epoch, groups come ' + 'back',
    async () => {
      const redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
      redis.on('error', () => undefined);
      const client = new RegionClient(redis, { secret: SECRET });
      try {
        const before = await client.publishSnapshot(IPAM);
        await client.putReservation({ mac: '52:54:00:ee:00:01', ip: '10.20.0.210' });
        await client.consumeEvents({ group: 'region', consumer: 'c1' });

        await server.kill('SIGKILL');
        await server.restart();
        await redis.ping();

        await expect(client.putReservation({ mac: '52:54:00:ee:00:02', ip: '10.20.0.211' })).rejects.toThrow(
          /no snapshot/,
        );
        const after = await client.publishSnapshot(IPAM);
        expect(after.revision).toBe(1);
        expect(after.epoch).not.toBe(before.epoch);
        const rack = { epoch: before.epoch, revision: 2 };
        expect(revisionAction(rack, { type: 'snapshot', epoch: after.epoch, revision: after.revision })).toBe('apply');

        await redis.call(
          'XADD',
          regionKeys().eventStream,
          '*',
          ...encodeEventEntry(
            {
              rack: 'r1',
              time: Date.now(),
              events: [
                {
                  type: 'security',
                  key: 's1',
                  rack: 'r1',
                  time: Date.now(),
                  reason: 'unsigned',
                  stream: 'x',
                  message: 'm',
                },
              ],
            },
            SECRET,
            regionKeys().eventStream,
          ),
        );
        const delivery = await client.consumeEvents({ group: 'region', consumer: 'c1' });
        expect(delivery.events.map((e) => e.key)).toEqual(['s1']);
      } finally {
        client.close();
        redis.disconnect();
      }
    },
  );
});
