// Discovery under a region (issues 3 and 4): what the rack observes reaches the region as events through the
// outbox, and the region's `discovery.clear` and `probe` calls are answered on the rack's RPC stream.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionClient } from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { unixRelay } from './lab/unix-relay.js';

const lab = labPrerequisites(['ip', 'arping']);
const redisPre = redisServerPrerequisite();

const SECRET = 'region-discovery-test-secret-0123456789';
const PREFIX = 'rdisc';
const RACK = 'rack-d';
const CLIENT = { mac: '52:54:00:dd:00:01', ip: '10.20.0.91' };

describe('discovery under a region (real redis-server, arping in a namespace)', () => {
  let env: DirectLab;
  let redisServer: RedisServer;
  let relay: { close(): void };
  let redis: Redis;
  let region: RegionClient;
  let rackd: RackdHandle;

  beforeAll(async () => {
    lab.assertReady();
    redisPre.assertReady();
    redisServer = await RedisServer.start();
    env = await createDirectLab('rkr-dis', CLIENT.mac);
    const dir = env.lab.tempDir('region');
    const socket = join(dir, 'redis.sock');
    relay = await unixRelay(socket, redisServer.port);
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'rackd.yaml'), JSON.stringify({ discovery: { enabled: true } }));
    redis = new Redis(redisServer.url);
    region = new RegionClient(redis, { secret: Buffer.from(SECRET), prefix: PREFIX });
    await region.publishSnapshot({ subnets: [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }], reservations: [] });
    const args = [
      '--config',
      join(dir, 'rackd.yaml'),
      '--redis',
      `unix://${socket}`,
      '--rack-id',
      RACK,
      '--secret-file',
      join(dir, 'secret'),
      '--prefix',
      PREFIX,
    ];
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: 'subnets: []\n', interfaces: [SERVER_IF], extraArgs: args });
    await rackd.waitForEvent('discovery.ready');
    await rackd.waitForEvent('region.status', (line) => line.to === 'live', 10_000);
  }, 40_000);

  afterAll(async () => {
    await rackd?.stop();
    region?.close();
    redis?.disconnect();
    relay?.close();
    await env?.lab.destroy();
    await redisServer?.stop();
  });

  it('sends an ARP neighbour seen on a served interface to the region as a `neighbour` event', async () => {
    await env.lab.addAddress(env.cli, CLIENT_IF, `${CLIENT.ip}/24`);
    const arping = await env.lab.exec(env.cli, 'arping', ['-c', '2', '-w', '3', '-I', CLIENT_IF, '10.20.0.1']);
    expect(arping.code, arping.stderr).toBe(0);
    await rackd.waitForEvent('discovery.neighbour.new', (line) => JSON.stringify(line).includes(CLIENT.ip), 10_000);
    const events: RackEvent[] = [];
    for (let i = 0; i < 20 && !events.some((e) => e.type === 'neighbour'); i++) {
      const delivery = await region.consumeEvents({ group: 'region', consumer: 'test', blockMs: 500 });
      events.push(...delivery.events);
      await delivery.ack();
    }
    const neighbour = events.find((e) => e.type === 'neighbour');
    expect(neighbour, JSON.stringify(events)).toMatchObject({
      rack: RACK,
      ip: CLIENT.ip,
      mac: CLIENT.mac,
      interface: SERVER_IF,
    });
  });

  it('answers the region’s discovery.clear and probe calls', async () => {
    const cleared = await region.call(RACK, 'discovery.clear', { neighbours: true }, { timeoutMs: 5000 });
    expect(cleared.neighbours).toBeGreaterThanOrEqual(1);
    // Discovery probes once at start; a second probe while one runs is refused as `busy`, so wait for it.
    await rackd.waitForEvent('discovery.probe.done', undefined, 20_000);
    const probe = await region.call(RACK, 'probe', {}, { timeoutMs: 15_000 });
    expect(probe.probed).toBeGreaterThanOrEqual(1);
    expect(probe.foreign).toBe(0);
    expect(probe.servers.every((s) => s.ours)).toBe(true);
  });
});
