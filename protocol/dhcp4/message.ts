// DHCPv4 message shape (RFC 2131 §2, fixed BOOTP header + options).
// Options are kept as raw data by code, in wire order, so unknown options and option 82 survive untouched.

/** BOOTP op field. */
export const enum BootOp {
  Request = 1,
  Reply = 2,
}

/** Option 53 values (RFC 2132 §9.6). */
export const enum MessageType {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8,
}

/** The broadcast bit of the `flags` field (RFC 2131 §2). */
export const BROADCAST_FLAG = 0x8000;

/**
 * Code → option data. Data of an option that appeared several times (RFC 3396) or was spread over
 * the `file`/`sname` fields (option 52 overload) is already concatenated. Map order is wire order.
 * Pad (0), End (255) and Overload (52) are consumed by the codec and never appear here.
 */
export type Dhcp4Options = Map<number, Buffer>;

export interface Dhcp4Message {
  op: BootOp;
  /** Hardware type: 1 = Ethernet. */
  htype: number;
  /** Hardware address length: 6 for Ethernet. */
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  /** Dotted-quad IPv4 addresses; `0.0.0.0` when unset. */
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The 16-byte chaddr field as received; the client's MAC is its first `hlen` bytes. */
  chaddr: Buffer;
  /** Server host name (64-byte field), NUL-terminated text; empty when unused or overloaded. */
  sname: string;
  /** Boot file name (128-byte field), NUL-terminated text; empty when unused or overloaded. */
  file: string;
  options: Dhcp4Options;
}

const MESSAGE_TYPE_NAMES = ['', 'DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'];

/** `DISCOVER`, `ACK`… for logs and counters; `TYPE-n` for values outside RFC 2132 §9.6. */
export function messageTypeName(type: number | undefined): string {
  if (type === undefined) return 'NONE';
  return MESSAGE_TYPE_NAMES[type] || `TYPE-${type}`;
}
