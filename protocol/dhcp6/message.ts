// DHCPv6 message shapes (RFC 8415 §7.3 message types, §8 client/server format, §9 relay format): the
// decoded form every codec and policy shares. Options stay an ordered list because DHCPv6 repeats codes (IA_NA).

/** RFC 8415 §7.3 (and the IANA registry). */
export enum MessageType6 {
  Solicit = 1,
  Advertise = 2,
  Request = 3,
  Confirm = 4,
  Renew = 5,
  Rebind = 6,
  Reply = 7,
  Release = 8,
  Decline = 9,
  Reconfigure = 10,
  InformationRequest = 11,
  RelayForward = 12,
  RelayReply = 13,
}

/** RFC 8415 §7.1: clients listen on 546, servers and relay agents on 547. */
export const DHCP6_CLIENT_PORT = 546;
export const DHCP6_SERVER_PORT = 547;
/** RFC 8415 §7.1 All_DHCP_Relay_Agents_and_Servers (link-scoped). */
export const ALL_DHCP_RELAY_AGENTS_AND_SERVERS = 'ff02::1:2';

/** One option as it sits on the wire (RFC 8415 §21.1); `data` aliases the decoded buffer. */
export interface Dhcp6Option {
  code: number;
  data: Buffer;
}

/** A client/server message (RFC 8415 §8). */
export interface Dhcp6Message {
  type: number;
  /** 24-bit transaction id. */
  transactionId: number;
  options: Dhcp6Option[];
}

/** A Relay-forward or Relay-reply (RFC 8415 §9); the relayed message is option 9 in `options`. */
export interface Dhcp6RelayMessage {
  type: MessageType6.RelayForward | MessageType6.RelayReply;
  hopCount: number;
  /** Text form (RFC 5952); `::` when the relay could not name the link. */
  linkAddress: string;
  peerAddress: string;
  options: Dhcp6Option[];
}

export type Dhcp6Packet = Dhcp6Message | Dhcp6RelayMessage;

export function isRelayMessage(packet: Dhcp6Packet): packet is Dhcp6RelayMessage {
  return packet.type === MessageType6.RelayForward || packet.type === MessageType6.RelayReply;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'solicit',
  2: 'advertise',
  3: 'request',
  4: 'confirm',
  5: 'renew',
  6: 'rebind',
  7: 'reply',
  8: 'release',
  9: 'decline',
  10: 'reconfigure',
  11: 'information-request',
  12: 'relay-forward',
  13: 'relay-reply',
};

/** Stable lower-case names for logs and counters (`type-42` for unassigned numbers). */
export function messageType6Name(type: number): string {
  return TYPE_NAMES[type] ?? `type-${type}`;
}

/** The first option with `code`, or undefined. */
export function findOption(options: readonly Dhcp6Option[], code: number): Dhcp6Option | undefined {
  return options.find((option) => option.code === code);
}
