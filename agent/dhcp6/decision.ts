// What the DHCPv6 policy decided for one datagram (RFC 8415 §16 validation, §18.3 server behaviour): a reply
// for the shell to send back where the request came from, or a silent drop with a stable reason.

import type { Dhcp6Packet } from '../../protocol/dhcp6/message.js';
import type { InterfaceInfo } from '../net/interface-info.js';

/** Where a datagram came from: the socket shell fills this from the source address. */
export interface Arrival6 {
  /** The receiving interface, known when the source is link-local (its scope); undefined otherwise. */
  iface: InterfaceInfo | undefined;
  /** Source address without its zone. */
  srcAddress: string;
}

/** Stable drop reasons: counters and `dhcp6.drop` log lines are keyed by them. */
export type Ignore6Reason =
  | 'not-a-request'
  | 'unsupported-message'
  | 'relay-too-deep'
  | 'invalid-relay'
  | 'no-interface'
  | 'no-subnet'
  | 'other-server'
  | 'ia-in-information-request'
  | 'missing-client-id'
  | 'invalid-request'
  | 'malformed-option'
  | 'internal-error';

export type Dhcp6Decision =
  | {
      kind: 'reply';
      /** The whole datagram to send: the Reply/Advertise itself, or the Relay-reply chain around it. */
      reply: Dhcp6Packet;
      /** The type of the client-facing message (Reply or Advertise). */
      messageType: number;
      subnet: string;
      /** The client's DUID as colon hex, or `-` when it sent none (Information-request allows that). */
      client: string;
      relayed: boolean;
    }
  | { kind: 'ignore'; reason: Ignore6Reason; client?: string; subnet?: string; detail?: string };
