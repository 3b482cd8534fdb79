// Fuzzes the Ethernet/802.1Q, IPv4/UDP frame and ARP decoders with mutated valid frames:
// only DecodeError may escape, and a decoded UDP frame or ARP packet must re-encode.

import { describe, expect, it } from 'vitest';
import { decodeArp, encodeArp } from '../../protocol/net/arp.js';
import { decodeEthernet } from '../../protocol/net/ethernet.js';
import { decodeIpv4 } from '../../protocol/net/ipv4.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';
import { fuzzDecoder } from '../helpers/fuzz.js';

const COUNT = 100_000;

const frames = fixtureNames().map((n) => loadFixture(n).frame);
const tagged = frames.map((f) => Buffer.concat([f.subarray(0, 12), Buffer.from('8100a064', 'hex'), f.subarray(12)]));
const qinq = frames.map((f) =>
  Buffer.concat([f.subarray(0, 12), Buffer.from('88a800078100a064', 'hex'), f.subarray(12)]),
);
const arp = Buffer.from('000108000604000102000000000a0a4d0001000000000000' + '0a4d0064', 'hex');

describe('fuzz frame decoders', () => {
  it('Ethernet/802.1Q/802.1ad headers', () => {
    fuzzDecoder(
      'ethernet',
      [...frames, ...tagged, ...qinq],
      COUNT,
      (input) => decodeEthernet(input).offset <= input.length,
    );
  });

  it('IPv4/UDP frames', () => {
    fuzzDecoder('udp-frame', [...frames, ...tagged, ...qinq], COUNT, (input) => {
      const frame = decodeUdpFrame(input);
      decodeIpv4(input, input.readUInt16BE(12) === 0x0800 ? 14 : input.readUInt16BE(16) === 0x0800 ? 18 : 22);
      return decodeUdpFrame(encodeUdpFrame(frame)).payload.equals(frame.payload);
    });
  });

  it('ARP', () => {
    fuzzDecoder('arp', [arp, Buffer.from(arp).fill(2, 7, 8)], COUNT, (input) => {
      const packet = decodeArp(input);
      expect(decodeArp(encodeArp(packet))).toEqual(packet);
      return true;
    });
  });
});
