// Stateless DHCPv6 through ISC `dhcrelay -6` (RFC 8415 §19–§20): the relayed client gets the subnet whose
// prefix holds the relay's link-address, and the Relay-reply goes back to the relay with its Interface-ID.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab/lab.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { startCapture } from './lab/capture.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { rackdTail } from './peers/log-tail.js';
import { assertDhcp6RepliesClean, dhclient6, startDhcrelay6, tsharkRows, waitForLinkLocal } from './peers/dhcp6.js';
import type { Dhcrelay6 } from './peers/dhcp6.js';

// The server's own segment has different values, so a reply from the wrong subnet shows.
const IPAM = `
subnets:
  - cidr: 2001:db8:20::/64
    dns_servers: [2001:db8:20::53]
    search: [server-side.example]
  - cidr: 2001:db8:22::/64
    dns_servers: [2001:db8:22::53, 2001:db8:22::54]
    search: [relay.example, lab.example]
reservations: []
`;

const pre = labPrerequisites(['ip', 'node', 'dhclient', 'dhcrelay', 'tcpdump', 'tshark', 'ss']);

describe('stateless DHCPv6 through dhcrelay -6', () => {
  let lab: Lab;
  let rackd: RackdHandle;
  let relay: Dhcrelay6 | undefined;
  let env: Record<string, string> | undefined;
  let pcap: string;

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rk6r');
    const srv = await lab.addNamespace('srv');
    const rly = await lab.addNamespace('rly');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, 'rk0', rly, 'up0');
    await lab.link(rly, 'down0', cli, 'cl0', { macB: '52:54:00:66:22:07' });
    await lab.addAddress(srv, 'rk0', '2001:db8:20::1/64');
    await lab.addAddress(rly, 'up0', '2001:db8:20::2/64');
    await lab.addAddress(rly, 'down0', '2001:db8:22::1/64');
    for (const [ns, ifname] of [
      [srv, 'rk0'],
      [rly, 'up0'],
      [rly, 'down0'],
      [cli, 'cl0'],
    ] as const)
      await waitForLinkLocal(lab, ns, ifname);
    const capture = await startCapture(lab, srv, 'rk0', 'udp port 547');
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: ['rk0'] });
    relay = await startDhcrelay6(lab, rly, { downstream: 'down0', upstream: 'up0', server: '2001:db8:20::1' });
    env = await dhclient6(lab, cli, 'cl0');
    await rackd.stop();
    pcap = await capture.stop();
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it("the relayed client gets 2001:db8:22::/64's DNS servers and search list", () => {
    expect(
      env,
      `dhclient -6 got no Reply through the relay\n${rackdTail(rackd)}\ndhcrelay: ${relay?.output()}`,
    ).toBeDefined();
    expect(env?.new_dhcp6_name_servers?.trim().split(/\s+/)).toEqual(['2001:db8:22::53', '2001:db8:22::54']);
    expect(env?.new_dhcp6_domain_search?.trim().split(/\s+/)).toEqual(['relay.example.', 'lab.example.']);
  });

  it('rackd logs a relayed reply for that subnet', () => {
    const replies = rackd.events('dhcp6.reply');
    expect(
      replies.map((line) => [line.subnet, line.relayed, line.type]),
      rackdTail(rackd),
    ).toContainEqual(['2001:db8:22::/64', true, 'reply']);
  });

  it(
    'the Relay-reply goes to the relay on port 547, mirrors its link-address and echoes its ' + 'Interface-ID',
    async () => {
      await assertDhcp6RepliesClean(pcap, 'ipv6.src == 2001:db8:20::1');
      const forwards = await tsharkRows(pcap, 'dhcpv6.msgtype == 12', ['dhcpv6.interface_id']);
      const replies = await tsharkRows(pcap, 'dhcpv6.msgtype == 13', [
        'ipv6.dst',
        'udp.dstport',
        'dhcpv6.linkaddr',
        'dhcpv6.interface_id',
      ]);
      expect(forwards.length).toBeGreaterThanOrEqual(1);
      expect(replies.length).toBeGreaterThanOrEqual(1);
      const interfaceId = forwards[0]?.[0];
      expect(interfaceId).toBeTruthy();
      for (const [dst, port, link, id] of replies)
        expect({ dst, port, link, id }).toEqual({
          dst: '2001:db8:20::2',
          port: '547',
          link: '2001:db8:22::1',
          id: interfaceId,
        });
    },
  );
});
