// DHCPv6 messages for codec, policy and fuzz tests (RFC 8415 §8–§9): an Information-request as dhclient -6 -S
// sends it, a Reply using every option type in the table, and a two-deep Relay-forward around a request.

import { encodeDhcp6 } from '../../../../protocol/dhcp6/codec.js';
import { duidLlFromMac } from '../../../../protocol/dhcp6/duid.js';
import type { Dhcp6Message, Dhcp6RelayMessage } from '../../../../protocol/dhcp6/message.js';
import { MessageType6 } from '../../../../protocol/dhcp6/message.js';
import { StatusCode6 } from '../../../../protocol/dhcp6/option-table.js';
import { encodeOption6 } from '../../../../protocol/dhcp6/options.js';

export const CLIENT_DUID = duidLlFromMac('52:54:00:66:00:01');
export const SERVER_DUID = duidLlFromMac('02:00:00:00:00:01');

/**
 * dhclient 4.4.3-P1 (Debian 12) `dhclient -6 -S -1 -d -cf EMPTY_CONF eth0`, captured with `tcpdump -w` on the
 * server's veth in a lab namespace and printed with `tshark -T fields -e udp.payload`: Client Identifier
 * (DUID-LL), ORO 23 24, Elapsed Time 0.
 */
export const DHCLIENT_INFO_REQUEST_HEX = '0b7b23c60001000a000300010ae59400f84e000600040017001800080002' + '0000';

/** `null`: no ORO at all (an omitted argument gives the default ORO). */
export function informationRequest(oro: number[] | null = [23, 24, 32]): Dhcp6Message {
  const options = [
    encodeOption6('client-id', { type: 3, hardwareType: 1, linkLayerAddress: Buffer.from('525400660001', 'hex') }),
  ];
  if (oro !== null) options.push(encodeOption6('oro', oro));
  options.push(encodeOption6('elapsed-time', 0));
  return { type: MessageType6.InformationRequest, transactionId: 0x123456, options };
}

export function richReply(): Dhcp6Message {
  const noAddrs = [encodeOption6('status-code', { status: StatusCode6.NoAddrsAvail, message: 'none — stateless' })];
  return {
    type: MessageType6.Reply,
    transactionId: 0xabcdef,
    options: [
      encodeOption6('server-id', {
        type: 1,
        hardwareType: 1,
        time: 0x2f0b95c2,
        linkLayerAddress: Buffer.from('020000000001', 'hex'),
      }),
      encodeOption6('client-id', { type: 2, enterpriseNumber: 9, identifier: Buffer.from('0102030405', 'hex') }),
      encodeOption6('ia-na', { iaid: 1, t1: 0, t2: 0, options: noAddrs }),
      encodeOption6('ia-ta', {
        iaid: 2,
        options: [
          encodeOption6('ia-address', {
            address: '2001:db8::5',
            preferredLifetime: 10,
            validLifetime: 20,
            options: [],
          }),
        ],
      }),
      encodeOption6('ia-pd', {
        iaid: 3,
        t1: 100,
        t2: 200,
        options: [
          encodeOption6('ia-prefix', {
            preferredLifetime: 1,
            validLifetime: 2,
            prefixLength: 56,
            prefix: '2001:db8:ff00::',
            options: [],
          }),
        ],
      }),
      encodeOption6('preference', 255),
      encodeOption6('unicast', '2001:db8::1'),
      encodeOption6('rapid-commit', null),
      encodeOption6('user-class', [Buffer.from('rack'), Buffer.alloc(0)]),
      encodeOption6('vendor-class', { enterpriseNumber: 343, data: [Buffer.from('PXEClient')] }),
      encodeOption6('dns-servers', ['2001:db8:20::53', '2001:db8:20::54']),
      encodeOption6('domain-list', ['v6.example', 'lab.example', '']),
      encodeOption6('sntp-servers', ['2001:db8::123']),
      encodeOption6('information-refresh-time', 86_400),
      encodeOption6('ntp-server', [{ kind: 'address', address: '2001:db8::123' }]),
      encodeOption6('ntp-server', [
        { kind: 'multicast', address: 'ff05::101' },
        { kind: 'fqdn', name: 'ntp.example' },
        { kind: 'unknown', code: 9, data: Buffer.of(1) },
      ]),
      { code: 65000, data: Buffer.from('private option') },
    ],
  };
}

/** Client → relay A (link 2001:db8:22::1, Interface-ID "down0") → relay B (link ::, the server side). */
export function twoRelays(inner: Dhcp6Message = informationRequest()): Dhcp6RelayMessage {
  const first: Dhcp6RelayMessage = {
    type: MessageType6.RelayForward,
    hopCount: 0,
    linkAddress: '2001:db8:22::1',
    peerAddress: 'fe80::5054:ff:fe66:1',
    options: [encodeOption6('interface-id', Buffer.from('down0')), encodeOption6('relay-message', encodeDhcp6(inner))],
  };
  return {
    type: MessageType6.RelayForward,
    hopCount: 1,
    linkAddress: '::',
    peerAddress: '2001:db8:22::1',
    options: [
      encodeOption6('relay-message', encodeDhcp6(first)),
      encodeOption6('interface-id', Buffer.from([0, 0, 0, 7])),
    ],
  };
}
