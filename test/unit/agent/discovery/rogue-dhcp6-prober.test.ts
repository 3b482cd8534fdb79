// Rogue DHCPv6 detection (RFC 8415 §18.2.1 Solicit, §16.3 Advertise): the Solicit we send, how answers are read,
// and a probe against a real UDP responder on loopback that answers as "ours" and as a foreign server.

import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeDhcp6, encodeDhcp6 } from '../../../../protocol/dhcp6/codec.js';
import { decodeDuid, duidLlFromMac, encodeDuid } from '../../../../protocol/dhcp6/duid.js';
import { findOption, MessageType6 } from '../../../../protocol/dhcp6/message.js';
import type { Dhcp6Message } from '../../../../protocol/dhcp6/message.js';
import { getOption6 } from '../../../../protocol/dhcp6/options.js';
import type { DiscoveryEvent } from '../../../../agent/discovery/events.js';
import { toRegionEvent } from '../../../../agent/discovery/region-events.js';
import { foreignDhcpEventSchema } from '../../../../protocol/region/events.js';
import { probeResultSchema } from '../../../../protocol/region/rpc-methods.js';
import { buildSolicit, duidMac, readAnswer, RogueDhcp6Prober } from '../../../../agent/discovery/rogue-dhcp6-prober.js';

const MAC = '52:54:00:f0:00:01';
const ROGUE = '52:54:00:ba:d0:01';

function advertise(transactionId: number, serverDuid: Buffer | undefined, type = MessageType6.Advertise): Buffer {
  const options = [{ code: 1, data: duidLlFromMac(MAC) }];
  if (serverDuid !== undefined) options.push({ code: 2, data: serverDuid });
  return encodeDhcp6({ type, transactionId, options });
}

describe('buildSolicit', () => {
  it('carries a DUID-LL client id, elapsed time, ORO and one IA_NA', () => {
    const packet = decodeDhcp6(buildSolicit(MAC, 0x123456)) as Dhcp6Message;
    expect(packet.type).toBe(MessageType6.Solicit);
    expect(packet.transactionId).toBe(0x123456);
    expect(decodeDuid(findOption(packet.options, 1)?.data as Buffer)).toMatchObject({ type: 3, hardwareType: 1 });
    expect(duidMac(findOption(packet.options, 1)?.data as Buffer)).toBe(MAC);
    expect(getOption6(packet.options, 'elapsed-time')).toBe(0);
    expect(getOption6(packet.options, 'oro')).toEqual([23, 24]);
    expect(getOption6(packet.options, 'ia-na')).toMatchObject({ t1: 0, t2: 0, options: [] });
    expect(getOption6(packet.options, 'server-id')).toBeUndefined();
  });
});

describe('readAnswer', () => {
  it('names the server and its MAC from a DUID-LL or DUID-LLT', () => {
    expect(readAnswer(advertise(7, duidLlFromMac(ROGUE)), 7)).toEqual({
      type: MessageType6.Advertise,
      serverDuid: duidLlFromMac(ROGUE),
      serverMac: ROGUE,
    });
    const llt = encodeDuid({
      type: 1,
      hardwareType: 1,
      time: 1000,
      linkLayerAddress: Buffer.from('5254000badd1', 'hex'),
    });
    expect(readAnswer(advertise(7, llt, MessageType6.Reply), 7)).toMatchObject({
      type: MessageType6.Reply,
      serverMac: '52:54:00:0b:ad:d1',
    });
  });

  it('omits the MAC for a DUID-EN or DUID-UUID', () => {
    const en = encodeDuid({ type: 2, enterpriseNumber: 43793, identifier: Buffer.from('0102', 'hex') });
    const answer = readAnswer(advertise(7, en), 7);
    expect(answer?.serverDuid).toEqual(en);
    expect(answer).not.toHaveProperty('serverMac');
  });

  it('ignores other transactions and message types', () => {
    expect(readAnswer(advertise(8, duidLlFromMac(ROGUE)), 7)).toBeUndefined();
    expect(readAnswer(buildSolicit(ROGUE, 7), 7)).toBeUndefined();
  });

  it('raises DecodeError, and only that, for an answer without server id or for any truncation', () => {
    expect(() => readAnswer(advertise(7, undefined), 7)).toThrow(DecodeError);
    const good = advertise(7, duidLlFromMac(ROGUE));
    for (let n = 0; n < good.length; n++) {
      try {
        readAnswer(good.subarray(0, n), 7);
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
    expect(() => readAnswer(good.subarray(0, 3), 7)).toThrow(DecodeError);
  });
});

describe('RogueDhcp6Prober on loopback', () => {
  let responder: Socket | undefined;
  afterEach(() => responder?.close());

  /** A real UDP server that answers each Solicit with a garbage datagram, then Advertises from each DUID. */
  async function startResponder(duids: Buffer[]): Promise<number> {
    const socket = createSocket('udp6');
    responder = socket;
    socket.on('message', (msg, rinfo) => {
      const solicit = decodeDhcp6(msg) as Dhcp6Message;
      socket.send(Buffer.from([2, 0]), rinfo.port, rinfo.address);
      for (const duid of duids) socket.send(advertise(solicit.transactionId, duid), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '::1', resolve));
    return socket.address().port;
  }

  it('reports the foreign server, not ours, and counts the malformed datagram', async () => {
    const ours = duidLlFromMac(MAC);
    const port = await startResponder([ours, duidLlFromMac(ROGUE)]);
    const events: DiscoveryEvent[] = [];
    const prober = new RogueDhcp6Prober(
      (e) => events.push(e),
      () => 42,
    );
    const result = await prober.probe({
      interfaces: [{ interface: 'lo', mac: MAC, linkLocal: '::1' }],
      ourDuids: [ours],
      listenMs: 300,
      destination: { address: '::1', port },
      clientPort: 0,
    });
    expect(result).toEqual({
      probed: 1,
      foreign: 1,
      servers: [
        { interface: 'lo', family: 6, server_ip: '::1', server_mac: MAC, ours: true },
        { interface: 'lo', family: 6, server_ip: '::1', server_mac: ROGUE, ours: false },
      ],
    });
    expect(events).toEqual([
      { kind: 'foreign-dhcp', family: 6, interface: 'lo', serverIp: '::1', serverMac: ROGUE, time: 42 },
    ]);
    expect(prober.decodeErrors).toBe(1);
    expect(prober.busy).toBe(false);
  });

  it('skips an interface it cannot bind and still probes the others', async () => {
    const port = await startResponder([duidLlFromMac(ROGUE)]);
    const prober = new RogueDhcp6Prober(() => undefined);
    const result = await prober.probe({
      interfaces: [
        { interface: 'nosuchif0', mac: MAC, linkLocal: 'fe80::1' },
        { interface: 'lo', mac: MAC, linkLocal: '::1' },
      ],
      ourDuids: [],
      listenMs: 300,
      destination: { address: '::1', port },
      clientPort: 0,
    });
    expect(result.probed).toBe(1);
    expect(result.foreign).toBe(1);
    expect(prober.openErrors).toBe(1);
  });
});

describe('foreign-dhcp on the region protocol', () => {
  const base = {
    key: 'foreign-dhcp:rk0:0:x:1',
    rack: 'rack-1',
    time: 1,
    interface: 'rk0',
    type: 'foreign-dhcp' as const,
  };

  it('takes a DHCPv6 server, with or without a MAC, as the prober reports it', () => {
    const withMac = toRegionEvent(
      { kind: 'foreign-dhcp', family: 6, interface: 'rk0', serverIp: 'fe80::1', serverMac: ROGUE, time: 1 },
      'rack-1',
    );
    expect(foreignDhcpEventSchema.parse(withMac)).toMatchObject({ family: 6, server_ip: 'fe80::1', server_mac: ROGUE });
    const noMac = toRegionEvent(
      { kind: 'foreign-dhcp', family: 6, interface: 'rk0', serverIp: 'fe80::1', time: 1 },
      'rack-1',
    );
    expect(noMac).not.toHaveProperty('server_mac');
    expect(foreignDhcpEventSchema.safeParse(noMac).success).toBe(true);
  });

  it('keeps DHCPv4 events as they were: IPv4 server and a MAC required', () => {
    expect(
      foreignDhcpEventSchema.safeParse({
        ...base,
        server_ip: '10.20.0.9',
        server_mac: ROGUE,
        offered_ip: '10.20.0.100',
      }).success,
    ).toBe(true);
    expect(foreignDhcpEventSchema.safeParse({ ...base, server_ip: '10.20.0.9' }).success).toBe(false);
    expect(foreignDhcpEventSchema.safeParse({ ...base, server_ip: 'fe80::1', server_mac: ROGUE }).success).toBe(false);
    expect(foreignDhcpEventSchema.safeParse({ ...base, family: 6, server_ip: '10.20.0.9' }).success).toBe(false);
    expect(
      foreignDhcpEventSchema.safeParse({ ...base, family: 4, server_ip: '10.20.0.9', server_mac: ROGUE }).success,
    ).toBe(false);
  });

  it('lets a probe result mix both families', () => {
    const result = {
      probed: 2,
      foreign: 1,
      servers: [
        { interface: 'rk0', server_ip: '10.20.0.1', server_mac: MAC, ours: true },
        { interface: 'rk0', family: 6, server_ip: 'fe80::5054:ff:feba:d001', ours: false },
      ],
    };
    expect(probeResultSchema.parse(result)).toEqual(result);
    expect(
      probeResultSchema.safeParse({ ...result, servers: [{ interface: 'rk0', server_ip: 'not-an-ip', ours: false }] })
        .success,
    ).toBe(false);
  });
});
