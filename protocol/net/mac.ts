// 48-bit Ethernet MAC addresses: lower-case colon text for configs and logs, bytes on the wire.

const MAC_TEXT = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

export function isMac(text: string): boolean {
  return MAC_TEXT.test(text);
}

/** `52-54-00-AB-CD-EF` or `52:54:00:ab:cd:ef` → `52:54:00:ab:cd:ef`. */
export function normaliseMac(text: string): string {
  return text.toLowerCase().replace(/-/g, ':');
}

/** Two lower-case hex digits per byte value: formatting a MAC is then six lookups and one concatenation. */
export const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => (b < 16 ? '0' : '') + b.toString(16));

// A server sees the same clients over and over, and each request's MAC text is then hashed as a Map key (rate
// limits, overlays, events). A fresh text is a tree of eleven pieces that every first hash must flatten; a text
// kept here is flat and carries its hash. Direct-mapped: a slot holds the last MAC that hashed to it.
const TEXT_SLOTS = 1 << 16;
const textHi = new Int32Array(TEXT_SLOTS).fill(-1);
const textLo = new Int32Array(TEXT_SLOTS);
const texts: string[] = new Array<string>(TEXT_SLOTS).fill('');

function formatMac(buf: Uint8Array, offset: number): string {
  const h = HEX_PAIRS;
  return (
    `${h[buf[offset] ?? 0]}:${h[buf[offset + 1] ?? 0]}:${h[buf[offset + 2] ?? 0]}:` +
    `${h[buf[offset + 3] ?? 0]}:${h[buf[offset + 4] ?? 0]}:${h[buf[offset + 5] ?? 0]}`
  );
}

/**
 * Lower-case colon text of the 6 bytes at `offset` (bytes past the end read as 0). The same string for a repeated MAC.
 */
export function readMac(buf: Uint8Array, offset: number): string {
  const hi = ((buf[offset] ?? 0) << 8) | (buf[offset + 1] ?? 0);
  const lo =
    ((buf[offset + 2] ?? 0) << 24) |
    ((buf[offset + 3] ?? 0) << 16) |
    ((buf[offset + 4] ?? 0) << 8) |
    (buf[offset + 5] ?? 0);
  // The low bytes differ most between clients of one vendor; the multiply spreads them over the slots.
  const slot = (Math.imul(lo ^ (hi << 16), 0x9e3779b1) >>> 16) & (TEXT_SLOTS - 1);
  if (textHi[slot] === hi && textLo[slot] === lo) return texts[slot] as string;
  const text = formatMac(buf, offset);
  textHi[slot] = hi;
  textLo[slot] = lo;
  texts[slot] = text;
  return text;
}

export function writeMac(buf: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < 6; i++) buf[offset + i] = parseInt(text.slice(i * 3, i * 3 + 2), 16);
}

/** Lower-case colon hex of any byte string (client identifiers, option dumps). */
export function bytesToColonHex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += (i === 0 ? '' : ':') + (HEX_PAIRS[bytes[i] ?? 0] as string);
  return text;
}
