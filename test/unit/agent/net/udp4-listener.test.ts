// The unicast listener over both transports on loopback: a datagram to a bound address reaches the handler
// with its source and local address, a reply goes back from that address, and a busy address is reported.

import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Udp4Listener } from '../../../../agent/net/udp4-listener.js';
import type { Udp4Datagram } from '../../../../agent/net/udp4-listener.js';

const logger = pino({ level: 'silent' });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

async function peer(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => socket.close());
  return socket;
}

const next = <T>(register: (resolve: (value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), 3000);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });

describe.each(['auto', 'dgram'] as const)('Udp4Listener (%s)', (transport) => {
  it('delivers a datagram with its source and local address, and replies from the bound address', async () => {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    let onDatagram: (d: Udp4Datagram) => void = () => {};
    const listener = new Udp4Listener({ port, logger, transport, onDatagram: (d) => onDatagram(d) });
    cleanup.push(() => listener.close());
    expect(listener.transport).toBe(transport === 'dgram' ? 'dgram' : 'batch');
    listener.sync(new Map([['127.0.0.1', 'lo']]));
    await new Promise((resolve) => setTimeout(resolve, 50)); // dgram binds asynchronously
    const client = await peer();
    const got = next<Udp4Datagram>((resolve) => (onDatagram = resolve));
    client.send('request', port, '127.0.0.1');
    const datagram = await got;
    expect(datagram.payload.toString()).toBe('request');
    expect(datagram).toMatchObject({
      srcIp: '127.0.0.1',
      srcPort: client.address().port,
      localIp: '127.0.0.1',
      interfaceName: 'lo',
    });
    const reply = next<{ msg: Buffer; port: number }>((resolve) =>
      client.once('message', (msg, from) => resolve({ msg, port: from.port })),
    );
    expect(listener.send('127.0.0.1', Buffer.from('reply'), datagram.srcIp, datagram.srcPort)).toBe(true);
    expect(await reply).toEqual({ msg: Buffer.from('reply'), port });
    expect(listener.send('127.0.0.9', Buffer.from('x'), '127.0.0.1', 1)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.stats()).toMatchObject({ received: 1, sent: 1, sendErrors: 0, unbound: [] });
  });

  it('reports an address another socket holds, and forgets it once no longer wanted', async () => {
    const holder = await peer();
    const port = holder.address().port;
    const listener = new Udp4Listener({ port, logger, transport, onDatagram: () => {} });
    cleanup.push(() => listener.close());
    listener.sync(new Map([['127.0.0.1', 'lo']]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.stats().unbound).toEqual(['127.0.0.1']);
    listener.sync(new Map());
    expect(listener.stats().unbound).toEqual([]);
  });
});
