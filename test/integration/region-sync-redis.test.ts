// RegionSync against a real redis-server (PROTOCOL.md §4.4, §5.4, §6.2): gap and epoch re-syncs, refused entries,
// Redis SIGKILLed and restarted empty with events in flight, pending RPC taken over at start, serving from disk.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, freeLoopbackPort, redisServerPrerequisite } from '../helpers/redis-server.js';
import {
  RegionClient,
  RPC_GROUP,
  encodeConfigEntry,
  encodeRpcRequest,
  decodeRpcReply,
  entriesReply,
  rackKeys,
  regionKeys,
  snapshotBodyKey,
} from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import { RegionSync } from '../../agent/region/region-sync.js';
import type { RegionSyncOptions } from '../../agent/region/region-sync.js';

const pre = redisServerPrerequisite();
const SECRET = Buffer.from('region-sync-unit-secret-0123456789');
const SUBNET = { cidr: '10.20.0.0/24', gateway: '10.20.0.1' };
const res = (n: number) => ({ mac: `52:54:00:00:02:${n.toString(16).padStart(2, '0')}`, ip: `10.20.0.${n + 10}` });
const IFACE = (n: number) => ({
  name: 'rk0',
  index: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  addresses: [{ family: 4 as const, address: `10.20.0.${n}`, prefixLength: 24 }],
});

type Line = Record<string, unknown>;

function capture(): {
  logger: pino.Logger;
  lines: Line[];
  wait(pred: (l: Line) => boolean, ms?: number): Promise<Line>;
} {
  const lines: Line[] = [];
  const waiters: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (text: string) => {
        const line = JSON.parse(text) as Line;
        lines.push(line);
        for (const w of [...waiters]) {
          if (!w.pred(line)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      },
    },
  );
  const wait = (pred: (l: Line) => boolean, ms = 10_000) => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<Line>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching log line in ${ms} ms; last: ${lines
                .slice(-8)
                .map((l) => JSON.stringify(l))
                .join('\n')}`,
            ),
          ),
        ms,
      );
      waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  };
  return { logger, lines, wait };
}

describe('RegionSync with a real redis-server', () => {
  let server: RedisServer;
  let prefixCount = 0;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    pre.assertReady();
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await server?.stop();
  });

  function setup(overrides: Partial<RegionSyncOptions> = {}, url = server.url) {
    const prefix = `u${++prefixCount}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'rackd-sync-'));
    const redis = new Redis(server.url);
    redis.on('error', () => undefined);
    const region = new RegionClient(redis, { secret: SECRET, prefix });
    const log = capture();
    const make = (dir = stateDir, u = url) => {
      const sync = new RegionSync({
        redisUrl: u,
        rackId: 'rack-u',
        secret: SECRET,
        prefix,
        stateDir: dir,
        logger: log.logger,
        version: '0.1.0',
        blockMs: 200,
        heartbeatMs: 500,
        ackCheckMs: 200,
        persistDebounceMs: 20,
        rackInfo: { served: () => ({}), interfaces: () => [] },
        ...overrides,
      });
      cleanups.push(() => sync.close());
      return sync;
    };
    cleanups.push(() => {
      region.close();
      redis.disconnect();
      rmSync(stateDir, { recursive: true, force: true });
    });
    return { prefix, stateDir, redis, region, log, make };
  }

  const ipOf = (sync: RegionSync, n: number) => sync.serving.index.byMac(SUBNET.cidr, res(n).mac)?.ip;

  it('goes degraded when Redis is unreachable at start, serving the bootstrap config', async () => {
    const { make, log } = setup({}, `redis://127.0.0.1:${await freeLoopbackPort()}`);
    const sync = make();
    await sync.start({ subnets: [SUBNET], reservations: [{ ...res(1), subnet: SUBNET.cidr }] });
    expect(ipOf(sync, 1)).toBe(res(1).ip);
    await log.wait((l) => l.event === 'region.status' && l.to === 'degraded');
    expect(log.lines.filter((l) => l.event === 'region.status').map((l) => l.to)).toEqual(['connecting', 'degraded']);
  });

  it(
    'applies a backlog of deltas a slice at a time, so packets are not held until the whole read is ' + 'applied',
    async () => {
      // Each log line is stamped with how many event-loop turns (setImmediate) had run when it was written.
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns++;
        if (ticking) setImmediate(tick);
      };
      const stamped: Line[] = [];
      const logger = pino(
        { level: 'info' },
        { write: (text: string) => void stamped.push({ ...(JSON.parse(text) as Line), turns }) },
      );
      const { make, region } = setup({ logger });
      cleanups.push(() => void (ticking = false));
      await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
      // 200 deltas waiting before the rack starts: it reads them in one XREAD (COUNT 500).
      for (let n = 2; n <= 201; n++) await region.putReservation(res(n));
      const sync = make();
      tick();
      await sync.start();
      const deadline = Date.now() + 10_000;
      const applied = () => stamped.filter((l) => l.event === 'region.sync.applied' && l.change === 'put-reservation');
      while (applied().length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(applied().map((l) => l.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
      expect(ipOf(sync, 201)).toBe(res(201).ip);
      // In one piece, every line of the batch would carry the same count.
      expect(new Set(applied().map((l) => l.turns)).size).toBeGreaterThan(1);
    },
  );

  it('re-syncs from the latest snapshot after a gap, and serves from disk on the next start', async () => {
    const { make, region, redis, prefix, log, stateDir } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    const sync = make();
    await sync.start();
    await log.wait((l) => l.event === 'region.status' && l.to === 'live');
    expect(ipOf(sync, 1)).toBe(res(1).ip);
    // A signed delta five revisions ahead, as if entries in between were lost: the rack must not apply it.
    const epoch = (await redis.get(regionKeys(prefix).configEpoch)) as string;
    const stream = regionKeys(prefix).configStream;
    await redis.xadd(
      stream,
      '*',
      ...encodeConfigEntry(
        { type: 'put-reservation', reservation: res(9), epoch, revision: 6, time: Date.now() },
        SECRET,
        stream,
      ),
    );
    await log.wait((l) => l.event === 'region.sync.resync' && l.reason === 'gap');
    expect(ipOf(sync, 9)).toBeUndefined();
    expect(sync.revision).toBe(1);
    await region.putReservation(res(2)).catch(() => undefined);
    await sync.close();

    const { make: makeOffline } = setup({}, `redis://127.0.0.1:${await freeLoopbackPort()}`);
    const again = makeOffline(stateDir);
    await again.start();
    expect(again.revision).toBeGreaterThanOrEqual(1);
    expect(ipOf(again, 1)).toBe(res(1).ip);
  });

  /** What anyone who can read Redis can record of the latest snapshot, and later write back without the secret. */
  async function recordSnapshot(redis: Redis, prefix: string) {
    const k = regionKeys(prefix);
    const [head, id, epoch, revision] = await Promise.all([
      redis.hgetall(k.snapshotHead),
      redis.get(k.snapshotEntryId),
      redis.get(k.configEpoch),
      redis.get(k.configRevision),
    ]);
    const bodyKey = snapshotBodyKey(prefix, JSON.parse(head.data ?? '{}').id as string);
    return {
      head,
      id: id as string,
      epoch: epoch as string,
      revision: revision as string,
      bodyKey,
      body: await redis.dumpBuffer(bodyKey),
    };
  }

  /** Writes a recorded snapshot back as the latest one and breaks the stream, so the rack must re-sync from it. */
  async function restoreSnapshot(redis: Redis, prefix: string, recorded: Awaited<ReturnType<typeof recordSnapshot>>) {
    const k = regionKeys(prefix);
    await redis.del(k.snapshotHead, k.configStream, recorded.bodyKey);
    await redis.hset(k.snapshotHead, recorded.head);
    if (recorded.body !== null) await redis.restore(recorded.bodyKey, 0, recorded.body);
    await redis.set(k.snapshotEntryId, recorded.id);
    await redis.set(k.configEpoch, recorded.epoch);
    await redis.set(k.configRevision, recorded.revision);
    await redis.set(k.configStream, 'not a stream any more');
  }

  it('never goes back: a recorded older snapshot of the same history, restored without the secret, is not applied', async () => {
    const { make, region, redis, prefix, log } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    const recorded = await recordSnapshot(redis, prefix);
    const sync = make();
    await sync.start();
    await log.wait((l) => l.event === 'region.status' && l.to === 'live');
    // Revisions 2-4: res(1)'s address moves to res(2)'s MAC.
    await region.deleteReservation(res(1).mac);
    await region.putReservation({ mac: res(2).mac, ip: res(1).ip });
    await region.putReservation(res(3));
    await log.wait((l) => l.event === 'region.sync.applied' && l.revision === 4);
    await restoreSnapshot(redis, prefix, recorded);
    // What SIGHUP or a replayed signed `reload` RPC does: re-sync from the latest snapshot.
    await sync.reload().catch(() => undefined);
    expect(sync.revision).toBe(4);
    expect(sync.serving.index.byIp(res(1).ip)?.mac).toBe(res(2).mac);
    expect(ipOf(sync, 1)).toBeUndefined();
  });

  it('refuses a recorded snapshot of an older history as a replay, reports it once, and keeps serving', async () => {
    const { make, region, redis, prefix, log } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    const recorded = await recordSnapshot(redis, prefix);
    // The region's Redis loses its data: the next publish starts a new, later history.
    const k = regionKeys(prefix);
    await redis.del(k.configRevision, k.configEpoch, k.configStream, k.snapshotHead, k.snapshotEntryId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [{ mac: res(2).mac, ip: res(1).ip }] });
    const sync = make();
    await sync.start();
    await log.wait((l) => l.event === 'region.status' && l.to === 'live');
    const applied = { epoch: await redis.get(k.configEpoch), revision: sync.revision };
    expect(applied.epoch).not.toBe(recorded.epoch);
    await restoreSnapshot(redis, prefix, recorded);
    await sync.reload().catch(() => undefined);
    const refused = await log.wait((l) => l.event === 'region.refused' && l.kind === 'replay');
    expect(refused).toMatchObject({ field: 'epoch' });
    expect(sync.revision).toBe(applied.revision);
    expect(sync.serving.index.byIp(res(1).ip)?.mac).toBe(res(2).mac);
    await sync.reload().catch(() => undefined);
    expect(log.lines.filter((l) => l.event === 'region.refused' && l.kind === 'replay')).toHaveLength(1);
  });

  it('serves nothing rather than the bootstrap file when its state is corrupt, and takes the region back', async () => {
    const { make, region, log, stateDir } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    await region.deleteReservation(res(1).mac);
    await region.putReservation({ mac: res(2).mac, ip: res(1).ip });
    const first = make();
    await first.start();
    await log.wait((l) => l.event === 'region.sync.applied' && l.revision === 3);
    await log
      .wait((l) => l.event === 'region.state.base-written' || l.event === 'region.state.log-written', 2000)
      .catch(() => undefined);
    await first.close();
    // One bit flipped in the columns file, and Redis out of reach.
    const dir = join(stateDir, 'region');
    const bin = readdirSync(dir).find((name) => name.endsWith('.bin')) as string;
    const bytes = readFileSync(join(dir, bin));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    writeFileSync(join(dir, bin), bytes);
    const { make: makeOffline, log: offlineLog } = setup({}, `redis://127.0.0.1:${await freeLoopbackPort()}`);
    const offline = makeOffline(stateDir);
    // The bootstrap file still gives the address to its first owner: it must not be served.
    await offline.start({ subnets: [SUBNET], reservations: [{ ...res(1), subnet: SUBNET.cidr }] });
    expect(offline.serving.index.byIp(res(1).ip)).toBeUndefined();
    expect(offlineLog.lines.some((l) => l.event === 'region.state.refused')).toBe(true);
    await offline.close();
    // With the region back, its snapshot and deltas bring the config back.
    const again = make(stateDir);
    await again.start({ subnets: [SUBNET], reservations: [{ ...res(1), subnet: SUBNET.cidr }] });
    const deadline = Date.now() + 10_000;
    while (again.revision < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(again.revision).toBe(3);
    expect(again.serving.index.byIp(res(1).ip)?.mac).toBe(res(2).mac);
  });

  it('refuses a snapshot signed with another secret, reports it, and keeps the last good config', async () => {
    const { make, region, redis, prefix, log } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    const sync = make();
    await sync.start();
    await log.wait((l) => l.event === 'region.status' && l.to === 'live');
    const forger = new RegionClient(redis, { secret: Buffer.from('not-the-region-secret-at-all-000'), prefix });
    cleanups.push(() => forger.close());
    await forger.publishSnapshot({ subnets: [SUBNET], reservations: [res(3)] });
    const refused = await log.wait((l) => l.event === 'region.refused');
    expect(refused).toMatchObject({ kind: 'bad-signature', field: 'sig' });
    expect(ipOf(sync, 1)).toBe(res(1).ip);
    expect(ipOf(sync, 3)).toBeUndefined();
    const delivery = await region.consumeEvents({ group: 'region', consumer: 't', blockMs: 2000 });
    expect(delivery.events.some((e) => e.type === 'security' && e.reason === 'bad-signature')).toBe(true);
  });

  it(
    'survives Redis SIGKILLed and restarted empty: converges to the new epoch, every event arrives exactly ' + 'once',
    async () => {
      const { make, region, log } = setup({ ackCheckMs: 100 });
      await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
      const sync = make();
      await sync.start();
      await log.wait((l) => l.event === 'region.status' && l.to === 'live');
      for (let i = 0; i < 30; i++) sync.noteInterfaces([IFACE(i + 2)]);
      await log.wait((l) => l.event === 'region.events.flushed');
      await server.kill('SIGKILL');
      for (let i = 30; i < 60; i++) sync.noteInterfaces([IFACE(i + 2)]);
      await log.wait((l) => l.event === 'region.status' && l.to === 'degraded');
      expect(ipOf(sync, 1)).toBe(res(1).ip);
      await server.restart();
      for (let i = 60; i < 70; i++) sync.noteInterfaces([IFACE(i + 2)]);
      await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1), res(4)] });
      await log.wait(
        (l) => l.event === 'region.sync.applied' && l.change === 'snapshot' && l.reservations === 2,
        20_000,
      );
      expect(ipOf(sync, 4)).toBe(res(4).ip);

      const keys: string[] = [];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && new Set(keys).size < 70) {
        const delivery = await region.consumeEvents({ group: 'region', consumer: 't', blockMs: 300 });
        keys.push(...delivery.events.filter((e: RackEvent) => e.type === 'interfaces-changed').map((e) => e.key));
        await delivery.ack();
      }
      expect(new Set(keys).size).toBe(70);
      expect(keys.length).toBe(70);
    },
    60_000,
  );

  it('journals events raised while Redis is unreachable and sends them after the next start, in order', async () => {
    const { make, region, log, stateDir } = setup({}, `redis://127.0.0.1:${await freeLoopbackPort()}`);
    const offline = make();
    await offline.start();
    for (let i = 0; i < 12; i++) offline.noteInterfaces([IFACE(i + 2)]);
    await offline.close();
    const sync = new RegionSync({
      redisUrl: server.url,
      rackId: 'rack-u',
      secret: SECRET,
      prefix: region.keys.prefix,
      stateDir,
      logger: log.logger,
      version: '0.1.0',
      blockMs: 200,
      rackInfo: { served: () => ({}), interfaces: () => [] },
    });
    cleanups.push(() => sync.close());
    await sync.start();
    await log.wait((l) => l.event === 'region.events.flushed');
    const delivery = await region.consumeEvents({ group: 'region', consumer: 't', blockMs: 1000 });
    const addresses = delivery.events.flatMap((e) =>
      e.type === 'interfaces-changed' ? [e.interfaces[0]?.addresses[0]] : [],
    );
    expect(addresses).toEqual(Array.from({ length: 12 }, (_, i) => `10.20.0.${i + 2}/24`));
  });

  it('takes over an RPC request a previous incarnation read but never answered, and honours deadlines', async () => {
    const { make, redis, prefix, log } = setup();
    const keys = rackKeys('rack-u', prefix);
    await redis.call('XGROUP', 'CREATE', keys.rpc, RPC_GROUP, '0', 'MKSTREAM');
    const now = Date.now();
    await redis.xadd(
      keys.rpc,
      '*',
      ...encodeRpcRequest(
        { id: 'pending-1', method: 'ping', params: {}, time: now, deadline: now + 60_000 },
        SECRET,
        keys.rpc,
      ),
    );
    await redis.xadd(
      keys.rpc,
      '*',
      ...encodeRpcRequest(
        { id: 'late-1', method: 'ping', params: {}, time: now - 5000, deadline: now - 1000 },
        SECRET,
        keys.rpc,
      ),
    );
    // The dead incarnation's read: both requests now sit in its pending list.
    await redis.call('XREADGROUP', 'GROUP', RPC_GROUP, 'rack-u', 'COUNT', 10, 'STREAMS', keys.rpc, '>');
    const sync = make();
    await sync.start();
    await log.wait((l) => l.event === 'region.rpc' && l.id === 'late-1');
    const replies = entriesReply(await redis.call('XRANGE', keys.rpcReplies, '-', '+')).map((e) =>
      decodeRpcReply(e.fields ?? [], SECRET, keys.rpcReplies),
    );
    const byId = new Map(replies.flatMap((r) => (r.ok ? [[r.value.id, r.value]] : [])));
    expect(byId.get('pending-1')).toMatchObject({ ok: true, result: { rack: 'rack-u', version: '0.1.0' } });
    expect(byId.get('late-1')).toMatchObject({ ok: false, error: { code: 'deadline-exceeded' } });
    const pending = (await redis.call('XPENDING', keys.rpc, RPC_GROUP)) as unknown[];
    expect(Number(pending[0])).toBe(0);
  });

  it('does not run a signed request again when it is played back after a restart, before its deadline', async () => {
    const { make, region, redis, prefix, log, stateDir } = setup();
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [res(1)] });
    const keys = rackKeys('rack-u', prefix);
    const now = Date.now();
    const fields = encodeRpcRequest(
      { id: 'reload-1', method: 'reload', params: {}, time: now, deadline: now + 600_000 },
      SECRET,
      keys.rpc,
    );
    const first = make();
    await first.start();
    await redis.xadd(keys.rpc, '*', ...fields);
    await log.wait((l) => l.event === 'region.rpc' && l.id === 'reload-1' && l.outcome === 'ok');
    await first.close();

    // Anyone who can read the stream can add the same signed entry again.
    const second = make(stateDir);
    await second.start();
    await redis.xadd(keys.rpc, '*', ...fields);
    const outcome = await log.wait((l) => l.event === 'region.rpc' && l.id === 'reload-1' && l.outcome !== 'ok');
    expect(outcome.outcome).toBe('duplicate');
    const runs = log.lines.filter((l) => l.event === 'region.rpc' && l.id === 'reload-1' && l.outcome === 'ok');
    expect(runs).toHaveLength(1);
    const replies = entriesReply(await redis.call('XRANGE', keys.rpcReplies, '-', '+'));
    expect(replies).toHaveLength(1);
  });
});
