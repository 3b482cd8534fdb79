// rackd as a systemd service (systemd.service(5) Type=notify): READY/WATCHDOG/STOPPING on a NOTIFY_SOCKET the
// test binds itself, and hot-plug over rtnetlink: a veth created after start with an address in a served subnet
// is served (a client gets its RFC 2131 lease); deleted, it is dropped from `rackd status` without an error.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnixDgramModule, UnixDgramSocket } from '../../agent/service/unix-dgram.js';
import { udhcpc } from './lab/clients.js';
import type { ClientEnv } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { RACKD_BIN, startRackd } from './lab/rackd.js';
import type { LogLine, RackdHandle } from './lab/rackd.js';
import { SERVER_IF, createDirectLab } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const unix = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
const HOTPLUG_MAC = '52:54:00:f2:00:33';
const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
  - cidr: 10.21.0.0/24
    gateway: 10.21.0.1
reservations:
  - mac: "${HOTPLUG_MAC}"
    ip: 10.21.0.33
`;

const pre = labPrerequisites(['ip', 'node', 'udhcpc']);

interface Status {
  interfaces: string[];
  status: string;
}

describe('rackd as a service: sd_notify and hot-plug', () => {
  let direct: DirectLab;
  let rackd: RackdHandle;
  let notifySocket: UnixDgramSocket;
  const notes: string[] = [];
  let lease: ClientEnv | undefined;
  let statusWith: Status | undefined;
  let statusWithout: Status | undefined;
  let statusText = '';
  let removed: LogLine | undefined;
  let exitCode: number | null = null;

  async function rackdStatus(args: string[]): Promise<string> {
    const result = await direct.lab.exec(direct.srv, process.execPath, [RACKD_BIN, 'status', ...args]);
    if (result.code !== 0) throw new Error(`rackd status exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  beforeAll(async () => {
    pre.assertReady();
    direct = await createDirectLab('rks-lc');
    const { lab, srv } = direct;
    const socketPath = join(lab.tempDir('notify'), 'notify.sock');
    notifySocket = unix.createSocket('unix_dgram', (buf) => notes.push(buf.toString()));
    notifySocket.bind(socketPath);
    process.env.NOTIFY_SOCKET = socketPath;
    process.env.WATCHDOG_USEC = '400000';
    try {
      rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: [SERVER_IF, 'rkh*'] });
    } finally {
      delete process.env.NOTIFY_SOCKET;
      delete process.env.WATCHDOG_USEC;
    }
    await new Promise((r) => setTimeout(r, 1_000));

    // "A cable plugged in": a new link with an address in 10.21.0.0/24 appears after start.
    const cli2 = await lab.addNamespace('cli2');
    await lab.link(srv, 'rkh1', cli2, 'eth0', { macB: HOTPLUG_MAC });
    await lab.addAddress(srv, 'rkh1', '10.21.0.1/24');
    await rackd.waitForEvent('interfaces.changed', (l) => (l.interfaces as string[]).includes('rkh1'));
    lease = await udhcpc(lab, cli2, 'eth0');
    statusWith = JSON.parse(await rackdStatus(['--json'])) as Status;

    await lab.exec(srv, 'ip', ['link', 'del', 'rkh1']);
    removed = await rackd.waitForEvent('dhcp4.interface-removed', (l) => l.interface === 'rkh1');
    await rackd.waitForEvent('interfaces.changed', (l) => !(l.interfaces as string[]).includes('rkh1'));
    statusWithout = JSON.parse(await rackdStatus(['--json'])) as Status;
    statusText = await rackdStatus([]);
    exitCode = await rackd.stop();
    await new Promise((r) => setTimeout(r, 200));
  }, 90_000);

  afterAll(async () => {
    notifySocket?.close();
    await direct?.lab.destroy();
  });

  it('tells systemd READY=1 with its pid once rk0 is served', () => {
    expect(notes[0]).toMatch(new RegExp(`^READY=1\nMAINPID=${rackd.pid}\nSTATUS=serving DHCPv4 on ${SERVER_IF}`));
  });

  it('sends WATCHDOG=1 from the event loop at half of WATCHDOG_USEC', () => {
    // ~3 s of running at a 200 ms heartbeat.
    expect(notes.filter((n) => n === 'WATCHDOG=1').length).toBeGreaterThan(5);
  });

  it('sends STOPPING=1 on SIGTERM and exits 0', () => {
    expect(notes.at(-1)).toBe('STOPPING=1');
    expect(exitCode).toBe(0);
  });

  it('serves a veth created after start: its client gets the reservation', () => {
    expect(
      lease?.ip,
      rackd.logs
        .slice(-10)
        .map((l) => JSON.stringify(l))
        .join('\n'),
    ).toBe('10.21.0.33');
    expect(statusWith?.interfaces).toEqual([SERVER_IF, 'rkh1']);
  });

  it('drops the deleted veth from status, with no error logged', () => {
    expect(removed).toBeDefined();
    expect(statusWithout?.interfaces).toEqual([SERVER_IF]);
    expect(statusText).toMatch(new RegExp(`^interfaces: +${SERVER_IF}$`, 'm'));
    const errors = rackd.logs.filter((l) => typeof l.level === 'number' && l.level >= 50);
    expect(errors, JSON.stringify(errors)).toEqual([]);
  });
});
