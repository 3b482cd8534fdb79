// An IPv6 subnet compiled for stateless DHCPv6 (RFC 8415 §18.3.6, RFC 3646 DNS, RFC 4075 SNTP, RFC 5908 NTP,
// §21.23 information refresh time): every option it can send is encoded once, so a Reply only copies Buffers.

import { parseCidr6 } from '../../protocol/ipam/ipv6-text.js';
import type { Cidr6 } from '../../protocol/ipam/ipv6-text.js';
import type { Subnet6Config } from '../../protocol/ipam/types.js';
import type { Dhcp6Option } from '../../protocol/dhcp6/message.js';
import { encodeOption6 } from '../../protocol/dhcp6/options.js';
import { encodeOption6Value } from '../../protocol/dhcp6/option-values.js';

/** RFC 8415 §21.23 IRT_DEFAULT and IRT_MINIMUM. */
export const DEFAULT_INFO_REFRESH_TIME = 86_400;
export const MIN_INFO_REFRESH_TIME = 600;

export interface CompiledSubnet6 {
  readonly cidr: Cidr6;
  /** Normalised prefix text, as in the IPAM file. */
  readonly cidrText: string;
  readonly infoRefreshTime: number;
  /**
   * Options this subnet answers with, in the order sent to a client that names no ORO. A code may repeat
   * (RFC 5908 §4: one NTP server option per server); custom options replace standard ones of their code.
   */
  readonly options: readonly Dhcp6Option[];
}

type CustomOption6 = NonNullable<Subnet6Config['options']>[number];

/** `0a0b0c` or `0a:0b:0c`; the IPAM schema has checked the text. */
function hexBytes(text: string): Buffer {
  return Buffer.from(text.replace(/[:\-\s]/g, ''), 'hex');
}

export function encodeCustomOption6(option: CustomOption6): Dhcp6Option {
  const { code, type, value } = option;
  if (type === 'hex') return { code, data: hexBytes(String(value)) };
  if (type === 'ipv6-list') return { code, data: encodeOption6Value('ipv6-list', value as string[]) };
  if (type === 'ipv6' || type === 'string') return { code, data: encodeOption6Value(type, String(value)) };
  return { code, data: encodeOption6Value(type, Number(value)) };
}

function standardOptions(subnet: Subnet6Config, infoRefreshTime: number): Dhcp6Option[] {
  const options: Dhcp6Option[] = [];
  if (subnet.dns_servers?.length) options.push(encodeOption6('dns-servers', subnet.dns_servers));
  if (subnet.search?.length) options.push(encodeOption6('domain-list', subnet.search));
  if (subnet.ntp_servers?.length) {
    for (const address of subnet.ntp_servers) options.push(encodeOption6('ntp-server', [{ kind: 'address', address }]));
    // RFC 5908 §1 deprecates SNTP's option 31 for NTP's 56, but older clients (busybox, some dhclients) ask only for
    // 31.
    options.push(encodeOption6('sntp-servers', subnet.ntp_servers));
  }
  options.push(encodeOption6('information-refresh-time', infoRefreshTime));
  return options;
}

/** `subnet` has passed the IPAM schema. */
export function compileSubnet6(subnet: Subnet6Config): CompiledSubnet6 {
  const cidr = parseCidr6(subnet.cidr);
  if (!cidr) throw new RangeError(`subnet ${subnet.cidr}: not an IPv6 prefix (the IPAM file must be validated first)`);
  const infoRefreshTime = Math.max(MIN_INFO_REFRESH_TIME, subnet.info_refresh_time ?? DEFAULT_INFO_REFRESH_TIME);
  const custom = new Map<number, Dhcp6Option>();
  for (const option of subnet.options ?? []) custom.set(option.code, encodeCustomOption6(option));
  const options = [...standardOptions(subnet, infoRefreshTime).filter((o) => !custom.has(o.code)), ...custom.values()];
  return {
    cidr: { network: cidr.network, prefixLength: cidr.prefixLength, last: cidr.last },
    cidrText: subnet.cidr,
    infoRefreshTime,
    options,
  };
}
