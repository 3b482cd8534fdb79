// IPv4 addresses as dotted quads and as unsigned 32-bit numbers, and CIDR prefixes (RFC 4632).
// Numbers make containment and ordering cheap; strings are what configs, logs and tests read.

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return DOTTED_QUAD.test(text);
}

/** Dotted quad → unsigned 32-bit number. The caller validates with isIpv4 first where input is untrusted. */
export function ipv4ToNumber(text: string): number {
  const parts = text.split('.');
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

export function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

export function readIpv4(buf: Uint8Array, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

export function writeIpv4(buf: Uint8Array, offset: number, text: string): void {
  const value = ipv4ToNumber(text);
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
  return ((address & cidr.mask) >>> 0) === cidr.network;
}
