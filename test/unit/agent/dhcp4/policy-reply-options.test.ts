// Reply option content and order (RFC 2132 §9.8 parameter request list, RFC 3442 default route in 121,
// RFC 3046 §2.2 option 82 last) and trimming to the client's maximum message size (RFC 2132 §9.10).

import { describe, expect, it } from 'vitest';
import { handleDhcp4 } from '../../../../agent/dhcp4/policy.js';
import type { Dhcp4Decision } from '../../../../agent/dhcp4/decision.js';
import { buildServingConfig } from '../../../../agent/dhcp4/serving-config.js';
import { classlessRoutes, compileSubnet4 } from '../../../../agent/dhcp4/compiled-subnet.js';
import { encodeCustomOption } from '../../../../agent/dhcp4/custom-option.js';
import { decodeDhcp4, encodeDhcp4 } from '../../../../protocol/dhcp4/codec.js';
import { MessageType } from '../../../../protocol/dhcp4/message.js';
import { getOption } from '../../../../protocol/dhcp4/options.js';
import type { Ipam } from '../../../../protocol/ipam/types.js';
import { MAC1, MAC3, arrival, labConfig, labIpam, relayArrival, request } from './policy-fixtures.js';
import type { RequestSpec } from './policy-fixtures.js';

const config = labConfig();

function offer(spec: RequestSpec, where = arrival(), cfg = config): Extract<Dhcp4Decision, { kind: 'reply' }> {
  const decision = handleDhcp4(request({ type: MessageType.Discover, ...spec }), where, cfg);
  if (decision.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(decision)}`);
  return decision;
}

const codes = (d: { reply: { options: Map<number, Buffer> } }): number[] => [...d.reply.options.keys()];

describe('client identifier (RFC 6842 §3: returned unmodified)', () => {
  const CLIENT_ID: [number, number[]] = [61, [1, 0x52, 0x54, 0, 0, 0, 1]];

  it('is echoed in OFFER and ACK, before option 82', () => {
    const d = offer(
      { mac: MAC3, giaddr: '10.40.0.1', options: [[55, [1, 3]], CLIENT_ID, [82, [1, 2, 0x65, 0x31]]] },
      relayArrival(),
    );
    expect(d.reply.options.get(61)).toEqual(Buffer.from(CLIENT_ID[1]));
    expect(codes(d).slice(-2)).toEqual([61, 82]);
    const ack = handleDhcp4(
      request({ type: MessageType.Request, options: [CLIENT_ID, [50, [10, 20, 0, 101]]] }),
      arrival(),
      config,
    );
    expect(ack.kind === 'reply' && ack.reply.options.get(61)).toEqual(Buffer.from(CLIENT_ID[1]));
  });

  it('is echoed in a NAK', () => {
    const nak = handleDhcp4(
      request({ type: MessageType.Request, options: [CLIENT_ID, [50, [10, 20, 0, 199]]] }),
      arrival(),
      config,
    );
    expect(nak).toMatchObject({ kind: 'reply', messageType: MessageType.Nak });
    expect(nak.kind === 'reply' && nak.reply.options.get(61)).toEqual(Buffer.from(CLIENT_ID[1]));
  });

  it('survives trimming to the smallest message size', () => {
    const d = offer({
      options: [
        [55, [121, 42, 12, 119, 3, 15, 6, 26]],
        [57, [2, 64]],
        [61, Array.from({ length: 200 }, (_, i) => i & 0xff)],
      ],
    });
    expect(d.reply.options.get(61)?.length).toBe(200);
  });

  it('is not invented when the client sent none', () => {
    expect(offer({ options: [[55, [1, 3]]] }).reply.options.has(61)).toBe(false);
  });
});

describe('option order', () => {
  it("follows the client's option 55 order, then custom options, then 82", () => {
    const d = offer(
      {
        mac: MAC3,
        giaddr: '10.40.0.1',
        options: [
          [55, [6, 3, 1, 12]],
          [82, [1, 2, 0x65, 0x31]],
        ],
      },
      relayArrival(),
    );
    expect(codes(d)).toEqual([53, 54, 51, 58, 59, 1, 3, 82]);
    expect(d.reply.options.get(82)).toEqual(Buffer.from([1, 2, 0x65, 0x31]));
  });

  it('sends requested options in 55 order with the host name and custom options after', () => {
    const d = offer({ options: [[55, [121, 42, 12, 119, 3, 15, 6, 26, 1, 28, 51]]] });
    expect(codes(d)).toEqual([53, 54, 51, 58, 59, 1, 121, 42, 12, 119, 3, 15, 6, 26, 252, 150]);
    expect(getOption(d.reply.options, 'host-name')).toBe('node1');
    expect(getOption(d.reply.options, 'domain-search')).toEqual(['lab.example', 'example']);
    expect(getOption(d.reply.options, 'interface-mtu')).toBe(9000);
    expect(getOption(d.reply.options, 'domain-name-servers')).toEqual(['10.20.0.2', '10.20.0.3']);
  });

  it('sends every standard option when the client sent no 55', () => {
    const d = offer({});
    expect(codes(d)).toEqual([53, 54, 51, 58, 59, 1, 3, 6, 15, 119, 42, 26, 121, 12, 252, 150]);
    expect(getOption(d.reply.options, 'subnet-mask')).toBe('255.255.255.0');
  });

  it('leaves out the host name when 55 does not ask for it', () => {
    expect(offer({ options: [[55, [1, 3]]] }).reply.options.has(12)).toBe(false);
  });

  it('lets a reservation option override the subnet option of the same code, in place', () => {
    const d = offer({ options: [[55, [1]]] });
    expect(codes(d)).toEqual([53, 54, 51, 58, 59, 1, 252, 150]);
    expect(getOption(d.reply.options, 'subnet-mask')).toBe('255.255.255.0');
    expect(d.reply.options.get(252)?.toString('latin1')).toBe('http://node1/wpad.dat');
    const other = offer({ mac: '52:54:00:00:00:02', options: [[55, [1]]] });
    expect(other.reply.options.get(252)?.toString('latin1')).toBe('http://wpad.lab.example/wpad.dat');
    expect(getOption(other.reply.options, 'tftp-server-address')).toEqual(['10.20.0.5']);
  });

  it('encodes to bytes the codec decodes back to the same options', () => {
    const d = offer({ options: [[55, [1, 3, 6, 15, 119, 121, 12]]] });
    const decoded = decodeDhcp4(encodeDhcp4(d.reply, { maxLength: d.maxLength }));
    expect(decoded.options).toEqual(d.reply.options);
    expect(decoded).toMatchObject({ yiaddr: '10.20.0.101', xid: d.reply.xid, chaddr: d.reply.chaddr });
  });
});

describe('option 121 and option 3 (RFC 3442)', () => {
  it('puts a default route to the gateway first when routes have none', () => {
    const d = offer({ options: [[55, [121, 3]]] });
    expect(getOption(d.reply.options, 'classless-static-routes')).toEqual([
      { destination: '0.0.0.0/0', gateway: '10.20.0.1' },
      { destination: '10.30.0.0/16', gateway: '10.20.0.254' },
    ]);
    expect(getOption(d.reply.options, 'routers')).toEqual(['10.20.0.1']);
  });

  it.each([
    ['no gateway', [{ destination: '10.30.0.0/16', gateway: '10.20.0.254' }], undefined, 1],
    ['an explicit default route', [{ destination: '0.0.0.0/0', gateway: '10.20.0.9' }], '10.20.0.1', 1],
    ['a gateway and no default', [{ destination: '10.30.0.0/16', gateway: '10.20.0.254' }], '10.20.0.1', 2],
  ])('with %s', (_name, routes, gateway, count) => {
    expect(classlessRoutes(routes, gateway)).toHaveLength(count);
  });

  it('sends no 121 and no 26 when neither is configured', () => {
    const subnet = compileSubnet4({ cidr: '10.50.0.0/16', gateway: '10.50.0.1' });
    expect([...subnet.options.keys()]).toEqual([1, 3]);
    expect(subnet).toMatchObject({ leaseTime: 600, t1: 300, t2: 525, vid: undefined, serverIp: undefined });
  });
});

describe('custom options', () => {
  it.each([
    ['hex with colons', { code: 224, type: 'hex', value: '0a:0b:0c' }, [10, 11, 12]],
    ['bare hex', { code: 224, type: 'hex', value: '0a0b0c' }, [10, 11, 12]],
    ['u16', { code: 224, type: 'u16', value: 1500 }, [5, 220]],
    ['ipv4-list', { code: 150, type: 'ipv4-list', value: ['10.0.0.1', '10.0.0.2'] }, [10, 0, 0, 1, 10, 0, 0, 2]],
    ['string', { code: 224, type: 'string', value: 'ab' }, [0x61, 0x62]],
    ['bool', { code: 19, type: 'bool', value: true }, [1]],
  ] as const)('encodes %s', (_name, opt, bytes) => {
    expect(encodeCustomOption(opt as never)).toEqual(Buffer.from(bytes));
  });
});

describe('maximum message size', () => {
  function bigIpam(): Ipam {
    const ipam = labIpam();
    // Eight 100-byte options: far more than a 576-byte message holds, even with file/sname overloaded.
    ipam.reservations[0]!.options = Array.from({ length: 8 }, (_, i) => ({
      code: 224 + i,
      type: 'hex' as const,
      value: 'ab'.repeat(100),
    }));
    return ipam;
  }
  const big = buildServingConfig(bigIpam());

  it('drops optional options from the end until the reply fits a 576-byte datagram', () => {
    const d = offer(
      {
        options: [
          [55, [1, 3, 6]],
          [82, [1, 1, 9]],
        ],
        mac: MAC1,
      },
      arrival(),
      big,
    );
    expect(d.maxLength).toBe(548);
    expect(encodeDhcp4(d.reply, { maxLength: d.maxLength }).length).toBeLessThanOrEqual(548);
    const kept = codes(d);
    for (const code of [53, 54, 51, 1, 82]) expect(kept).toContain(code);
    expect(kept).toContain(224);
    expect(kept).not.toContain(231);
    expect(kept.at(-1)).toBe(82);
  });

  it('honours a larger option 57 and keeps everything', () => {
    const d = offer(
      {
        options: [
          [55, [1, 3, 6]],
          [57, [0x05, 0xdc]],
        ],
      },
      arrival(),
      big,
    );
    expect(d.maxLength).toBe(1472);
    expect(codes(d)).toEqual([53, 54, 51, 58, 59, 1, 3, 6, 252, 150, 224, 225, 226, 227, 228, 229, 230, 231]);
  });

  it('treats an option 57 below 576 as 576', () => {
    expect(offer({ options: [[57, [0x01, 0x00]]] }).maxLength).toBe(548);
  });
});
