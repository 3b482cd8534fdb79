// The batching UDP addon against Node's own dgram on loopback: every datagram arrives once with its source,
// replies written during a batch go out after it, sends outside a batch go at once, and errors carry errno codes.

import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpBatchSocket, udpBatchAddon } from '../../../../agent/net/udp4-batch-socket.js';

const loaded = udpBatchAddon();
function addon() {
  // Built by `make build`; a test run without it is a broken checkout, not something to skip.
  if (loaded.addon === undefined) throw new Error(`the udp-batch addon is not available: ${loaded.error}`);
  return loaded.addon;
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

async function client(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  open.push(socket);
  return socket;
}

function received(socket: Socket, count: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${out.length} of ${count} datagrams`)), 5000);
    socket.on('message', (msg) => {
      out.push(msg);
      if (out.length === count) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}

describe('UdpBatchSocket', () => {
  it('hands over every datagram with its source and sends the replies written during the batch', async () => {
    const port = freePort();
    const seen: string[] = [];
    const server: UdpBatchSocket = new UdpBatchSocket(
      addon(),
      '127.0.0.1',
      port,
      1 << 20,
      (payload, srcIp, srcPort) => {
        seen.push(payload.toString());
        // An echo with a marker, written while the batch is being handled: it leaves after the batch.
        server.send(Buffer.concat([Buffer.from('re:'), payload]), srcIp, srcPort);
      },
    );
    open.push(server);
    const peer = await client();
    const replies = received(peer, 500);
    // In bursts of 50: the point is batching, not how much a loopback receive buffer holds.
    for (let i = 0; i < 500; i++) {
      peer.send(`m${i}`, port, '127.0.0.1');
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const got = (await replies).map(String).sort();
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => `re:m${i}`).sort());
    expect(seen.sort()).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`).sort());
    const stats = server.stats();
    expect(stats).toMatchObject({ received: 500, sent: 500, sendErrors: 0, truncated: 0 });
  });

  it('sends at once outside a batch, and drops datagrams longer than a slot', async () => {
    const port = freePort();
    const server = new UdpBatchSocket(addon(), '127.0.0.1', port, 1 << 20, () => {});
    open.push(server);
    const peer = await client();
    const address = peer.address();
    const one = received(peer, 1);
    expect(server.send(Buffer.from('hello'), '127.0.0.1', address.port)).toBe(true);
    expect((await one)[0]?.toString()).toBe('hello');
    expect(server.send(Buffer.alloc(10), 'not-an-address', address.port)).toBe(false);
    peer.send(Buffer.alloc(4000), port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.stats().truncated).toBe(1);
  });

  it('refuses an address in use and one that is not local, with the errno code', () => {
    const port = freePort();
    open.push(new UdpBatchSocket(addon(), '127.0.0.1', port, 0, () => {}));
    expect(() => new UdpBatchSocket(addon(), '127.0.0.1', port, 0, () => {})).toThrow(
      expect.objectContaining({ code: 'EADDRINUSE' }),
    );
    expect(() => new UdpBatchSocket(addon(), '192.0.2.77', port, 0, () => {})).toThrow(
      expect.objectContaining({ code: 'EADDRNOTAVAIL' }),
    );
  });
});
