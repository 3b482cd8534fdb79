// The Internet checksum (RFC 1071 §4.1): 16-bit one's complement of the one's complement sum, used by the
// IPv4 header (RFC 791 §3.1) and by UDP over a pseudo-header (RFC 768).

/** One's complement sum of `buf[start, end)` as big-endian 16-bit words, added to `initial`, not folded. */
export function onesComplementSum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  // Sums stay far below 2^53 for any frame, so folding once at the end is enough.
  for (; i + 1 < end; i += 2) sum += ((buf[i] as number) << 8) | (buf[i + 1] as number);
  if (i < end) sum += (buf[i] as number) << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

export function internetChecksum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  return finishChecksum(onesComplementSum(buf, start, end, initial));
}

/** Sum of the UDP/TCP pseudo-header (RFC 768): addresses as stored in an IPv4 header at `ipOffset`. */
export function pseudoHeaderSum(buf: Uint8Array, ipOffset: number, protocol: number, length: number): number {
  return onesComplementSum(buf, ipOffset + 12, ipOffset + 20) + protocol + length;
}
