// The DHCPv6 shell over a real UDP socket on ::1 (no root): relayed requests are answered to the relay's
// source port, and garbage, unplaceable and unsupported datagrams are dropped and counted, never fatal.

import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dhcp6Server } from '../../../../agent/dhcp6/server.js';
import { loadServerDuid } from '../../../../agent/dhcp6/server-duid.js';
import { buildDhcp6ServingConfig } from '../../../../agent/dhcp6/serving-config.js';
import { decodeDhcp6, encodeDhcp6 } from '../../../../protocol/dhcp6/codec.js';
import type { Dhcp6RelayMessage } from '../../../../protocol/dhcp6/message.js';
import { MessageType6 } from '../../../../protocol/dhcp6/message.js';
import { SERVER_DUID, informationRequest, twoRelays } from '../../protocol/dhcp6/samples.js';

const CONFIG = buildDhcp6ServingConfig(
  { subnets: [{ cidr: '2001:db8:22::/64', dns_servers: ['2001:db8:22::53'] }], reservations: [] },
  SERVER_DUID,
);

function exchange(client: Socket, port: number, payload: Buffer, timeoutMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      resolve(undefined);
    }, timeoutMs);
    const onMessage = (msg: Buffer) => {
      clearTimeout(timer);
      resolve(msg);
    };
    client.once('message', onMessage);
    client.send(payload, port, '::1');
  });
}

describe('Dhcp6Server on loopback', () => {
  let server: Dhcp6Server;
  let client: Socket;

  beforeAll(async () => {
    server = new Dhcp6Server({
      logger: pino({ level: 'silent' }),
      config: () => CONFIG,
      interfaceInfo: () => undefined,
      interfaces: [],
      port: 0,
      bindAddress: '::1',
    });
    await server.start();
    client = createSocket('udp6');
    await new Promise<void>((resolve) => client.bind(0, '::1', resolve));
  });

  afterAll(() => {
    client?.close();
    server?.close();
  });

  it("answers a Relay-forward with a Relay-reply sent back to the relay's port", async () => {
    const answer = await exchange(client, server.port, encodeDhcp6(twoRelays()));
    expect(answer).toBeDefined();
    const relayReply = decodeDhcp6(answer as Buffer) as Dhcp6RelayMessage;
    expect(relayReply.type).toBe(MessageType6.RelayReply);
    expect(server.counters.snapshot().sent).toEqual({ reply: 1 });
  });

  it('drops garbage, a direct request from a non-link-local source, and a Renew, and keeps serving', async () => {
    for (const junk of [Buffer.alloc(0), Buffer.from([12, 0, 1]), Buffer.from('0b0000010001ffff', 'hex')]) {
      expect(await exchange(client, server.port, junk, 200)).toBeUndefined();
    }
    expect(await exchange(client, server.port, encodeDhcp6(informationRequest()), 200)).toBeUndefined();
    expect(
      await exchange(client, server.port, encodeDhcp6({ ...informationRequest(), type: MessageType6.Renew }), 200),
    ).toBeUndefined();
    expect(await exchange(client, server.port, encodeDhcp6(twoRelays()))).toBeDefined();
    const counters = server.counters.snapshot();
    expect(counters.decodeErrors).toBe(3);
    expect(counters.dropped).toEqual({ 'no-interface': 1, 'unsupported-message': 1 });
    expect(counters.sent).toEqual({ reply: 2 });
  });

  it('closes idempotently', () => {
    server.close();
    server.close();
    expect(server.status).toBe('closed');
  });
});

describe('server DUID in the state dir (RFC 8415 §11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rk6-duid-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a DUID-LL from the MAC on first start and the same one after, even when the MAC changes', async () => {
    const first = await loadServerDuid(dir, '52:54:00:ab:cd:ef');
    expect(first.created).toBe(true);
    expect(first.duid.toString('hex')).toBe('00030001525400abcdef');
    expect(readFileSync(join(dir, 'dhcp6-duid'), 'utf8')).toBe('00:03:00:01:52:54:00:ab:cd:ef\n');
    const again = await loadServerDuid(dir, '52:54:00:00:00:99');
    expect(again).toEqual({ ...first, created: false });
  });

  it('refuses a damaged file with a message naming the fix', async () => {
    writeFileSync(join(dir, 'dhcp6-duid'), 'zz\n');
    await expect(loadServerDuid(dir, '52:54:00:ab:cd:ef')).rejects.toThrow(/delete it to have rackd make a new one/);
  });

  it('makes a new DUID when the file is empty, instead of stopping the daemon', async () => {
    writeFileSync(join(dir, 'dhcp6-duid'), '');
    const made = await loadServerDuid(dir, '52:54:00:ab:cd:ef');
    expect(made).toMatchObject({ created: true, replacedEmpty: true });
    expect(readFileSync(join(dir, 'dhcp6-duid'), 'utf8')).toBe('00:03:00:01:52:54:00:ab:cd:ef\n');
  });

  it('uses a random DUID-UUID when the interface has no hardware address', async () => {
    const other = mkdtempSync(join(tmpdir(), 'rk6-duid-'));
    try {
      const made = await loadServerDuid(other, '00:00:00:00:00:00');
      expect(made.duid.length).toBe(18);
      expect(made.duid.readUInt16BE(0)).toBe(4);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
