// SIGHUP reloads the IPAM file in place: a new reservation is served by the same process, and a broken
// file (YAML syntax or a semantic error) is rejected with its problems while the old reservations stay served.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRepliesClean, startCapture } from './lab/capture.js';
import type { Capture } from './lab/capture.js';
import { udhcpc } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const pre = labPrerequisites(['ip', 'tcpdump', 'tshark', 'udhcpc']);

const OLD = { mac: '52:54:00:aa:00:01', ip: '10.20.0.51' };
const NEW = { mac: '52:54:00:aa:00:02', ip: '10.20.0.52' };
const LATE = { mac: '52:54:00:aa:00:03', ip: '10.20.0.53' };

function ipam(reservations: { mac: string; ip: string }[]): string {
  const lines = reservations.map((r) => `  - { mac: "${r.mac}", ip: ${r.ip} }`);
  return `subnets:\n  - cidr: 10.20.0.0/24\n    gateway: 10.20.0.1\nreservations:\n${lines.join('\n')}\n`;
}

describe('IPAM reload on SIGHUP', () => {
  let env: DirectLab;
  let rackd: RackdHandle;
  let capture: Capture;

  async function leaseFor(mac: string): Promise<string | undefined> {
    await env.useMac(mac);
    return (await udhcpc(env.lab, env.cli, CLIENT_IF))?.ip;
  }

  function assertSameProcess(): void {
    expect(rackd.child.exitCode).toBeNull();
    expect(rackd.events('rackd.ready')).toHaveLength(1);
    for (const line of rackd.logs) {
      if (typeof line.pid === 'number') expect(line.pid).toBe(rackd.pid);
    }
  }

  beforeAll(async () => {
    pre.assertReady();
    env = await createDirectLab('rkt-r', OLD.mac);
    capture = await startCapture(env.lab, env.srv, SERVER_IF);
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: ipam([OLD]), interfaces: [SERVER_IF] });
  });

  afterAll(async () => {
    await rackd?.stop();
    await env?.lab.destroy();
  });

  it('serves a reservation added before SIGHUP, in the same process, and keeps the old one', async () => {
    expect(await leaseFor(OLD.mac)).toBe(OLD.ip);
    expect(await leaseFor(NEW.mac)).toBeUndefined();
    await rackd.waitForEvent('dhcp4.unknown-client', (line) => line.mac === NEW.mac);

    const outcome = await rackd.reload(ipam([OLD, NEW]));
    expect(outcome.event, JSON.stringify(outcome)).toBe('config.reloaded');
    expect(await leaseFor(NEW.mac)).toBe(NEW.ip);
    expect(await leaseFor(OLD.mac)).toBe(OLD.ip);
    assertSameProcess();
  });

  it('rejects a file that is not YAML and keeps serving', async () => {
    const outcome = await rackd.reload(`subnets:\n  - cidr: 10.20.0.0/24\n   gateway: [10.20.0.1\nreservations: {\n`);
    expect(outcome.event).toBe('config.rejected');
    expect(Array.isArray(outcome.problems) && outcome.problems.length > 0, JSON.stringify(outcome)).toBe(true);
    expect(await leaseFor(OLD.mac)).toBe(OLD.ip);
    expect(await leaseFor(NEW.mac)).toBe(NEW.ip);
    assertSameProcess();
  });

  it('rejects a semantic error naming the entry, applies none of that file, and keeps serving', async () => {
    const broken = ipam([OLD, NEW, LATE]).replace('ip: 10.20.0.53', 'ip: 10.99.0.53');
    const outcome = await rackd.reload(broken);
    expect(outcome.event).toBe('config.rejected');
    const problems = JSON.stringify(outcome.problems ?? '');
    expect(problems, JSON.stringify(outcome)).toMatch(/reservations\[2\]/);
    expect(await leaseFor(LATE.mac)).toBeUndefined();
    expect(await leaseFor(OLD.mac)).toBe(OLD.ip);
    expect(await leaseFor(NEW.mac)).toBe(NEW.ip);
    assertSameProcess();
  });

  it('a SIGHUP the moment rackd is ready reloads instead of killing the daemon', async () => {
    // Found by the firmware tests: the handler used to be installed after start-up, so Node's default
    // SIGHUP action ended a daemon reloaded right after READY=1.
    const early = await startRackd(env.lab, env.srv, {
      ipamYaml: ipam([OLD]),
      interfaces: [SERVER_IF],
      extraArgs: ['--metrics-listen', '127.0.0.1:9468'],
    });
    try {
      const outcome = await early.reload(ipam([OLD, NEW]));
      expect(outcome.event, JSON.stringify(outcome)).toBe('config.reloaded');
      expect(early.child.exitCode).toBeNull();
      expect(early.child.signalCode).toBeNull();
    } finally {
      await early.stop();
    }
  });

  it('every reply decodes cleanly in tshark', async () => {
    await assertRepliesClean(await capture.stop());
  });
});
