// Which addresses an active ARP scan (RFC 826 requests) asks for: every host address of each CIDR
// (RFC 4632), without the network and broadcast addresses except on /31 and /32 (RFC 3021).

import { formatCidr4, parseCidr4 } from '../../protocol/net/ipv4-address.js';

/** Ranges wider than this need `force`: a /15 at 300 pps is four minutes of broadcast. */
export const MAX_UNFORCED_PREFIX = 16;

export class ScanRefused extends Error {
  override readonly name = 'ScanRefused';
  constructor(
    message: string,
    /** The RPC error code this maps to. */
    readonly code: 'invalid-params' | 'busy' = 'invalid-params',
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ParsedCidr {
  text: string;
  network: number;
  prefixLength: number;
}

/** Parses and checks the CIDRs of a scan request; throws ScanRefused naming the fix. */
export function parseScanCidrs(cidrs: readonly string[], force: boolean): ParsedCidr[] {
  return cidrs.map((text, i) => {
    const cidr = parseCidr4(text);
    if (cidr === undefined)
      throw new ScanRefused(`"${text}" is not an IPv4 CIDR like 10.20.0.0/24`, 'invalid-params', `cidrs[${i}]`);
    if (cidr.prefixLength < MAX_UNFORCED_PREFIX && !force) {
      throw new ScanRefused(
        `${text} is larger than a /${MAX_UNFORCED_PREFIX}: split it, or pass force to scan it anyway`,
        'invalid-params',
        `cidrs[${i}]`,
      );
    }
    return { text: formatCidr4(cidr), network: cidr.network, prefixLength: cidr.prefixLength };
  });
}

/** Host addresses of a CIDR as numbers, in order. */
export function hostAddresses(cidr: Pick<ParsedCidr, 'network' | 'prefixLength'>): number[] {
  const size = 2 ** (32 - cidr.prefixLength);
  if (size <= 2) return Array.from({ length: size }, (_, i) => (cidr.network + i) >>> 0);
  return Array.from({ length: size - 2 }, (_, i) => (cidr.network + 1 + i) >>> 0);
}
