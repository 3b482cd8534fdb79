// Subnet selection (RFC 2131 §4.3.1 giaddr, RFC 3527 link selection, RFC 3011 subnet selection,
// 802.1Q vid, interface address) and the server identifier chosen for the reply (RFC 2132 §9.7).

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { MessageType } from '../../../../protocol/dhcp4/message.js';
import { linkSelection, selectSubnet } from '../../../../agent/dhcp4/subnet-selection.js';
import { serverIdentifier } from '../../../../agent/dhcp4/server-identifier.js';
import type { Arrival } from '../../../../agent/dhcp4/arrival.js';
import { ETH0, arrival, ipBytes, labConfig, relayArrival, request } from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';

const config = labConfig();
const linkSel41 = Buffer.concat([Buffer.from([1, 2, 0x65, 0x31]), Buffer.from([5, 4]), ipBytes('10.41.0.0')]);

describe('selectSubnet', () => {
  const cases: [string, RequestSpec, Arrival, string | undefined][] = [
    ['relayed: giaddr', { giaddr: '10.40.0.1' }, relayArrival(), '10.40.0.0/24'],
    [
      'relayed: option 118 over giaddr',
      { giaddr: '10.40.0.1', options: [[118, ipBytes('10.42.0.7')]] },
      relayArrival(),
      '10.42.0.0/24',
    ],
    [
      'relayed: 82 sub-option 5 over 118 and giaddr',
      {
        giaddr: '10.40.0.1',
        options: [
          [118, ipBytes('10.42.0.7')],
          [82, linkSel41],
        ],
      },
      relayArrival(),
      '10.41.0.0/24',
    ],
    [
      'relayed: 82 without sub-option 5 falls back to giaddr',
      { giaddr: '10.40.0.1', options: [[82, [1, 2, 0x65, 0x31]]] },
      relayArrival(),
      '10.40.0.0/24',
    ],
    ['relayed: giaddr outside every subnet', { giaddr: '172.16.0.1' }, relayArrival(), undefined],
    ['relayed: ignores the arrival vid', { giaddr: '10.40.0.1' }, { ...relayArrival(), vid: 20 }, '10.40.0.0/24'],
    ['tagged: the subnet with that vid', {}, arrival({ vid: 20 }), '10.21.0.0/24'],
    ['tagged: no subnet with that vid', {}, arrival({ vid: 30 }), undefined],
    ['untagged: the untagged subnet holding an interface address', {}, arrival(), '10.20.0.0/24'],
    [
      'untagged: ignores option 118 from a local client',
      { options: [[118, ipBytes('10.42.0.7')]] },
      arrival(),
      '10.20.0.0/24',
    ],
  ];
  it.each(cases)('%s', (_name, spec, where, cidr) => {
    expect(selectSubnet(request({ type: MessageType.Discover, ...spec }), where, config)?.cidrText).toBe(cidr);
  });

  it('falls back to a tagged subnet holding an interface address (a VLAN sub-interface)', () => {
    const vlanIf = {
      ...ETH0,
      name: 'eth0.20',
      addresses: [{ family: 4 as const, address: '10.21.0.10', prefixLength: 24 }],
    };
    expect(selectSubnet(request(), arrival({ iface: vlanIf }), config)?.cidrText).toBe('10.21.0.0/24');
  });

  it('throws DecodeError on malformed option 82 and 118', () => {
    const bad82 = request({ giaddr: '10.40.0.1', options: [[82, [5, 4, 10, 41]]] });
    expect(() => selectSubnet(bad82, relayArrival(), config)).toThrow(DecodeError);
    const bad118 = request({ giaddr: '10.40.0.1', options: [[118, [10, 41]]] });
    expect(() => selectSubnet(bad118, relayArrival(), config)).toThrow(DecodeError);
  });
});

describe('linkSelection', () => {
  it.each([
    ['absent', undefined, undefined],
    ['empty', Buffer.alloc(0), undefined],
    ['only circuit id', Buffer.from([1, 1, 7]), undefined],
    [
      'after circuit and remote id',
      Buffer.concat([Buffer.from([1, 1, 7, 2, 2, 8, 9, 5, 4]), ipBytes('10.1.2.0')]),
      '10.1.2.0',
    ],
  ])('%s', (_name, data, expected) => {
    expect(linkSelection(data)).toBe(expected);
  });

  it.each([
    ['a lone code byte', [1]],
    ['a sub-option longer than the option', [1, 5, 1, 2]],
    ['link selection of 3 bytes', [5, 3, 10, 0, 0]],
  ])('rejects %s', (_name, bytes) => {
    expect(() => linkSelection(Buffer.from(bytes))).toThrow(DecodeError);
  });
});

describe('serverIdentifier', () => {
  const [untagged, tagged, relayed] = ['10.20.0.0/24', '10.21.0.0/24', '10.40.0.0/24'].map((cidr) =>
    config.subnets.find((s) => s.cidrText === cidr)!,
  );
  const onlyOther = {
    ...ETH0,
    addresses: [
      { family: 4 as const, address: '10.99.0.10', prefixLength: 24 },
      { family: 4 as const, address: '10.98.0.10', prefixLength: 24 },
    ],
  };

  it.each([
    ['server_ip wins', tagged!, arrival(), false, '10.21.0.10'],
    ['our address inside the subnet', untagged!, arrival(), false, '10.20.0.10'],
    ['relayed: the address the relay sent to', relayed!, relayArrival(), true, '10.20.0.10'],
    [
      'relayed to an address not ours: the first IPv4 address',
      relayed!,
      { ...relayArrival(), dstIp: '10.20.0.77' },
      true,
      '10.20.0.10',
    ],
    [
      'relayed: dstIp chosen over the first address',
      relayed!,
      { ...relayArrival(), iface: onlyOther, dstIp: '10.98.0.10' },
      true,
      '10.98.0.10',
    ],
    ['not relayed: the first IPv4 address', relayed!, arrival({ iface: onlyOther }), false, '10.99.0.10'],
  ])('%s', (_name, subnet, where, isRelayed, expected) => {
    expect(serverIdentifier(subnet, where, isRelayed)).toBe(expected);
  });

  it('is undefined with no IPv4 address and no server_ip', () => {
    const v6 = { ...ETH0, addresses: [{ family: 6 as const, address: 'fe80::1', prefixLength: 64 }] };
    expect(serverIdentifier(untagged!, arrival({ iface: v6 }), false)).toBeUndefined();
  });
});
