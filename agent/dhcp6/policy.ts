// The DHCPv6 policy (RFC 8415 §16 message validation, §18.3 server behaviour, §19–§20 relays): a pure function
// from a decoded datagram and where it arrived to a decision. Stateless: no bindings, no I/O, nothing thrown.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import { bytesToColonHex } from '../../protocol/net/mac.js';
import type { Dhcp6Message, Dhcp6Packet, Dhcp6RelayMessage } from '../../protocol/dhcp6/message.js';
import { findOption, MessageType6 } from '../../protocol/dhcp6/message.js';
import { DHCP6_OPTIONS } from '../../protocol/dhcp6/option-table.js';
import { getOption6 } from '../../protocol/dhcp6/options.js';
import type { CompiledSubnet6 } from './compiled-subnet.js';
import type { Arrival6, Dhcp6Decision, Ignore6Reason } from './decision.js';
import { unwrapRelays, wrapReply } from './relay-chain.js';
import { buildInformationReply, buildNoAddrsAdvertise, buildNoAddrsReply } from './reply-builder.js';
import type { Dhcp6ServingConfig } from './serving-config.js';
import { subnetForInterface, subnetForRelays } from './subnet-selection.js';

export type { Arrival6, Dhcp6Decision } from './decision.js';

const CLIENT_ID = DHCP6_OPTIONS['client-id'].code;
const SERVER_ID = DHCP6_OPTIONS['server-id'].code;
const IA_CODES: readonly number[] = [
  DHCP6_OPTIONS['ia-na'].code,
  DHCP6_OPTIONS['ia-ta'].code,
  DHCP6_OPTIONS['ia-pd'].code,
];

const ANSWERED: ReadonlySet<number> = new Set([
  MessageType6.InformationRequest,
  MessageType6.Solicit,
  MessageType6.Request,
]);
/** §7.3 messages a client sends; the stateful ones (Confirm, Renew, Rebind, Release, Decline) get no answer here. */
const CLIENT_TYPES: ReadonlySet<number> = new Set([
  ...ANSWERED,
  MessageType6.Confirm,
  MessageType6.Renew,
  MessageType6.Rebind,
  MessageType6.Release,
  MessageType6.Decline,
]);

interface Context {
  message: Dhcp6Message;
  relays: Dhcp6RelayMessage[];
  subnet: CompiledSubnet6;
  config: Dhcp6ServingConfig;
  client: string;
}

function ignore(reason: Ignore6Reason, client?: string, subnet?: string, detail?: string): Dhcp6Decision {
  return { kind: 'ignore', reason, client, subnet, detail };
}

function serverIdMatches(message: Dhcp6Message, serverDuid: Buffer): boolean | undefined {
  const serverId = findOption(message.options, SERVER_ID);
  return serverId === undefined ? undefined : serverId.data.equals(serverDuid);
}

function answer(ctx: Context, reply: Dhcp6Message): Dhcp6Decision {
  const packet = wrapReply(reply, ctx.relays);
  return {
    kind: 'reply',
    reply: packet,
    messageType: reply.type,
    subnet: ctx.subnet.cidrText,
    client: ctx.client,
    relayed: ctx.relays.length > 0,
  };
}

/** §16.12: no IA, and a Server Identifier (optional here) must be ours. */
function informationRequest(ctx: Context): Dhcp6Decision {
  const { message, config } = ctx;
  if (message.options.some((o) => IA_CODES.includes(o.code)))
    return ignore('ia-in-information-request', ctx.client, ctx.subnet.cidrText);
  if (serverIdMatches(message, config.serverDuid) === false)
    return ignore('other-server', ctx.client, ctx.subnet.cidrText);
  checkClientId(message);
  const oro = getOption6(message.options, 'oro');
  return answer(ctx, buildInformationReply(message, ctx.subnet, config.serverDuid, oro));
}

/** §16.2 Solicit (no Server Identifier) and §16.4 Request (ours): both need a Client Identifier. */
function addressRequest(ctx: Context): Dhcp6Decision {
  const { message, config } = ctx;
  if (findOption(message.options, CLIENT_ID) === undefined)
    return ignore('missing-client-id', ctx.client, ctx.subnet.cidrText);
  checkClientId(message);
  const ours = serverIdMatches(message, config.serverDuid);
  if (message.type === MessageType6.Solicit) {
    if (ours !== undefined)
      return ignore('invalid-request', ctx.client, ctx.subnet.cidrText, 'Solicit with a Server Identifier');
    return answer(ctx, buildNoAddrsAdvertise(message, config.serverDuid));
  }
  if (ours !== true) return ignore('other-server', ctx.client, ctx.subnet.cidrText);
  return answer(ctx, buildNoAddrsReply(message, config.serverDuid));
}

/** A Client Identifier we echo must at least be a DUID (§11); a malformed one throws DecodeError. */
function checkClientId(message: Dhcp6Message): void {
  getOption6(message.options, 'client-id');
}

function clientOf(message: Dhcp6Message): string {
  const clientId = findOption(message.options, CLIENT_ID);
  return clientId === undefined ? '-' : bytesToColonHex(clientId.data);
}

function decide(packet: Dhcp6Packet, arrival: Arrival6, config: Dhcp6ServingConfig): Dhcp6Decision {
  const unwrapped = unwrapRelays(packet);
  if (!unwrapped.ok) return ignore(unwrapped.reason, undefined, undefined, unwrapped.detail);
  const { relays, message } = unwrapped;
  const client = clientOf(message);
  const type = message.type;
  if (!ANSWERED.has(type)) {
    return ignore(
      CLIENT_TYPES.has(type) ? 'unsupported-message' : 'not-a-request',
      client,
      undefined,
      `message type ${type}`,
    );
  }
  let subnet: CompiledSubnet6 | undefined;
  if (relays.length > 0) {
    subnet = subnetForRelays(config.subnets, relays);
  } else {
    if (arrival.iface === undefined)
      return ignore('no-interface', client, undefined, `from ${arrival.srcAddress}: not link-local and not relayed`);
    subnet = subnetForInterface(config.subnets, arrival.iface);
  }
  if (subnet === undefined) return ignore('no-subnet', client);
  const ctx: Context = { message, relays, subnet, config, client };
  return type === MessageType6.InformationRequest ? informationRequest(ctx) : addressRequest(ctx);
}

/** Never throws: a malformed message or option becomes ignore 'malformed-option', a bug 'internal-error'. */
export function handleDhcp6(packet: Dhcp6Packet, arrival: Arrival6, config: Dhcp6ServingConfig): Dhcp6Decision {
  try {
    return decide(packet, arrival, config);
  } catch (error) {
    if (error instanceof DecodeError) return ignore('malformed-option', undefined, undefined, error.message);
    return ignore(
      'internal-error',
      undefined,
      undefined,
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  }
}
