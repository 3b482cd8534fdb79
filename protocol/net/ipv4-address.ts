// IPv4 addresses as dotted quads and as unsigned 32-bit numbers, and CIDR prefixes (RFC 4632).
// Numbers make containment and ordering cheap; strings are what configs, logs and tests read.

const DIGIT_0 = 48;
const DOT = 46;

/**
 * Strict dotted quad (four decimal octets 0–255, no leading zeros, nothing else) → unsigned 32-bit number, or -1.
 * One pass over the characters: the DHCP encoder checks and converts four addresses per reply with it.
 */
export function parseIpv4(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
      continue;
    }
    const d = c - DIGIT_0;
    if (d < 0 || d > 9 || (digits === 1 && octet === 0)) return -1;
    octet = octet * 10 + d;
    if (octet > 255) return -1;
    digits++;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) >= 0;
}

/** Dotted quad → unsigned 32-bit number. The caller validates with isIpv4 first where input is untrusted. */
export function ipv4ToNumber(text: string): number {
  return parseIpv4(text) >>> 0;
}

export function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** 0.0.0.0: "no address" in every DHCP address field and ARP probe (RFC 2131 §2, RFC 5227 §2.1.1). */
export const UNSPECIFIED_IPV4 = '0.0.0.0';
// Texts of addresses read recently, direct-mapped by number: a DHCP server reads the same few relay addresses on
// every packet, and each client's own address on each of its requests. A Map emptied when full would thrash once
// more clients than it holds are in play; a slot here is simply overwritten by the next address that hashes to it.
const TEXT_SLOTS = 1 << 14;
const textKeys = new Int32Array(TEXT_SLOTS);
const texts: string[] = new Array<string>(TEXT_SLOTS).fill(UNSPECIFIED_IPV4);

/**
 * Most address fields on the wire are 0.0.0.0, and the rest repeat (relays, servers): both come back as one
 * shared flat string instead of a fresh concatenation that every later comparison or parse must flatten.
 */
export function readIpv4(buf: Uint8Array, offset: number): string {
  return ipv4Text(
    (((buf[offset] as number) << 24) |
      ((buf[offset + 1] as number) << 16) |
      ((buf[offset + 2] as number) << 8) |
      (buf[offset + 3] as number)) >>>
      0,
  );
}

/** numberToIpv4 for addresses read off the wire: the same shared strings as readIpv4. */
export function ipv4Text(value: number): string {
  // Key 0 with text 0.0.0.0 is what every slot starts as, so an empty slot is never mistaken for an address.
  const slot = (Math.imul(value, 0x9e3779b1) >>> 18) & (TEXT_SLOTS - 1);
  if (textKeys[slot] === (value | 0)) return texts[slot] as string;
  const text = numberToIpv4(value);
  textKeys[slot] = value;
  texts[slot] = text;
  return text;
}

/** Numbers of addresses parsed recently: interface, relay and server addresses come back on every request. */
const recentNumbers = new Map<string, number>();

/** parseIpv4, remembered for texts that repeat (the map's hash of a string that is seen again is cached in it). */
export function ipv4Number(text: string): number {
  return remembered(recentNumbers, text, parseIpv4);
}

/**
 * `compute(key)` through `memo`, which is emptied whenever it reaches 4096 entries: however many addresses come and go.
 */
function remembered<K, V>(memo: Map<K, V>, key: K, compute: (key: K) => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size >= 4096) memo.clear();
    value = compute(key);
    memo.set(key, value);
  }
  return value;
}

/** RangeError when `text` is not a dotted quad: an encoder given a bad address has a bug upstream. */
export function writeIpv4(buf: Uint8Array, offset: number, text: string): void {
  // Half the address fields of a reply are the shared 0.0.0.0 constant (readIpv4, the reply builders).
  const value = text === UNSPECIFIED_IPV4 ? 0 : parseIpv4(text);
  if (value < 0) throw new RangeError(`"${text}" is not an IPv4 address`);
  buf[offset] = value >>> 24;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}

export interface Cidr4 {
  /** Network address as a number (host bits cleared). */
  network: number;
  prefixLength: number;
  /** Netmask as a number, e.g. 0xffffff00 for /24. */
  mask: number;
}

export function prefixToMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parses `a.b.c.d/n`; undefined when malformed. Host bits are cleared. */
export function parseCidr4(text: string): Cidr4 | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (!isIpv4(address) || !/^(3[0-2]|[12]?\d)$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  const mask = prefixToMask(prefixLength);
  return { network: (ipv4ToNumber(address) & mask) >>> 0, prefixLength, mask };
}

export function formatCidr4(cidr: Cidr4): string {
  return `${numberToIpv4(cidr.network)}/${cidr.prefixLength}`;
}

export function cidrContains(cidr: Cidr4, address: number): boolean {
  return (address & cidr.mask) >>> 0 === cidr.network;
}
