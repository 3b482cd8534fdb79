// rackctl's commands end to end against a real redis-server (no rack needed): what they publish is read back
// with RegionClient exactly as a rack verifies it; refusals print every problem and publish nothing.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { rackctl } from '../../agent/cli/rackctl/main.js';
import { RedisServer, freeLoopbackPort, redisServerPrerequisite } from '../helpers/redis-server.js';
import { RegionClient, encodeEventEntry, encodeRackStatus, rackKeys, regionKeys } from '../../protocol/region/index.js';
import type { RackEvent } from '../../protocol/region/index.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'rackctl-cmd-'));
const secretFile = join(dir, 'secret');
writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
const otherSecretFile = join(dir, 'other-secret');
writeFileSync(otherSecretFile, 'fedcba9876543210fedcba9876543210\n', { mode: 0o600 });

const IPAM_YAML = `subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
reservations:
  - mac: 52:54:00:00:00:10
    ip: 10.20.0.10
    hostname: node-10
  - mac: 52:54:00:00:00:11
    ip: 10.20.0.11
`;

const pre = redisServerPrerequisite();

interface Run {
  code: number;
  out: string[];
  err: string[];
}

describe('rackctl commands against a real redis-server', () => {
  let server: RedisServer;
  let prefixCount = 0;
  const opened: { redis: Redis; client: RegionClient }[] = [];

  beforeAll(async () => {
    pre.assertReady();
    server = await RedisServer.start();
  });
  afterEach(() => {
    for (const { redis, client } of opened.splice(0)) {
      client.close();
      redis.disconnect();
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh prefix per test, a runner bound to it, and a RegionClient to read back what rackctl wrote. */
  function setup() {
    const prefix = `c${++prefixCount}`;
    const redis = new Redis(server.url);
    const client = new RegionClient(redis, { secret: Buffer.from(SECRET), prefix });
    opened.push({ redis, client });
    const run = async (...argv: string[]): Promise<Run> => {
      const out: string[] = [];
      const err: string[] = [];
      const env = { RACKD_REDIS: server.url, RACKD_SECRET_FILE: secretFile, RACKD_PREFIX: prefix };
      const code = await rackctl(
        argv,
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        env,
        new AbortController().signal,
      );
      return { code, out, err };
    };
    return { prefix, redis, client, run };
  }

  function writeFile(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('pushes a snapshot that a rack would load, then deltas at the next revisions', async () => {
    const { client, run } = setup();
    const pushed = await run('snapshot', 'push', writeFile('ok.yaml', IPAM_YAML));
    expect(pushed).toMatchObject({ code: 0, err: [] });
    expect(pushed.out[0]).toMatch(
      /^published revision 1 \(snapshot of .*ok\.yaml: 1 subnets, 2 reservations\): epoch \S+, entry \d+-\d+$/,
    );
    expect((await client.loadSnapshot())?.ipam.reservations.map((r) => r.ip)).toEqual(['10.20.0.10', '10.20.0.11']);

    expect(
      (await run('reservation', 'put', '--mac', '52-54-00-AA-00-01', '--ip', '10.20.0.50', '--hostname', 'web')).code,
    ).toBe(0);
    expect((await run('reservation', 'delete', '--mac', '52:54:00:00:00:10', '--subnet', '10.20.0.0/24')).code).toBe(0);
    expect(
      (
        await run(
          'subnet',
          'put',
          '--cidr',
          '10.30.0.0/24',
          '--gateway',
          '10.30.0.1',
          '--dns-servers',
          '10.30.0.2, 10.30.0.3',
          '--lease-time',
          '3600',
        )
      ).code,
    ).toBe(0);
    expect((await run('subnet', 'delete', '--cidr', '10.30.0.0/24')).code).toBe(0);
    const revision = await run('revision');
    expect(revision.out).toEqual(['5']);

    const entries = (await client.configEntries()).map((e) => (e.entry.ok ? e.entry.value : e.entry));
    expect(entries.map((e) => ('type' in e ? `${e.type}@${e.revision}` : 'refused'))).toEqual([
      'snapshot@1',
      'put-reservation@2',
      'delete-reservation@3',
      'put-subnet@4',
      'delete-subnet@5',
    ]);
    expect(entries[1]).toMatchObject({ reservation: { mac: '52:54:00:aa:00:01', ip: '10.20.0.50', hostname: 'web' } });
    expect(entries[2]).toMatchObject({ mac: '52:54:00:00:00:10', subnet: '10.20.0.0/24' });
    expect(entries[3]).toMatchObject({
      subnet: { cidr: '10.30.0.0/24', gateway: '10.30.0.1', dns_servers: ['10.30.0.2', '10.30.0.3'], lease_time: 3600 },
    });
  });

  it('prints every problem of an invalid IPAM file and publishes nothing', async () => {
    const { client, run } = setup();
    const bad = writeFile('bad.yaml', `${IPAM_YAML}  - mac: not-a-mac\n    ip: 10.99.0.1\n    colour: blue\n`);
    const result = await run('snapshot', 'push', bad);
    expect(result.code).toBe(1);
    expect(result.err.some((l) => l.startsWith('reservations[2].mac: '))).toBe(true);
    expect(result.err.some((l) => l.startsWith('reservations[2].colour: '))).toBe(true);
    expect(result.err.at(-1)).toMatch(/bad\.yaml: \d+ problems; nothing was published$/);
    expect(await client.revision()).toBe(0);

    const missing = await run('snapshot', 'push', join(dir, 'absent.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/absent\.yaml does not exist/);
  });

  it('refuses an invalid delta with its field, and a delta before any snapshot', async () => {
    const { client, run } = setup();
    const early = await run('reservation', 'put', '--mac', '52:54:00:00:00:01', '--ip', '10.20.0.5');
    expect(early.code).toBe(1);
    expect(early.err.join('\n')).toMatch(/no snapshot has been published yet.*rackctl snapshot push/);
    await run('snapshot', 'push', writeFile('ok2.yaml', IPAM_YAML));
    const bad = await run('reservation', 'put', '--mac', 'zz', '--ip', '10.20.0.300');
    expect(bad.code).toBe(1);
    expect(bad.err.filter((l) => l.startsWith('reservation.'))).toHaveLength(2);
    expect(bad.err.at(-1)).toBe('reservation put: 2 problems; nothing was published');
    const badSubnet = await run('subnet', 'put', '--cidr', '10.40.0.0/24', '--vid', 'x');
    expect(badSubnet.code).toBe(2);
    expect(badSubnet.err[0]?.split('\n')[0]).toBe("rackctl: --vid must be a whole number ≥ 0, got 'x'");
    expect(await client.revision()).toBe(1);
  });

  it('puts a subnet from a file with flags over it', async () => {
    const { client, run } = setup();
    await run('snapshot', 'push', writeFile('ok3.yaml', IPAM_YAML));
    const file = writeFile(
      'subnet.yaml',
      [
        'cidr: 10.50.0.0/24',
        'gateway: 10.50.0.1',
        'boot:',
        '  next_server: 10.50.0.2',
        '  files:',
        '    bios: pxelinux.0',
        '  ipxe:',
        '    files: { bios: undionly.kpxe }',
        '    script: http://10.50.0.2/boot.ipxe',
        '',
      ].join('\n'),
    );
    expect((await run('subnet', 'put', '--file', file, '--gateway', '10.50.0.254')).code).toBe(0);
    const last = (await client.configEntries()).at(-1)?.entry;
    expect(last?.ok && last.value.type === 'put-subnet' && last.value.subnet).toMatchObject({
      cidr: '10.50.0.0/24',
      gateway: '10.50.0.254',
      boot: {
        next_server: '10.50.0.2',
        files: { bios: 'pxelinux.0' },
        ipxe: { files: { bios: 'undionly.kpxe' }, script: 'http://10.50.0.2/boot.ipxe' },
      },
    });
    const list = await run('subnet', 'put', '--file', writeFile('list.yaml', '- cidr: 10.0.0.0/8\n'));
    expect(list).toMatchObject({ code: 2 });
    expect(list.err[0]).toMatch(/must hold one subnet as a mapping/);
  });

  it('lists racks from their heartbeats and flags a status signed with another secret', async () => {
    const { redis, prefix, run } = setup();
    const now = Date.now();
    for (const [rack, secret] of [
      ['rack-a', SECRET],
      ['rack-b', 'fedcba9876543210fedcba9876543210'],
    ] as const) {
      const key = rackKeys(rack, prefix).status;
      await redis.hset(
        key,
        ...encodeRackStatus(
          { rack, state: 'live', revision: 3, version: '0.1.0', started: now - 1000, time: now },
          Buffer.from(secret),
          key,
        ),
      );
      await redis.zadd(regionKeys(prefix).racks, now, rack);
    }
    await redis.zadd(regionKeys(prefix).racks, now - 3_600_000, 'rack-gone');
    const table = await run('racks');
    expect(table.code).toBe(0);
    expect(table.out[0]).toMatch(/^RACK\s+STATE\s+REVISION/);
    expect(table.out.find((l) => l.startsWith('rack-a'))).toMatch(/^rack-a\s+live\s+3\s+0\.1\.0/);
    expect(table.out.find((l) => l.startsWith('rack-gone'))).toMatch(/offline .*1h ago$/);
    expect(table.out.find((l) => l.startsWith('rack-b:'))).toMatch(/status refused: sig/);
    const json = JSON.parse((await run('racks', '--json')).out[0] ?? '') as { rack: string; online: boolean }[];
    expect(json.map((r) => [r.rack, r.online])).toEqual([
      ['rack-gone', false],
      ['rack-a', true],
      ['rack-b', true],
    ]);
  });

  it('tails events through its own group, once per idempotency key, leaving the region group untouched', async () => {
    const { redis, prefix, client, run } = setup();
    const stream = regionKeys(prefix).eventStream;
    const event = (key: string, n: number): RackEvent => ({
      type: 'neighbour',
      key,
      rack: 'r1',
      time: Date.now(),
      interface: 'eth0',
      mac: `52:54:00:00:00:0${n}`,
      ip: `10.0.0.${n}`,
    });
    await redis.call(
      'XADD',
      stream,
      '*',
      ...encodeEventEntry(
        { rack: 'r1', time: Date.now(), events: [event('k1', 1), event('k2', 2)] },
        Buffer.from(SECRET),
        stream,
      ),
    );
    await redis.call(
      'XADD',
      stream,
      '*',
      ...encodeEventEntry(
        { rack: 'r1', time: Date.now(), events: [event('k2', 2), event('k3', 3)] },
        Buffer.from(SECRET),
        stream,
      ),
    );
    const tail = await run('events', 'tail', '--idle-exit', '300');
    expect(tail.code).toBe(0);
    expect(tail.out.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(['k1', 'k2', 'k3']);
    expect(tail.err.some((l) => /1 duplicate event/.test(l))).toBe(true);
    expect((await run('events', 'tail', '--idle-exit', '100')).out).toEqual([]);
    // The region's own group still gets every event: the tail's ack was in group rackctl.
    const region = await client.consumeEvents({ group: 'region', consumer: 'test' });
    expect(region.events.map((e) => e.key)).toEqual(['k1', 'k2', 'k3']);
    const limited = await run('events', 'tail', '--group', 'other', '--max', '1');
    expect(limited.out.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(['k1', 'k2']);
  });

  it('times out a call to a rack that is not there, with exit 3 and the typed error as JSON', async () => {
    const { run } = setup();
    const result = await run('call', 'rack-absent', 'status', '--timeout', '300');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out.join('\n'))).toMatchObject({ error: { code: 'timeout' } });
    expect(result.err[0]).toMatch(/^rackctl: status on rack rack-absent failed \(timeout\)/);
    expect((await run('call', 'rack-absent', 'status', '[1]')).code).toBe(2);
    expect((await run('call', 'rack/1', 'status')).err[0]).toMatch(/rack id 'rack\/1' is invalid/);
    expect((await run('call', 'r', 'Bad Method')).err[0]).toMatch(/is not a method name/);
  });

  it('exits 3 when Redis is unreachable and 2 when the secret file is missing', async () => {
    const { run } = setup();
    const port = await freeLoopbackPort();
    const down = await run('revision', '--redis', `redis://127.0.0.1:${port}`, '--timeout', '500');
    expect(down.code).toBe(3);
    expect(down.err[0]).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    const noSecret = await run('revision', '--secret-file', join(dir, 'nope'));
    expect(noSecret.code).toBe(2);
    expect(noSecret.err[0]).toMatch(/secret file .*nope does not exist/);
    expect((await run('revision', '--secret-file', otherSecretFile)).code).toBe(0);
  });
});
