// Relay-forward unwrapping and Relay-reply wrapping (RFC 8415 §19.3, §20.1): the server answers the innermost
// client message and wraps the answer once per relay, copying hop-count, link- and peer-address and Interface-ID.

import { decodeDhcp6, encodeDhcp6 } from '../../protocol/dhcp6/codec.js';
import { findOption, isRelayMessage, MessageType6 } from '../../protocol/dhcp6/message.js';
import type { Dhcp6Message, Dhcp6Option, Dhcp6Packet, Dhcp6RelayMessage } from '../../protocol/dhcp6/message.js';
import { DHCP6_OPTIONS } from '../../protocol/dhcp6/option-table.js';

/** RFC 8415 §7.6 HOP_COUNT_LIMIT: no legitimate chain nests deeper. */
export const HOP_COUNT_LIMIT = 32;

const RELAY_MESSAGE = DHCP6_OPTIONS['relay-message'].code;
const INTERFACE_ID = DHCP6_OPTIONS['interface-id'].code;

export type Unwrapped =
  | { ok: true; relays: Dhcp6RelayMessage[]; message: Dhcp6Message }
  | { ok: false; reason: 'relay-too-deep' | 'invalid-relay' | 'not-a-request'; detail: string };

/** Outermost relay first; throws DecodeError when an inner message is malformed. */
export function unwrapRelays(packet: Dhcp6Packet): Unwrapped {
  const relays: Dhcp6RelayMessage[] = [];
  let current = packet;
  while (isRelayMessage(current)) {
    if (current.type !== MessageType6.RelayForward)
      return { ok: false, reason: 'not-a-request', detail: 'Relay-reply sent to a server' };
    if (relays.length >= HOP_COUNT_LIMIT)
      return { ok: false, reason: 'relay-too-deep', detail: `more than ${HOP_COUNT_LIMIT} relays` };
    const inner = findOption(current.options, RELAY_MESSAGE);
    if (inner === undefined)
      return { ok: false, reason: 'invalid-relay', detail: 'Relay-forward without a Relay Message option' };
    relays.push(current);
    current = decodeDhcp6(inner.data);
  }
  return { ok: true, relays, message: current };
}

/** §19.3: each Relay-reply mirrors its Relay-forward; the Interface-ID must come back unchanged (§21.18). */
export function wrapReply(reply: Dhcp6Message, relays: readonly Dhcp6RelayMessage[]): Dhcp6Packet {
  let packet: Dhcp6Packet = reply;
  for (let i = relays.length - 1; i >= 0; i--) {
    const forward = relays[i] as Dhcp6RelayMessage;
    const options: Dhcp6Option[] = [];
    const interfaceId = findOption(forward.options, INTERFACE_ID);
    if (interfaceId !== undefined) options.push({ code: INTERFACE_ID, data: Buffer.from(interfaceId.data) });
    options.push({ code: RELAY_MESSAGE, data: encodeDhcp6(packet) });
    packet = {
      type: MessageType6.RelayReply,
      hopCount: forward.hopCount,
      linkAddress: forward.linkAddress,
      peerAddress: forward.peerAddress,
      options,
    };
  }
  return packet;
}
