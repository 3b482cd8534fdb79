// The one error a decoder may throw: says what could not be decoded and at which byte offset,
// so a dropped packet can be logged with a stable reason (dns-packet's habit).

export class DecodeError extends Error {
  override readonly name = 'DecodeError';

  constructor(
    /** What was being decoded, e.g. `dhcp4 option 121`. */
    readonly what: string,
    /** Why it failed, e.g. `truncated: need 4 bytes, have 2`. */
    readonly reason: string,
    /** Byte offset into the input where the problem was found. */
    readonly offset: number,
  ) {
    super(`Cannot decode ${what} at offset ${offset}: ${reason}`);
  }
}
