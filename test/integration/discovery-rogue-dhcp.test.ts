// Rogue DHCP detection (RFC 2131 §4.3.1 server identifier): with only rackd on the segment its probe
// finds no foreign server (rackd's own OFFER to the probe is recognised as ours); with dnsmasq there, it is named.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { rackdTail } from './peers/log-tail.js';
import { DISCOVERY_TOOLS, startDiscoveryRackd } from './lab/discovery-lab.js';

const pre = labPrerequisites([...DISCOVERY_TOOLS, 'dnsmasq']);
const RACKD_MAC = '52:54:00:f0:00:01';
const ROGUE_MAC = '52:54:00:ba:d0:01';
// rackd's own MAC holds a reservation, so rackd answers its own probe: that answer must not count as foreign.
const IPAM = `subnets:
  - cidr: 10.20.0.0/24
reservations:
  - { mac: ${RACKD_MAC}, ip: 10.20.0.77 }
`;

describe('discovery: rogue DHCP', () => {
  let lab: DirectLab | undefined;
  let rackd: RackdHandle | undefined;

  beforeAll(async () => {
    pre.assertReady();
    lab = await createDirectLab('rkxr', ROGUE_MAC);
    await lab.lab.setMac(lab.srv, SERVER_IF, RACKD_MAC);
    await lab.lab.addAddress(lab.cli, CLIENT_IF, '10.20.0.9/24');
    rackd = await startDiscoveryRackd(lab.lab, lab.srv, IPAM, [SERVER_IF], { probe_interval_s: 4 });
  });

  afterAll(async () => {
    await rackd?.stop();
    await lab?.lab.destroy();
  });

  it('reports no foreign server when only rackd answers', async () => {
    const done = await (rackd as RackdHandle).waitForEvent('discovery.probe.done', () => true, 10_000);
    expect(done.servers, rackdTail(rackd)).toEqual([
      { interface: SERVER_IF, server_ip: '10.20.0.1', server_mac: RACKD_MAC, ours: true },
    ]);
    expect(done.foreign).toBe(0);
    expect((rackd as RackdHandle).events('discovery.foreign-dhcp')).toEqual([]);
  });

  it('names dnsmasq when it serves on the segment', async () => {
    const { lab: l, cli } = lab as DirectLab;
    const dir = l.tempDir('dnsmasq');
    l.spawn(cli, 'dnsmasq', [
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0',
      `--interface=${CLIENT_IF}`,
      '--bind-interfaces',
      '--no-ping',
      '--dhcp-range=10.20.0.100,10.20.0.150,1h',
      `--dhcp-leasefile=${dir}/leases`,
      `--pid-file=${dir}/pid`,
    ]);
    const line = await (rackd as RackdHandle).waitForEvent('discovery.foreign-dhcp', () => true, 15_000);
    expect(line).toMatchObject({ interface: SERVER_IF, server_ip: '10.20.0.9', server_mac: ROGUE_MAC });
    expect(String(line.offered_ip)).toMatch(/^10\.20\.0\.(1[0-4]\d|150)$/);
  });
});
