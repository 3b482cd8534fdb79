// IPv6 address text (RFC 4291 §2.2) and prefixes (§2.3), with the canonical text form of RFC 5952 §4.
// The IPAM validator needs only parsing, containment and overlap, so addresses are 128-bit bigints.

const HEXTET = /^[0-9a-f]{1,4}$/i;
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Splits one side of `::` into hextets; an embedded dotted quad (RFC 4291 §2.2 form 3) counts as two. */
function hextets(side: string, allowQuad: boolean): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (allowQuad && i === parts.length - 1 && DOTTED_QUAD.test(part)) {
      const [a, b, c, d] = part.split('.').map(Number) as [number, number, number, number];
      out.push((a << 8) | b, (c << 8) | d);
    } else if (HEXTET.test(part)) {
      out.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** Parses IPv6 text to a 128-bit number; undefined when malformed. Zone ids (`%eth0`) are refused. */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = hextets(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? hextets(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.reduce((acc, h) => (acc << 16n) | BigInt(h), 0n);
}

export function isIpv6(text: string): boolean {
  return parseIpv6(text) !== undefined;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (≥ 2) of zero hextets as `::`. */
export function formatIpv6(value: bigint): string {
  const words: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) words.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = words.map((w) => w.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}

export interface Cidr6 {
  network: bigint;
  prefixLength: number;
  /** The value with the host bits set, i.e. the prefix's last address. */
  last: bigint;
}

const ALL_ONES = (1n << 128n) - 1n;

/** Parses `2001:db8::/64`; undefined when malformed. `hostBits` reports what the host part held. */
export function parseCidr6(text: string): (Cidr6 & { hostBits: bigint }) | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^(12[0-8]|1[01]\d|[1-9]?\d)$/.test(text.slice(slash + 1))) return undefined;
  const address = parseIpv6(text.slice(0, slash));
  if (address === undefined) return undefined;
  const prefixLength = Number(text.slice(slash + 1));
  const hostMask = ALL_ONES >> BigInt(prefixLength);
  const network = address & ~hostMask & ALL_ONES;
  return { network, prefixLength, last: network | hostMask, hostBits: address & hostMask };
}

export function formatCidr6(cidr: Pick<Cidr6, 'network' | 'prefixLength'>): string {
  return `${formatIpv6(cidr.network)}/${cidr.prefixLength}`;
}
