// Graceful stop under load with the region away: SIGTERM during a burst of
// DHCP traffic exits 0, leaves a journal whose every line parses and the applied state on disk, and after a
// restart with Redis back every journaled event reaches the region exactly once.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionClient } from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import { NsRedisBridge, SECRET_TEXT, macFor, sendDiscovers, writeSecretFile } from './lab/region-rig.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const lab = labPrerequisites(['ip', '/usr/bin/python3']);
const redisPre = redisServerPrerequisite();
const PREFIX = 'gs';
const RACK = 'rack-s';
const BURST = 300;

describe('SIGTERM under load while Redis is away', () => {
  let redisServer: RedisServer;
  let env: DirectLab;
  let bridge: NsRedisBridge;
  let redis: Redis;
  let region: RegionClient;

  beforeAll(async () => {
    lab.assertReady();
    redisPre.assertReady();
    redisServer = await RedisServer.start({ persistent: true });
    env = await createDirectLab('rks-gs');
    bridge = await NsRedisBridge.start(env.lab, env.srv, redisServer.port);
    redis = new Redis(redisServer.url, { retryStrategy: () => 200 });
    redis.on('error', () => undefined);
    region = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: PREFIX });
  });

  afterAll(async () => {
    region?.close();
    redis?.disconnect();
    await bridge?.close();
    await env?.lab.destroy();
    await redisServer?.stop();
  });

  it('exits 0 with an intact journal and state, and delivers every journaled event once after restart', async () => {
    const stateDir = env.lab.tempDir('state');
    const args = [
      '--redis',
      redisServer.url,
      '--rack-id',
      RACK,
      '--secret-file',
      writeSecretFile(env.lab.tempDir('secret')),
      '--prefix',
      PREFIX,
      '--state-dir',
      stateDir,
    ];
    await region.publishSnapshot({ subnets: [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }], reservations: [] });
    let rackd = await startRackd(env.lab, env.srv, {
      ipamYaml: 'subnets: []\n',
      interfaces: [SERVER_IF],
      extraArgs: args,
    });
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);

    await redisServer.kill('SIGKILL');
    await rackd.waitForEvent('region.status', (l) => l.to === 'degraded', 15_000);
    // A burst of unknown clients (one event each), and SIGTERM while it is still arriving.
    const burst = sendDiscovers(
      env.lab,
      env.cli,
      CLIENT_IF,
      Array.from({ length: BURST }, (_, i) => macFor(0x5e, i)),
      2,
    );
    await rackd.waitForEvent('dhcp4.unknown-client', undefined, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await rackd.stop()).toBe(0);
    await burst;

    const outbox = join(stateDir, 'region', 'outbox');
    // Every line must parse: a torn or interleaved write would throw here.
    const journaled = readdirSync(outbox).flatMap((file) =>
      readFileSync(join(outbox, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RackEvent),
    );
    const journaledKeys = new Set(journaled.map((e) => `${e.rack}/${e.key}`));
    expect(journaled.length, 'events were journaled at shutdown').toBeGreaterThan(0);
    const applied = JSON.parse(readFileSync(join(stateDir, 'region', 'applied.json'), 'utf8')) as { revision: number };
    expect(applied.revision).toBe(1);

    await redisServer.restart();
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: 'subnets: []\n', interfaces: [SERVER_IF], extraArgs: args });
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);
    const keys: string[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const delivery = await region.consumeEvents({ group: 'region', consumer: 'gs-test', count: 500, blockMs: 500 });
      for (const e of delivery.events as RackEvent[]) keys.push(`${e.rack}/${e.key}`);
      await delivery.ack();
      if ([...journaledKeys].every((k) => keys.includes(k))) break;
    }
    await rackd.stop();
    expect(new Set(keys).size, 'no idempotency key delivered twice').toBe(keys.length);
    expect(
      [...journaledKeys].filter((k) => !keys.includes(k)),
      'journaled events not delivered',
    ).toEqual([]);
    console.log(
      `graceful stop: ${journaled.length} events journaled at SIGTERM, all delivered after the restart ` +
        `(${keys.length} events in all, none twice)`,
    );
  });
});
