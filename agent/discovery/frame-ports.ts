// Which transport a captured discovery frame carries (IEEE 802.1Q, RFC 791/8200 IPv4/IPv6, RFC 768 UDP):
// a cheap peek at the ports so each frame goes to one decoder, and the capture filter that selects them.

/**
 * ARP, mDNS, DHCP server replies and client requests, untagged or tagged. `vlan` comes last: it shifts every later
 * offset.
 */
const PLAIN = 'arp or udp port 5353 or udp dst port 68 or (udp dst port 67 and udp[8] = 1)';
export const DISCOVERY_FILTER = `(${PLAIN}) or (vlan and (${PLAIN}))`;

/** [source port, destination port] of a UDP frame, or undefined when it is not UDP over IPv4/IPv6. */
export function udpPorts(frame: Uint8Array): [number, number] | undefined {
  let at = 12;
  let type = ((frame[at] ?? 0) << 8) | (frame[at + 1] ?? 0);
  while (type === 0x8100 || type === 0x88a8) {
    at += 4;
    type = ((frame[at] ?? 0) << 8) | (frame[at + 1] ?? 0);
  }
  const ip = at + 2;
  let udp: number;
  if (type === 0x0800) {
    if (frame[ip + 9] !== 17) return undefined;
    udp = ip + ((frame[ip] ?? 0) & 0x0f) * 4;
  } else if (type === 0x86dd) {
    if (frame[ip + 6] !== 17) return undefined;
    udp = ip + 40;
  } else {
    return undefined;
  }
  if (udp + 4 > frame.length) return undefined;
  return [
    ((frame[udp] as number) << 8) | (frame[udp + 1] as number),
    ((frame[udp + 2] as number) << 8) | (frame[udp + 3] as number),
  ];
}
