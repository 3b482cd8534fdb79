// The DHCPv4 frames discovery cares about (RFC 2131 §3.1, §4.3.1): server replies to our probe (OFFER/ACK
// to port 68, read for option 54) and client DHCPDECLINEs (option 50), which are evidence of a conflict.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp4 } from '../../protocol/dhcp4/codec.js';
import { readIpv4, UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import { readMac } from '../../protocol/net/mac.js';
import { decodeUdpFrame } from '../../protocol/net/udp-frame.js';

export type DhcpSighting =
  | {
      kind: 'server-reply';
      vid?: number;
      xid: number;
      srcMac: string;
      srcIp: string;
      serverId?: string;
      offeredIp: string;
    }
  | { kind: 'decline'; vid?: number; mac: string; ip: string };

const DHCP_DECLINE = 4;

function ipOption(data: Buffer | undefined): string | undefined {
  return data !== undefined && data.length === 4 ? readIpv4(data, 0) : undefined;
}

/** undefined for frames that are neither; throws DecodeError when malformed. */
export function classifyDhcpFrame(frame: Uint8Array): DhcpSighting | undefined {
  // Checksums are not verified: frames sent from this host reach the capture before the NIC fills them in.
  const udp = decodeUdpFrame(frame, { verifyUdpChecksum: false });
  const vid = udp.vid === undefined ? {} : { vid: udp.vid };
  if (udp.dstPort === 68 && udp.srcPort === 67) {
    const msg = decodeDhcp4(udp.payload);
    if (msg.op !== 2) return undefined;
    const serverId = ipOption(msg.options.get(54));
    return {
      kind: 'server-reply',
      ...vid,
      xid: msg.xid,
      srcMac: udp.srcMac,
      srcIp: udp.srcIp,
      ...(serverId ? { serverId } : {}),
      offeredIp: msg.yiaddr,
    };
  }
  if (udp.dstPort === 67) {
    const msg = decodeDhcp4(udp.payload);
    if (msg.op !== 1 || msg.options.get(53)?.[0] !== DHCP_DECLINE || msg.hlen !== 6) return undefined;
    const ip = ipOption(msg.options.get(50)) ?? (msg.ciaddr !== UNSPECIFIED_IPV4 ? msg.ciaddr : undefined);
    if (ip === undefined) throw new DecodeError('dhcp4 decline', 'no requested address (option 50) or ciaddr', 0);
    return { kind: 'decline', ...vid, mac: readMac(msg.chaddr, 0), ip };
  }
  return undefined;
}
