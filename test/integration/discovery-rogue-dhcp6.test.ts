// Rogue DHCPv6 detection (RFC 8415 §18.2.1 Solicit to ff02::1:2, §16.3 Advertise): with only rackd
// (its DHCPv6 server on the link) the probe finds no foreign server; with dnsmasq serving DHCPv6 there, it is named.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from './lab/prerequisites.js';
import type { LogLine, RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';
import { rackdTail } from './peers/log-tail.js';
import { waitForLinkLocal } from './peers/dhcp6.js';
import { DISCOVERY_TOOLS, startDiscoveryRackd, waitForCount } from './lab/discovery-lab.js';

const pre = labPrerequisites([...DISCOVERY_TOOLS, 'dnsmasq']);
const RACKD_MAC = '52:54:00:f0:00:02';
const ROGUE_MAC = '52:54:00:ba:d0:02';
const IPAM = `subnets:
  - cidr: 10.20.0.0/24
  - cidr: 2001:db8:99::/64
    dns_servers: [2001:db8:99::53]
reservations: []
`;

type Server = { family?: number; server_ip: string; server_mac?: string; ours: boolean };
const v6 = (line: LogLine) => ((line.servers ?? []) as Server[]).filter((s) => s.family === 6);

describe('discovery: rogue DHCPv6', () => {
  let lab: DirectLab | undefined;
  let rackd: RackdHandle | undefined;

  beforeAll(async () => {
    pre.assertReady();
    lab = await createDirectLab('rkx6', ROGUE_MAC);
    await lab.lab.setMac(lab.srv, SERVER_IF, RACKD_MAC);
    await lab.lab.addAddress(lab.srv, SERVER_IF, '2001:db8:99::2/64');
    await lab.lab.addAddress(lab.cli, CLIENT_IF, '10.20.0.9/24');
    await lab.lab.addAddress(lab.cli, CLIENT_IF, '2001:db8:99::9/64');
    await waitForLinkLocal(lab.lab, lab.srv, SERVER_IF);
    await waitForLinkLocal(lab.lab, lab.cli, CLIENT_IF);
    rackd = await startDiscoveryRackd(lab.lab, lab.srv, IPAM, [SERVER_IF], { probe_interval_s: 3 });
  });

  afterAll(async () => {
    await rackd?.stop();
    await lab?.lab.destroy();
  });

  it('probes over IPv6 and reports no foreign server when only rackd is on the link', async () => {
    const r = rackd as RackdHandle;
    // The first probe may run before rackd has read the link-local address; wait for one that solicited.
    const [done] = (await waitForCount(
      r,
      'discovery.probe.done',
      (l) => Number(l.probed) >= 2,
      1,
      15_000,
    )) as LogLine[];
    expect(
      r.events('dhcp6.status').some((l) => l.to === 'serving'),
      rackdTail(r),
    ).toBe(true);
    expect(
      v6(done as LogLine).filter((s) => !s.ours),
      rackdTail(r),
    ).toEqual([]);
    expect(r.events('discovery.foreign-dhcp')).toEqual([]);
  });

  it('names dnsmasq when it serves DHCPv6 on the link', async () => {
    const { lab: l, cli } = lab as DirectLab;
    const dir = l.tempDir('dnsmasq6');
    l.spawn(cli, 'dnsmasq', [
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0',
      `--interface=${CLIENT_IF}`,
      '--bind-interfaces',
      '--dhcp-range=2001:db8:99::10,2001:db8:99::ff,64',
      `--dhcp-leasefile=${dir}/leases`,
      `--pid-file=${dir}/pid`,
    ]);
    const r = rackd as RackdHandle;
    const line = await r.waitForEvent('discovery.foreign-dhcp', (l) => String(l.server_ip).includes(':'), 20_000);
    expect(line, rackdTail(r)).toMatchObject({ interface: SERVER_IF, server_mac: ROGUE_MAC });
    expect(String(line.server_ip)).toMatch(/^fe80:/);
    const done = await r.waitForEvent('discovery.probe.done', (l) => v6(l).some((s) => !s.ours), 10_000);
    expect(v6(done).filter((s) => !s.ours)).toEqual([
      { interface: SERVER_IF, family: 6, server_ip: line.server_ip, server_mac: ROGUE_MAC, ours: false },
    ]);
    expect(r.events('discovery.foreign-dhcp').every((l) => String(l.server_ip).includes(':'))).toBe(true);
  });
});
