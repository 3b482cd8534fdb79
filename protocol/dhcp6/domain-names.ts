// RFC 1035 §3.1 names as DHCPv6 carries them (RFC 8415 §10, Domain List RFC 3646 §4): the DHCPv4 name codec,
// minus compression, which §10 forbids ("MUST NOT be stored in compressed form").

import { DecodeError } from '../binary/decode-error.js';
import { decodeDomainName, encodeDomainList } from '../dhcp4/domain-names.js';

const WHAT = 'dhcp6 domain list';

/**
 * The DHCPv4 decoder follows pointers; a pointer shows up as fewer wire bytes than the text needs
 * (uncompressed, a name of n characters takes n + 2 bytes; the root name takes 1), so refuse those.
 */
export function decodeDomainList6(data: Uint8Array): string[] {
  if (data.length === 0) throw new DecodeError(WHAT, 'empty: need at least one name', 0);
  const names: string[] = [];
  let at = 0;
  while (at < data.length) {
    const { value, offset } = decodeDomainName(data, at);
    const plain = value === '' ? 1 : value.length + 2;
    if (offset - at !== plain) throw new DecodeError(WHAT, 'compressed name (RFC 8415 §10 forbids pointers)', at);
    names.push(value);
    at = offset;
  }
  return names;
}

/** One name at a time, so the DHCPv4 encoder has no earlier suffix to point at: no compression. */
export function encodeDomainList6(names: readonly string[]): Buffer {
  if (names.length === 0) throw new RangeError('a domain list needs at least one name');
  return Buffer.concat(names.map((name) => encodeDomainList([name])));
}
