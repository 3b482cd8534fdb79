// Client states beyond the first lease (RFC 2131 §4.3.2, §4.4.5): RENEWING is a unicast REQUEST answered by
// a unicast ACK; INIT-REBOOT with a wrong address gets a broadcast NAK; a REQUEST for another server, nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRepliesClean, startCapture, tsharkFields, tsharkSummary } from './lab/capture.js';
import type { Capture } from './lab/capture.js';
import { startUdhcpc } from './lab/clients.js';
import { sendCrafted } from './lab/craft.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { CLIENT_IF, createDirectLab, SERVER_IF, SERVER_IP } from './lab/topology.js';
import type { DirectLab } from './lab/topology.js';

const pre = labPrerequisites(['ip', 'tcpdump', 'tshark', 'udhcpc', '/usr/bin/python3']);

const MAC = '52:54:00:aa:00:01';
const IP = '10.20.0.51';

const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
    lease_time: 3600
reservations:
  - { mac: "${MAC}", ip: ${IP}, hostname: states-host }
`;

describe('DHCPv4 client states against rackd', () => {
  let env: DirectLab;
  let rackd: RackdHandle;
  let fileCapture: Capture;

  beforeAll(async () => {
    pre.assertReady();
    env = await createDirectLab('rkt-s', MAC);
    fileCapture = await startCapture(env.lab, env.srv, SERVER_IF);
    rackd = await startRackd(env.lab, env.srv, { ipamYaml: IPAM, interfaces: [SERVER_IF] });
  });

  afterAll(async () => {
    await rackd?.stop();
    await env?.lab.destroy();
  });

  it('RENEWING: the unicast REQUEST with ciaddr gets an ACK unicast to the client address', async () => {
    const capture = await startCapture(env.lab, env.srv, SERVER_IF);
    let pcap: string;
    const client = startUdhcpc(env.lab, env.cli, CLIENT_IF);
    try {
      const bound = await client.waitForCall('bound');
      expect(bound.env.ip).toBe(IP);
      const before = client.calls().length;
      client.renew();
      const renewed = await client.waitForCall('renew', 10_000, before);
      expect(renewed.env.ip).toBe(IP);
    } finally {
      await client.stop();
      pcap = await capture.stop();
    }
    const context = await tsharkSummary(pcap, 'dhcp');
    const renewRequests = await tsharkFields(pcap, `dhcp.option.dhcp == 3 && dhcp.ip.client == ${IP}`, [
      'ip.src',
      'ip.dst',
    ]);
    expect(renewRequests, `no REQUEST with ciaddr in:\n${context}`).toContainEqual([IP, SERVER_IP]);
    const acks = await tsharkFields(pcap, 'udp.srcport == 67 && dhcp.option.dhcp == 5', ['ip.dst', 'dhcp.ip.your']);
    // The first ACK answered SELECTING (broadcast or L2 unicast); the renewal's must go to ciaddr (RFC 2131 §4.1).
    expect(acks.at(-1), `ACKs seen:\n${context}`).toEqual([IP, IP]);
  });

  it('INIT-REBOOT: a REQUEST for an address that is not the reservation gets a broadcast NAK', async () => {
    const replies = await sendCrafted(env.lab, env.cli, CLIENT_IF, { mac: MAC, requestedIp: '10.20.0.77' });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: 'nak', ip_dst: '255.255.255.255', server_id: SERVER_IP });
    await rackd.waitForEvent('dhcp4.reply', (line) => line.mac === MAC && /nak/i.test(String(line.type)));
  });

  it('INIT-REBOOT: a REQUEST for the reserved address is acknowledged', async () => {
    const replies = await sendCrafted(env.lab, env.cli, CLIENT_IF, { mac: MAC, requestedIp: IP });
    expect(replies).toEqual([expect.objectContaining({ type: 'ack', yiaddr: IP })]);
  });

  it('SELECTING: a REQUEST naming another server identifier gets no reply', async () => {
    const repliesBefore = rackd.events('dhcp4.reply').length;
    const replies = await sendCrafted(env.lab, env.cli, CLIENT_IF, {
      mac: MAC,
      requestedIp: IP,
      serverId: '10.20.0.99',
    });
    expect(replies).toEqual([]);
    expect(rackd.events('dhcp4.reply').slice(repliesBefore)).toEqual([]);
  });

  it('every reply decodes cleanly in tshark', async () => {
    await assertRepliesClean(await fileCapture.stop());
  });
});
