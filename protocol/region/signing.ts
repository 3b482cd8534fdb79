// HMAC-SHA256 (RFC 2104, FIPS 180-4) over a canonical byte string of a Redis stream entry (PROTOCOL.md §3),
// bound to the key the entry lives in so a signed entry cannot be replayed into another stream.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** The only field the signature does not cover: the signature itself. */
export const SIG_FIELD = 'sig';

/** Field names are ASCII so their byte order, and so the canonical form, is the same in every language. */
export const FIELD_NAME = /^[a-z0-9_-]{1,32}$/;

const DOMAIN = Buffer.from('rackd-sig-1\n', 'ascii');

/** Shortest secret accepted: 128 bits, the HMAC security level an operator can still type in a file. */
export const MIN_SECRET_BYTES = 16;

/**
 * The secret file's bytes with one trailing newline (LF or CRLF) removed, the way `echo … > file` leaves it.
 * Throws RangeError naming the fix when it is too short.
 */
export function parseSecret(fileContent: Uint8Array): Buffer {
  let end = fileContent.length;
  if (fileContent[end - 1] === 0x0a) {
    end--;
    if (fileContent[end - 1] === 0x0d) end--;
  }
  const secret = Buffer.from(fileContent.subarray(0, end));
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(
      `region secret is ${secret.length} bytes, need at least ${MIN_SECRET_BYTES}: write e.g. \`openssl rand ` +
        `-hex 32\` into the secret file`,
    );
  }
  return secret;
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length}:`, 'ascii'), bytes, Buffer.from('\n', 'ascii')]);
}

/**
 * `rackd-sig-1\n` ‖ len(channel) ":" channel "\n" ‖ for each field but `sig`, by name in ASCII order:
 * name "=" len(value) ":" value "\n" — lengths in decimal bytes of the UTF-8 text, so no value can forge a boundary.
 */
export function canonicalBytes(channel: string, fields: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [DOMAIN, lengthPrefixed(channel)];
  const names = Object.keys(fields)
    .filter((name) => name !== SIG_FIELD)
    .sort(asciiOrder);
  for (const name of names) {
    if (!FIELD_NAME.test(name)) throw new RangeError(`field name "${name}" is not allowed in a signed entry`);
    parts.push(Buffer.from(`${name}=`, 'ascii'), lengthPrefixed(fields[name] ?? ''));
  }
  return Buffer.concat(parts);
}

function asciiOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-case hex HMAC-SHA256 of the canonical bytes. */
export function signFields(secret: Uint8Array, channel: string, fields: Readonly<Record<string, string>>): string {
  return createHmac('sha256', secret).update(canonicalBytes(channel, fields)).digest('hex');
}

/** Timing-safe: the comparison takes as long whichever byte differs. */
export function verifyFields(secret: Uint8Array, channel: string, fields: Readonly<Record<string, string>>): boolean {
  const claimed = fields[SIG_FIELD];
  if (claimed === undefined || !/^[0-9a-f]{64}$/.test(claimed)) return false;
  const expected = Buffer.from(signFields(secret, channel, fields), 'hex');
  return timingSafeEqual(expected, Buffer.from(claimed, 'hex'));
}
