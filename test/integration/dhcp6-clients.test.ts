// Stateless DHCPv6 to directly attached clients (RFC 8415 §18.2.6 / §18.3.6): `dhclient -6 -S` on two
// interfaces gets each subnet's DNS servers and search list; malformed and fuzzed datagrams are dropped and counted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDhcp6 } from '../../protocol/dhcp6/codec.js';
import { Lab } from './lab/lab.js';
import { startRackd } from './lab/rackd.js';
import type { LogLine, RackdHandle } from './lab/rackd.js';
import { startCapture } from './lab/capture.js';
import { labPrerequisites } from './lab/prerequisites.js';
import { rackdTail } from './peers/log-tail.js';
import { assertDhcp6RepliesClean, dhclient6, sendDatagrams, tsharkRows, waitForLinkLocal } from './peers/dhcp6.js';
import { prng } from '../helpers/prng.js';

const IPAM = `
subnets:
  - cidr: 10.20.0.0/24
  - cidr: 2001:db8:20::/64
    dns_servers: [2001:db8:20::53, 2001:db8:20::54]
    search: [v6.example, lab.example]
    ntp_servers: [2001:db8:20::123]
  - cidr: 2001:db8:21::/64
    dns_servers: [2001:db8:21::53]
    search: [second.example]
    info_refresh_time: 3600
reservations: []
`;

/** Hand-made bad datagrams, each with the drop reason it must produce (undefined: a decode error). */
function malformedCorpus(): { payload: Buffer; reason?: string }[] {
  const good = encodeDhcp6({
    type: 11,
    transactionId: 1,
    options: [
      { code: 1, data: Buffer.from('00030001525400660001', 'hex') },
      { code: 6, data: Buffer.from('00170018', 'hex') },
    ],
  });
  const withOption = (code: number, hex: string) =>
    Buffer.concat([good, Buffer.from([code >> 8, code & 0xff, 0, hex.length / 2]), Buffer.from(hex, 'hex')]);
  return [
    { payload: Buffer.alloc(0) },
    { payload: Buffer.from('0b01', 'hex') },
    { payload: Buffer.from('0b0000010001ffff00', 'hex') },
    { payload: Buffer.from('0c00' + '00'.repeat(20), 'hex') },
    { payload: withOption(3, '000000010000000000000000'), reason: 'ia-in-information-request' },
    { payload: withOption(2, '00030001020000000099'), reason: 'other-server' },
    { payload: Buffer.from([5, ...good.subarray(1)]), reason: 'unsupported-message' },
    { payload: Buffer.from([7, ...good.subarray(1)]), reason: 'not-a-request' },
    {
      payload: encodeDhcp6({ type: 11, transactionId: 2, options: [{ code: 1, data: Buffer.of(0) }] }),
      reason: 'malformed-option',
    },
  ];
}

/** Bit flips, truncations and random bytes around the good Information-request. */
function fuzzedCorpus(count: number): Buffer[] {
  const rng = prng(0x6d686336);
  const base = malformedCorpus()[4]?.payload as Buffer;
  return Array.from({ length: count }, () => {
    const buf = Buffer.from(base.subarray(0, rng.int(base.length + 1)));
    for (let i = rng.int(4); i >= 0 && buf.length > 0; i--) buf[rng.int(buf.length)] = rng.byte();
    return buf;
  });
}

const FUZZED = 400;
const pre = labPrerequisites(['ip', 'node', 'dhclient', 'tcpdump', 'tshark']);

describe('stateless DHCPv6 on two directly attached segments', () => {
  let lab: Lab;
  let rackd: RackdHandle;
  let first: Record<string, string> | undefined;
  let second: Record<string, string> | undefined;
  let afterAbuse: Record<string, string> | undefined;
  let afterReload: Record<string, string> | undefined;
  let sent = 0;
  let counters: LogLine | undefined;
  let pcaps: string[] = [];

  beforeAll(async () => {
    pre.assertReady();
    lab = await Lab.create('rk6c');
    const srv = await lab.addNamespace('srv');
    const cli0 = await lab.addNamespace('cli0');
    const cli1 = await lab.addNamespace('cli1');
    await lab.link(srv, 'rk0', cli0, 'eth0', { macB: '52:54:00:66:00:01' });
    await lab.link(srv, 'rk1', cli1, 'eth0', { macB: '52:54:00:66:00:02' });
    await lab.addAddress(srv, 'rk0', '10.20.0.1/24');
    await lab.addAddress(srv, 'rk0', '2001:db8:20::1/64');
    await lab.addAddress(srv, 'rk1', '2001:db8:21::1/64');
    for (const [ns, ifname] of [
      [srv, 'rk0'],
      [srv, 'rk1'],
      [cli0, 'eth0'],
      [cli1, 'eth0'],
    ] as const)
      await waitForLinkLocal(lab, ns, ifname);
    const captures = [
      await startCapture(lab, srv, 'rk0', 'udp port 546 or udp port 547'),
      await startCapture(lab, srv, 'rk1', 'udp port 546 or udp port 547'),
    ];
    rackd = await startRackd(lab, srv, { ipamYaml: IPAM, interfaces: ['rk0', 'rk1'] });
    first = await dhclient6(lab, cli0, 'eth0');
    second = await dhclient6(lab, cli1, 'eth0');
    const corpus = [...malformedCorpus().map((c) => c.payload), ...fuzzedCorpus(FUZZED)];
    sent = await sendDatagrams(lab, cli0, 'eth0', corpus);
    afterAbuse = await dhclient6(lab, cli0, 'eth0');
    const reloaded = await rackd.reload(
      IPAM.replace('dns_servers: [2001:db8:21::53]', 'dns_servers: [2001:db8:21::99]'),
    );
    expect(reloaded.event).toBe('config.reloaded');
    afterReload = await dhclient6(lab, cli1, 'eth0');
    await rackd.stop();
    counters = rackd.events('dhcp6.counters')[0];
    pcaps = await Promise.all(captures.map((c) => c.stop()));
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it("the client on rk0 gets exactly 2001:db8:20::/64's DNS servers and search list", () => {
    expect(first, `dhclient -6 got no Reply\n${rackdTail(rackd)}`).toBeDefined();
    expect(first?.new_dhcp6_name_servers?.trim().split(/\s+/)).toEqual(['2001:db8:20::53', '2001:db8:20::54']);
    expect(first?.new_dhcp6_domain_search?.trim().split(/\s+/)).toEqual(['v6.example.', 'lab.example.']);
  });

  it("the client on rk1 gets its own subnet's values", () => {
    expect(second, `dhclient -6 got no Reply\n${rackdTail(rackd)}`).toBeDefined();
    expect(second?.new_dhcp6_name_servers?.trim().split(/\s+/)).toEqual(['2001:db8:21::53']);
    expect(second?.new_dhcp6_domain_search?.trim()).toBe('second.example.');
  });

  it('a SIGHUP with new IPv6 subnet settings is served to the next client, in the same process', () => {
    expect(afterReload?.new_dhcp6_name_servers?.trim().split(/\s+/), rackdTail(rackd)).toEqual(['2001:db8:21::99']);
  });

  it("both replies carry the same server DUID, a DUID-LL of rk0's MAC", () => {
    const duid = rackd.events('dhcp6.duid.created')[0]?.duid as string;
    expect(duid).toMatch(/^00:03:00:01(:[0-9a-f]{2}){6}$/);
    const asDhclient = duid
      .split(':')
      .map((b) => String(parseInt(b, 16).toString(16)))
      .join(':');
    expect(first?.new_dhcp6_server_id).toBe(asDhclient);
    expect(second?.new_dhcp6_server_id).toBe(asDhclient);
  });

  it('malformed and fuzzed datagrams never stop the server, and its counters account for the drops', () => {
    expect(sent).toBe(malformedCorpus().length + FUZZED);
    expect(afterAbuse?.new_dhcp6_name_servers, rackdTail(rackd)).toBeDefined();
    expect(rackd.events('dhcp6.internal-error')).toEqual([]);
    const snapshot = counters?.counters as {
      decodeErrors: number;
      dropped: Record<string, number>;
      received: Record<string, number>;
      sent: Record<string, number>;
    };
    expect(snapshot, rackdTail(rackd)).toBeDefined();
    expect(snapshot.decodeErrors).toBeGreaterThanOrEqual(4);
    for (const reason of malformedCorpus().flatMap((c) => (c.reason ? [c.reason] : []))) {
      expect(snapshot.dropped[reason] ?? 0, `${reason} in ${JSON.stringify(snapshot)}`).toBeGreaterThanOrEqual(1);
    }
    const accounted = snapshot.decodeErrors + Object.values(snapshot.received).reduce((a, b) => a + b, 0);
    // Three dhclient runs plus what we sent; UDP on a veth loses nothing in practice, allow a little.
    expect(accounted).toBeGreaterThanOrEqual(Math.floor(sent * 0.95));
    expect(rackd.events('dhcp6.drop.decode').length).toBe(snapshot.decodeErrors);
  });

  it("every datagram rackd sent decodes cleanly in tshark, Replies to the clients' link-local addresses", async () => {
    for (const pcap of pcaps) await assertDhcp6RepliesClean(pcap, 'ipv6.src == fe80::/10');
    const rows = await tsharkRows(pcaps[1] as string, 'dhcpv6.msgtype == 7', [
      'ipv6.dst',
      'udp.dstport',
      'dhcpv6.dns_server',
      'dhcpv6.search_list_entry',
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [dst, port, dns, search] of rows) {
      expect({ linkLocal: dst?.startsWith('fe80:'), port, search }).toEqual({
        linkLocal: true,
        port: '546',
        search: 'second.example.',
      });
      expect(['2001:db8:21::53', '2001:db8:21::99']).toContain(dns);
    }
    // Before the reload the old server, after it the new one.
    expect(rows[0]?.[2]).toBe('2001:db8:21::53');
    expect(rows.at(-1)?.[2]).toBe('2001:db8:21::99');
  });
});
