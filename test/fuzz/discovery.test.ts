// Fuzzes discovery's decoders with mutated valid input: ARP (RFC 826) untagged and 802.1Q/802.1ad-tagged,
// mDNS messages and frames (RFC 6762): only DecodeError may escape a decoder, and nothing escapes the service.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeMdns } from '../../protocol/mdns/message.js';
import { decodeMdnsFrame } from '../../protocol/mdns/mdns-frame.js';
import { mdnsObservations } from '../../protocol/mdns/observations.js';
import { encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import { ArpObserver } from '../../agent/discovery/arp-observer.js';
import { BindingTable } from '../../agent/discovery/binding-table.js';
import { ConflictDetector } from '../../agent/discovery/conflict-detector.js';
import { classifyDhcpFrame } from '../../agent/discovery/dhcp-watch.js';
import { DEFAULT_DISCOVERY_SETTINGS } from '../../agent/discovery/options.js';
import { DiscoveryService } from '../../agent/discovery/service.js';
import { arpFrame } from '../helpers/arp-frames.js';
import { MemoryPort } from '../helpers/memory-port.js';
import { announcement } from '../helpers/mdns-samples.js';
import type { Prng } from '../helpers/prng.js';
import { fuzzSeed, prng } from '../helpers/prng.js';

const COUNT = 50_000;

function mutate(rng: Prng, seed: Buffer): Buffer {
  let buf: Buffer = Buffer.from(seed);
  for (let r = 1 + rng.int(3); r > 0; r--) {
    const kind = rng.int(4);
    if (kind === 0 && buf.length > 0) {
      const at = rng.int(buf.length);
      buf[at] = (buf[at] as number) ^ (1 << rng.int(8));
    } else if (kind === 1 && buf.length > 0) buf[rng.int(buf.length)] = rng.byte();
    else if (kind === 2) buf = buf.subarray(0, rng.int(buf.length + 1));
    else buf[rng.int(Math.max(1, Math.min(buf.length, 64)))] = rng.byte();
  }
  return buf;
}

function fuzz(name: string, corpus: Buffer[], check: (input: Buffer) => boolean): void {
  const seed = fuzzSeed();
  const rng = prng(seed);
  let ok = 0;
  let input: Buffer = Buffer.alloc(0);
  try {
    for (let i = 0; i < COUNT; i++) {
      input = mutate(rng, corpus[rng.int(corpus.length)] as Buffer);
      try {
        if (check(input)) ok++;
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
    }
  } catch (err) {
    console.error(`fuzz ${name} failed with FUZZ_SEED=${seed} on input ${input.toString('hex')}`);
    throw err;
  }
  expect(ok).toBeGreaterThan(COUNT / 100);
}

const arps = [
  arpFrame({ senderMac: '52:54:00:00:00:0a', senderIp: '10.0.0.5', targetIp: '10.0.0.1' }),
  arpFrame({ op: 'reply', senderMac: '52:54:00:00:00:01', senderIp: '10.0.0.1', targetMac: '52:54:00:00:00:0a', targetIp: '10.0.0.5', vid: 20 }),
  arpFrame({ senderMac: '52:54:00:00:00:0a', senderIp: '0.0.0.0', targetIp: '10.0.0.5', vid: 4094 }),
];
const qinq = arps.map((f) => Buffer.concat([f.subarray(0, 12), Buffer.from('88a80007', 'hex'), f.subarray(12)]));
const mdnsPayloads = [announcement(), announcement('x'.repeat(60) + '.local', '192.168.1.1')];
const mdnsFrames = mdnsPayloads.map((payload, i) =>
  encodeUdpFrame({ srcMac: '52:54:00:00:00:07', dstMac: '01:00:5e:00:00:fb', ...(i ? { vid: 7 } : {}), srcIp: '10.0.0.7', dstIp: '224.0.0.251', srcPort: 5353, dstPort: 5353, payload }),
);

describe('fuzz discovery decoders', () => {
  it('ARP and 802.1Q/802.1ad frames through the observer never throw', () => {
    const observer = new ArpObserver({ table: new BindingTable({ maxEntries: 256 }), conflicts: new ConflictDetector(), emit: () => undefined });
    let t = 0;
    fuzz('arp-observer', [...arps, ...qinq], (input) => observer.handleFrame('eth0', input, t++));
    expect(observer.counters.decodeErrors).toBeGreaterThan(0);
  });

  it('mDNS messages: only DecodeError, and observations of what decodes are bounded', () => {
    fuzz('mdns', mdnsPayloads, (input) => {
      for (const { names } of mdnsObservations(decodeMdns(input))) {
        expect(names.length).toBeLessThanOrEqual(64);
        for (const name of names) expect(name.length).toBeLessThanOrEqual(255);
      }
      return true;
    });
  });

  it('mDNS and DHCP frames: only DecodeError', () => {
    fuzz('mdns-frame', mdnsFrames, (input) => decodeMdnsFrame(input).payload.length >= 0);
    fuzz('dhcp-watch', mdnsFrames, (input) => classifyDhcpFrame(input) === undefined);
  });

  it('nothing escapes the service frame handler', async () => {
    const port = new MemoryPort('eth0');
    const logger = pino({ level: 'error' }, { write: (line: string) => { throw new Error(`service logged an error: ${line}`); } });
    const service = new DiscoveryService({
      logger, settings: { ...DEFAULT_DISCOVERY_SETTINGS, probeIntervalMs: 0 }, interfaces: ['eth0'], openPort: () => port,
      interfaceInfo: () => ({ name: 'eth0', index: 2, mac: '52:54:00:99:00:01', up: true, addresses: [] }),
    });
    await service.start();
    fuzz('service', [...arps, ...qinq, ...mdnsFrames], (input) => {
      port.deliver(input);
      return true;
    });
    await service.close();
  });
});
