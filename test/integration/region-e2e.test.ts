// Region sync end to end: rackctl publishes to a real redis-server, rackd in a namespace follows the
// config stream, and a real udhcpc gets (then no longer gets) the reservation; RPC through `rackctl call`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServer, redisServerPrerequisite } from '../helpers/redis-server.js';
import { RegionClient } from '../../protocol/region/index.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { createDirectLab, CLIENT_IF, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { startRackd } from './lab/rackd.js';
import type { LogLine, RackdHandle } from './lab/rackd.js';
import { udhcpc } from './lab/clients.js';
import { NsRedisBridge, SECRET_TEXT, publishedEntry, runRackctl, writeSecretFile } from './lab/region-rig.js';

const RACK = 'rack-e2e';
const PREFIX = 'e2e';
const MAC = '52:54:00:e2:00:01';
const RESERVED_IP = '10.20.0.77';
// The standalone file rackd is also given: a subnet and no reservations, so a lease can only come from the region.
const FILE_IPAM = 'subnets:\n  - cidr: 10.20.0.0/24\n    gateway: 10.20.0.1\nreservations: []\n';
const REGION_IPAM = `subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
    lease_time: 600
reservations:
  - mac: 52:54:00:e2:00:99
    ip: 10.20.0.99
`;

const lab = labPrerequisites(['ip', 'udhcpc', 'node']);
const redisPre = redisServerPrerequisite();

describe('region sync end to end: rackctl → Redis → rackd → udhcpc', () => {
  let server: RedisServer;
  let env: DirectLab;
  let bridge: NsRedisBridge;
  let rackd: RackdHandle;
  let conn: { url: string; secretFile: string; prefix: string };
  let redis: Redis;
  let region: RegionClient;

  beforeAll(async () => {
    lab.assertReady();
    redisPre.assertReady();
    server = await RedisServer.start();
    env = await createDirectLab('rkre', MAC);
    bridge = await NsRedisBridge.start(env.lab, env.srv, server.port);
    conn = { url: server.url, secretFile: writeSecretFile(env.lab.tempDir('secret')), prefix: PREFIX };
    redis = new Redis(server.url);
    region = new RegionClient(redis, { secret: Buffer.from(SECRET_TEXT), prefix: PREFIX });
    const pushed = await runRackctl(['snapshot', 'push', writeIpam(env, REGION_IPAM)], conn);
    expect(pushed.code, pushed.stderr).toBe(0);
    rackd = await startRackd(env.lab, env.srv, {
      ipamYaml: FILE_IPAM,
      interfaces: [SERVER_IF],
      extraArgs: ['--redis', server.url, '--rack-id', RACK, '--secret-file', conn.secretFile, '--prefix', PREFIX],
    });
    await rackd.waitForEvent('region.status', (l) => l.to === 'live', 15_000);
  });

  afterAll(async () => {
    await rackd?.stop();
    region?.close();
    redis?.disconnect();
    await bridge?.close();
    await env?.lab.destroy();
    await server?.stop();
  });

  it('serves a reservation put with rackctl, then stops serving it after a delete; prints the latency', async () => {
    const put = await runRackctl(
      ['reservation', 'put', '--mac', MAC, '--ip', RESERVED_IP, '--hostname', 'e2e-host'],
      conn,
    );
    expect(put.code, put.stderr).toBe(0);
    const published = publishedEntry(put.stdout);
    const leasePromise = udhcpc(env.lab, env.cli, CLIENT_IF);
    const applied = await rackd.waitForEvent(
      'region.sync.applied',
      (l) => l.change === 'put-reservation' && l.mac === MAC,
    );
    expect(applied.revision).toBe(published.revision);
    const lease = await leasePromise;
    const leasedAt = Date.now();
    expect(lease?.ip).toBe(RESERVED_IP);
    const ack = await rackd.waitForEvent('dhcp4.reply', (l) => l.mac === MAC && String(l.type).toLowerCase() === 'ack');
    console.log(
      [
        `publish → served latency (rack ${RACK}, revision ${published.revision}):`,
        `  publish (XADD, Redis clock)   → region.sync.applied  ${timeOf(applied) - published.at} ms`,
        `  publish                       → first DHCPACK logged ${timeOf(ack) - published.at} ms (udhcpc ` +
          `started after rackctl exited)`,
        `  publish                       → udhcpc bound         ${leasedAt - published.at} ms`,
      ].join('\n'),
    );
    expect(timeOf(applied) - published.at).toBeLessThan(2000);

    // What the rack reports as served, with last-seen for the client that was just answered.
    const served = await runRackctl(['call', RACK, 'reservations', JSON.stringify({ mac: MAC })], conn);
    expect(served.code, served.stderr).toBe(0);
    const list = JSON.parse(served.stdout) as {
      revision: number;
      reservations: { mac: string; ip: string; last_seen?: number }[];
    };
    expect(list.revision).toBe(published.revision);
    expect(list.reservations).toEqual([
      expect.objectContaining({ mac: MAC, ip: RESERVED_IP, last_seen: expect.any(Number) }),
    ]);

    const del = await runRackctl(['reservation', 'delete', '--mac', MAC], conn);
    expect(del.code, del.stderr).toBe(0);
    const deleted = publishedEntry(del.stdout);
    await rackd.waitForEvent(
      'region.sync.applied',
      (l) => l.change === 'delete-reservation' && l.revision === deleted.revision,
    );
    await env.useMac(MAC);
    const unknownBefore = rackd.events('dhcp4.unknown-client').filter((l) => l.mac === MAC).length;
    expect(await udhcpc(env.lab, env.cli, CLIENT_IF, { timeoutMs: 7000 })).toBeUndefined();
    expect(rackd.events('dhcp4.unknown-client').filter((l) => l.mac === MAC).length).toBeGreaterThan(unknownBefore);
  });

  it('answers `rackctl call RACK status` with its revision, and `call RACK nope` with a typed error', async () => {
    const status = await runRackctl(['call', RACK, 'status'], conn);
    expect(status.code, status.stderr).toBe(0);
    const result = JSON.parse(status.stdout) as {
      rack: string;
      revision: number;
      sync: { state: string; revision: number };
      interfaces: { name: string }[];
    };
    expect(result.rack).toBe(RACK);
    expect(result.revision).toBe(await region.revision());
    expect(result.sync).toMatchObject({ state: 'live', revision: result.revision });
    expect(result.interfaces.map((i) => i.name)).toContain(SERVER_IF);

    const nope = await runRackctl(['call', RACK, 'nope'], conn);
    expect(nope.code).toBe(1);
    expect(JSON.parse(nope.stdout)).toMatchObject({ error: { code: 'unknown-method' } });
    expect(nope.stderr).toMatch(/nope on rack rack-e2e failed \(unknown-method\)/);
  });

  it('lists the rack as live in `rackctl racks` once its heartbeat is written', async () => {
    let line: string | undefined;
    for (const until = Date.now() + 15_000; Date.now() < until && line === undefined;) {
      const racks = await runRackctl(['racks'], conn);
      expect(racks.code, racks.stderr).toBe(0);
      line = racks.stdout.split('\n').find((l) => l.startsWith(RACK));
      if (line === undefined) await new Promise((r) => setTimeout(r, 1000));
    }
    // The heartbeat is written every 10 s, so its revision may trail the latest publish.
    const match = new RegExp(`^${RACK}\\s+live\\s+(\\d+)\\s`).exec(line ?? '');
    expect(match, line).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(match?.[1])).toBeLessThanOrEqual(await region.revision());
  });
});

function timeOf(line: LogLine): number {
  return Number(line.time);
}

function writeIpam(env: DirectLab, yaml: string): string {
  const path = join(env.lab.tempDir('ipam'), 'region-ipam.yaml');
  writeFileSync(path, yaml);
  return path;
}
