// One MAC reserved on an untagged subnet and on VLAN 20 gets the reservation of the segment it asks on
// (IEEE 802.1Q tag selects the subnet; RFC 2131 §3.1 DORA, §3.2 INIT-REBOOT; replies keep the request's tag).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab/lab.js';
import { startRackd } from './lab/rackd.js';
import type { RackdHandle } from './lab/rackd.js';
import { assertRepliesClean, startCapture, tsharkFields } from './lab/capture.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { runDhcp4Probe, SCAPY_PYTHON } from './peers/dhcp4-probe.js';
import type { ProbeResult } from './peers/dhcp4-probe.js';

const MAC = '52:54:00:20:21:01';

const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
    gateway: 10.20.0.1
  - cidr: 10.21.0.0/24
    vid: 20
    server_ip: 10.21.0.1
    gateway: 10.21.0.1
reservations:
  - mac: "${MAC}"
    ip: 10.20.0.31
  - mac: "${MAC}"
    ip: 10.21.0.31
`;

// Outgoing tagged frames carry the tag in-line, so a plain `udp port 67` filter would miss rackd's tagged
// replies on its own interface; incoming ones have it in metadata and match both halves.
const CAPTURE_FILTER = 'udp port 67 or udp port 68 or (vlan and (udp port 67 or udp port 68))';

const pre = labPrerequisites(['ip', 'node', 'tcpdump', 'tshark', SCAPY_PYTHON]);

describe('DHCPv4 on an untagged subnet and on VLAN 20 from one MAC', () => {
  let lab: Lab;
  let rackd: RackdHandle;
  let pcap: string;
  let untagged: ProbeResult;
  let tagged: ProbeResult;
  let rebootTagged: ProbeResult;

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rkv');
    const srv = await lab.addNamespace('srv');
    const cli = await lab.addNamespace('cli');
    await lab.link(srv, 'rk0', cli, 'cl0', { macB: MAC });
    await lab.addAddress(srv, 'rk0', '10.20.0.1/24');

    const capture = await startCapture(lab, srv, 'rk0', CAPTURE_FILTER);
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: ['rk0'] });
    untagged = await runDhcp4Probe(lab, cli, { iface: 'cl0', mac: MAC, mode: 'dora' });
    tagged = await runDhcp4Probe(lab, cli, { iface: 'cl0', mac: MAC, vid: 20, mode: 'dora' });
    rebootTagged = await runDhcp4Probe(lab, cli, {
      iface: 'cl0',
      mac: MAC,
      vid: 20,
      mode: 'request',
      requestedIp: '10.21.0.31',
    });
    await rackd.stop();
    pcap = await capture.stop();
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('an untagged DISCOVER/REQUEST gets untagged OFFER/ACK for 10.20.0.31', () => {
    expect(untagged.unanswered, untagged.stderr).toEqual([]);
    expect(
      untagged.replies.map(({ sent, type, vid, yiaddr, server_id }) => ({ sent, type, vid, yiaddr, server_id })),
    ).toEqual([
      { sent: 'discover', type: 'offer', vid: null, yiaddr: '10.20.0.31', server_id: '10.20.0.1' },
      { sent: 'request', type: 'ack', vid: null, yiaddr: '10.20.0.31', server_id: '10.20.0.1' },
    ]);
  });

  it('a DISCOVER/REQUEST tagged 20 gets OFFER/ACK tagged 20 for 10.21.0.31 from 10.21.0.1', () => {
    expect(tagged.unanswered, tagged.stderr).toEqual([]);
    expect(
      tagged.replies.map(({ sent, type, vid, yiaddr, server_id }) => ({ sent, type, vid, yiaddr, server_id })),
    ).toEqual([
      { sent: 'discover', type: 'offer', vid: 20, yiaddr: '10.21.0.31', server_id: '10.21.0.1' },
      { sent: 'request', type: 'ack', vid: 20, yiaddr: '10.21.0.31', server_id: '10.21.0.1' },
    ]);
  });

  it('an INIT-REBOOT REQUEST tagged 20 for the VLAN reservation gets an ACK tagged 20', () => {
    expect(rebootTagged.unanswered, rebootTagged.stderr).toEqual([]);
    const [ack] = rebootTagged.replies;
    expect(ack).toMatchObject({ type: 'ack', vid: 20, yiaddr: '10.21.0.31', server_id: '10.21.0.1' });
  });

  it('rackd logs replies for both reservations of the MAC', () => {
    const replies = rackd.events('dhcp4.reply') as { mac?: string; ip?: string }[];
    const ips = new Set(replies.filter((line) => line.mac === MAC).map((line) => line.ip));
    expect([...ips].sort()).toEqual(['10.20.0.31', '10.21.0.31']);
  });

  it('every reply decodes cleanly in tshark, VLAN 20 replies carry the tag on the wire', async () => {
    await assertRepliesClean(pcap);
    const rows = await tsharkFields(pcap, 'udp.srcport == 67 && dhcp.type == 2', ['vlan.id', 'dhcp.ip.your']);
    const seen = rows.map(([vid, yiaddr]) => `${vid || 'untagged'} ${yiaddr}`);
    expect(seen).toEqual(expect.arrayContaining(['untagged 10.20.0.31', '20 10.21.0.31']));
    // No reply may leak the VLAN reservation untagged, or the untagged one onto VLAN 20.
    expect(seen.filter((row) => row === 'untagged 10.21.0.31' || row === '20 10.20.0.31')).toEqual([]);
  });
});
