// An mDNS service announcement (RFC 6762 §8.3, RFC 6763 PTR/SRV/TXT + A/AAAA) as avahi or zeroconf sends it.
import dnsPacket from 'dns-packet';

export function announcement(host = 'node-7.local', ip = '10.20.0.30'): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    answers: [
      { type: 'PTR', name: '_http._tcp.local', ttl: 4500, data: 'web on node-7._http._tcp.local' },
      {
        type: 'SRV',
        name: 'web on node-7._http._tcp.local',
        ttl: 120,
        flush: true,
        data: { target: host, port: 80, priority: 0, weight: 0 },
      },
      { type: 'TXT', name: 'web on node-7._http._tcp.local', ttl: 4500, data: ['path=/'] },
    ],
    additionals: [
      { type: 'A', name: host, ttl: 120, flush: true, data: ip },
      { type: 'AAAA', name: host, ttl: 120, flush: true, data: 'fe80::5054:ff:fe00:7' },
    ],
  });
}
