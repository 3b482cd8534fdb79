// A client behind ISC dhcrelay on a second segment gets its reservation in the relayed subnet
// (RFC 2131 §4.1 giaddr selects the subnet and the reply goes to the relay on port 67; RFC 1542 §4).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab/lab.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { assertRepliesClean, startCapture, tsharkFields } from './lab/capture.js';
import { udhcpc } from './lab/clients.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startDhcrelay } from './peers/dhcrelay.js';
import type { Dhcrelay } from './peers/dhcrelay.js';
import { rackdTail } from './peers/log-tail.js';

const CLIENT_MAC = '52:54:00:22:00:07';
const OTHER_MAC = '52:54:00:22:00:99';

// The relayed subnet has no server_ip (it must lie inside the subnet, where rackd has no address): the
// server id must then be the address the relay sent to, 10.20.0.1, which the client reaches via the relay.
const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
  - cidr: 10.22.0.0/24
    gateway: 10.22.0.1
    dns_servers: [10.22.0.53, 10.22.0.54]
    domain: relay.example
reservations:
  - mac: "52:54:00:20:00:05"
    ip: 10.20.0.5
  - mac: "${CLIENT_MAC}"
    ip: 10.22.0.77
    hostname: relayed-host
`;

const pre = labPrerequisites(['ip', 'node', 'dhcrelay', 'udhcpc', 'tcpdump', 'tshark', 'ss']);

describe('DHCPv4 through dhcrelay', () => {
  let lab: Lab;
  let rackd: RackdHandle;
  let cli: string;
  let pcap: string;
  let relay: Dhcrelay | undefined;
  let env: Record<string, string> | undefined;
  let unknownEnv: Record<string, string> | undefined;

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rkv');
    const srv = await lab.addNamespace('srv');
    const rly = await lab.addNamespace('rly');
    cli = await lab.addNamespace('cli');
    await lab.link(srv, 'rk0', rly, 'up0');
    await lab.link(rly, 'down0', cli, 'cl0', { macB: CLIENT_MAC });
    await lab.addAddress(srv, 'rk0', '10.20.0.1/24');
    await lab.addAddress(rly, 'up0', '10.20.0.2/24');
    await lab.addAddress(rly, 'down0', '10.22.0.1/24');
    await lab.exec(srv, 'ip', ['route', 'add', '10.22.0.0/24', 'via', '10.20.0.2']);
    await lab.exec(rly, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);

    const capture = await startCapture(lab, srv, 'rk0');
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: ['rk0'] });
    relay = await startDhcrelay(lab, rly, { upstream: 'up0', downstream: 'down0', server: '10.20.0.1' });
    env = await udhcpc(lab, cli, 'cl0');
    // A second client with no reservation on the relayed segment, to see the unknown-client path via a relay.
    await lab.setMac(cli, 'cl0', OTHER_MAC);
    unknownEnv = await udhcpc(lab, cli, 'cl0', { timeoutMs: 8_000 });
    await rackd.stop();
    pcap = await capture.stop();
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it("the relayed client is bound to its reservation in 10.22.0.0/24 with that subnet's options", () => {
    expect(
      env,
      `udhcpc got no lease through the relay\n${rackdTail(rackd)}\ndhcrelay: ${relay?.output()}`,
    ).toBeDefined();
    expect(env?.ip).toBe('10.22.0.77');
    expect(env?.subnet).toBe('255.255.255.0');
    expect(env?.router).toBe('10.22.0.1');
    expect(env?.dns?.trim().split(/\s+/)).toEqual(['10.22.0.53', '10.22.0.54']);
    expect(env?.domain).toBe('relay.example');
    expect(env?.serverid).toBe('10.20.0.1');
  });

  it('rackd logs the offer and ack for the relayed client', () => {
    const replies = rackd.events('dhcp4.reply') as { mac?: string; ip?: string; type?: string }[];
    const mine = replies.filter((line) => line.mac === CLIENT_MAC);
    expect(
      mine.map((line) => line.ip),
      rackdTail(rackd),
    ).toContain('10.22.0.77');
    expect(mine.map((line) => String(line.type).toLowerCase())).toEqual(
      expect.arrayContaining([expect.stringMatching(/offer/), expect.stringMatching(/ack/)]),
    );
  });

  it('an unreserved MAC behind the relay gets no lease and is logged as unknown', () => {
    expect(unknownEnv).toBeUndefined();
    const unknown = rackd.events('dhcp4.unknown-client') as { mac?: string }[];
    expect(
      unknown.map((line) => line.mac),
      rackdTail(rackd),
    ).toContain(OTHER_MAC);
  });

  // Relays send unicast to our address: a socket bound there takes them (the batching addon that make build compiles).
  it('the relayed requests arrive on the batching UDP socket bound to 10.20.0.1:67', () => {
    const transport = rackd.events('dhcp4.unicast-transport') as { transport?: string }[];
    expect(
      transport.map((line) => line.transport),
      rackdTail(rackd),
    ).toEqual(['batch']);
    const bound = rackd.events('dhcp4.socket-bound') as { address?: string; port?: number }[];
    expect(bound.map((line) => `${line.address}:${line.port}`)).toContain('10.20.0.1:67');
  });

  // RFC 2131 §4.1: a relayed reply goes to port 67 of the address in giaddr, routed here via 10.20.0.2.
  it("rackd's replies go to giaddr on port 67 and decode cleanly in tshark", async () => {
    await assertRepliesClean(pcap);
    const replies = await tsharkFields(pcap, 'dhcp.type == 2 && ip.src == 10.20.0.1', [
      'ip.dst',
      'udp.dstport',
      'dhcp.ip.your',
      'dhcp.ip.relay',
    ]);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const [dst, port, yiaddr, giaddr] of replies) {
      expect({ dst, port, yiaddr, giaddr }).toEqual({
        dst: '10.22.0.1',
        port: '67',
        yiaddr: '10.22.0.77',
        giaddr: '10.22.0.1',
      });
    }
  });
});
