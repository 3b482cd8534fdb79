import { describe, expect, it } from 'vitest';
import { decodeDhcp6, encodeDhcp6 } from '../../../../protocol/dhcp6/codec.js';
import type { Dhcp6Message, Dhcp6Packet, Dhcp6RelayMessage } from '../../../../protocol/dhcp6/message.js';
import { findOption, MessageType6 } from '../../../../protocol/dhcp6/message.js';
import { StatusCode6 } from '../../../../protocol/dhcp6/option-table.js';
import { encodeOption6, getOption6, getOptions6 } from '../../../../protocol/dhcp6/options.js';
import { parseIpam } from '../../../../protocol/ipam/parse.js';
import type { Ipam } from '../../../../protocol/ipam/types.js';
import type { InterfaceInfo } from '../../../../agent/net/interface-info.js';
import type { Arrival6, Dhcp6Decision } from '../../../../agent/dhcp6/policy.js';
import { handleDhcp6 } from '../../../../agent/dhcp6/policy.js';
import { buildDhcp6ServingConfig } from '../../../../agent/dhcp6/serving-config.js';
import { CLIENT_DUID, informationRequest, SERVER_DUID, twoRelays } from '../../protocol/dhcp6/samples.js';

function ipam(input: unknown): Ipam {
  const parsed = parseIpam(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.ipam;
}

const CONFIG = buildDhcp6ServingConfig(
  ipam({
    subnets: [
      { cidr: '10.20.0.0/24' },
      {
        cidr: '2001:db8:20::/64',
        dns_servers: ['2001:db8:20::53', '2001:db8:20::54'],
        search: ['v6.example', 'lab.example'],
        ntp_servers: ['2001:db8::123', '2001:db8::124'],
      },
      {
        cidr: '2001:db8:22::/64',
        dns_servers: ['2001:db8:22::53'],
        info_refresh_time: 3600,
        options: [
          { code: 23, type: 'ipv6-list', value: ['2001:db8:22::99'] },
          { code: 65001, type: 'string', value: 'hi' },
        ],
      },
    ],
    reservations: [],
  }),
  SERVER_DUID,
);

const RK0: InterfaceInfo = {
  name: 'rk0',
  index: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  addresses: [
    { family: 6, address: 'fe80::1', prefixLength: 64 },
    { family: 6, address: '2001:db8:20::1', prefixLength: 64 },
  ],
};
const DIRECT: Arrival6 = { iface: RK0, srcAddress: 'fe80::5054:ff:fe66:1' };
const RELAYED: Arrival6 = { iface: undefined, srcAddress: '2001:db8:20::2' };

function reply(decision: Dhcp6Decision): Dhcp6Packet {
  if (decision.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(decision)}`);
  // Through the codec, as the wire would carry it.
  return decodeDhcp6(encodeDhcp6(decision.reply));
}

function codes(packet: Dhcp6Packet): number[] {
  return packet.options.map((o) => o.code);
}

function withOptions(base: Dhcp6Message, ...extra: Dhcp6Message['options']): Dhcp6Message {
  return { ...base, options: [...base.options, ...extra] };
}

const IA_NA = encodeOption6('ia-na', { iaid: 1, t1: 0, t2: 0, options: [] });
const IA_PD = encodeOption6('ia-pd', { iaid: 2, t1: 0, t2: 0, options: [] });
const OUR_ID = { code: 2, data: SERVER_DUID };
const OTHER_ID = encodeOption6('server-id', {
  type: 3,
  hardwareType: 1,
  linkLayerAddress: Buffer.from('0200000000ff', 'hex'),
});

describe('handleDhcp6: Information-request (RFC 8415 §18.3.6)', () => {
  it(
    'answers a directly attached client with the options of the prefix on the receiving interface, in ORO ' + 'order',
    () => {
      const out = reply(handleDhcp6(informationRequest([24, 23, 32]), DIRECT, CONFIG)) as Dhcp6Message;
      expect(out.type).toBe(MessageType6.Reply);
      expect(out.transactionId).toBe(0x123456);
      expect(codes(out)).toEqual([2, 1, 24, 23, 32]);
      expect(findOption(out.options, 1)?.data).toEqual(CLIENT_DUID);
      expect(findOption(out.options, 2)?.data).toEqual(SERVER_DUID);
      expect(getOption6(out.options, 'dns-servers')).toEqual(['2001:db8:20::53', '2001:db8:20::54']);
      expect(getOption6(out.options, 'domain-list')).toEqual(['v6.example', 'lab.example']);
      expect(getOption6(out.options, 'information-refresh-time')).toBe(86_400);
    },
  );

  it('sends only what the ORO names (each NTP server as its own option 56), and everything without an ORO', () => {
    const ntp = reply(handleDhcp6(informationRequest([56, 56, 31]), DIRECT, CONFIG));
    expect(codes(ntp)).toEqual([2, 1, 56, 56, 31]);
    expect(getOptions6(ntp.options, 'ntp-server')).toEqual([
      [{ kind: 'address', address: '2001:db8::123' }],
      [{ kind: 'address', address: '2001:db8::124' }],
    ]);
    expect(codes(reply(handleDhcp6(informationRequest([]), DIRECT, CONFIG)))).toEqual([2, 1]);
    expect(codes(reply(handleDhcp6(informationRequest(null), DIRECT, CONFIG)))).toEqual([2, 1, 23, 24, 56, 56, 31, 32]);
  });

  it('answers a client that sends no Client Identifier, and one that names our Server Identifier', () => {
    const anonymous = { ...informationRequest(), options: informationRequest().options.filter((o) => o.code !== 1) };
    expect(codes(reply(handleDhcp6(anonymous, DIRECT, CONFIG)))).toEqual([2, 23, 24, 32]);
    expect(handleDhcp6(withOptions(informationRequest(), OUR_ID), DIRECT, CONFIG).kind).toBe('reply');
  });

  it("drops one carrying an IA or another server's identifier (§16.12)", () => {
    expect(handleDhcp6(withOptions(informationRequest(), IA_NA), DIRECT, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'ia-in-information-request',
    });
    expect(handleDhcp6(withOptions(informationRequest(), IA_PD), DIRECT, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'ia-in-information-request',
    });
    expect(handleDhcp6(withOptions(informationRequest(), OTHER_ID), DIRECT, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'other-server',
    });
  });

  it('drops what it cannot place: no interface for a global source, no prefix on the interface', () => {
    expect(handleDhcp6(informationRequest(), RELAYED, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'no-interface',
    });
    const bare = { ...RK0, addresses: [{ family: 6 as const, address: 'fe80::1', prefixLength: 64 }] };
    expect(handleDhcp6(informationRequest(), { ...DIRECT, iface: bare }, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'no-subnet',
    });
  });

  it('turns a malformed option into a drop, never a throw', () => {
    const bad = withOptions(informationRequest(null), { code: 6, data: Buffer.from([0, 23, 0]) });
    expect(handleDhcp6(bad, DIRECT, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'malformed-option' });
    const badClient = { ...informationRequest(), options: [{ code: 1, data: Buffer.from([0]) }] };
    expect(handleDhcp6(badClient, DIRECT, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'malformed-option' });
  });
});

describe('handleDhcp6: relays (RFC 8415 §19–§20)', () => {
  it(
    'answers through nested relays with mirrored Relay-replies, Interface-IDs echoed, subnet from the inner ' +
      'link-address',
    () => {
      const decision = handleDhcp6(twoRelays(), RELAYED, CONFIG);
      expect(decision).toMatchObject({ kind: 'reply', subnet: '2001:db8:22::/64', relayed: true });
      const outer = reply(decision) as Dhcp6RelayMessage;
      expect(outer).toMatchObject({
        type: MessageType6.RelayReply,
        hopCount: 1,
        linkAddress: '::',
        peerAddress: '2001:db8:22::1',
      });
      expect(getOption6(outer.options, 'interface-id')).toEqual(Buffer.from([0, 0, 0, 7]));
      const inner = decodeDhcp6(getOption6(outer.options, 'relay-message') as Buffer) as Dhcp6RelayMessage;
      expect(inner).toMatchObject({
        type: MessageType6.RelayReply,
        hopCount: 0,
        linkAddress: '2001:db8:22::1',
        peerAddress: 'fe80::5054:ff:fe66:1',
      });
      expect(getOption6(inner.options, 'interface-id')?.toString()).toBe('down0');
      const client = decodeDhcp6(getOption6(inner.options, 'relay-message') as Buffer) as Dhcp6Message;
      expect(client.type).toBe(MessageType6.Reply);
      // The relayed subnet's custom option 23 replaces its dns_servers; refresh time is its own.
      expect(getOption6(client.options, 'dns-servers')).toEqual(['2001:db8:22::99']);
      expect(getOption6(client.options, 'information-refresh-time')).toBe(3600);
    },
  );

  it("uses an outer relay's link-address when the inner one is unspecified", () => {
    const relayed = twoRelays();
    const inner = decodeDhcp6(findOption(relayed.options, 9)?.data as Buffer) as Dhcp6RelayMessage;
    const patched = {
      ...relayed,
      linkAddress: '2001:db8:20::2',
      options: [{ code: 9, data: encodeDhcp6({ ...inner, linkAddress: '::' }) }],
    };
    expect(handleDhcp6(patched, RELAYED, CONFIG)).toMatchObject({ kind: 'reply', subnet: '2001:db8:20::/64' });
  });

  it('drops relays it cannot use: no subnet for the link, no Relay Message, too deep, a Relay-reply', () => {
    const lost = { ...twoRelays(), linkAddress: '2001:db8:99::1' };
    const innerLost = decodeDhcp6(findOption(lost.options, 9)?.data as Buffer) as Dhcp6RelayMessage;
    const unknownLink = {
      ...lost,
      options: [{ code: 9, data: encodeDhcp6({ ...innerLost, linkAddress: '2001:db8:99::1' }) }],
    };
    expect(handleDhcp6(unknownLink, RELAYED, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'no-subnet' });
    expect(handleDhcp6({ ...twoRelays(), options: [] }, RELAYED, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'invalid-relay',
    });
    let deep: Dhcp6Packet = informationRequest();
    for (let i = 0; i < 33; i++)
      deep = {
        type: 12,
        hopCount: i,
        linkAddress: '2001:db8:22::1',
        peerAddress: '::',
        options: [{ code: 9, data: encodeDhcp6(deep) }],
      };
    expect(handleDhcp6(deep, RELAYED, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'relay-too-deep' });
    expect(handleDhcp6({ ...twoRelays(), type: 13 }, RELAYED, CONFIG)).toMatchObject({
      kind: 'ignore',
      reason: 'not-a-request',
    });
    const garbage = { ...twoRelays(), options: [{ code: 9, data: Buffer.from([11, 0]) }] };
    expect(handleDhcp6(garbage, RELAYED, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'malformed-option' });
  });
});

describe('handleDhcp6: stateful requests get NoAddrsAvail (stateless only)', () => {
  const solicit = (): Dhcp6Message => ({
    type: MessageType6.Solicit,
    transactionId: 9,
    options: [{ code: 1, data: CLIENT_DUID }, IA_NA, IA_PD],
  });

  it('answers a Solicit with an Advertise holding only the identifiers and a NoAddrsAvail status (§18.3.9)', () => {
    const out = reply(handleDhcp6(solicit(), DIRECT, CONFIG)) as Dhcp6Message;
    expect(out.type).toBe(MessageType6.Advertise);
    expect(codes(out)).toEqual([2, 1, 13]);
    expect(getOption6(out.options, 'status-code')?.status).toBe(StatusCode6.NoAddrsAvail);
  });

  it('answers a Request to us with each IA empty and its own status (§18.3.2)', () => {
    const request = { ...solicit(), type: MessageType6.Request, options: [...solicit().options, OUR_ID] };
    const out = reply(handleDhcp6(request, DIRECT, CONFIG)) as Dhcp6Message;
    expect(out.type).toBe(MessageType6.Reply);
    expect(getOption6(getOption6(out.options, 'ia-na')?.options ?? [], 'status-code')?.status).toBe(
      StatusCode6.NoAddrsAvail,
    );
    expect(getOption6(getOption6(out.options, 'ia-pd')?.options ?? [], 'status-code')?.status).toBe(
      StatusCode6.NoPrefixAvail,
    );
    expect(getOption6(out.options, 'status-code')?.status).toBe(StatusCode6.NoAddrsAvail);
  });

  it(
    'drops malformed or foreign ones: no Client Identifier, Solicit naming a server, Request to another ' + 'server',
    () => {
      expect(handleDhcp6({ ...solicit(), options: [IA_NA] }, DIRECT, CONFIG)).toMatchObject({
        kind: 'ignore',
        reason: 'missing-client-id',
      });
      expect(handleDhcp6(withOptions(solicit(), OUR_ID), DIRECT, CONFIG)).toMatchObject({
        kind: 'ignore',
        reason: 'invalid-request',
      });
      expect(
        handleDhcp6(
          { ...solicit(), type: MessageType6.Request, options: [...solicit().options, OTHER_ID] },
          DIRECT,
          CONFIG,
        ),
      ).toMatchObject({ kind: 'ignore', reason: 'other-server' });
      expect(handleDhcp6({ ...solicit(), type: MessageType6.Request }, DIRECT, CONFIG)).toMatchObject({
        kind: 'ignore',
        reason: 'other-server',
      });
    },
  );

  it('does not answer Renew/Rebind/Release (nothing was bound) nor server-to-client messages', () => {
    for (const type of [
      MessageType6.Confirm,
      MessageType6.Renew,
      MessageType6.Rebind,
      MessageType6.Release,
      MessageType6.Decline,
    ]) {
      expect(handleDhcp6({ ...solicit(), type }, DIRECT, CONFIG)).toMatchObject({
        kind: 'ignore',
        reason: 'unsupported-message',
      });
    }
    for (const type of [MessageType6.Advertise, MessageType6.Reply, MessageType6.Reconfigure, 0, 200]) {
      expect(handleDhcp6({ ...solicit(), type }, DIRECT, CONFIG)).toMatchObject({
        kind: 'ignore',
        reason: 'not-a-request',
      });
    }
  });
});
