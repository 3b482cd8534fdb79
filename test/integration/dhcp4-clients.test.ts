// dhclient, udhcpc and dhcpcd each get their reservation and every configured option from rackd
// (RFC 2131 §4.3, RFC 2132, RFC 3442 routes, RFC 3397 search); an unknown MAC gets nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRepliesClean, startCapture } from './lab/capture.js';
import type { Capture } from './lab/capture.js';
import { dhclient, dhcpcd, udhcpc } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { createDirectLab, SERVER_IF, CLIENT_IF } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const pre = labPrerequisites(['ip', 'tcpdump', 'tshark', 'udhcpc', 'dhclient', 'dhcpcd']);

const MAC = {
  udhcpc: '52:54:00:aa:00:01',
  dhclient: '52:54:00:aa:00:02',
  dhcpcd: '52:54:00:aa:00:03',
  unknown: '52:54:00:aa:00:99',
};

const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
    dns_servers: [10.20.0.2, 10.20.0.3]
    domain: lab.example
    search: [lab.example, corp.example]
    ntp_servers: [10.20.0.4]
    mtu: 1400
    lease_time: 3600
    routes:
      - { destination: 10.30.0.0/16, gateway: 10.20.0.254 }
    options:
      - { code: 150, type: ipv4, value: 10.20.0.5 }
      - { code: 224, type: hex, value: "deadbeef" }
reservations:
  - { mac: "${MAC.udhcpc}", ip: 10.20.0.51, hostname: udhcpc-host }
  - { mac: "${MAC.dhclient}", ip: 10.20.0.52, hostname: dhclient-host }
  - { mac: "${MAC.dhcpcd}", ip: 10.20.0.53, hostname: dhcpcd-host }
`;

/** The RFC 3442 routes as "dest/len gw" pairs, whatever order rackd puts them in. */
function routePairs(text: string | undefined): string[] {
  const words = (text ?? '').trim().split(/\s+/);
  const pairs: string[] = [];
  for (let i = 0; i + 1 < words.length; i += 2) pairs.push(`${words[i]} ${words[i + 1]}`);
  return pairs.sort();
}

/** dhclient prints option 121 as bytes: width, significant destination octets, gateway (RFC 3442 §3). */
function rfc3442BytesToPairs(text: string | undefined): string[] {
  const bytes = (text ?? '').trim().split(/\s+/).map(Number);
  const pairs: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const width = bytes[i++] ?? 0;
    const significant = Math.ceil(width / 8);
    const dest = [...bytes.slice(i, i + significant), 0, 0, 0, 0].slice(0, 4).join('.');
    i += significant;
    pairs.push(`${dest}/${width} ${bytes.slice(i, i + 4).join('.')}`);
    i += 4;
  }
  return pairs.sort();
}

const EXPECTED_ROUTES = ['0.0.0.0/0 10.20.0.1', '10.30.0.0/16 10.20.0.254'];

describe('DHCPv4 reservations served to real clients', () => {
  let env: DirectLab;
  let rackd: RackdHandle;
  let capture: Capture;

  beforeAll(async () => {
    pre.assertReady();
    env = await createDirectLab('rkt-c', MAC.udhcpc);
    capture = await startCapture(env.lab, env.srv, SERVER_IF);
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: IPAM, interfaces: [SERVER_IF] });
  });

  afterAll(async () => {
    await rackd?.stop();
    await env?.lab.destroy();
  });

  it('udhcpc gets its reservation and every option', async () => {
    await env.useMac(MAC.udhcpc);
    const lease = await udhcpc(env.lab, env.cli, CLIENT_IF, { extraArgs: ['-O', '150', '-O', '224'] });
    expect(lease, 'udhcpc got no lease').toBeDefined();
    expect(lease).toMatchObject({
      ip: '10.20.0.51',
      subnet: '255.255.255.0',
      router: '10.20.0.1',
      dns: '10.20.0.2 10.20.0.3',
      domain: 'lab.example',
      search: 'lab.example corp.example',
      ntpsrv: '10.20.0.4',
      mtu: '1400',
      lease: '3600',
      hostname: 'udhcpc-host',
      serverid: '10.20.0.1',
      opt150: '0a140005',
      opt224: 'deadbeef',
    });
    expect(routePairs(lease?.staticroutes)).toEqual(EXPECTED_ROUTES);
    await rackd.waitForEvent('dhcp4.reply', (line) => line.mac === MAC.udhcpc && line.ip === '10.20.0.51');
  });

  it('dhclient gets its reservation and every option', async () => {
    await env.useMac(MAC.dhclient);
    const lease = await dhclient(env.lab, env.cli, CLIENT_IF);
    expect(lease, 'dhclient got no lease').toBeDefined();
    expect(lease).toMatchObject({
      new_ip_address: '10.20.0.52',
      new_subnet_mask: '255.255.255.0',
      new_routers: '10.20.0.1',
      new_domain_name_servers: '10.20.0.2 10.20.0.3',
      new_domain_name: 'lab.example',
      new_domain_search: 'lab.example. corp.example.',
      new_ntp_servers: '10.20.0.4',
      new_interface_mtu: '1400',
      new_dhcp_lease_time: '3600',
      new_host_name: 'dhclient-host',
      new_dhcp_server_identifier: '10.20.0.1',
      new_rackd_opt150: '10.20.0.5',
      new_rackd_opt224: 'de:ad:be:ef',
    });
    expect(rfc3442BytesToPairs(lease?.new_rfc3442_classless_static_routes)).toEqual(EXPECTED_ROUTES);
  });

  it('dhcpcd gets its reservation and every option', async () => {
    await env.useMac(MAC.dhcpcd);
    const lease = await dhcpcd(env.lab, env.cli, CLIENT_IF);
    expect(lease, 'dhcpcd got no offer').toBeDefined();
    expect(lease).toMatchObject({
      new_ip_address: '10.20.0.53',
      new_subnet_mask: '255.255.255.0',
      new_routers: '10.20.0.1',
      new_domain_name_servers: '10.20.0.2 10.20.0.3',
      new_domain_name: 'lab.example',
      new_domain_search: 'lab.example corp.example',
      new_ntp_servers: '10.20.0.4',
      new_interface_mtu: '1400',
      new_dhcp_lease_time: '3600',
      new_host_name: 'dhcpcd-host',
      new_dhcp_server_identifier: '10.20.0.1',
    });
    expect(routePairs(lease?.new_classless_static_routes)).toEqual(EXPECTED_ROUTES);
  });

  it('an unknown MAC gets no lease and is logged', async () => {
    await env.useMac(MAC.unknown);
    expect(await udhcpc(env.lab, env.cli, CLIENT_IF)).toBeUndefined();
    await rackd.waitForEvent('dhcp4.unknown-client', (line) => line.mac === MAC.unknown);
    expect(rackd.events('dhcp4.reply').filter((line) => line.mac === MAC.unknown)).toEqual([]);
  });

  it('every reply decodes cleanly in tshark', async () => {
    await assertRepliesClean(await capture.stop());
  });
});
