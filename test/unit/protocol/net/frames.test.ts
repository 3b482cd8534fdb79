import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import type { ArpPacket } from '../../../../protocol/net/arp.js';
import { decodeArp, encodeArp, encodingLengthArp } from '../../../../protocol/net/arp.js';
import { internetChecksum } from '../../../../protocol/net/checksum.js';
import type { EthernetHeader } from '../../../../protocol/net/ethernet.js';
import { decodeEthernet, ethernetHeaderLength, writeEthernet } from '../../../../protocol/net/ethernet.js';
import { decodeIpv4 } from '../../../../protocol/net/ipv4.js';
import type { UdpFrame } from '../../../../protocol/net/udp-frame.js';
import { decodeUdpFrame, encodeUdpFrame, encodingLengthUdpFrame } from '../../../../protocol/net/udp-frame.js';
import { roundTrip } from '../../../helpers/round-trip.js';

const frame: UdpFrame = {
  srcMac: '02:00:00:77:00:01',
  dstMac: 'ff:ff:ff:ff:ff:ff',
  srcIp: '10.77.0.1',
  dstIp: '255.255.255.255',
  srcPort: 67,
  dstPort: 68,
  payload: Buffer.from('hello dhcp world, an odd-length payload', 'latin1'),
};
const udpCodec = { encode: encodeUdpFrame, decode: decodeUdpFrame, encodingLength: encodingLengthUdpFrame };

describe('Ethernet', () => {
  const codec = {
    encode: (h: EthernetHeader) => {
      const buf = Buffer.alloc(ethernetHeaderLength(h));
      writeEthernet(buf, 0, h);
      return buf;
    },
    decode: (b: Uint8Array) => decodeEthernet(b).value,
    encodingLength: (h: EthernetHeader) => ethernetHeaderLength(h),
    encodeAt: (h: EthernetHeader, buf: Buffer, at: number) => writeEthernet(buf, at, h),
    decodeAt: (b: Uint8Array, at: number) => decodeEthernet(b, at).value,
  };
  it('round-trips untagged, 802.1Q and 802.1ad+802.1Q headers', () => {
    roundTrip(codec, { dstMac: 'ff:ff:ff:ff:ff:ff', srcMac: '02:00:00:00:00:01', etherType: 0x0800 });
    roundTrip(codec, { dstMac: 'ff:ff:ff:ff:ff:ff', srcMac: '02:00:00:00:00:01', vid: 100, pcp: 5, etherType: 0x0806 });
    const bytes = roundTrip(codec, {
      dstMac: '02:00:00:00:00:02',
      srcMac: '02:00:00:00:00:01',
      outerVid: 7,
      vid: 4094,
      pcp: 0,
      etherType: 0x0800,
    });
    expect(bytes.subarray(12, 22).toString('hex')).toBe('88a8000781000ffe0800');
  });
});

describe('UDP frames', () => {
  it('round-trip untagged and tagged, with valid IPv4 and UDP checksums', () => {
    const bytes = roundTrip(udpCodec, frame);
    expect(internetChecksum(bytes, 14, 34)).toBe(0);
    expect(decodeIpv4(bytes, 14).value).toMatchObject({
      ttl: 64,
      protocol: 17,
      payloadLength: 8 + frame.payload.length,
    });
    const tagged = roundTrip(udpCodec, { ...frame, vid: 42 });
    expect(tagged.readUInt16BE(12)).toBe(0x8100);
  });

  it('ignores Ethernet padding after the IPv4 total length, and accepts a zero UDP checksum', () => {
    const bytes = encodeUdpFrame({ ...frame, payload: Buffer.from('x') });
    expect(bytes.length).toBe(60);
    expect(decodeUdpFrame(bytes).payload.toString()).toBe('x');
    bytes.writeUInt16BE(0, 40);
    expect(decodeUdpFrame(bytes).payload.toString()).toBe('x');
  });

  it('refuses bad checksums, fragments, other protocols and options-bearing headers it cannot trust', () => {
    const corrupt = (at: number, value: number): Buffer => {
      const bytes = encodeUdpFrame(frame);
      bytes[at] = value;
      return bytes;
    };
    expect(() => decodeUdpFrame(corrupt(24, 0xaa))).toThrow(/bad header checksum/);
    expect(() => decodeUdpFrame(corrupt(60, 0xaa))).toThrow(/udp header.*bad checksum/);
    // A capture of CHECKSUM_PARTIAL frames opts out of the UDP check, never of the IPv4 header check.
    expect(decodeUdpFrame(corrupt(60, 0xaa), { verifyUdpChecksum: false })).toMatchObject({
      srcPort: frame.srcPort,
      dstPort: frame.dstPort,
    });
    expect(() => decodeUdpFrame(corrupt(24, 0xaa), { verifyUdpChecksum: false })).toThrow(/bad header checksum/);
    expect(() => decodeUdpFrame(corrupt(20, 0x20))).toThrow(/fragmented/);
    expect(() => decodeUdpFrame(corrupt(23, 6))).toThrow(DecodeError);
    expect(() => decodeUdpFrame(corrupt(12, 0x86))).toThrow(/not IPv4/);
  });

  it('skips IPv4 header options (IHL > 5)', () => {
    const plain = encodeUdpFrame(frame);
    const ip = Buffer.concat([plain.subarray(14, 34), Buffer.from([0x94, 0x04, 0, 0])]);
    ip[0] = 0x46;
    ip.writeUInt16BE(plain.readUInt16BE(16) + 4, 2);
    ip.writeUInt16BE(0, 10);
    ip.writeUInt16BE(internetChecksum(ip, 0, 24), 10);
    const withOptions = Buffer.concat([plain.subarray(0, 14), ip, plain.subarray(34)]);
    expect(decodeUdpFrame(withOptions)).toEqual(decodeUdpFrame(plain));
  });

  it('every strict prefix of a frame throws DecodeError', () => {
    for (const f of [frame, { ...frame, vid: 9 }]) {
      const bytes = encodeUdpFrame(f);
      for (let n = 0; n < bytes.length; n++)
        expect(() => decodeUdpFrame(bytes.subarray(0, n)), `prefix ${n}`).toThrow(DecodeError);
    }
  });
});

describe('ARP', () => {
  const codec = {
    encode: (p: ArpPacket) => encodeArp(p),
    decode: (b: Uint8Array) => decodeArp(b),
    encodingLength: encodingLengthArp,
    encodeAt: (p: ArpPacket, buf: Buffer, at: number) => (encodeArp(p, buf, at), at + 28),
    decodeAt: (b: Uint8Array, at: number) => decodeArp(b, at),
  };
  const request: ArpPacket = {
    op: 1,
    senderMac: '02:00:00:00:00:01',
    senderIp: '10.77.0.1',
    targetMac: '00:00:00:00:00:00',
    targetIp: '10.77.0.100',
  };

  it('round-trips request and reply; every strict prefix throws DecodeError', () => {
    const bytes = roundTrip(codec, request);
    expect(bytes.toString('hex')).toBe('000108000604000102000000000' + '10a4d0001' + '000000000000' + '0a4d0064');
    roundTrip(codec, { ...request, op: 2, targetMac: '02:00:00:00:00:02' });
    for (let n = 0; n < bytes.length; n++) expect(() => decodeArp(bytes.subarray(0, n))).toThrow(DecodeError);
  });

  it('refuses other hardware types and ops', () => {
    const bytes = encodeArp(request);
    expect(() => decodeArp(Buffer.concat([Buffer.of(0, 6), bytes.subarray(2)]))).toThrow(DecodeError);
    bytes[7] = 3;
    expect(() => decodeArp(bytes)).toThrow(/op 3/);
  });
});
