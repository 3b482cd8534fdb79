// rackd under a region, end to end (PROTOCOL.md §4–§8): RegionClient publishes a snapshot and deltas to a real
// redis-server, a udhcpc in a namespace gets (and then loses) the address, RPC and events round-trip, and a restart
// without Redis serves from the state dir. rackd sits in a namespace, Redis on host loopback: a unix-socket relay joins
// them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import { RegionClient, RpcCallError, regionKeys } from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import { udhcpc } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import { unixRelay } from './lab/unix-relay.js';
import type { LogLine, RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const lab = labPrerequisites(['ip', 'udhcpc']);
const redisPre = redisServerPrerequisite();

const SECRET = 'region-sync-test-secret-0123456789';
const PREFIX = 'rsync';
const RACK = 'rack-a';
const SUBNET = { cidr: '10.20.0.0/24', gateway: '10.20.0.1' };
const A = { mac: '52:54:00:ab:00:01', ip: '10.20.0.61' };
const B = { mac: '52:54:00:ab:00:02', ip: '10.20.0.62' };

describe('rackd region sync (real redis-server, udhcpc in a namespace)', () => {
  let env: DirectLab;
  let redisServer: RedisServer;
  let relay: { close(): void };
  let redis: Redis;
  let region: RegionClient;
  let rackd: RackdHandle;
  let args: string[];

  async function leaseFor(mac: string): Promise<string | undefined> {
    await env.useMac(mac);
    return (await udhcpc(env.lab, env.cli, CLIENT_IF))?.ip;
  }

  function applied(revision: number): Promise<LogLine> {
    return rackd.waitForEvent('region.sync.applied', (line) => line.revision === revision, 10_000);
  }

  beforeAll(async () => {
    lab.assertReady();
    redisPre.assertReady();
    redisServer = await RedisServer.start();
    env = await createDirectLab('rks-e2e', A.mac);
    const dir = env.lab.tempDir('region');
    const socket = join(dir, 'redis.sock');
    relay = await unixRelay(socket, redisServer.port);
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    redis = new Redis(redisServer.url);
    region = new RegionClient(redis, { secret: Buffer.from(SECRET), prefix: PREFIX });
    // One state dir for both runs (startRackd makes a fresh one each time; a later --state-dir wins).
    args = [
      '--redis',
      `unix://${socket}`,
      '--rack-id',
      RACK,
      '--secret-file',
      secretFile,
      '--prefix',
      PREFIX,
      '--state-dir',
      join(dir, 'state'),
    ];
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: 'subnets: []\n', interfaces: [SERVER_IF], extraArgs: args });
  }, 30_000);

  afterAll(async () => {
    await rackd?.stop();
    region?.close();
    redis?.disconnect();
    relay?.close();
    await env?.lab.destroy();
    await redisServer?.stop();
  });

  it('does not wait for Redis to be ready, then goes live', async () => {
    await rackd.waitForEvent('region.status', (line) => line.to === 'live', 10_000);
    const ready = rackd.logs.findIndex((line) => line.event === 'rackd.ready');
    const live = rackd.logs.findIndex((line) => line.event === 'region.status' && line.to === 'live');
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(ready).toBeLessThan(live);
  });

  it('serves a published snapshot, then a put-reservation delta, and prints publish → served latency', async () => {
    await region.publishSnapshot({ subnets: [SUBNET], reservations: [A] });
    await applied(1);
    expect(await leaseFor(A.mac)).toBe(A.ip);
    expect(await leaseFor(B.mac)).toBeUndefined();

    const published = Date.now();
    const result = await region.putReservation({ ...B, hostname: 'bee' });
    const line = await applied(result.revision);
    const appliedMs = Number(line.time) - published;
    expect(line).toMatchObject({ change: 'put-reservation', mac: B.mac, ip: B.ip });
    expect(await leaseFor(B.mac)).toBe(B.ip);
    const servedMs = Date.now() - published;
    console.log(
      `publish → applied ${appliedMs} ms; publish → leased by udhcpc ${servedMs} ms (includes udhcpc's ` +
        `DISCOVER/REQUEST)`,
    );
    expect(appliedMs).toBeLessThan(1000);
  });

  it('stops serving a deleted reservation and keeps the others', async () => {
    const result = await region.deleteReservation(B.mac);
    await applied(result.revision);
    expect(await leaseFor(B.mac)).toBeUndefined();
    expect(await leaseFor(A.mac)).toBe(A.ip);
  });

  it('refuses an unsigned entry and a conflicting one, reports them, and keeps serving', async () => {
    await redis.xadd(
      regionKeys(PREFIX).configStream,
      '*',
      'v',
      '1.0',
      'type',
      'delete-reservation',
      'epoch',
      'x',
      'rev',
      '99',
      'ts',
      '1',
      'data',
      `{"mac":"${A.mac}"}`,
    );
    const unsigned = await rackd.waitForEvent('region.refused', (l) => l.kind === 'unsigned');
    expect(unsigned.field).toBe('sig');
    // A's address for another MAC: signed and valid, but it would give one address to two MACs.
    const conflict = await region.putReservation({ mac: '52:54:00:ab:00:09', ip: A.ip });
    const refused = await rackd.waitForEvent('region.refused', (l) => l.revision === conflict.revision);
    expect(refused).toMatchObject({ kind: 'schema', field: 'data.ip' });
    expect(await leaseFor(A.mac)).toBe(A.ip);
    // The refused revision was consumed: the next delta applies without a re-sync.
    const next = await region.putReservation(B);
    await applied(next.revision);
    expect(rackd.events('region.sync.resync')).toHaveLength(0);
  });

  it('answers RPC: status, reservations with last seen, unknown method', async () => {
    const status = await region.call(RACK, 'status', {}, { timeoutMs: 5000 });
    expect(status.sync.state).toBe('live');
    expect(status.revision).toBe(await region.revision());
    expect(status.interfaces.map((i) => i.name)).toEqual([SERVER_IF]);
    const listed = await region.call(RACK, 'reservations', { mac: A.mac }, { timeoutMs: 5000 });
    expect(listed.reservations).toHaveLength(1);
    expect(listed.reservations[0]).toMatchObject({ mac: A.mac, ip: A.ip, subnet: SUBNET.cidr });
    expect(listed.reservations[0]?.last_seen).toBeGreaterThan(Date.now() - 120_000);
    const unknown = region.call(RACK, 'no-such' as 'ping', {}, { timeoutMs: 5000 });
    await expect(unknown).rejects.toBeInstanceOf(RpcCallError);
    await expect(unknown).rejects.toMatchObject({ code: 'unknown-method' });
  });

  it('sends DHCP activity, unknown clients, refusals and interface changes up the event stream', async () => {
    const events: RackEvent[] = [];
    const deadline = Date.now() + 10_000;
    const wanted = ['dhcp-activity', 'unknown-client', 'security', 'config-refused', 'interfaces-changed'];
    while (Date.now() < deadline && !wanted.every((t) => events.some((e) => e.type === t))) {
      const delivery = await region.consumeEvents({ group: 'region', consumer: 'test', blockMs: 500 });
      events.push(...delivery.events);
      await delivery.ack();
    }
    for (const type of wanted)
      expect(
        events.some((e) => e.type === type),
        `no ${type} event in ${JSON.stringify(events.map((e) => e.type))}`,
      ).toBe(true);
    expect(events.find((e) => e.type === 'dhcp-activity' && e.mac === A.mac)).toMatchObject({
      rack: RACK,
      ip: A.ip,
      interface: SERVER_IF,
    });
    expect(events.some((e) => e.type === 'unknown-client' && e.mac === B.mac)).toBe(true);
    await rackd.waitForEvent('region.events.flushed');
  });

  it(
    'after a restart with Redis unreachable, serves the last applied config from disk and reports ' + 'degraded',
    async () => {
      const revision = await region.revision();
      await rackd.stop();
      relay.close();
      rackd = await startRackd(env.lab, env.srv, {
        ipamYaml: 'subnets: []\n',
        interfaces: [SERVER_IF],
        extraArgs: args,
      });
      const loaded = rackd.events('region.state.loaded')[0];
      expect(loaded?.revision).toBe(revision);
      await rackd.waitForEvent('region.status', (line) => line.to === 'degraded', 10_000);
      expect(await leaseFor(A.mac)).toBe(A.ip);
      expect(await leaseFor(B.mac)).toBe(B.ip);
    },
  );
});
