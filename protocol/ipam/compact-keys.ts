// Compact numeric keys for MACs (IEEE 802 48-bit), IPv4 addresses (RFC 791) and client ids (RFC 2132 §9.14),
// parsed without allocating: they key the validator's uniqueness checks and the agent's reservation index.

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * `52:54:00:12:34:56` → the 48-bit number 0x525400123456 (exact in a double), so the index stores no MAC
 * strings of its own. Anything but lower-case colon form gives undefined.
 */
export function macKey(mac: string): number | undefined {
  // A request's MAC is looked up twice (admission, then the policy): the second time it is this same string.
  if (mac === lastMac) return lastMacKey;
  const key = parseMacKey(mac);
  lastMac = mac;
  lastMacKey = key;
  return key;
}

let lastMac = '';
let lastMacKey: number | undefined;

function parseMacKey(mac: string): number | undefined {
  if (mac.length !== 17) return undefined;
  let key = 0;
  for (let i = 0; i < 17; i += 3) {
    const hi = HEX_VALUE[mac.charCodeAt(i)] ?? -1;
    const lo = HEX_VALUE[mac.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0 || (i < 15 && mac.charCodeAt(i + 2) !== 58)) return undefined;
    key = key * 256 + hi * 16 + lo;
  }
  return key;
}

/**
 * Dotted quad → uint32 without the allocations of split(): this runs once per reservation at build and
 * once per lookup by IP. Anything malformed gives -1.
 */
export function ipKey(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

/** FNV-1a: client ids are variable-length, so the table holds a hash and lookups confirm the string. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
