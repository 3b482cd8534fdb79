import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Dhcp4Server } from '../../../../agent/dhcp4/server.js';
import { buildServingConfig } from '../../../../agent/dhcp4/serving-config.js';
import type { InterfaceInfo } from '../../../../agent/net/interface-info.js';
import { decodeDhcp4, encodeDhcp4 } from '../../../../protocol/dhcp4/codec.js';
import { BootOp, MessageType } from '../../../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../../../protocol/dhcp4/message.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../../../protocol/net/udp-frame.js';
import { parseIpam } from '../../../../protocol/ipam/parse.js';
import { MemoryPort } from '../../../helpers/memory-port.js';

const IFACE: InterfaceInfo = {
  name: 'rk0',
  index: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  addresses: [{ family: 4, address: '10.20.0.1', prefixLength: 24 }],
};

function serving() {
  const parsed = parseIpam({
    subnets: [
      { cidr: '10.20.0.0/24', gateway: '10.20.0.1' },
      { cidr: '10.21.0.0/24', vid: 20, server_ip: '10.21.0.1' },
    ],
    reservations: [
      { mac: '52:54:00:12:34:56', ip: '10.20.0.50' },
      { mac: '52:54:00:12:34:56', ip: '10.21.0.50' },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return buildServingConfig(parsed.ipam);
}

function discover(mac: string, vid?: number): Buffer {
  const chaddr = Buffer.alloc(16);
  Buffer.from(mac.replace(/:/g, ''), 'hex').copy(chaddr);
  const message: Dhcp4Message = {
    op: BootOp.Request,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x1234,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr,
    sname: '',
    file: '',
    options: new Map([[53, Buffer.from([MessageType.Discover])]]),
  };
  return encodeUdpFrame({
    srcMac: mac,
    dstMac: 'ff:ff:ff:ff:ff:ff',
    vid,
    srcIp: '0.0.0.0',
    dstIp: '255.255.255.255',
    srcPort: 68,
    dstPort: 67,
    payload: encodeDhcp4(message),
  });
}

function setup() {
  const server = new Dhcp4Server({ logger: pino({ level: 'silent' }), config: serving, interfaceInfo: () => IFACE });
  const port = new MemoryPort('rk0');
  server.addPort(port);
  return { server, port };
}

describe('Dhcp4Server over an in-memory port', () => {
  it('answers a reserved DISCOVER with an OFFER at L2 unicast to chaddr', () => {
    const { server, port } = setup();
    port.deliver(discover('52:54:00:12:34:56'));
    expect(port.sentFrames).toHaveLength(1);
    const frame = decodeUdpFrame(port.sentFrames[0]!);
    expect(frame).toMatchObject({
      srcMac: IFACE.mac,
      dstMac: '52:54:00:12:34:56',
      srcIp: '10.20.0.1',
      dstIp: '10.20.0.50',
      srcPort: 67,
      dstPort: 68,
    });
    const offer = decodeDhcp4(frame.payload);
    expect(offer.yiaddr).toBe('10.20.0.50');
    expect(offer.options.get(53)).toEqual(Buffer.from([MessageType.Offer]));
    expect(server.counters.snapshot().sent).toEqual({ OFFER: 1 });
  });

  it('keeps the 802.1Q tag of the request on the reply', () => {
    const { port } = setup();
    port.deliver(discover('52:54:00:12:34:56', 20));
    expect(port.sentFrames).toHaveLength(1);
    const frame = decodeUdpFrame(port.sentFrames[0]!);
    expect(frame).toMatchObject({ vid: 20, srcIp: '10.21.0.1', dstIp: '10.21.0.50' });
    expect(decodeDhcp4(frame.payload).yiaddr).toBe('10.21.0.50');
  });

  it('counts and drops an unknown client without answering', () => {
    const { server, port } = setup();
    port.deliver(discover('52:54:00:99:99:99'));
    expect(port.sentFrames).toHaveLength(0);
    expect(server.counters.snapshot().dropped).toEqual({ 'unknown-client': 1 });
  });

  it('counts malformed frames as decode errors and never throws', () => {
    const { server, port } = setup();
    const good = discover('52:54:00:12:34:56');
    for (let length = 0; length < good.length; length += 7) port.deliver(good.subarray(0, length));
    port.deliver(Buffer.alloc(400, 0xff));
    expect(port.sentFrames).toHaveLength(0);
    expect(server.counters.snapshot().decodeErrors).toBeGreaterThan(40);
  });

  it('closes its ports once, idempotently', () => {
    const { server, port } = setup();
    server.close();
    server.close();
    expect(port.closed).toBe(true);
    expect(server.status).toBe('closed');
  });
});
