// Classless static routes (RFC 3442 §3): each route is a prefix width, only the significant octets of the
// destination, then the router. Host bits beyond the width are ignored on decode, as the RFC's form implies.

import { DecodeError } from '../binary/decode-error.js';
import { isIpv4, numberToIpv4, parseCidr4, readIpv4, writeIpv4 } from '../net/ipv4-address.js';
import type { ClasslessRoute } from './option-table.js';

const WHAT = 'classless-routes';

export function decodeClasslessRoutes(buf: Uint8Array): ClasslessRoute[] {
  if (buf.length === 0) throw new DecodeError(WHAT, 'empty: need at least one route', 0);
  const routes: ClasslessRoute[] = [];
  let at = 0;
  while (at < buf.length) {
    const width = buf[at] as number;
    if (width > 32) throw new DecodeError(WHAT, `prefix width ${width} exceeds 32`, at);
    const significant = Math.ceil(width / 8);
    if (at + 1 + significant + 4 > buf.length) {
      throw new DecodeError(WHAT, `truncated route: need ${1 + significant + 4} bytes, have ${buf.length - at}`, at);
    }
    let network = 0;
    for (let i = 0; i < 4; i++) network = network * 256 + (i < significant ? (buf[at + 1 + i] as number) : 0);
    const mask = width === 0 ? 0 : (0xffffffff << (32 - width)) >>> 0;
    routes.push({
      destination: `${numberToIpv4((network & mask) >>> 0)}/${width}`,
      gateway: readIpv4(buf, at + 1 + significant),
    });
    at += 1 + significant + 4;
  }
  return routes;
}

export function encodeClasslessRoutes(routes: readonly ClasslessRoute[]): Buffer {
  const parts: Buffer[] = [];
  for (const route of routes) {
    const cidr = parseCidr4(route.destination);
    if (cidr === undefined) throw new RangeError(`route destination "${route.destination}" is not a.b.c.d/n`);
    if (!isIpv4(route.gateway)) throw new RangeError(`route gateway "${route.gateway}" is not an IPv4 address`);
    const significant = Math.ceil(cidr.prefixLength / 8);
    const part = Buffer.alloc(1 + significant + 4);
    part[0] = cidr.prefixLength;
    for (let i = 0; i < significant; i++) part[1 + i] = (cidr.network >>> (24 - 8 * i)) & 0xff;
    writeIpv4(part, 1 + significant, route.gateway);
    parts.push(part);
  }
  return Buffer.concat(parts);
}
