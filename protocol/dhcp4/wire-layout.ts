// Fixed layout of a BOOTP/DHCP message (RFC 2131 §2 figure 1, RFC 951) and option framing constants
// (RFC 2132 §2-3, §9.3 overload, RFC 3396 §5 option splitting).

export const OFFSET_OP = 0;
export const OFFSET_XID = 4;
export const OFFSET_CIADDR = 12;
export const OFFSET_CHADDR = 28;
export const CHADDR_LENGTH = 16;
export const OFFSET_SNAME = 44;
export const SNAME_LENGTH = 64;
export const OFFSET_FILE = 108;
export const FILE_LENGTH = 128;
export const OFFSET_COOKIE = 236;
export const OFFSET_OPTIONS = 240;
export const MAGIC_COOKIE = 0x63825363;
/** RFC 1542 §3.3: BOOTP relays and old clients expect at least a 300-byte message. */
export const BOOTP_MIN_LENGTH = 300;

export const OPTION_PAD = 0;
export const OPTION_OVERLOAD = 52;
export const OPTION_END = 255;
export const OVERLOAD_FILE = 1;
export const OVERLOAD_SNAME = 2;
/** Longest data one option instance can carry; longer data is split (RFC 3396). */
export const MAX_INSTANCE_DATA = 255;

/** Bytes `length` bytes of option data take on the wire, split into instances of at most 255. */
export function optionWireLength(length: number): number {
  return length === 0 ? 2 : length + 2 * Math.ceil(length / MAX_INSTANCE_DATA);
}
