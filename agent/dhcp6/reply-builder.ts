// Building the server's messages (RFC 8415 §18.3.6 Reply to Information-request, §18.3.9 Advertise,
// §18.3.2 Reply to Request): identifiers first, then the subnet's options chosen and ordered by the ORO.

import type { Dhcp6Message, Dhcp6Option } from '../../protocol/dhcp6/message.js';
import { findOption, MessageType6 } from '../../protocol/dhcp6/message.js';
import { DHCP6_OPTIONS, StatusCode6 } from '../../protocol/dhcp6/option-table.js';
import { encodeOption6, getOptions6 } from '../../protocol/dhcp6/options.js';
import type { CompiledSubnet6 } from './compiled-subnet.js';

const CLIENT_ID = DHCP6_OPTIONS['client-id'].code;
const SERVER_ID = DHCP6_OPTIONS['server-id'].code;

export const NO_ADDRS_TEXT = 'rackd serves stateless DHCPv6 only: no addresses are assigned';
export const NO_PREFIX_TEXT = 'rackd serves stateless DHCPv6 only: no prefixes are delegated';

/** §18.3: every reply carries our Server Identifier and echoes the client's Client Identifier. */
function identifiers(request: Dhcp6Message, serverDuid: Buffer): Dhcp6Option[] {
  const options: Dhcp6Option[] = [{ code: SERVER_ID, data: serverDuid }];
  const clientId = findOption(request.options, CLIENT_ID);
  if (clientId !== undefined) options.push({ code: CLIENT_ID, data: Buffer.from(clientId.data) });
  return options;
}

/**
 * §18.3.6 with §21.7: a client that sends an ORO gets the requested options, in its order (a repeated
 * code once); a client that sends none gets everything the subnet has, in the subnet's order.
 */
export function selectOptions(subnet: CompiledSubnet6, oro: readonly number[] | undefined): Dhcp6Option[] {
  if (oro === undefined) return [...subnet.options];
  const chosen: Dhcp6Option[] = [];
  for (const code of new Set(oro)) {
    for (const option of subnet.options) if (option.code === code) chosen.push(option);
  }
  return chosen;
}

export function buildInformationReply(
  request: Dhcp6Message,
  subnet: CompiledSubnet6,
  serverDuid: Buffer,
  oro: readonly number[] | undefined,
): Dhcp6Message {
  return {
    type: MessageType6.Reply,
    transactionId: request.transactionId,
    options: [...identifiers(request, serverDuid), ...selectOptions(subnet, oro)],
  };
}

/** §18.3.9: an Advertise that will lead nowhere carries only the identifiers and a NoAddrsAvail status. */
export function buildNoAddrsAdvertise(request: Dhcp6Message, serverDuid: Buffer): Dhcp6Message {
  return {
    type: MessageType6.Advertise,
    transactionId: request.transactionId,
    options: [
      ...identifiers(request, serverDuid),
      encodeOption6('status-code', { status: StatusCode6.NoAddrsAvail, message: NO_ADDRS_TEXT }),
    ],
  };
}

/**
 * §18.3.2: each IA comes back empty with its own status (NoAddrsAvail for IA_NA/IA_TA, NoPrefixAvail for
 * IA_PD, §21.13); the top-level NoAddrsAvail says the same to a client that reads only that.
 */
export function buildNoAddrsReply(request: Dhcp6Message, serverDuid: Buffer): Dhcp6Message {
  const noAddrs = [encodeOption6('status-code', { status: StatusCode6.NoAddrsAvail, message: NO_ADDRS_TEXT })];
  const noPrefix = [encodeOption6('status-code', { status: StatusCode6.NoPrefixAvail, message: NO_PREFIX_TEXT })];
  const ias: Dhcp6Option[] = [
    ...getOptions6(request.options, 'ia-na').map((ia) =>
      encodeOption6('ia-na', { iaid: ia.iaid, t1: 0, t2: 0, options: noAddrs }),
    ),
    ...getOptions6(request.options, 'ia-ta').map((ia) => encodeOption6('ia-ta', { iaid: ia.iaid, options: noAddrs })),
    ...getOptions6(request.options, 'ia-pd').map((ia) =>
      encodeOption6('ia-pd', { iaid: ia.iaid, t1: 0, t2: 0, options: noPrefix }),
    ),
  ];
  return {
    type: MessageType6.Reply,
    transactionId: request.transactionId,
    options: [...identifiers(request, serverDuid), ...ias, ...noAddrs],
  };
}
