// Builds DHCPOFFER / DHCPACK / DHCPNAK messages (RFC 2131 §4.3.1–§4.3.5, Table 3) from precompiled option
// Buffers, in a fixed order: 53, 54, lease times, 1, requested options in option-55 order (RFC 2132 §9.8), custom,
// 60 for network boot, 61 echoed (RFC 6842 §3), 82 echoed (RFC 3046 §2.2).

import { encodingLengthDhcp4 } from '../../protocol/dhcp4/codec.js';
import { inlineLength } from '../../protocol/dhcp4/option-placement.js';
import { BootOp, BROADCAST_FLAG, MessageType } from '../../protocol/dhcp4/message.js';
import { isPxeBootServerOption } from '../../protocol/dhcp4/pxe-vendor-options.js';
import type { Dhcp4Message, Dhcp4Options } from '../../protocol/dhcp4/message.js';
import { UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import type { BootAnswer } from './boot.js';
import type { CompiledReservation } from './compiled-reservation.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';

/** RFC 2131 §2: every DHCP client must accept a 576-byte message. */
export const MIN_MAX_MESSAGE_LENGTH = 576;
const MESSAGE_TYPE_OPTIONS: ReadonlyMap<MessageType, Buffer> = new Map(
  [MessageType.Offer, MessageType.Ack, MessageType.Nak].map((type) => [type, Buffer.from([type])]),
);
/** Options trimming may never drop: the reply is meaningless without them (61: RFC 6842 §3, 82: RFC 3046 §2.2). */
const ESSENTIAL_CODES: ReadonlySet<number> = new Set([53, 54, 51, 1, 61, 82]);
const PXE_CLIENT = Buffer.from('PXEClient', 'latin1');

export interface LeaseReplyInput {
  request: Dhcp4Message;
  messageType: MessageType.Offer | MessageType.Ack;
  /** DHCPINFORM answer: no yiaddr and no lease times (RFC 2131 §4.3.5). */
  inform: boolean;
  ip: string;
  serverIdOption: Buffer;
  subnet: CompiledSubnet4;
  reservation: CompiledReservation;
  boot: BootAnswer | undefined;
}

/** Option 57 when it is at least the 576 every client must accept, else 576. */
/** IPv4 (20, no options) + UDP (8) headers: RFC 2131 §2's 576 counts the whole IP datagram. */
const IP_UDP_HEADERS = 28;

/**
 * The largest DHCP payload the client accepts. Option 57 (RFC 2132 §9.10) and the 576-byte floor count the
 * IP datagram (RFC 2131 §2: 312 option bytes "implies … up to 576 octets"), so the headers come off.
 */
export function maxMessageLength(advertised: number | undefined): number {
  const datagram =
    advertised !== undefined && advertised >= MIN_MAX_MESSAGE_LENGTH ? advertised : MIN_MAX_MESSAGE_LENGTH;
  return datagram - IP_UDP_HEADERS;
}

function replyHeader(request: Dhcp4Message, options: Dhcp4Options): Dhcp4Message {
  return {
    op: BootOp.Reply,
    htype: request.htype,
    hlen: request.hlen,
    hops: 0,
    xid: request.xid,
    secs: 0,
    flags: request.flags,
    ciaddr: UNSPECIFIED_IPV4,
    yiaddr: UNSPECIFIED_IPV4,
    siaddr: UNSPECIFIED_IPV4,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    sname: '',
    file: '',
    options,
  };
}

function standardOption(code: number, input: LeaseReplyInput): Buffer | undefined {
  switch (code) {
    case 1:
      return undefined; // already placed right after the lease times
    case 12:
      return input.reservation.hostNameOption;
    case 66:
      return input.boot?.tftpServerOption;
    case 67:
      return input.boot?.bootFileOption;
    default:
      return input.subnet.options.get(code);
  }
}

function addRequestedOptions(options: Dhcp4Options, input: LeaseReplyInput): void {
  const requested = input.request.options.get(55);
  if (requested === undefined) {
    for (const [code, data] of input.subnet.options) if (code !== 1) options.set(code, data);
    for (const code of [12, 66, 67]) {
      const data = standardOption(code, input);
      if (data !== undefined) options.set(code, data);
    }
    return;
  }
  for (const code of requested) {
    const data = standardOption(code, input);
    if (data !== undefined && !options.has(code)) options.set(code, data);
  }
}

/** RFC 6842 §3: the client identifier goes back unmodified; RFC 3046 §2.2: so does the relay agent information. */
function echoClientOptions(request: Dhcp4Message, options: Dhcp4Options): void {
  const clientId = request.options.get(61);
  if (clientId !== undefined) options.set(61, clientId);
  const relayInfo = request.options.get(82);
  if (relayInfo !== undefined) options.set(82, relayInfo);
}

export function buildLeaseReply(input: LeaseReplyInput): Dhcp4Message {
  const { request, subnet, boot } = input;
  const options: Dhcp4Options = new Map();
  options.set(53, MESSAGE_TYPE_OPTIONS.get(input.messageType) as Buffer);
  options.set(54, input.serverIdOption);
  if (!input.inform) {
    options.set(51, subnet.leaseTimeOption);
    options.set(58, subnet.renewalTimeOption);
    options.set(59, subnet.rebindingTimeOption);
  }
  options.set(1, subnet.options.get(1) as Buffer);
  addRequestedOptions(options, input);
  // A name too long for the `file` field reaches the client in option 67 only, asked for or not.
  if (boot?.bootFileOption !== undefined && boot.file === '' && !options.has(67)) options.set(67, boot.bootFileOption);
  // Operator-set options go out whether requested or not (Kea's always-send); same code replaces in place.
  for (const [code, data] of input.reservation.customOptions) options.set(code, data);
  if (boot?.vendorClass !== undefined) options.set(60, boot.vendorClass);
  else if (boot?.pxeClient === true && isPxeBootServerOption(options.get(43))) options.set(60, PXE_CLIENT);
  echoClientOptions(request, options);

  const reply = replyHeader(request, options);
  // Table 3: ciaddr echoes the client's in an ACK (RENEWING, REBINDING, INFORM), 0 in an OFFER.
  if (input.messageType === MessageType.Ack) reply.ciaddr = request.ciaddr;
  if (!input.inform) reply.yiaddr = input.ip;
  if (boot !== undefined) {
    reply.file = boot.file;
    if (boot.siaddr !== undefined) reply.siaddr = boot.siaddr;
  }
  return reply;
}

/**
 * DHCPNAK (RFC 2131 §4.3.2, Table 3): only 53, 54 and 56, plus 61 (RFC 6842 §3) and 82 (RFC 3046 §2.2) echoed;
 * the broadcast bit is set when relayed so the relay broadcasts it on the client's link.
 */
export function buildNak(request: Dhcp4Message, serverIdOption: Buffer, message: Buffer): Dhcp4Message {
  const options: Dhcp4Options = new Map();
  options.set(53, MESSAGE_TYPE_OPTIONS.get(MessageType.Nak) as Buffer);
  options.set(54, serverIdOption);
  options.set(56, message);
  echoClientOptions(request, options);
  const reply = replyHeader(request, options);
  if (request.giaddr !== UNSPECIFIED_IPV4) reply.flags |= BROADCAST_FLAG;
  return reply;
}

function fits(reply: Dhcp4Message, maxLength: number): boolean {
  try {
    encodingLengthDhcp4(reply, { maxLength });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

function lastOptionalCode(options: Dhcp4Options): number | undefined {
  let last: number | undefined;
  for (const code of options.keys()) if (!ESSENTIAL_CODES.has(code)) last = code;
  return last;
}

/**
 * Drops optional options from the end until the reply encodes within `maxLength`; mutates `reply.options`.
 * Returns false when even the essential options do not fit.
 */
export function fitReply(reply: Dhcp4Message, maxLength: number): boolean {
  if (inlineLength(reply) <= maxLength) return true;
  while (!fits(reply, maxLength)) {
    const code = lastOptionalCode(reply.options);
    if (code === undefined) return false;
    reply.options.delete(code);
  }
  return true;
}
