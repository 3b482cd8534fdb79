// ARP frames (RFC 826) for discovery tests: requests, replies and probes, untagged or 802.1Q-tagged.
import { ArpOp, encodeArp } from '../../protocol/net/arp.js';
import { encodeEthernet, ETHERTYPE_ARP } from '../../protocol/net/ethernet.js';

export interface ArpFrameSpec {
  op?: 'request' | 'reply';
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
  vid?: number;
  dstMac?: string;
}

export function arpFrame(spec: ArpFrameSpec): Buffer {
  const op = spec.op === 'reply' ? ArpOp.Reply : ArpOp.Request;
  const targetMac = spec.targetMac ?? '00:00:00:00:00:00';
  const body = encodeArp({
    op,
    senderMac: spec.senderMac,
    senderIp: spec.senderIp,
    targetMac,
    targetIp: spec.targetIp,
  });
  const dstMac = spec.dstMac ?? (op === ArpOp.Reply ? targetMac : 'ff:ff:ff:ff:ff:ff');
  return encodeEthernet(
    { dstMac, srcMac: spec.senderMac, etherType: ETHERTYPE_ARP, ...(spec.vid === undefined ? {} : { vid: spec.vid }) },
    body,
  );
}
