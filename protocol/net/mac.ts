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

export function readMac(buf: Uint8Array, offset: number): string {
  let text = '';
  for (let i = 0; i < 6; i++) {
    const byte = buf[offset + i] ?? 0;
    text += (i === 0 ? '' : ':') + (byte < 16 ? '0' : '') + byte.toString(16);
  }
  return text;
}

export function writeMac(buf: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < 6; i++) buf[offset + i] = parseInt(text.slice(i * 3, i * 3 + 2), 16);
}

/** Lower-case colon hex of any byte string (client identifiers, option dumps). */
export function bytesToColonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b < 16 ? '0' : '') + b.toString(16)).join(':');
}
