// Fuzzes discovery's decoders with mutated valid input: ARP (RFC 826) untagged and 802.1Q/802.1ad-tagged,
// mDNS messages and frames (RFC 6762): only DecodeError may escape a decoder, and nothing escapes the service.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
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
import { fuzzDecoder } from '../helpers/fuzz.js';

const COUNT = 50_000;

const arps = [
  arpFrame({ senderMac: '52:54:00:00:00:0a', senderIp: '10.0.0.5', targetIp: '10.0.0.1' }),
  arpFrame({
    op: 'reply',
    senderMac: '52:54:00:00:00:01',
    senderIp: '10.0.0.1',
    targetMac: '52:54:00:00:00:0a',
    targetIp: '10.0.0.5',
    vid: 20,
  }),
  arpFrame({ senderMac: '52:54:00:00:00:0a', senderIp: '0.0.0.0', targetIp: '10.0.0.5', vid: 4094 }),
];
const qinq = arps.map((f) => Buffer.concat([f.subarray(0, 12), Buffer.from('88a80007', 'hex'), f.subarray(12)]));
const mdnsPayloads = [announcement(), announcement('x'.repeat(60) + '.local', '192.168.1.1')];
const mdnsFrames = mdnsPayloads.map((payload, i) =>
  encodeUdpFrame({
    srcMac: '52:54:00:00:00:07',
    dstMac: '01:00:5e:00:00:fb',
    ...(i ? { vid: 7 } : {}),
    srcIp: '10.0.0.7',
    dstIp: '224.0.0.251',
    srcPort: 5353,
    dstPort: 5353,
    payload,
  }),
);

describe('fuzz discovery decoders', () => {
  it('ARP and 802.1Q/802.1ad frames through the observer never throw', () => {
    const observer = new ArpObserver({
      table: new BindingTable({ maxEntries: 256 }),
      conflicts: new ConflictDetector(),
      emit: () => undefined,
    });
    let t = 0;
    fuzzDecoder('arp-observer', [...arps, ...qinq], COUNT, (input) => observer.handleFrame('eth0', input, t++));
    expect(observer.counters.decodeErrors).toBeGreaterThan(0);
  });

  it('mDNS messages: only DecodeError, and observations of what decodes are bounded', () => {
    fuzzDecoder('mdns', mdnsPayloads, COUNT, (input) => {
      for (const { names } of mdnsObservations(decodeMdns(input))) {
        expect(names.length).toBeLessThanOrEqual(64);
        for (const name of names) expect(name.length).toBeLessThanOrEqual(255);
      }
      return true;
    });
  });

  it('mDNS and DHCP frames: only DecodeError', () => {
    fuzzDecoder('mdns-frame', mdnsFrames, COUNT, (input) => decodeMdnsFrame(input).payload.length >= 0);
    fuzzDecoder('dhcp-watch', mdnsFrames, COUNT, (input) => classifyDhcpFrame(input) === undefined);
  });

  it('nothing escapes the service frame handler', async () => {
    const port = new MemoryPort('eth0');
    const logger = pino(
      { level: 'error' },
      {
        write: (line: string) => {
          throw new Error(`service logged an error: ${line}`);
        },
      },
    );
    const service = new DiscoveryService({
      logger,
      settings: { ...DEFAULT_DISCOVERY_SETTINGS, probeIntervalMs: 0 },
      interfaces: ['eth0'],
      openPort: () => port,
      interfaceInfo: () => ({ name: 'eth0', index: 2, mac: '52:54:00:99:00:01', up: true, addresses: [] }),
    });
    await service.start();
    fuzzDecoder('service', [...arps, ...qinq, ...mdnsFrames], COUNT, (input) => {
      port.deliver(input);
      return true;
    });
    await service.close();
  });
});
