// The DHCPv4 policy's decisions per message type and client state (RFC 2131 §4.3.1–§4.3.5),
// checked on real Dhcp4Message values with no sockets.

import { describe, expect, it } from 'vitest';
import { handleDhcp4 } from '../../../../agent/dhcp4/policy.js';
import type { Dhcp4Decision } from '../../../../agent/dhcp4/decision.js';
import { BootOp, BROADCAST_FLAG, MessageType } from '../../../../protocol/dhcp4/message.js';
import { getOption } from '../../../../protocol/dhcp4/options.js';
import {
  MAC1,
  MAC2,
  MAC3,
  UNKNOWN_MAC,
  arrival,
  ipBytes,
  labConfig,
  relayArrival,
  request,
} from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';

const config = labConfig();
const OURS = ipBytes('10.20.0.10');

function decide(spec: RequestSpec, where = arrival()): Dhcp4Decision {
  return handleDhcp4(request(spec), where, config);
}

function expectReply(decision: Dhcp4Decision): Extract<Dhcp4Decision, { kind: 'reply' }> {
  if (decision.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(decision)}`);
  return decision;
}

describe('handleDhcp4: what gets ignored', () => {
  const cases: [string, RequestSpec, string][] = [
    ['a BOOTREPLY', { op: BootOp.Reply, type: MessageType.Discover }, 'not-a-request'],
    ['no option 53', {}, 'no-message-type'],
    ['an OFFER sent to us', { type: MessageType.Offer }, 'unsupported-message'],
    ['message type 200', { type: 200 as MessageType }, 'unsupported-message'],
    ['an unknown MAC', { type: MessageType.Discover, mac: UNKNOWN_MAC }, 'unknown-client'],
    ['a MAC reserved only on another subnet', { type: MessageType.Discover, mac: MAC3 }, 'unknown-client'],
    ['a malformed option 53', { options: [[53, [1, 2]]] }, 'malformed-option'],
    ['a malformed option 50', { type: MessageType.Request, options: [[50, [10, 20]]] }, 'malformed-option'],
    ['a malformed option 54', { type: MessageType.Request, options: [[54, [10]]] }, 'malformed-option'],
    [
      'a REQUEST for another server',
      {
        type: MessageType.Request,
        options: [
          [54, ipBytes('10.20.0.200')],
          [50, ipBytes('10.20.0.101')],
        ],
      },
      'other-server',
    ],
    ['a REQUEST with no 54, 50 or ciaddr', { type: MessageType.Request }, 'invalid-request'],
  ];
  it.each(cases)('ignores %s', (_name, spec, reason) => {
    const decision = decide(spec);
    expect(decision).toMatchObject({ kind: 'ignore', reason });
  });

  it('names the MAC and subnet of an unknown client', () => {
    expect(decide({ type: MessageType.Discover, mac: UNKNOWN_MAC })).toEqual({
      kind: 'ignore',
      reason: 'unknown-client',
      mac: UNKNOWN_MAC,
      subnet: '10.20.0.0/24',
      detail: undefined,
    });
  });

  it('ignores requests arriving where no subnet is configured', () => {
    const bare = { ...arrival().iface, addresses: [{ family: 4 as const, address: '192.168.7.1', prefixLength: 24 }] };
    expect(decide({ type: MessageType.Discover }, arrival({ iface: bare }))).toMatchObject({
      kind: 'ignore',
      reason: 'no-subnet',
    });
    expect(decide({ type: MessageType.Discover }, arrival({ vid: 99 }))).toMatchObject({
      kind: 'ignore',
      reason: 'no-subnet',
    });
  });

  it('ignores a relayed request when the interface has no IPv4 address and the subnet no server_ip', () => {
    const v6only = { ...arrival().iface, addresses: [{ family: 6 as const, address: 'fe80::1', prefixLength: 64 }] };
    const decision = decide(
      { type: MessageType.Discover, mac: MAC3, giaddr: '10.40.0.1' },
      arrival({ iface: v6only, dstIp: '10.20.0.10' }),
    );
    expect(decision).toMatchObject({ kind: 'ignore', reason: 'no-server-address', subnet: '10.40.0.0/24' });
  });
});

describe('handleDhcp4: DISCOVER and REQUEST states', () => {
  it('offers the reserved address', () => {
    const d = expectReply(decide({ type: MessageType.Discover }));
    expect(d).toMatchObject({
      messageType: MessageType.Offer,
      mac: MAC1,
      ip: '10.20.0.101',
      subnet: '10.20.0.0/24',
      maxLength: 548,
    });
    expect(d.reply).toMatchObject({
      op: BootOp.Reply,
      yiaddr: '10.20.0.101',
      ciaddr: '0.0.0.0',
      xid: 0x12345678,
      hops: 0,
      secs: 0,
    });
    expect(getOption(d.reply.options, 'server-identifier')).toBe('10.20.0.10');
    expect(getOption(d.reply.options, 'lease-time')).toBe(600);
  });

  const ack = MessageType.Ack;
  const nak = MessageType.Nak;
  const cases: [string, RequestSpec, MessageType, string][] = [
    [
      'SELECTING, our 54, reserved 50',
      {
        options: [
          [54, OURS],
          [50, ipBytes('10.20.0.101')],
        ],
      },
      ack,
      '10.20.0.101',
    ],
    [
      'SELECTING, our 54, wrong 50',
      {
        options: [
          [54, OURS],
          [50, ipBytes('10.20.0.77')],
        ],
      },
      nak,
      '10.20.0.77',
    ],
    ['INIT-REBOOT, reserved 50', { options: [[50, ipBytes('10.20.0.101')]] }, ack, '10.20.0.101'],
    ['INIT-REBOOT, address from another network', { options: [[50, ipBytes('192.168.1.5')]] }, nak, '192.168.1.5'],
    ['RENEWING, reserved ciaddr', { ciaddr: '10.20.0.101' }, ack, '10.20.0.101'],
    ['REBINDING, stale ciaddr', { ciaddr: '10.20.0.55', flags: BROADCAST_FLAG }, nak, '10.20.0.55'],
  ];
  it.each(cases)('%s', (_name, spec, type, ip) => {
    const d = expectReply(decide({ type: MessageType.Request, ...spec }));
    expect(d.messageType).toBe(type);
    expect(d.ip).toBe(ip);
    expect(getOption(d.reply.options, 'message-type')).toBe(type);
  });

  it('ACKs a renewal with ciaddr echoed and the lease times', () => {
    const d = expectReply(decide({ type: MessageType.Request, ciaddr: '10.20.0.101' }));
    expect(d.reply.ciaddr).toBe('10.20.0.101');
    expect(d.reply.yiaddr).toBe('10.20.0.101');
    expect([...d.reply.options.keys()].slice(0, 6)).toEqual([53, 54, 51, 58, 59, 1]);
    expect(getOption(d.reply.options, 'renewal-time')).toBe(300);
    expect(getOption(d.reply.options, 'rebinding-time')).toBe(525);
  });

  it('matches by client identifier before chaddr', () => {
    const clientId = Buffer.from([0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
    const d = expectReply(decide({ type: MessageType.Discover, mac: UNKNOWN_MAC, options: [[61, clientId]] }));
    expect(d.ip).toBe('10.20.0.102');
    expect(d.mac).toBe(UNKNOWN_MAC);
    // An unknown client id falls back to the MAC.
    const byMac = expectReply(decide({ type: MessageType.Discover, mac: MAC2, options: [[61, [1, 2, 3]]] }));
    expect(byMac.ip).toBe('10.20.0.102');
  });
});

describe('handleDhcp4: NAK shape', () => {
  const wrong: RequestSpec = {
    type: MessageType.Request,
    options: [
      [50, ipBytes('10.20.0.77')],
      [55, [1, 3, 6]],
      [57, [0x05, 0xdc]],
    ],
  };

  it('carries only 53, 54 and 56, no addresses, and is broadcast', () => {
    const d = expectReply(decide(wrong));
    expect([...d.reply.options.keys()]).toEqual([53, 54, 56]);
    expect(getOption(d.reply.options, 'message')).toMatch(/not reserved/);
    expect(d.reply).toMatchObject({ yiaddr: '0.0.0.0', ciaddr: '0.0.0.0', siaddr: '0.0.0.0', file: '', flags: 0 });
    expect(d.destination).toMatchObject({ dstIp: '255.255.255.255', dstMac: 'ff:ff:ff:ff:ff:ff', dstPort: 68 });
  });

  it('sets the broadcast bit and echoes option 82 when relayed', () => {
    const relayed = {
      ...wrong,
      mac: MAC3,
      giaddr: '10.40.0.1',
      options: [...wrong.options!, [82, [1, 3, 0x61, 0x62, 0x63]]],
    } as RequestSpec;
    const d = expectReply(decide(relayed, relayArrival()));
    expect([...d.reply.options.keys()]).toEqual([53, 54, 56, 82]);
    expect(d.reply.flags & BROADCAST_FLAG).toBe(BROADCAST_FLAG);
    expect(d.reply.giaddr).toBe('10.40.0.1');
    expect(d.destination).toMatchObject({ dstIp: '10.40.0.1', dstPort: 67 });
  });
});

describe('handleDhcp4: INFORM, RELEASE, DECLINE', () => {
  it('ACKs an INFORM without yiaddr or lease times, to ciaddr', () => {
    const d = expectReply(
      decide({ type: MessageType.Inform, ciaddr: '10.20.0.101', options: [[55, [51, 58, 59, 1, 3, 6]]] }),
    );
    expect(d.messageType).toBe(MessageType.Ack);
    expect(d.reply.yiaddr).toBe('0.0.0.0');
    expect(d.reply.ciaddr).toBe('10.20.0.101');
    expect([...d.reply.options.keys()]).toEqual([53, 54, 1, 3, 6, 252, 150]);
    expect(d.destination).toMatchObject({ dstIp: '10.20.0.101', dstPort: 68, dstMac: MAC1 });
  });

  it('notes a RELEASE with the address from ciaddr', () => {
    expect(decide({ type: MessageType.Release, ciaddr: '10.20.0.101', options: [[54, OURS]] })).toEqual({
      kind: 'note',
      event: 'release',
      mac: MAC1,
      ip: '10.20.0.101',
      subnet: '10.20.0.0/24',
    });
  });

  it('notes a DECLINE with the address from option 50', () => {
    expect(
      decide({
        type: MessageType.Decline,
        options: [
          [50, ipBytes('10.20.0.101')],
          [54, OURS],
        ],
      }),
    ).toEqual({
      kind: 'note',
      event: 'decline',
      mac: MAC1,
      ip: '10.20.0.101',
      subnet: '10.20.0.0/24',
    });
  });

  it('ignores a RELEASE addressed to another server', () => {
    const d = decide({ type: MessageType.Release, ciaddr: '10.20.0.101', options: [[54, ipBytes('10.20.0.200')]] });
    expect(d).toMatchObject({ kind: 'ignore', reason: 'other-server' });
  });
});

describe('handleDhcp4: one MAC reserved on two subnets', () => {
  it('gives the untagged address on the untagged link and the vid-20 address on VLAN 20', () => {
    const untagged = expectReply(decide({ type: MessageType.Discover }));
    const tagged = expectReply(decide({ type: MessageType.Discover }, arrival({ vid: 20 })));
    expect(untagged).toMatchObject({ ip: '10.20.0.101', subnet: '10.20.0.0/24' });
    expect(tagged).toMatchObject({ ip: '10.21.0.101', subnet: '10.21.0.0/24' });
    expect(getOption(tagged.reply.options, 'server-identifier')).toBe('10.21.0.10');
    expect(getOption(tagged.reply.options, 'lease-time')).toBe(3600);
    expect(getOption(tagged.reply.options, 'host-name')).toBe('node1-vlan20');
    expect(tagged.destination.srcIp).toBe('10.21.0.10');
  });

  it('NAKs the untagged address requested on VLAN 20', () => {
    const d = expectReply(
      decide({ type: MessageType.Request, options: [[50, ipBytes('10.20.0.101')]] }, arrival({ vid: 20 })),
    );
    expect(d.messageType).toBe(MessageType.Nak);
  });
});
