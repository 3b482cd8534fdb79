// Region sync under faults (PROTOCOL.md §4.4, §5.4, §8): Redis SIGKILLed mid-stream, rackd SIGKILLed
// mid-apply, Redis unreachable at start, a gap in the config stream, unsigned/badly signed/invalid entries.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import { RegionClient, encodeConfigEntry, regionKeys } from '../../protocol/region/index.js';
import type { ConfigEntry, RackEvent } from '../../protocol/region/index.js';
import type { Ipam, Reservation } from '../../protocol/ipam/types.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { createDirectLab, CLIENT_IF, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { udhcpc } from './lab/clients.js';
import { NsRedisBridge, SECRET_TEXT, macFor, sendDiscovers, writeSecretFile } from './lab/region-rig.js';

const SECRET = Buffer.from(SECRET_TEXT);
const SUBNET = { cidr: '10.20.0.0/24', gateway: '10.20.0.1' };
const FILE_IPAM = 'subnets:\n  - cidr: 10.20.0.0/24\n    gateway: 10.20.0.1\nreservations: []\n';

const lab = labPrerequisites(['ip', 'udhcpc', 'node', '/usr/bin/python3']);
const redisPre = redisServerPrerequisite();

/** Reservation i of a large filler subnet (10.128.0.0/12), skipping its network address. */
function fillerReservation(i: number): Reservation {
  const n = i + 256;
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return {
    mac: `52:55:00:${hex((n >> 16) & 0xff)}:${hex((n >> 8) & 0xff)}:${hex(n & 0xff)}`,
    ip: `10.${128 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}`,
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

describe('region sync under faults', () => {
  let redisServer: RedisServer;
  let env: DirectLab;
  let bridge: NsRedisBridge;
  let secretFile: string;
  const racks: RackdHandle[] = [];
  const opened: { redis: Redis; region: RegionClient }[] = [];

  beforeAll(async () => {
    lab.assertReady();
    redisPre.assertReady();
    redisServer = await RedisServer.start({ persistent: true });
    env = await createDirectLab('rkrf');
    bridge = await NsRedisBridge.start(env.lab, env.srv, redisServer.port);
    secretFile = writeSecretFile(env.lab.tempDir('secret'));
  });
  afterEach(async () => {
    for (const rackd of racks.splice(0)) await rackd.stop();
  });
  afterAll(async () => {
    for (const { redis, region } of opened) {
      region.close();
      redis.disconnect();
    }
    await bridge?.close();
    await env?.lab.destroy();
    await redisServer?.stop();
  });

  function regionFor(prefix: string): { redis: Redis; region: RegionClient } {
    const redis = new Redis(redisServer.url, { retryStrategy: (times) => Math.min(times * 100, 500) });
    redis.on('error', () => undefined);
    const pair = { redis, region: new RegionClient(redis, { secret: SECRET, prefix }) };
    opened.push(pair);
    return pair;
  }

  async function startRack(prefix: string, rack: string, stateDir?: string): Promise<RackdHandle> {
    const extraArgs = ['--redis', redisServer.url, '--rack-id', rack, '--secret-file', secretFile, '--prefix', prefix];
    if (stateDir !== undefined) extraArgs.push('--state-dir', stateDir);
    const rackd = await startRackd(env.lab, env.srv, { ipamYaml: FILE_IPAM, interfaces: [SERVER_IF], extraArgs });
    racks.push(rackd);
    return rackd;
  }

  async function leaseFor(mac: string, timeoutMs = 8000): Promise<string | undefined> {
    await env.useMac(mac);
    return (await udhcpc(env.lab, env.cli, CLIENT_IF, { timeoutMs }))?.ip;
  }

  /** The rack's status over RPC once it serves `revision` and is live. */
  async function convergedTo(region: RegionClient, rack: string, revision: number) {
    return waitFor(`rack ${rack} live at revision ${revision}`, async () => {
      const status = await region.call(rack, 'status', {}, { timeoutMs: 2000 });
      return status.sync.state === 'live' && status.revision === revision ? status : undefined;
    });
  }

  /** Reads group `region` until `done` holds for the events gathered; every batch acked. */
  async function collectEvents(
    region: RegionClient,
    done: (events: RackEvent[]) => boolean,
  ): Promise<{ events: RackEvent[]; duplicates: number }> {
    const events: RackEvent[] = [];
    let duplicates = 0;
    await waitFor(
      'events at the region',
      async () => {
        const delivery = await region.consumeEvents({
          group: 'region',
          consumer: 'faults-test',
          count: 500,
          blockMs: 500,
        });
        events.push(...delivery.events);
        duplicates += delivery.entries.reduce((n, e) => n + e.duplicates, 0);
        await delivery.ack();
        return done(events) ? true : undefined;
      },
      30_000,
    );
    return { events, duplicates };
  }

  it('converges and delivers every event exactly once when redis-server is SIGKILLed mid-stream', async () => {
    const prefix = 'fa';
    const rack = 'rack-a';
    const { redis, region } = regionFor(prefix);
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [] });
    const rackd = await startRack(prefix, rack);
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);

    // Deltas every 20 ms for ~5 s; a publish that fails while Redis is down is retried (puts are idempotent).
    let stop = false;
    let putCount = 0;
    let failedPublishes = 0;
    const deltas = (async () => {
      for (let i = 0; !stop && i < 200;) {
        try {
          await region.putReservation({ mac: macFor(0xa1, i), ip: `10.20.0.${20 + i}` });
          putCount = ++i;
        } catch {
          failedPublishes++;
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // 60 unknown clients over ~5 s: one unknown-client event each, many of them raised while Redis is away.
    const unknownMacs = Array.from({ length: 60 }, (_, i) => macFor(0xee, i));
    const discovers = sendDiscovers(env.lab, env.cli, CLIENT_IF, unknownMacs, 80);

    await new Promise((r) => setTimeout(r, 1500));
    await redisServer.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    await redisServer.restart();
    await discovers;
    stop = true;
    await deltas;

    const revision = await region.revision();
    // A publish whose reply was lost in the kill may have landed and been retried: revisions ≥ puts.
    expect(revision).toBeGreaterThanOrEqual(1 + putCount);
    const status = await convergedTo(region, rack, revision);
    expect(status.reservations).toBe(putCount);
    const leftLive = rackd.events('region.status').filter((l) => Number(l.time) >= killedAt && l.from === 'live');
    expect(leftLive.length, 'rackd noticed Redis going away').toBeGreaterThan(0);

    const unknown = (events: RackEvent[]) => events.filter((e) => e.type === 'unknown-client' && e.rack === rack);
    const { events } = await collectEvents(
      region,
      (all) => new Set(unknown(all).map((e) => (e as { mac: string }).mac)).size >= unknownMacs.length,
    );
    const keys = events.map((e) => `${e.rack}/${e.key}`);
    expect(new Set(keys).size, 'no idempotency key delivered twice').toBe(keys.length);
    expect(new Set(unknown(events).map((e) => (e as { mac: string }).mac))).toEqual(new Set(unknownMacs));
    const raw = await redis.xlen(regionKeys(prefix).eventStream);
    console.log(
      `redis SIGKILL: ${putCount} deltas (${failedPublishes} publish attempts failed; ioredis queued the rest ` +
        `during the outage), converged at revision ${revision}; ` +
        `${unknownMacs.length} unknown clients → ${events.length} events delivered once each from ${raw} ` +
        `stream entries`,
    );
  });

  const PERSIST_MAC = '52:54:00:b0:00:01';

  it('serves from the state dir after a SIGKILL mid-apply, before Redis is reachable', async () => {
    const prefix = 'fb';
    const rack = 'rack-b';
    const stateDir = env.lab.tempDir('state-b');
    const { region } = regionFor(prefix);
    const base: Reservation = { mac: PERSIST_MAC, ip: '10.20.0.150' };
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [base] });
    let rackd = await startRack(prefix, rack, stateDir);
    await rackd.waitForEvent('region.sync.applied', (l) => l.revision === 1, 15_000);
    await waitFor('applied.json', async () =>
      existsSync(join(stateDir, 'region', 'applied.json')) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1000));

    // A large snapshot (100 000 reservations in a second subnet) and deltas behind it; SIGKILL while applying them.
    const filler: Ipam = {
      subnets: [SUBNET, { cidr: '10.128.0.0/12' }],
      reservations: [base, ...Array.from({ length: 100_000 }, (_, i) => fillerReservation(i))],
    };
    const published = region.publishSnapshot(filler).then(async () => {
      for (let i = 0; i < 20; i++) await region.putReservation({ mac: macFor(0xb2, i), ip: `10.20.0.${30 + i}` });
    });
    // The moment the big snapshot is swapped in, its debounced state write is pending and deltas are arriving.
    await rackd.waitForEvent('region.sync.applied', (l) => l.revision === 2, 120_000);
    process.kill(rackd.pid, 'SIGKILL');
    await rackd.stop();
    await published;
    const appliedBeforeKill = Math.max(0, ...rackd.events('region.sync.applied').map((l) => Number(l.revision)));

    await bridge.disconnectNamespace();
    rackd = await startRack(prefix, rack, stateDir);
    const loaded = await rackd.waitForEvent('region.state.loaded', () => true, 15_000);
    expect(Number(loaded.revision)).toBeGreaterThanOrEqual(1);
    expect(Number(loaded.revision)).toBeLessThanOrEqual(Math.max(appliedBeforeKill, 1));
    expect(rackd.events('region.status').some((l) => l.to === 'live')).toBe(false);
    expect(await leaseFor(PERSIST_MAC)).toBe('10.20.0.150');
    console.log(
      `rackd SIGKILL: last applied revision logged ${appliedBeforeKill}, loaded revision ` +
        `${String(loaded.revision)} from disk, served with Redis unreachable`,
    );
  });

  it('reports degraded while Redis is unreachable at start, and converges once it is back', async () => {
    const prefix = 'fb';
    const rack = 'rack-b';
    const { region } = regionFor(prefix);
    const rackd = await startRack(prefix, rack, env.lab.tempDir('state-c'));
    // A fresh state dir and no Redis: the standalone file's subnet serves, and the status says why nothing else does.
    await rackd.waitForEvent('region.status', (l) => l.to === 'degraded', 30_000);
    expect(await leaseFor(PERSIST_MAC, 5000)).toBeUndefined();
    await bridge.connectNamespace();
    await convergedTo(region, rack, await region.revision());
    expect(await leaseFor(PERSIST_MAC)).toBe('10.20.0.150');
  });

  it('re-syncs from the latest snapshot after a delta with a gap', async () => {
    const prefix = 'fd';
    const rack = 'rack-d';
    const { redis, region } = regionFor(prefix);
    const keys = regionKeys(prefix);
    await region.publishSnapshot({
      subnets: [SUBNET],
      reservations: [{ mac: '52:54:00:d0:00:01', ip: '10.20.0.171' }],
    });
    const rackd = await startRack(prefix, rack);
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);
    await region.putReservation({ mac: '52:54:00:d0:00:02', ip: '10.20.0.172' });
    const current = await region.revision();
    await convergedTo(region, rack, current);

    // A well-signed delta two revisions ahead: the rack must not apply it, but re-sync.
    const epoch = (await redis.get(keys.configEpoch)) ?? '';
    const gap: ConfigEntry = {
      type: 'put-reservation',
      reservation: { mac: '52:54:00:d0:00:99', ip: '10.20.0.179' },
      epoch,
      revision: current + 2,
      time: Date.now(),
    };
    const from = rackd.logs.length;
    await redis.call('XADD', keys.configStream, '*', ...encodeConfigEntry(gap, SECRET, keys.configStream));
    await redis.set(keys.configRevision, String(current + 2));
    const resync = await rackd.waitForEvent('region.sync.resync', (l) => rackd.logs.indexOf(l) >= from, 10_000);
    // The region heals the history with a snapshot, as PROTOCOL.md §4.5 asks after a loss.
    const healed = await region.publishSnapshot({
      subnets: [SUBNET],
      reservations: [{ mac: '52:54:00:d0:00:03', ip: '10.20.0.173' }],
    });
    await convergedTo(region, rack, healed.revision);
    const gapApplied = rackd.events('region.sync.applied').some((l) => l.revision === current + 2);
    expect(gapApplied, 'the delta after the gap was never applied').toBe(false);
    expect(await leaseFor('52:54:00:d0:00:03')).toBe('10.20.0.173');
    const gone = await region.call(rack, 'reservations', { mac: '52:54:00:d0:00:99' });
    expect(gone.total).toBe(0);
    console.log(`gap: re-sync reason ${JSON.stringify(resync.reason)}, converged at revision ${healed.revision}`);
  });

  it('refuses unsigned, badly signed and invalid entries, reports them, and keeps serving', async () => {
    const prefix = 'fe';
    const rack = 'rack-e';
    const { redis, region } = regionFor(prefix);
    const keys = regionKeys(prefix);
    await region.publishSnapshot({
      subnets: [SUBNET],
      reservations: [{ mac: '52:54:00:e0:00:01', ip: '10.20.0.160' }],
    });
    const rackd = await startRack(prefix, rack);
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);
    const epoch = (await redis.get(keys.configEpoch)) ?? '';
    const evil = (revision: number, ip = '10.20.0.161'): ConfigEntry => ({
      type: 'put-reservation',
      reservation: { mac: '52:54:00:e0:00:66', ip },
      epoch,
      revision,
      time: Date.now(),
    });
    const xadd = (fields: string[]) => redis.call('XADD', keys.configStream, '*', ...fields);
    const from = rackd.logs.length;

    const signed = encodeConfigEntry(evil(2), SECRET, keys.configStream);
    const sigAt = signed.indexOf('sig');
    await xadd([...signed.slice(0, sigAt), ...signed.slice(sigAt + 2)]);
    await rackd.waitForEvent('region.refused', (l) => l.kind === 'unsigned');
    await xadd(encodeConfigEntry(evil(2), Buffer.from('another-secret-0123456789abcdef!'), keys.configStream));
    await rackd.waitForEvent('region.refused', (l) => l.kind === 'bad-signature');
    // Signed, but its content fails the IPAM schema: refused, and it still consumes revision 2 (§4.4).
    await xadd(encodeConfigEntry(evil(2, '10.20.0.300'), SECRET, keys.configStream));
    await redis.set(keys.configRevision, '2');
    const schema = await rackd.waitForEvent('region.refused', (l) => l.kind === 'schema');
    expect(String(schema.field)).toMatch(/ip/);

    const next = await region.putReservation({ mac: '52:54:00:e0:00:02', ip: '10.20.0.162' });
    expect(next.revision).toBe(3);
    await convergedTo(region, rack, 3);
    // The refused-but-signed entry consumed revision 2, so revision 3 is no gap: no re-sync after the start's.
    expect(rackd.logs.slice(from).filter((l) => l.event === 'region.sync.resync')).toEqual([]);
    expect(await leaseFor('52:54:00:e0:00:01')).toBe('10.20.0.160');
    expect(await leaseFor('52:54:00:e0:00:66', 5000)).toBeUndefined();

    const wanted = (events: RackEvent[]) =>
      ['unsigned', 'bad-signature'].every((r) => events.some((e) => e.type === 'security' && e.reason === r)) &&
      events.some((e) => e.type === 'config-refused');
    const { events } = await collectEvents(region, wanted);
    const refused = events.find((e) => e.type === 'config-refused');
    expect(refused).toMatchObject({ rack, field: expect.stringMatching(/ip/) });
  });
});
