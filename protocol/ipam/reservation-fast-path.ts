// A zod-free reader for the common reservation shape (mac, ip, hostname, client_id, subnet; RFC 2132 §9.14
// for client ids). A million of them must load in seconds; anything unusual falls back to the full schema.

import { isIpv4, numberToIpv4, parseCidr4 } from '../net/ipv4-address.js';
import { isMac, normaliseMac } from '../net/mac.js';
import { hexBytes, isDomainName } from './field-schemas.js';
import type { Reservation } from './types.js';

const SIMPLE_KEYS = new Set(['mac', 'ip', 'hostname', 'client_id', 'subnet']);

/**
 * The reservation exactly as reservationSchema would output it, or undefined when `input` is anything the
 * fast path does not handle (options, a problem of any kind): the caller then runs the schema, which
 * produces the same value or the problems with their messages.
 */
export function readSimpleReservation(input: unknown): Reservation | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const record = input as Record<string, unknown>;
  for (const key in record) if (!SIMPLE_KEYS.has(key) || record[key] === undefined) return undefined;
  const { mac, ip, hostname, client_id: clientId, subnet } = record;
  if (typeof mac !== 'string' || !isMac(mac) || typeof ip !== 'string' || !isIpv4(ip)) return undefined;
  const out: Reservation = { mac: normaliseMac(mac), ip };
  if (hostname !== undefined) {
    if (typeof hostname !== 'string' || !isDomainName(hostname)) return undefined;
    out.hostname = hostname;
  }
  if (clientId !== undefined) {
    const bytes = typeof clientId === 'string' ? hexBytes(clientId) : undefined;
    if (bytes === undefined || bytes.length < 2) return undefined;
    out.client_id = bytes.join(':');
  }
  if (subnet !== undefined) {
    const cidr = typeof subnet === 'string' ? parseCidr4(subnet) : undefined;
    if (cidr === undefined || subnet !== `${numberToIpv4(cidr.network)}/${cidr.prefixLength}`) return undefined;
    out.subnet = subnet as string;
  }
  return out;
}
