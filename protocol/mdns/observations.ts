// Which host names an mDNS response announces for which addresses (RFC 6762 §6, RFC 6763 §4–5): A/AAAA
// records directly, and PTR → SRV → host chains where the host's address is in the same message.

import type { MdnsMessage, MdnsRecord } from './message.js';

/** RFC 1035 §2.3.4 limit on a whole name; anything longer is cut there. */
export const MAX_NAME_LENGTH = 255;

export interface MdnsObservation {
  /** The announced address (IPv4 dotted quad or IPv6 text). */
  ip: string;
  /** Sanitised names that resolve to it: host names and service instance names; sorted, unique. */
  names: string[];
}

/**
 * Makes a name safe to log and store: no control, format or separator characters, no trailing dot,
 * at most MAX_NAME_LENGTH characters. undefined when nothing printable is left.
 */
export function sanitiseName(raw: string): string | undefined {
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/gu, '')
    .replace(/\s+/gu, ' ')
    .replace(/\.$/, '')
    .trim();
  if (cleaned === '' || cleaned === '.') return undefined;
  return Array.from(cleaned).slice(0, MAX_NAME_LENGTH).join('');
}

const lower = (name: string) => name.toLowerCase();

function addName(into: Map<string, Set<string>>, ip: string, raw: string): void {
  const name = sanitiseName(raw);
  if (name === undefined) return;
  let names = into.get(ip);
  if (!names) into.set(ip, (names = new Set()));
  names.add(name);
}

/** Host name → addresses from the message's A and AAAA records (names compared case-insensitively, §16). */
function addressesByHost(records: readonly MdnsRecord[]): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const record of records) {
    if (record.type !== 'A' && record.type !== 'AAAA') continue;
    const key = lower(record.name);
    byHost.set(key, [...(byHost.get(key) ?? []), record.address]);
  }
  return byHost;
}

/** Hostname ↔ address pairs a response announces; queries and goodbye records (TTL 0, §10.1) give none. */
export function mdnsObservations(message: MdnsMessage, maxNamesPerIp = 64): MdnsObservation[] {
  if (!message.response) return [];
  const records = message.records.filter((r) => r.ttl > 0);
  const byHost = addressesByHost(records);
  const found = new Map<string, Set<string>>();
  for (const record of records) {
    if (record.type === 'A' || record.type === 'AAAA') addName(found, record.address, record.name);
  }
  const srvByInstance = new Map<string, string>();
  for (const record of records) {
    if (record.type !== 'SRV') continue;
    srvByInstance.set(lower(record.name), record.target);
    for (const ip of byHost.get(lower(record.target)) ?? []) addName(found, ip, record.name);
  }
  for (const record of records) {
    if (record.type !== 'PTR') continue;
    // A reverse-mapping PTR (§4: x.x.x.x.in-addr.arpa → host) names the host; a service PTR names an instance.
    const host = srvByInstance.get(lower(record.target)) ?? record.target;
    for (const ip of byHost.get(lower(host)) ?? []) addName(found, ip, record.target);
  }
  return [...found].map(([ip, names]) => ({ ip, names: [...names].sort().slice(0, maxNamesPerIp) }));
}
