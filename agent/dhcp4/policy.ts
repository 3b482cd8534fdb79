// The DHCPv4 policy (RFC 2131 §4.3): a pure function from a decoded request and where it arrived to a
// decision. Static reservations only: no lease state, no I/O, nothing thrown.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import { BootOp, MessageType } from '../../protocol/dhcp4/message.js';
import type { Dhcp4Message } from '../../protocol/dhcp4/message.js';
import { getOption } from '../../protocol/dhcp4/options.js';
import type { Reservation } from '../../protocol/ipam/types.js';
import { ipv4ToNumber, UNSPECIFIED_IPV4 } from '../../protocol/net/ipv4-address.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';
import { resolveBoot } from './boot.js';
import { clientMac } from './client-mac.js';
import type { CompiledSubnet4 } from './compiled-subnet.js';
import type { Dhcp4Decision, IgnoreReason } from './decision.js';
import type { Arrival } from './arrival.js';
import { buildLeaseReply, buildNak, fitReply, maxMessageLength } from './reply-builder.js';
import { replyDestination } from './reply-destination.js';
import { isOurServerId, serverIdentifier } from './server-identifier.js';
import type { ServingConfig } from './serving-config.js';
import { selectSubnet } from './subnet-selection.js';

export type { Dhcp4Decision } from './decision.js';
export type { Arrival } from './arrival.js';

const NAK_WRONG_ADDRESS = Buffer.from('requested address is not reserved for this client', 'latin1');

/** Everything the per-type handlers share once the client and subnet are known. */
interface Context {
  request: Dhcp4Message;
  arrival: Arrival;
  config: ServingConfig;
  subnet: CompiledSubnet4;
  reservation: Reservation;
  mac: string;
  serverIp: string;
  serverIdOption: Buffer;
}

function ignore(reason: IgnoreReason, mac: string, subnet?: string, detail?: string): Dhcp4Decision {
  return { kind: 'ignore', reason, mac, subnet, detail };
}

/** By client-id (option 61) when a reservation in the subnet carries it, else by chaddr (RFC 2131 §4.2). */
function findReservation(
  request: Dhcp4Message,
  mac: string,
  subnet: CompiledSubnet4,
  config: ServingConfig,
): Reservation | undefined {
  const clientId = request.options.get(61);
  if (clientId !== undefined && clientId.length > 0 && config.index.hasClientIds) {
    const byId = config.index.byClientId(subnet.cidrText, bytesToColonHex(clientId));
    if (byId !== undefined) return byId;
  }
  return config.index.byMac(subnet.cidrText, mac);
}

function reply(ctx: Context, messageType: MessageType, inform: boolean): Dhcp4Decision {
  const { request, subnet } = ctx;
  const maxLength = maxMessageLength(getOption(request.options, 'max-message-size'));
  const built = buildLeaseReply({
    request,
    messageType: messageType as MessageType.Offer | MessageType.Ack,
    inform,
    ip: ctx.reservation.ip,
    serverIdOption: ctx.serverIdOption,
    subnet,
    reservation: ctx.config.reservations.get(ctx.reservation, subnet),
    boot: resolveBoot(request, subnet.boot, subnet.disabledArchs),
  });
  if (!fitReply(built, maxLength)) return ignore('reply-too-large', ctx.mac, subnet.cidrText);
  const destination = replyDestination(request, messageType, built.yiaddr, ctx.arrival, ctx.serverIp);
  return {
    kind: 'reply',
    reply: built,
    destination,
    maxLength,
    subnet: subnet.cidrText,
    mac: ctx.mac,
    ip: ctx.reservation.ip,
    messageType,
  };
}

function nak(ctx: Context, refused: string): Dhcp4Decision {
  const built = buildNak(ctx.request, ctx.serverIdOption, NAK_WRONG_ADDRESS);
  const destination = replyDestination(ctx.request, MessageType.Nak, UNSPECIFIED_IPV4, ctx.arrival, ctx.serverIp);
  const maxLength = maxMessageLength(undefined);
  return {
    kind: 'reply',
    reply: built,
    destination,
    maxLength,
    subnet: ctx.subnet.cidrText,
    mac: ctx.mac,
    ip: refused,
    messageType: MessageType.Nak,
  };
}

/** RFC 2131 §4.3.2: SELECTING, INIT-REBOOT, or RENEWING/REBINDING, told apart by 54, 50 and ciaddr. */
function handleRequest(ctx: Context): Dhcp4Decision {
  const { request } = ctx;
  const serverId = getOption(request.options, 'server-identifier');
  const requested = getOption(request.options, 'requested-address');
  if (serverId !== undefined) {
    if (!isOurServerId(serverId, ctx.serverIp, ctx.arrival))
      return ignore('other-server', ctx.mac, ctx.subnet.cidrText, serverId);
    const asked = requested ?? request.ciaddr;
    return asked === ctx.reservation.ip ? reply(ctx, MessageType.Ack, false) : nak(ctx, asked);
  }
  const asked = requested ?? (request.ciaddr !== UNSPECIFIED_IPV4 ? request.ciaddr : undefined);
  if (asked === undefined)
    return ignore(
      'invalid-request',
      ctx.mac,
      ctx.subnet.cidrText,
      'REQUEST without server identifier, requested address or ciaddr',
    );
  return asked === ctx.reservation.ip ? reply(ctx, MessageType.Ack, false) : nak(ctx, asked);
}

/** RELEASE (§4.3.4) carries the address in ciaddr; DECLINE (§4.3.3) in option 50. */
function note(ctx: Context, event: 'release' | 'decline'): Dhcp4Decision {
  const { request } = ctx;
  const serverId = getOption(request.options, 'server-identifier');
  if (serverId !== undefined && !isOurServerId(serverId, ctx.serverIp, ctx.arrival)) {
    return ignore('other-server', ctx.mac, ctx.subnet.cidrText, serverId);
  }
  const stated = event === 'decline' ? getOption(request.options, 'requested-address') : request.ciaddr;
  const ip = stated !== undefined && stated !== UNSPECIFIED_IPV4 ? stated : ctx.reservation.ip;
  return { kind: 'note', event, mac: ctx.mac, ip, subnet: ctx.subnet.cidrText };
}

function dispatch(ctx: Context, type: MessageType): Dhcp4Decision {
  switch (type) {
    case MessageType.Discover:
      return reply(ctx, MessageType.Offer, false);
    case MessageType.Request:
      return handleRequest(ctx);
    case MessageType.Inform:
      return reply(ctx, MessageType.Ack, true);
    case MessageType.Release:
      return note(ctx, 'release');
    case MessageType.Decline:
      return note(ctx, 'decline');
    default:
      return ignore('unsupported-message', ctx.mac, ctx.subnet.cidrText);
  }
}

const HANDLED_TYPES: ReadonlySet<number> = new Set([
  MessageType.Discover,
  MessageType.Request,
  MessageType.Inform,
  MessageType.Release,
  MessageType.Decline,
]);

function decide(request: Dhcp4Message, arrival: Arrival, config: ServingConfig, mac: string): Dhcp4Decision {
  if (request.op !== BootOp.Request) return ignore('not-a-request', mac);
  const type = getOption(request.options, 'message-type');
  if (type === undefined) return ignore('no-message-type', mac);
  if (!HANDLED_TYPES.has(type)) return ignore('unsupported-message', mac, undefined, `message type ${type}`);
  const subnet = selectSubnet(request, arrival, config);
  if (subnet === undefined) return ignore('no-subnet', mac);
  const reservation = findReservation(request, mac, subnet, config);
  if (reservation === undefined) return ignore('unknown-client', mac, subnet.cidrText);
  const serverIp = serverIdentifier(subnet, arrival, request.giaddr !== UNSPECIFIED_IPV4);
  if (serverIp === undefined) return ignore('no-server-address', mac, subnet.cidrText);
  const serverIdOption = subnet.serverIdOption ?? serverIdBytes(serverIp);
  return dispatch({ request, arrival, config, subnet, reservation, mac, serverIp, serverIdOption }, type);
}

/** Option 54 per server address: a handful of addresses, asked for on every reply. Never mutated by the encoder. */
const serverIdOptions = new Map<string, Buffer>();

function serverIdBytes(ip: string): Buffer {
  let option = serverIdOptions.get(ip);
  if (option === undefined) {
    if (serverIdOptions.size >= 1024) serverIdOptions.clear(); // bounded however many addresses come and go
    const value = ipv4ToNumber(ip);
    option = Buffer.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
    serverIdOptions.set(ip, option);
  }
  return option;
}

/**
 * Never throws: a malformed option in the request becomes ignore 'malformed-option', a bug 'internal-error'.
 * `mac` is clientMac(request), passed when the caller has it already.
 */
export function handleDhcp4(
  request: Dhcp4Message,
  arrival: Arrival,
  config: ServingConfig,
  mac = clientMac(request),
): Dhcp4Decision {
  try {
    return decide(request, arrival, config, mac);
  } catch (error) {
    if (error instanceof DecodeError) return ignore('malformed-option', mac, undefined, error.message);
    // A bug, not a bad packet; still no throw (one packet must not stop the capture loop), but say so.
    return ignore(
      'internal-error',
      mac,
      undefined,
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  }
}
