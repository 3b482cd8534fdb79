// mDNS decoding (RFC 6762 §18, RFC 6763): records out of a response, name sanitising, every truncation and
// framing fault raising our DecodeError only, and the IPv4/IPv6/802.1Q frames mDNS arrives in.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../protocol/binary/decode-error.js';
import { decodeMdns } from '../../../../protocol/mdns/message.js';
import { compressIpv6, decodeMdnsFrame } from '../../../../protocol/mdns/mdns-frame.js';
import { MAX_NAME_LENGTH, mdnsObservations, sanitiseName } from '../../../../protocol/mdns/observations.js';
import { encodeUdpFrame } from '../../../../protocol/net/udp-frame.js';
import { announcement } from '../../../helpers/mdns-samples.js';

describe('decodeMdns', () => {
  it('decodes a service announcement', () => {
    const message = decodeMdns(announcement());
    expect(message.response).toBe(true);
    expect(message.records.map((r) => `${r.section} ${r.type} ${r.name}`)).toEqual([
      'answer PTR _http._tcp.local',
      'answer SRV web on node-7._http._tcp.local',
      'answer other web on node-7._http._tcp.local',
      'additional A node-7.local',
      'additional AAAA node-7.local',
    ]);
    expect(message.records[3]).toMatchObject({ address: '10.20.0.30', flush: true, ttl: 120 });
  });

  it('gives hostname ↔ address pairs, through PTR → SRV → A', () => {
    expect(mdnsObservations(decodeMdns(announcement()))).toEqual([
      { ip: '10.20.0.30', names: ['node-7.local', 'web on node-7._http._tcp.local'] },
      { ip: 'fe80::5054:ff:fe00:7', names: ['node-7.local', 'web on node-7._http._tcp.local'] },
    ]);
  });

  it('gives nothing for queries and goodbyes', () => {
    const query = dnsPacket.encode({ type: 'query', id: 0, questions: [{ type: 'A', name: 'node-7.local' }] });
    expect(mdnsObservations(decodeMdns(query))).toEqual([]);
    const bye = dnsPacket.encode({
      type: 'response',
      answers: [{ type: 'A', name: 'gone.local', ttl: 0, data: '10.0.0.9' }],
    });
    expect(mdnsObservations(decodeMdns(bye))).toEqual([]);
  });

  it('raises DecodeError for every truncated prefix', () => {
    const whole = announcement();
    for (let length = 0; length < whole.length; length++) {
      expect(() => decodeMdns(whole.subarray(0, length)), `prefix ${length}`).toThrow(DecodeError);
    }
  });

  it('refuses an A record whose RDLENGTH is not 4, and a forward pointer', () => {
    const packet = dnsPacket.encode({
      type: 'response',
      answers: [{ type: 'A', name: 'a.local', ttl: 120, data: '10.0.0.1' }],
    });
    const rdlength = packet.length - 6;
    packet.writeUInt16BE(3, rdlength);
    expect(() => decodeMdns(packet.subarray(0, packet.length - 1))).toThrow(/RDLENGTH 3/);
    const pointer = Buffer.from('000084000000000100000000' + 'c020' + '00010001000000780004' + '0a000001', 'hex');
    expect(() => decodeMdns(pointer)).toThrow(DecodeError);
  });
});

describe('sanitiseName', () => {
  it('strips control and format characters and bounds the length', () => {
    expect(sanitiseName('evil\u0000\u001b[31mhost\u202e.local.')).toBe('evil[31mhost.local');
    expect(sanitiseName('x'.repeat(400))).toHaveLength(MAX_NAME_LENGTH);
    expect(sanitiseName('\u0007')).toBeUndefined();
    expect(sanitiseName('café.local')).toBe('café.local');
  });
});

describe('decodeMdnsFrame', () => {
  it('reads IPv4 and 802.1Q-tagged frames', () => {
    const payload = announcement();
    const frame = encodeUdpFrame({
      srcMac: '52:54:00:00:00:07',
      dstMac: '01:00:5e:00:00:fb',
      vid: 30,
      srcIp: '10.20.0.30',
      dstIp: '224.0.0.251',
      srcPort: 5353,
      dstPort: 5353,
      payload,
    });
    const decoded = decodeMdnsFrame(frame);
    expect(decoded).toMatchObject({ srcMac: '52:54:00:00:00:07', vid: 30, srcIp: '10.20.0.30' });
    expect(decoded.payload.equals(payload)).toBe(true);
  });

  it('reads IPv6 frames', () => {
    const payload = announcement();
    const frame = Buffer.alloc(14 + 40 + 8 + payload.length);
    Buffer.from('33330000 00fb 5254 0000 0007 86dd'.replace(/ /g, ''), 'hex').copy(frame, 0);
    frame[14] = 0x60;
    frame.writeUInt16BE(8 + payload.length, 18);
    frame[20] = 17;
    frame[21] = 255;
    Buffer.from('fe80000000000000505400fffe000007', 'hex').copy(frame, 22);
    Buffer.from('ff0200000000000000000000000000fb', 'hex').copy(frame, 38);
    frame.writeUInt16BE(5353, 54);
    frame.writeUInt16BE(5353, 56);
    frame.writeUInt16BE(8 + payload.length, 58);
    payload.copy(frame, 62);
    expect(decodeMdnsFrame(frame)).toMatchObject({ srcIp: 'fe80::5054:ff:fe00:7', srcMac: '52:54:00:00:00:07' });
  });

  it('compresses IPv6 text per RFC 5952', () => {
    expect(compressIpv6(['2001', 'db8', '0', '0', '1', '0', '0', '1'])).toBe('2001:db8::1:0:0:1');
    expect(compressIpv6(['0', '0', '0', '0', '0', '0', '0', '1'])).toBe('::1');
    expect(compressIpv6(['2001', 'db8', '0', '1', '1', '1', '1', '1'])).toBe('2001:db8:0:1:1:1:1:1');
  });
});
