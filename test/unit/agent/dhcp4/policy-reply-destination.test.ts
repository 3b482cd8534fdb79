// Reply destinations per RFC 2131 §4.1 (and §4.3.2 for DHCPNAK): relay, NAK broadcast, ciaddr unicast,
// broadcast bit, L2 unicast to chaddr — and the same rules as seen through handleDhcp4.

import { describe, expect, it } from 'vitest';
import { replyDestination } from '../../../../agent/dhcp4/reply-destination.js';
import type { ReplyDestination } from '../../../../agent/dhcp4/reply-destination.js';
import { handleDhcp4 } from '../../../../agent/dhcp4/policy.js';
import { BROADCAST_FLAG, MessageType } from '../../../../protocol/dhcp4/message.js';
import { MAC1, MAC3, RELAY_MAC, SERVER_MAC, arrival, labConfig, relayArrival, request } from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';

const BCAST = { dstMac: 'ff:ff:ff:ff:ff:ff', dstIp: '255.255.255.255', dstPort: 68 };
const CLIENT_SRC = 'aa:bb:cc:00:00:01';

describe('replyDestination', () => {
  const cases: [string, RequestSpec, MessageType, string, Partial<ReplyDestination>][] = [
    [
      'relayed OFFER → giaddr:67 via the relay MAC',
      { giaddr: '10.40.0.1' },
      MessageType.Offer,
      '10.40.0.103',
      { dstMac: RELAY_MAC, dstIp: '10.40.0.1', dstPort: 67 },
    ],
    [
      'relayed NAK → still the relay',
      { giaddr: '10.40.0.1', ciaddr: '10.40.0.9' },
      MessageType.Nak,
      '0.0.0.0',
      { dstMac: RELAY_MAC, dstIp: '10.40.0.1', dstPort: 67 },
    ],
    ['NAK → broadcast even with ciaddr', { ciaddr: '10.20.0.9' }, MessageType.Nak, '0.0.0.0', BCAST],
    [
      'ciaddr → unicast to ciaddr and the frame source',
      { ciaddr: '10.20.0.101', flags: BROADCAST_FLAG },
      MessageType.Ack,
      '10.20.0.101',
      { dstMac: CLIENT_SRC, dstIp: '10.20.0.101', dstPort: 68 },
    ],
    ['broadcast bit → broadcast', { flags: BROADCAST_FLAG }, MessageType.Offer, '10.20.0.101', BCAST],
    [
      'otherwise → yiaddr at the chaddr MAC',
      {},
      MessageType.Offer,
      '10.20.0.101',
      { dstMac: MAC1, dstIp: '10.20.0.101', dstPort: 68 },
    ],
    ['no ciaddr and no yiaddr → broadcast', {}, MessageType.Ack, '0.0.0.0', BCAST],
  ];
  it.each(cases)('%s', (_name, spec, type, yiaddr, expected) => {
    const where = spec.giaddr ? relayArrival() : arrival({ srcMac: CLIENT_SRC });
    const destination = replyDestination(request(spec), type, yiaddr, where, '10.20.0.10');
    expect(destination).toEqual({ srcMac: SERVER_MAC, srcIp: '10.20.0.10', srcPort: 67, ...expected });
  });
});

describe('handleDhcp4 destinations', () => {
  const config = labConfig();
  it.each([
    [
      'DISCOVER → L2 unicast OFFER',
      { type: MessageType.Discover },
      arrival(),
      { dstMac: MAC1, dstIp: '10.20.0.101', dstPort: 68 },
    ],
    ['broadcast DISCOVER → broadcast OFFER', { type: MessageType.Discover, flags: BROADCAST_FLAG }, arrival(), BCAST],
    [
      'relayed DISCOVER → relay',
      { type: MessageType.Discover, mac: MAC3, giaddr: '10.40.0.1' },
      relayArrival(),
      { dstMac: RELAY_MAC, dstIp: '10.40.0.1', dstPort: 67 },
    ],
  ] as [string, RequestSpec, ReturnType<typeof arrival>, Partial<ReplyDestination>][])(
    '%s',
    (_name, spec, where, expected) => {
      const decision = handleDhcp4(request(spec), where, config);
      expect(decision.kind).toBe('reply');
      if (decision.kind === 'reply')
        expect(decision.destination).toMatchObject({
          srcMac: SERVER_MAC,
          srcIp: '10.20.0.10',
          srcPort: 67,
          ...expected,
        });
    },
  );
});
