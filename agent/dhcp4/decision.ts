// What the DHCPv4 policy decided for one request (RFC 2131 §4.3): a reply with its §4.1 destination,
// a silent drop with a stable reason, or a note (RELEASE / DECLINE) for the shell to log.

import type { MessageType, Dhcp4Message } from '../../protocol/dhcp4/message.js';
import type { ReplyDestination } from './reply-destination.js';

/** Stable drop reasons: counters and `dhcp4.drop` log lines are keyed by them. */
export type IgnoreReason =
  | 'not-a-request'
  | 'no-message-type'
  | 'unsupported-message'
  | 'no-subnet'
  | 'unknown-client'
  | 'other-server'
  | 'no-server-address'
  | 'malformed-option'
  | 'invalid-request'
  | 'reply-too-large'
  | 'internal-error';

export type Dhcp4Decision =
  | {
      kind: 'reply';
      reply: Dhcp4Message;
      destination: ReplyDestination;
      /** The largest DHCP message the client accepts (option 57, at least 576): pass to encodeDhcp4. */
      maxLength: number;
      subnet: string;
      mac: string;
      /** The address given (OFFER/ACK), informed (INFORM ACK) or refused (NAK: the one the client asked for). */
      ip: string;
      messageType: MessageType;
    }
  | { kind: 'ignore'; reason: IgnoreReason; mac: string; subnet?: string; detail?: string }
  | { kind: 'note'; event: 'release' | 'decline'; mac: string; ip: string; subnet: string };
