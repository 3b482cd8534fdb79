// Golden frames captured from real clients and Kea (test/fixtures/dhcp4/capture.sh): decode them, check
// what each peer is known to send, and check our encoder reproduces them byte for byte.

import { describe, expect, it } from 'vitest';
import { decodeDhcp4, encodeDhcp4 } from '../../../../protocol/dhcp4/codec.js';
import { getOption } from '../../../../protocol/dhcp4/options.js';
import { bytesToColonHex } from '../../../../protocol/net/mac.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../../../protocol/net/udp-frame.js';
import { fixtureNames, loadFixture } from '../../../helpers/fixtures.js';

interface Expect {
  mac: string;
  type: number;
  xid: number;
  prl?: number[];
  clientId?: string;
  hostName?: string;
  yiaddr?: string;
  /** Kea sends option 119 only to clients whose request list asks for it (dhcpcd's does not). */
  search?: string[];
}

const DHCLIENT = {
  mac: '02:00:00:77:00:02',
  xid: 0x107b2173,
  prl: [1, 3, 6, 15, 119, 121, 42, 26],
  hostName: 'golden-dhclient',
};
const UDHCPC = {
  mac: '02:00:00:77:00:03',
  xid: 0x3c3d947d,
  prl: [1, 3, 6, 12, 15, 26, 28, 42, 119, 121],
  clientId: '01:02:00:00:77:00:03',
  hostName: 'golden-udhcpc',
};
const DHCPCD = { mac: '02:00:00:77:00:04', xid: 0xe37f142e, prl: [1, 121, 3, 28, 33, 51, 58, 59] };
const reply = (
  c: { mac: string; xid: number; clientId?: string; prl: number[] },
  type: number,
  yiaddr: string,
): Expect => ({
  mac: c.mac,
  search: c.prl.includes(119) ? ['lab.example', 'example.org'] : undefined,
  xid: c.xid,
  type,
  yiaddr,
  ...(c.clientId ? { clientId: c.clientId } : {}),
});

const EXPECTED: Record<string, Expect> = {
  'dhclient-discover': { ...DHCLIENT, type: 1 },
  'dhclient-request': { ...DHCLIENT, type: 3 },
  'udhcpc-discover': { ...UDHCPC, type: 1 },
  'udhcpc-request': { ...UDHCPC, type: 3 },
  'dhcpcd-discover': { ...DHCPCD, type: 1 },
  'dhcpcd-request': { ...DHCPCD, type: 3 },
  'kea-offer-to-dhclient': reply(DHCLIENT, 2, '10.77.0.100'),
  'kea-ack-to-dhclient': reply(DHCLIENT, 5, '10.77.0.100'),
  'kea-offer-to-udhcpc': reply(UDHCPC, 2, '10.77.0.101'),
  'kea-ack-to-udhcpc': reply(UDHCPC, 5, '10.77.0.101'),
  'kea-offer-to-dhcpcd': reply(DHCPCD, 2, '10.77.0.102'),
  'kea-ack-to-dhcpcd': reply(DHCPCD, 5, '10.77.0.102'),
};

describe('golden captures', () => {
  it('has a DISCOVER and REQUEST from each client and an OFFER and ACK from Kea', () => {
    expect(fixtureNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: decodes to the fields the peer sent`, () => {
      const fixture = loadFixture(name);
      expect(fixture.captured).toMatch(/tcpdump/);
      const frame = decodeUdpFrame(fixture.frame);
      const msg = decodeDhcp4(frame.payload);
      expect(bytesToColonHex(msg.chaddr.subarray(0, msg.hlen))).toBe(want.mac);
      expect(msg.xid).toBe(want.xid);
      expect(getOption(msg.options, 'message-type')).toBe(want.type);
      expect(
        getOption(msg.options, 'client-identifier') &&
          bytesToColonHex(getOption(msg.options, 'client-identifier') as Buffer),
      ).toBe(want.clientId);
      if (want.type === 1 || want.type === 3) {
        expect(frame).toMatchObject({ srcMac: want.mac, dstIp: '255.255.255.255', srcPort: 68, dstPort: 67 });
        expect(getOption(msg.options, 'parameter-request-list')).toEqual(want.prl);
        expect(getOption(msg.options, 'host-name')).toBe(want.hostName);
      } else {
        expect(frame).toMatchObject({ srcIp: '10.77.0.1', srcPort: 67, dstPort: 68 });
        expect(msg.yiaddr).toBe(want.yiaddr);
        expect(getOption(msg.options, 'server-identifier')).toBe('10.77.0.1');
        expect(getOption(msg.options, 'domain-search')).toEqual(want.search);
        expect(getOption(msg.options, 'classless-static-routes')).toEqual([
          { destination: '10.30.0.0/16', gateway: '10.77.0.1' },
          { destination: '0.0.0.0/0', gateway: '10.77.0.1' },
        ]);
      }
    });

    it(`${name}: re-encodes byte for byte, and its frame round-trips`, () => {
      const frame = decodeUdpFrame(loadFixture(name).frame);
      const msg = decodeDhcp4(frame.payload);
      // Every captured peer writes options in one pass, ends with End and pads with zeros to at least
      // 300 bytes, exactly as encodeDhcp4 does, so no padding difference needs excusing here.
      expect(encodeDhcp4(msg).toString('hex')).toBe(frame.payload.toString('hex'));
      // IP id, TTL and DF differ by sender, so the frame is compared after decoding rather than as bytes.
      expect(decodeUdpFrame(encodeUdpFrame(frame))).toEqual(frame);
    });
  }
});
