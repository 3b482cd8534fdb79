// Passive ARP discovery against real ARP traffic (RFC 826): a namespace with many addresses sends
// arping requests; rackd reports bindings new, then moved when a MAC changes, refreshed only after the interval,
// and ip-conflict for two MACs on one IP and for a claim on a reserved IP.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { rackdTail } from './peers/log-tail.js';
import {
  addAddresses,
  arping,
  DISCOVERY_TOOLS,
  sleep,
  startDiscoveryRackd,
  waitForCount,
} from './lab/discovery-lab.js';

const pre = labPrerequisites(DISCOVERY_TOOLS);
const HOST_MAC = '52:54:00:aa:00:01';
const OTHER_MAC = '52:54:00:00:0b:01';
const RESERVED_MAC = '52:54:00:00:00:50';
const HOSTS = Array.from({ length: 40 }, (_, i) => `10.20.0.${100 + i}`);
const REFRESH_S = 3;
const IPAM = `subnets:
  - cidr: 10.20.0.0/24
reservations:
  - { mac: ${RESERVED_MAC}, ip: 10.20.0.50 }
`;

describe('discovery: passive ARP', () => {
  let lab: DirectLab | undefined;
  let rackd: RackdHandle | undefined;

  beforeAll(async () => {
    pre.assertReady();
    lab = await createDirectLab('rkxa', HOST_MAC);
    await addAddresses(
      lab.lab,
      lab.cli,
      CLIENT_IF,
      HOSTS.map((ip) => `${ip}/24`),
    );
    rackd = await startDiscoveryRackd(lab.lab, lab.srv, IPAM, ['rk0'], {
      refresh_interval_s: REFRESH_S,
      probe_interval_s: 0,
    });
  });

  afterAll(async () => {
    await rackd?.stop();
    await lab?.lab.destroy();
  });

  const neighbour = (change: string, ip: string) =>
    (rackd as RackdHandle).events(`discovery.neighbour.${change}`).filter((l) => l.ip === ip);

  it('reports a new binding for every address that sends a request', async () => {
    const { lab: l, cli } = lab as DirectLab;
    await Promise.all(HOSTS.map((ip) => arping(l, cli, CLIENT_IF, { from: ip, target: '10.20.0.1' })));
    const lines = await waitForCount(
      rackd as RackdHandle,
      'discovery.neighbour.new',
      (line) => HOSTS.includes(String(line.ip)),
      HOSTS.length,
    );
    expect(new Set(lines.map((line) => line.ip))).toEqual(new Set(HOSTS));
    expect(
      lines.every((line) => line.mac === HOST_MAC && line.interface === 'rk0' && line.vid === undefined),
      rackdTail(rackd),
    ).toBe(true);
  });

  it('reports refreshed only after the refresh interval', async () => {
    const { lab: l, cli } = lab as DirectLab;
    await arping(l, cli, CLIENT_IF, { from: HOSTS[0] as string, target: '10.20.0.1' });
    await sleep(500);
    expect(neighbour('refreshed', HOSTS[0] as string)).toEqual([]);
    await sleep(REFRESH_S * 1000);
    await arping(l, cli, CLIENT_IF, { from: HOSTS[0] as string, target: '10.20.0.1' });
    await (rackd as RackdHandle).waitForEvent('discovery.neighbour.refreshed', (line) => line.ip === HOSTS[0]);
    await arping(l, cli, CLIENT_IF, { from: HOSTS[0] as string, target: '10.20.0.1' });
    await sleep(500);
    expect(neighbour('refreshed', HOSTS[0] as string)).toHaveLength(1);
  });

  it('reports moved with the previous MAC; a move after the window is no conflict', async () => {
    const { lab: l, cli } = lab as DirectLab;
    const ip = HOSTS[1] as string;
    await arping(l, cli, CLIENT_IF, { from: ip, mac: OTHER_MAC, target: '10.20.0.1' });
    const moved = await (rackd as RackdHandle).waitForEvent('discovery.neighbour.moved', (line) => line.ip === ip);
    expect(moved).toMatchObject({ mac: OTHER_MAC, previous_mac: HOST_MAC });
    await sleep(300);
    expect((rackd as RackdHandle).events('discovery.ip-conflict').filter((line) => line.ip === ip)).toEqual([]);
  });

  it('reports ip-conflict when two MACs claim one IP within the window', async () => {
    const { lab: l, cli } = lab as DirectLab;
    const ip = HOSTS[1] as string;
    await arping(l, cli, CLIENT_IF, { from: ip, target: '10.20.0.1' });
    const conflict = await (rackd as RackdHandle).waitForEvent('discovery.ip-conflict', (line) => line.ip === ip);
    expect(conflict).toMatchObject({ reason: 'two-macs', interface: 'rk0' });
    expect([...(conflict.macs as string[])].sort()).toEqual([OTHER_MAC, HOST_MAC].sort());
  });

  it('reports ip-conflict when a MAC other than the reservation claims a reserved IP', async () => {
    const { lab: l, cli } = lab as DirectLab;
    await arping(l, cli, CLIENT_IF, { from: '10.20.0.50', target: '10.20.0.1' });
    const conflict = await (rackd as RackdHandle).waitForEvent(
      'discovery.ip-conflict',
      (line) => line.ip === '10.20.0.50',
    );
    expect(conflict).toMatchObject({ reason: 'reserved-ip', macs: [HOST_MAC, RESERVED_MAC] });
  });

  it('keeps the 802.1Q tag as vid', async () => {
    const { lab: l, cli } = lab as DirectLab;
    await arping(l, cli, CLIENT_IF, { from: '10.21.0.5', vid: 21, target: '10.21.0.1' });
    const line = await (rackd as RackdHandle).waitForEvent('discovery.neighbour.new', (l2) => l2.ip === '10.21.0.5');
    expect(line).toMatchObject({ vid: 21, mac: HOST_MAC });
  });

  it('writes the bindings to the local state file on stop', async () => {
    const handle = rackd as RackdHandle;
    expect(await handle.stop()).toBe(0);
    const stateDir = join(handle.ipamPath, '..', 'state');
    const state = JSON.parse(readFileSync(join(stateDir, 'discovery.json'), 'utf8')) as {
      neighbours: { ip: string }[];
    };
    expect(state.neighbours.map((b) => b.ip)).toEqual(expect.arrayContaining(HOSTS));
  });
});
